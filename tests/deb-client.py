#!/usr/bin/env python3
"""deb-client.py PORTSFILE -- a newsreader's and an IRC client's first
exchange with a running hearthd (tests/fresh-machine --deb runs it in the
throwaway root against the packaged daemon).

NNTP and NNTPS: the greeting (200 or 201), MODE READER, LIST ACTIVE
(215 and the groups), QUIT.  IRC and IRCS: NICK and USER, answering
PING, until RPL_WELCOME (001), then QUIT.  Ports come from hearthd's
ports file ("proto address port" a line).  Prints each exchange; exits
1 at the first answer that is not the expected one.
"""
import socket
import ssl
import sys
import time


def fail(msg):
    print("deb-client: FAIL: " + msg, flush=True)
    sys.exit(1)


def ports(path):
    found = {}
    with open(path) as f:
        for line in f:
            proto, addr, port = line.split()
            found.setdefault(proto, (addr.strip("[]"), int(port)))
    return found


def connect(addr, tls):
    sock = socket.create_connection(addr, timeout=20)
    if tls:
        ctx = ssl.create_default_context()
        # The package's first start makes a self-signed certificate.
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        sock = ctx.wrap_socket(sock)
        print("  TLS: %s %s" % (sock.version(), sock.cipher()[0]))
    return sock, sock.makefile("rb")


def send(sock, line):
    print("  > " + line)
    sock.sendall((line + "\r\n").encode())


def recv(f):
    line = f.readline()
    if not line:
        fail("connection closed")
    line = line.decode("utf-8", "replace").rstrip("\r\n")
    print("  < " + line)
    return line


def nntp(name, addr, tls):
    print("%s %s:%d" % (name, addr[0], addr[1]))
    sock, f = connect(addr, tls)
    if recv(f)[:3] not in ("200", "201"):
        fail(name + ": no 200/201 greeting")
    send(sock, "MODE READER")
    if recv(f)[:3] not in ("200", "201"):
        fail(name + ": MODE READER refused")
    send(sock, "LIST ACTIVE")
    if recv(f)[:3] != "215":
        fail(name + ": LIST did not answer 215")
    groups = []
    while True:
        line = recv(f)
        if line == ".":
            break
        groups.append(line.split()[0])
    if not groups:
        fail(name + ": LIST shows no groups")
    send(sock, "QUIT")
    if recv(f)[:3] != "205":
        fail(name + ": QUIT not answered 205")
    sock.close()
    print("%s: ok, %d groups" % (name, len(groups)))


def irc(name, addr, tls, nick):
    print("%s %s:%d" % (name, addr[0], addr[1]))
    sock, f = connect(addr, tls)
    send(sock, "NICK " + nick)
    send(sock, "USER %s 0 * :Fresh machine check" % nick)
    deadline = time.time() + 20
    while time.time() < deadline:
        line = recv(f)
        words = line.split()
        if words and words[0] == "PING":
            send(sock, "PONG " + " ".join(words[1:]))
        elif len(words) > 1 and words[1] == "001":
            break
        elif len(words) > 1 and words[1][:1] in ("4", "5"):
            fail(name + ": registration refused")
    else:
        fail(name + ": no 001 within 20 s")
    send(sock, "QUIT :bye")
    sock.close()
    print("%s: ok, 001 received" % name)


def main():
    p = ports(sys.argv[1])
    for proto in ("nntp", "nntps", "irc", "ircs"):
        if proto not in p:
            fail("no %s listener in %s" % (proto, sys.argv[1]))
    nntp("NNTP", p["nntp"], False)
    nntp("NNTPS", p["nntps"], True)
    irc("IRC", p["irc"], False, "debcheck")
    irc("IRCS", p["ircs"], True, "debcheck2")
    print("deb-client: all exchanges ok", flush=True)


if __name__ == "__main__":
    main()
