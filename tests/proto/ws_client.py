"""A small WebSocket client (RFC 6455) from the standard library, for
the IRC-over-WebSocket tests: the opening handshake with any headers
(and deliberately wrong ones), masked frames, fragmentation, control
frames, and the raw bytes to break the rules with.
"""

import base64
import hashlib
import os
import socket
import ssl
import struct

from hearth_test import SCALE, tls_client_context

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

CONT, TEXT, BINARY, CLOSE, PING, PONG = 0, 1, 2, 8, 9, 10


class HandshakeRefused(Exception):
    """The server answered the opening handshake with an HTTP error."""

    def __init__(self, status, headers, body):
        super().__init__("HTTP %d: %s" % (status, body))
        self.status = status
        self.headers = headers
        self.body = body


class Closed(Exception):
    """The server sent a close frame (CODE, or None without one) or
    closed the connection."""

    def __init__(self, code, reason=b""):
        super().__init__("closed: %r %r" % (code, reason))
        self.code = code
        self.reason = reason


def frame(opcode, payload, fin=True, mask=True, rsv=0, length=None):
    """One frame's bytes; LENGTH announces a length other than the
    payload's (for frames whose payload is never sent whole)."""
    n = len(payload) if length is None else length
    head = bytes([(0x80 if fin else 0) | (rsv << 4) | opcode])
    mbit = 0x80 if mask else 0
    if n < 126:
        head += bytes([mbit | n])
    elif n < 65536:
        head += bytes([mbit | 126]) + struct.pack("!H", n)
    else:
        head += bytes([mbit | 127]) + struct.pack("!Q", n)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


class WsClient:
    """An IRC client over WebSocket: send(line) and readline() like
    hearth_test.LineClient, so irc_helpers.Irc can drive it."""

    def __init__(self, addr, path="/irc", subprotocols=None, tls=False,
                 origin=None, version="13", key=None, extra=(),
                 timeout=5, source=None, method="GET", http="HTTP/1.1"):
        self.sock = socket.create_connection(
            addr, timeout=timeout * SCALE,
            source_address=(source, 0) if source else None)
        if tls:
            self.sock = tls_client_context().wrap_socket(
                self.sock, server_hostname="hearth.test")
        self.buf = b""
        self.binary = False
        self.close_code = None
        self.pongs = []
        key = key if key is not None else \
            base64.b64encode(os.urandom(16)).decode()
        host = "%s:%d" % addr
        lines = ["%s %s %s" % (method, path, http), "Host: " + host,
                 "Upgrade: websocket", "Connection: Upgrade"]
        if key != "":
            lines.append("Sec-WebSocket-Key: " + key)
        if version is not None:
            lines.append("Sec-WebSocket-Version: " + version)
        if subprotocols:
            lines.append("Sec-WebSocket-Protocol: " + ", ".join(subprotocols))
        if origin is not None:
            lines.append("Origin: " + origin)
        lines.extend(extra)
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        status, headers, body = self._read_head()
        if status != 101:
            self.close()
            raise HandshakeRefused(status, headers, body)
        want = base64.b64encode(hashlib.sha1(
            (key + GUID).encode()).digest()).decode()
        assert headers.get("sec-websocket-accept") == want, headers
        assert headers.get("upgrade", "").lower() == "websocket", headers
        self.subprotocol = headers.get("sec-websocket-protocol")
        self.binary = self.subprotocol == "binary.ircv3.net"

    def _read_head(self):
        while b"\r\n\r\n" not in self.buf:
            data = self.sock.recv(65536)
            if not data:
                raise EOFError("closed during the handshake: %r" % self.buf)
            self.buf += data
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for l in lines[1:]:
            k, _, v = l.partition(":")
            headers[k.strip().lower()] = v.strip()
        body = b""
        n = int(headers.get("content-length", "0"))
        while len(self.buf) < n:
            data = self.sock.recv(65536)
            if not data:
                break
            self.buf += data
        body, self.buf = self.buf[:n], self.buf[n:]
        return status, headers, body.decode("utf-8", "replace")

    def _read(self, n):
        while len(self.buf) < n:
            data = self.sock.recv(65536)
            if not data:
                raise Closed(None)
            self.buf += data
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def recv_frame(self):
        """(fin, opcode, payload) of the next frame, which the server
        must send unmasked."""
        b0, b1 = self._read(2)
        assert not b1 & 0x80, "server frames are never masked"
        assert not b0 & 0x70, "no extension was negotiated"
        n = b1 & 0x7f
        if n == 126:
            n = struct.unpack("!H", self._read(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._read(8))[0]
        return bool(b0 & 0x80), b0 & 0x0f, self._read(n)

    def recv_message(self):
        """(opcode, payload) of the next data message; pings are
        answered, pongs kept, a close raises Closed (answered once)."""
        parts, op = [], None
        while True:
            fin, opcode, payload = self.recv_frame()
            if opcode == PING:
                self.send_frame(PONG, payload)
                continue
            if opcode == PONG:
                self.pongs.append(payload)
                continue
            if opcode == CLOSE:
                code = struct.unpack("!H", payload[:2])[0] \
                    if len(payload) >= 2 else None
                if self.close_code is None:
                    self.close_code = code
                    try:
                        self.send_frame(CLOSE, payload[:2])
                    except OSError:
                        pass
                raise Closed(code, payload[2:])
            if opcode != CONT:
                op = opcode
            parts.append(payload)
            if fin:
                return op, b"".join(parts)

    def send_frame(self, opcode, payload, **kw):
        self.sock.sendall(frame(opcode, payload, **kw))

    def sendraw(self, data):
        self.sock.sendall(data)

    def send(self, line):
        """One IRC line as one message of the negotiated type."""
        data = line.encode() if isinstance(line, str) else line
        self.send_frame(BINARY if self.binary else TEXT, data)

    def readline(self):
        """The next IRC line as str (each message is one, without
        CR LF); EOFError once the server closed."""
        try:
            op, payload = self.recv_message()
        except Closed as e:
            raise EOFError("websocket closed with %r" % e.code)
        assert op == (BINARY if self.binary else TEXT), (op, payload)
        assert not payload.endswith(b"\n") and b"\r" not in payload, payload
        return payload.decode("utf-8", "replace")

    def read_until(self, pred, limit=1000):
        lines = []
        for _ in range(limit):
            line = self.readline()
            lines.append(line)
            if pred(line):
                return lines
        raise AssertionError("no matching line in %r" % lines[-20:])

    def close_code_after(self, timeout=5):
        """Read until the server's close frame; its code (None: the
        connection ended without one)."""
        self.sock.settimeout(timeout * SCALE)
        try:
            while True:
                self.recv_message()
        except Closed as e:
            return e.code
        except (ConnectionResetError, BrokenPipeError, ssl.SSLError):
            return None

    def is_closed(self, timeout=5):
        """True when the server ended the connection within TIMEOUT."""
        self.sock.settimeout(timeout * SCALE)
        try:
            while True:
                self.recv_message()
        except (Closed, ConnectionResetError, BrokenPipeError,
                ssl.SSLError):
            return True
        except socket.timeout:
            return False

    def tcp_closed(self, timeout=5):
        """True when the TCP connection ends within TIMEOUT (after any
        frames still coming)."""
        self.sock.settimeout(timeout * SCALE)
        try:
            while True:
                data = self.sock.recv(65536)
                if not data:
                    return True
        except (ConnectionResetError, BrokenPipeError, ssl.SSLError):
            return True
        except socket.timeout:
            return False

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def raw_request(addr, head, tls=False):
    """Send HEAD (the request's text) and return (status, headers,
    body) of the answer."""
    c = WsClient.__new__(WsClient)
    c.sock = socket.create_connection(addr, timeout=5 * SCALE)
    if tls:
        c.sock = tls_client_context().wrap_socket(
            c.sock, server_hostname="hearth.test")
    c.buf = b""
    c.sock.sendall(head.encode())
    try:
        return c._read_head()
    finally:
        c.close()
