/*
 * ws.c -- WebSocket (RFC 6455) as a transport: a bufferevent filter
 * between the socket (or TLS) and the line reader, like COMPRESS.
 *
 * The framing is wslay's event API, driven from the filter: its reads
 * take the bytes the layer below received, its writes append frames to
 * the layer below's output.  wslay checks what RFC 6455 asks of a
 * server: masked client frames (else 1002), control frames of at most
 * 125 bytes and never fragmented, continuation order, valid UTF-8 in
 * text messages and close reasons (else 1007), the message size
 * (max_recv_msg_length: a message, fragments together, longer than the
 * protocol's line gets 1009 before its payload is read), pings answered
 * with pongs and a close answered with a close.
 *
 * What this file adds is IRC's framing (the IRCv3 WebSocket
 * specification): one line per message, in either message type, with
 * no CR or LF inside (trailing ones are forgiven; inside, 1007); each
 * line the protocol writes goes out as one message without its CR LF,
 * as a text message whose bytes that are not UTF-8 become U+FFFD, or
 * as a binary message as it is.  Memory stays bounded: wslay holds at
 * most one message of max_msg bytes, lines go on to the line reader
 * (whose input cap and flood check are the protocol's), and what the
 * filter writes itself (pongs, closes) counts against output_cap.
 */
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <wslay/wslay.h>

#include "conn.h"
#include "log.h"
#include "ws.h"
#include "xmalloc.h"

struct conn_ws {
	wslay_event_context_ptr	 ctx;
	struct conn		*c;
	struct bufferevent	*under;		/* socket or TLS below us */
	struct evbuffer		*src;		/* bytes wslay reads now */
	struct evbuffer		*dst;		/* lines for the line reader */
	int			 binary;	/* binary.ircv3.net */
	int			 finished;	/* no more input */
	int			 broken;	/* a frame broke RFC 6455 */
};

/* Text output whose bytes are repaired: grown as needed, reused. */
static unsigned char	*fix_buf;
static size_t		 fix_cap;

static ssize_t
ws_recv_cb(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags,
    void *arg)
{
	struct conn_ws	*w = arg;
	int		 n;

	(void)flags;
	if (w->src == NULL || evbuffer_get_length(w->src) == 0) {
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
		return -1;
	}
	n = evbuffer_remove(w->src, buf, len);
	if (n <= 0) {
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
		return -1;
	}
	return n;
}

/* Frames go to the layer below; its buffer takes everything. */
static ssize_t
ws_send_cb(wslay_event_context_ptr ctx, const uint8_t *data, size_t len,
    int flags, void *arg)
{
	struct conn_ws	*w = arg;

	(void)flags;
	if (evbuffer_add(bufferevent_get_output(w->under), data, len) != 0) {
		wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
		return -1;
	}
	return (ssize_t)len;
}

/* Fail the connection (RFC 6455 §7.1.7): close with CODE, read no more. */
static void
ws_fail(struct conn_ws *w, uint16_t code, const char *why)
{
	log_debug("conn=%llu websocket: %s, closing with %u",
	    (unsigned long long)w->c->id, why, code);
	wslay_event_queue_close(w->ctx, code, (const uint8_t *)why,
	    strlen(why));
	wslay_event_shutdown_read(w->ctx);
}

/*
 * A frame wslay's frame layer refused outright (a control frame over
 * 125 bytes or fragmented, a bad extended length): wslay queues a
 * close without a code and gives up.  The client is told 1002 instead,
 * written here, and wslay writes nothing more.
 */
static void
ws_broken(struct conn_ws *w)
{
	static const unsigned char	close1002[] = { 0x88, 0x02, 0x03, 0xea };

	log_debug("conn=%llu websocket: malformed frame, closing with 1002",
	    (unsigned long long)w->c->id);
	if (!wslay_event_get_close_sent(w->ctx))
		evbuffer_add(bufferevent_get_output(w->under), close1002,
		    sizeof close1002);
	wslay_event_shutdown_write(w->ctx);
	w->broken = 1;
}

/*
 * A whole message: one IRC line for the line reader.  CR and LF at its
 * end are forgiven (older clients send them); one inside would smuggle
 * a second line into a message, which the specification forbids.
 */
static void
ws_msg_cb(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg
    *arg, void *user)
{
	struct conn_ws	*w = user;
	const uint8_t	*m = arg->msg;
	size_t		 n = arg->msg_length;

	(void)ctx;
	if (arg->opcode != WSLAY_TEXT_FRAME && arg->opcode != WSLAY_BINARY_FRAME)
		return;		/* ping, pong, close: wslay answers */
	if (w->dst == NULL)
		return;
	while (n > 0 && (m[n - 1] == '\n' || m[n - 1] == '\r'))
		n--;
	if (n > 0 && (memchr(m, '\n', n) != NULL ||
	    memchr(m, '\r', n) != NULL)) {
		ws_fail(w, WSLAY_CODE_INVALID_FRAME_PAYLOAD_DATA,
		    "one IRC line per message");
		return;
	}
	evbuffer_add(w->dst, m, n);
	evbuffer_add(w->dst, "\n", 1);
}

/*
 * Frames from below: wslay reads all of SRC (a frame cut short waits
 * inside it), whole messages land in DST as lines, and what wslay
 * answers itself (pongs, the close) goes out at once.  The input cap
 * is the line reader's: DST is the buffer it reads, with its own
 * high-water mark and flood check.
 */
static enum bufferevent_filter_result
ws_input(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t lim,
    enum bufferevent_flush_mode mode, void *arg)
{
	struct conn_ws	*w = arg;
	struct conn	*c = w->c;
	int		 rc;

	(void)lim;
	(void)mode;
	if (w->finished) {
		evbuffer_drain(src, evbuffer_get_length(src));
		return BEV_OK;
	}
	w->src = src;
	w->dst = dst;
	rc = wslay_event_recv(w->ctx);
	w->src = w->dst = NULL;
	if (rc == WSLAY_ERR_CALLBACK_FAILURE) {
		ws_broken(w);
		rc = 0;
	} else if (rc == 0)
		rc = wslay_event_send(w->ctx);
	if (rc != 0) {
		log_debug("conn=%llu websocket: wslay error %d",
		    (unsigned long long)c->id, rc);
		w->finished = 1;
		return BEV_ERROR;
	}
	/* Pongs are output too: a client that pings and never reads. */
	if (evbuffer_get_length(bufferevent_get_output(w->under)) >
	    c->srv->cf->output_cap) {
		log_info("conn=%llu proto=%s dropped: output cap of %zu bytes "
		    "reached (slow reader)", (unsigned long long)c->id,
		    proto_name(c->proto), c->srv->cf->output_cap);
		w->finished = 1;
		return BEV_ERROR;
	}
	if (!wslay_event_get_read_enabled(w->ctx)) {
		/*
		 * The close handshake (or a failure) ended the input: the
		 * lines before it are still read, then the connection
		 * closes (conn.c asks ws_finished() when it runs dry).
		 */
		w->finished = 1;
		evbuffer_drain(src, evbuffer_get_length(src));
		if (evbuffer_get_length(dst) == 0)
			conn_resume(c);
	}
	return evbuffer_get_length(src) > 0 ? BEV_NEED_MORE : BEV_OK;
}

/*
 * The bytes of the valid UTF-8 character at S (N bytes left), or 0
 * with the length of its ill-formed part in *BAD (Unicode's "maximal
 * subpart", each replaced by one U+FFFD as browsers do).
 */
static size_t
utf8_char(const unsigned char *s, size_t n, size_t *bad)
{
	unsigned char	c = s[0], lo = 0x80, hi = 0xbf;
	size_t		need, i;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 1;
	else if (c == 0xe0) {
		need = 2;
		lo = 0xa0;
	} else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef)
		need = 2;
	else if (c == 0xed) {
		need = 2;
		hi = 0x9f;	/* no surrogates */
	} else if (c == 0xf0) {
		need = 3;
		lo = 0x90;
	} else if (c >= 0xf1 && c <= 0xf3)
		need = 3;
	else if (c == 0xf4) {
		need = 3;
		hi = 0x8f;	/* nothing past U+10FFFF */
	} else {
		*bad = 1;
		return 0;
	}
	for (i = 1; i <= need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xbf;
	}
	return need + 1;
}

/*
 * LINE (N bytes) as valid UTF-8: itself when it is, else a copy in
 * fix_buf with each ill-formed part replaced by U+FFFD; *OUTLEN set.
 */
static const unsigned char *
utf8_repair(const unsigned char *line, size_t n, size_t *outlen)
{
	size_t	i = 0, o = 0, k, bad;

	while (i < n) {
		if (line[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = utf8_char(line + i, n - i, &bad)) == 0)
			break;
		i += k;
	}
	if (i == n) {
		*outlen = n;
		return line;
	}
	if (fix_cap < n * 3) {
		fix_cap = n * 3;
		fix_buf = xrealloc(fix_buf, fix_cap);
	}
	memcpy(fix_buf, line, i);
	o = i;
	while (i < n) {
		if ((k = utf8_char(line + i, n - i, &bad)) > 0) {
			memcpy(fix_buf + o, line + i, k);
			o += k;
			i += k;
			continue;
		}
		memcpy(fix_buf + o, "\xef\xbf\xbd", 3);
		o += 3;
		i += bad;
	}
	*outlen = o;
	return fix_buf;
}

/*
 * The protocol's output: each complete line (LF, a CR before it
 * dropped) becomes one message; a line not yet complete waits in SRC.
 */
static enum bufferevent_filter_result
ws_output(struct evbuffer *src, struct evbuffer *dst, ev_ssize_t lim,
    enum bufferevent_flush_mode mode, void *arg)
{
	struct conn_ws		*w = arg;
	struct evbuffer_ptr	 p;
	struct wslay_event_msg	 msg;
	const unsigned char	*line;
	size_t			 eol, len, n;

	(void)dst;
	(void)lim;
	(void)mode;
	if (w->broken) {
		evbuffer_drain(src, evbuffer_get_length(src));
		return BEV_OK;
	}
	for (;;) {
		p = evbuffer_search_eol(src, NULL, &eol, EVBUFFER_EOL_LF);
		if (p.pos == -1)
			break;
		len = (size_t)p.pos;
		line = evbuffer_pullup(src, (ev_ssize_t)(len + eol));
		n = len;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		msg.opcode = w->binary ? WSLAY_BINARY_FRAME : WSLAY_TEXT_FRAME;
		msg.msg = w->binary ? line : utf8_repair(line, n, &n);
		msg.msg_length = n;
		/* After our close nothing more is queued: dropped. */
		(void)wslay_event_queue_msg(w->ctx, &msg);
		evbuffer_drain(src, len + eol);
	}
	if (wslay_event_send(w->ctx) != 0)
		return BEV_ERROR;
	return evbuffer_get_length(src) > 0 ? BEV_NEED_MORE : BEV_OK;
}

static void
ws_free(void *arg)
{
	struct conn_ws	*w = arg;

	wslay_event_context_free(w->ctx);
	free(w);
}

struct bufferevent *
ws_filter_new(struct conn *c, struct bufferevent *under, int binary,
    size_t max_msg)
{
	static const struct wslay_event_callbacks cbs = {
		.recv_callback = ws_recv_cb,
		.send_callback = ws_send_cb,
		.on_msg_recv_callback = ws_msg_cb,
	};
	struct conn_ws		*w;
	struct bufferevent	*fb;

	w = xcalloc(1, sizeof *w);
	w->c = c;
	w->under = under;
	w->binary = binary;
	if (wslay_event_context_server_init(&w->ctx, &cbs, w) != 0) {
		free(w);
		return NULL;
	}
	wslay_event_config_set_max_recv_msg_length(w->ctx, max_msg);
	fb = bufferevent_filter_new(under, ws_input, ws_output,
	    BEV_OPT_CLOSE_ON_FREE, ws_free, w);
	if (fb == NULL) {
		ws_free(w);
		return NULL;
	}
	c->ws = w;
	return fb;
}

void
ws_close(struct conn_ws *w, uint16_t code)
{
	if (w->broken || wslay_event_get_close_sent(w->ctx) ||
	    !wslay_event_get_write_enabled(w->ctx))
		return;
	if (wslay_event_queue_close(w->ctx, code, NULL, 0) == 0)
		(void)wslay_event_send(w->ctx);
	w->finished = 1;
}

int
ws_finished(const struct conn_ws *w)
{
	return w->finished;
}

/* RFC 6455 §1.3: the GUID the accept value is made with. */
#define WS_GUID	"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

int
ws_accept_key(const char *key, char *out)
{
	static const char	b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char		md[SHA_DIGEST_LENGTH];
	char			buf[24 + sizeof WS_GUID];
	size_t			i;

	/* 16 bytes in base64: 22 characters, the last with 4 spare bits
	 * clear, and "==". */
	if (strlen(key) != 24 || key[22] != '=' || key[23] != '=')
		return -1;
	for (i = 0; i < 22; i++)
		if (key[i] == '\0' || strchr(b64, key[i]) == NULL)
			return -1;
	if (strchr("AQgw", key[21]) == NULL)
		return -1;
	memcpy(buf, key, 24);
	memcpy(buf + 24, WS_GUID, sizeof WS_GUID - 1);
	if (EVP_Digest(buf, 24 + sizeof WS_GUID - 1, md, NULL, EVP_sha1(),
	    NULL) != 1)
		return -1;
	EVP_EncodeBlock((unsigned char *)out, md, SHA_DIGEST_LENGTH);
	out[WS_ACCEPT_LEN - 1] = '\0';
	return 0;
}
