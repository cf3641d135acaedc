/*
 * http-landing.c -- the front door (issue 16): the landing page, and
 * /clients, the step-by-step settings for a member's own newsreader or
 * IRC client.
 *
 * The landing page says, in the reader's language, what the community
 * is and is not, where to get help at once (the hotline from the
 * configuration), how to join or sign in, and links every public group
 * into the web reader and every listed room into the web chat, with
 * the next events in the server's local time (tz.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "events.h"
#include "feed.h"
#include "http-int.h"
#include "i18n.h"
#include "store.h"
#include "store-news.h"
#include "tz.h"
#include "xmalloc.h"

struct landing_ctx {
	xmlTextWriterPtr	 w;
	struct http_req		*hr;
	int			 rc;
	int			 n;
};

static int
alt_link(xmlTextWriterPtr w, const char *type, const char *title,
    const char *href)
{
	if (html_el(w, "link") != 0 || html_attr(w, "rel", "alternate") != 0 ||
	    html_attr(w, "type", type) != 0 ||
	    html_attr(w, "title", title) != 0 ||
	    html_attr(w, "href", href) != 0 || html_void_end(w) != 0)
		return -1;
	return 0;
}

/* <li>TEXT</li> */
static int
li_text(xmlTextWriterPtr w, const char *text)
{
	return html_wrap(w, "li", text);
}

/*
 * " · SCHEME" linked to SCHEME://host:port/NAME when there is a
 * listener for P ("#" written %23 for IRC), or nothing.
 */
static int
client_link(struct landing_ctx *lc, enum proto p, const char *scheme,
    const char *name)
{
	char	 host[256], *u;
	int	 port, rc;

	if ((port = http_listener_port(lc->hr->srv, p)) <= 0)
		return 0;
	http_host_only(lc->hr, host, sizeof host);
	xasprintf(&u, "%s://%s:%d/%s%s", scheme, host, port,
	    name[0] == '#' ? "%23" : "", name[0] == '#' ? name + 1 : name);
	rc = html_text(lc->w, " \u00b7 ") != 0 ||
	    html_link(lc->w, u, scheme) != 0 ? -1 : 0;
	free(u);
	return rc;
}

/* A public group, linked into the web reader. */
static void
landing_group(const struct group_info *g, void *arg)
{
	struct landing_ctx *lc = arg;
	xmlTextWriterPtr w = lc->w;
	const char	*L = lc->hr->lang;
	char		 enc[512], *u;

	/* Members-only and private groups are for the reader to show. */
	if (strcmp(g->visibility, "public") != 0 || lc->rc != 0)
		return;
	if (http_segment_encode(g->name, strlen(g->name), enc,
	    sizeof enc) < 0)
		return;
	xasprintf(&u, "/groups/%s", enc);
	if (html_el(w, "li") != 0 || html_link(w, u, g->name) != 0 ||
	    html_text(w, strcmp(g->status, "moderated") == 0 ?
	    i18n(L, " (moderated) ") : strcmp(g->status, "readonly") == 0 ?
	    i18n(L, " (announcements) ") : " ") != 0 ||
	    html_text(w, "\u2014 ") != 0 ||
	    html_text(w, i18n(L, g->description)) != 0)
		lc->rc = -1;
	free(u);
	/* For a newsreader that opens news links, and feed readers. */
	if (lc->rc == 0 && (html_el(w, "span") != 0 ||
	    html_attr(w, "class", "meta") != 0 || client_link(lc, PROTO_NNTPS,
	    "nntps", g->name) != 0 || client_link(lc, PROTO_NNTP, "news",
	    g->name) != 0))
		lc->rc = -1;
	if (lc->rc == 0) {
		char	*base = http_base_url(lc->hr);

		xasprintf(&u, "%s/feeds/groups/%s.atom", base, g->name);
		if (html_text(w, " \u00b7 ") != 0 ||
		    html_link(w, u, i18n(L, "Atom feed")) != 0 ||
		    html_end(w) != 0 || html_end(w) != 0)
			lc->rc = -1;
		free(u);
		free(base);
	}
	lc->n++;
}

/* A listed room, linked into the web chat, with its next event. */
static void
landing_room(const struct room_info *r, void *arg)
{
	struct landing_ctx *lc = arg;
	xmlTextWriterPtr w = lc->w;
	const char	*L = lc->hr->lang;
	struct event_info ev;
	char		 enc[512], when[64], *u;

	if (!chat_room_listed(r->modes) || lc->rc != 0)
		return;
	if (http_segment_encode(r->name + 1, strlen(r->name + 1), enc,
	    sizeof enc) < 0)
		return;
	xasprintf(&u, "/chat/%s", enc);
	if (html_el(w, "li") != 0 || html_link(w, u, r->name) != 0 ||
	    html_text(w, " \u2014 ") != 0 ||
	    html_text(w, i18n(L, r->topic)) != 0) {
		free(u);
		lc->rc = -1;
		return;
	}
	free(u);
	if (html_el(w, "span") != 0 || html_attr(w, "class", "meta") != 0 ||
	    client_link(lc, PROTO_IRCS, "ircs", r->name) != 0 ||
	    html_end(w) != 0) {
		lc->rc = -1;
		return;
	}
	if (event_next_in_room(lc->hr->srv, r->name, 7 * 86400, &ev)) {
		tz_when(ev.starts, when, sizeof when);
		xasprintf(&u, i18n(L, "Next: %s, %s"), ev.title, when);
		event_info_clear(&ev);
		if (html_text(w, " \u00b7 ") != 0 || html_wrap(w, "em", u) != 0)
			lc->rc = -1;
		free(u);
	}
	if (html_end(w) != 0)
		lc->rc = -1;
	lc->n++;
}

static void
landing_event(const struct event_info *ev, void *arg)
{
	struct landing_ctx *lc = arg;
	xmlTextWriterPtr w = lc->w;
	char		 when[64], enc[512], *s, *u;

	if (lc->rc != 0)
		return;
	tz_when(ev->starts, when, sizeof when);
	xasprintf(&s, i18n_n(lc->hr->lang, " \u2014 %s, %d minute, in %s",
	    " \u2014 %s, %d minutes, in %s", (unsigned long)(ev->duration / 60)),
	    when, ev->duration / 60, ev->room);
	if (html_el(w, "li") != 0 || html_wrap(w, "strong", ev->title) != 0 ||
	    html_text(w, s) != 0)
		lc->rc = -1;
	free(s);
	if (lc->rc == 0 && ev->room != NULL && ev->room[0] == '#' &&
	    http_segment_encode(ev->room + 1, strlen(ev->room + 1), enc,
	    sizeof enc) >= 0) {
		xasprintf(&u, "/chat/%s", enc);
		if (html_text(w, " \u00b7 ") != 0 ||
		    html_link(w, u, i18n(lc->hr->lang, "join in the browser"))
		    != 0)
			lc->rc = -1;
		free(u);
	}
	if (lc->rc == 0 && html_end(w) != 0)
		lc->rc = -1;
	lc->n++;
}

/* "Times are Europe/Moscow time (MSK)." */
static int
times_are(xmlTextWriterPtr w, const char *L)
{
	char	zone[32], *t;
	int	rc;

	tz_zone(time(NULL), zone, sizeof zone);
	if (tz_name() != NULL)
		xasprintf(&t, i18n(L, "Times are %s time (%s). "), tz_name(),
		    zone);
	else
		xasprintf(&t, i18n(L, "Times are %s. "), zone);
	rc = html_text(w, t);
	free(t);
	return rc;
}

int
gen_landing(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	struct server		*srv = hr->srv;
	struct config		*cf = srv->cf;
	struct page		 p;
	struct landing_ctx	 lc;
	xmlTextWriterPtr	 w;
	const char		*L;
	char			*base, *u;

	if (page_head(&p, hr, NULL) != 0)
		return -1;
	w = p.w;
	L = p.L;
	base = http_base_url(hr);
	memset(&lc, 0, sizeof lc);
	lc.w = w;
	lc.hr = hr;
	xasprintf(&u, "%s/feeds/events.atom", base);
	if (alt_link(w, "application/atom+xml", i18n(L, "Events"), u) != 0) {
		free(u);
		goto fail;
	}
	free(u);
	xasprintf(&u, "%s/feeds/groups/hearth.announce.atom", base);
	if (alt_link(w, "application/atom+xml", i18n(L, "Announcements"),
	    u) != 0) {
		free(u);
		goto fail;
	}
	free(u);
	if (page_body(&p) != 0)
		goto fail;

	/* Welcome, and help at once. */
	xasprintf(&u, i18n(L, "Welcome to %s"), cf->network_name);
	if (html_wrap(w, "h1", u) != 0) {
		free(u);
		goto fail;
	}
	free(u);
	if (html_wrap(w, "p", i18n(L, "A community for people living with "
	    "serious illness, their families, and the doctors who answer "
	    "them.")) != 0 ||
	    html_wrap(w, "p", i18n(L, "You are welcome here as you are. Read "
	    "the stories of people who have been where you are, ask what "
	    "worries you, and talk with others at the meetups \u2014 in "
	    "your browser or in your own newsreader or IRC client.")) != 0)
		goto fail;
	if (html_el(w, "p") != 0 || html_attr(w, "class", "hotline") != 0 ||
	    html_attr(w, "id", "hotline") != 0 ||
	    html_wrap(w, "strong", i18n(L, cf->hotline)) != 0 ||
	    html_end(w) != 0)
		goto fail;

	/* Joining, or where a signed-in member goes next. */
	if (hr->account[0] == '\0') {
		if (html_el(w, "p") != 0 || html_attr(w, "class", "join") != 0 ||
		    html_link(w, "/signup", i18n(L, "Create an account")) != 0 ||
		    html_text(w, " \u00b7 ") != 0 ||
		    html_link(w, "/signin", i18n(L, "Sign in")) != 0 ||
		    html_end(w) != 0 ||
		    html_wrap(w, "p", i18n(L, "Reading the public groups needs "
		    "no account; writing and talking do.")) != 0)
			goto fail;
	} else {
		xasprintf(&u, i18n(L, "You are signed in as %s."), hr->account);
		if (html_wrap(w, "p", u) != 0) {
			free(u);
			goto fail;
		}
		free(u);
	}

	/* What the community is, and is not. */
	if (html_wrap(w, "h2", i18n(L, "What this community is, and is not"))
	    != 0 || html_el(w, "ul") != 0 ||
	    li_text(w, i18n(L, "It is a place of peer support: people who "
	    "live with an illness, their families and carers share what "
	    "they have lived through.")) != 0 ||
	    li_text(w, i18n(L, "Doctors answer general questions; a "
	    "verified doctor carries a badge. Moderators keep the "
	    "conversation kind and safe.")) != 0 ||
	    li_text(w, i18n(L, "It is not medical advice, not a diagnosis, "
	    "and not a replacement for your own doctor.")) != 0 ||
	    li_text(w, i18n(L, "It is not an emergency service: in danger, "
	    "call the hotline above or your local emergency number.")) != 0 ||
	    html_end(w) != 0 ||
	    html_el(w, "p") != 0 || html_attr(w, "class", "muted") != 0 ||
	    html_text(w, i18n(L, cf->disclaimer)) != 0 || html_end(w) != 0)
		goto fail;

	/* The groups, into the web reader. */
	if (html_wrap(w, "h2", i18n(L, "Support groups")) != 0 ||
	    html_el(w, "ul") != 0 || html_attr(w, "class", "groups") != 0)
		goto fail;
	store_group_list(srv->store, landing_group, &lc);
	if (lc.rc != 0 || html_end(w) != 0 || html_el(w, "p") != 0 ||
	    html_link(w, "/groups", i18n(L, "All groups")) != 0 ||
	    html_end(w) != 0)
		goto fail;

	/* The rooms, into the web chat. */
	if (html_wrap(w, "h2", i18n(L, "Meetup rooms")) != 0 ||
	    html_wrap(w, "p", i18n(L, "Live conversations: join from your "
	    "browser, on a phone too.")) != 0 ||
	    html_el(w, "ul") != 0 || html_attr(w, "class", "groups") != 0)
		goto fail;
	store_room_list(srv->store, landing_room, &lc);
	if (lc.rc != 0 || html_end(w) != 0)
		goto fail;

	/* The next events, in local time. */
	lc.n = 0;
	if (html_wrap(w, "h2", i18n(L, "Coming up")) != 0 ||
	    html_el(w, "ul") != 0 || html_attr(w, "class", "events") != 0)
		goto fail;
	store_event_list(srv->store, time(NULL), 10, 0, landing_event, &lc);
	if (lc.rc != 0 || (lc.n == 0 && li_text(w, i18n(L, "No events are "
	    "planned yet.")) != 0) || html_end(w) != 0 ||
	    html_el(w, "p") != 0 || times_are(w, L) != 0)
		goto fail;
	xasprintf(&u, "%s/feeds/events.atom", base);
	if (html_link(w, u, i18n(L, "Events feed (Atom)")) != 0) {
		free(u);
		goto fail;
	}
	free(u);
	xasprintf(&u, "%s/events.ics", base);
	if (html_text(w, " \u00b7 ") != 0 ||
	    html_link(w, u, i18n(L, "Calendar (iCalendar)")) != 0 ||
	    html_end(w) != 0) {
		free(u);
		goto fail;
	}
	free(u);

	/* The browser, or your own client. */
	if (html_wrap(w, "h2", i18n(L, "How to connect")) != 0 ||
	    html_el(w, "ul") != 0 ||
	    li_text(w, i18n(L, "In your browser: read the groups and join "
	    "the rooms above; nothing to install.")) != 0 ||
	    html_el(w, "li") != 0 ||
	    html_wrap(w, "strong", i18n(L, "Use your own newsreader or IRC "
	    "client")) != 0 ||
	    html_text(w, i18n(L, ": the same groups are newsgroups and the "
	    "same rooms are IRC channels, with the same account. ")) != 0)
		goto fail;
	xasprintf(&u, i18n(L, "Step-by-step settings for %s"), "tin, slrn, "
	    "Thunderbird, irssi, WeeChat, HexChat");
	if (html_link(w, "/clients", u) != 0 || html_end(w) != 0 ||
	    html_end(w) != 0) {
		free(u);
		goto fail;
	}
	free(u);

	free(base);
	*lastmod = store_event_last_change(srv->store);
	if (*lastmod < srv->started)
		*lastmod = srv->started;
	return page_close(&p, out, ctype);
fail:
	free(base);
	page_abort(&p);
	return -1;
}

/* One client: a heading and its numbered steps (NULL ends them). */
static int
client_steps(xmlTextWriterPtr w, const char *name, char **steps)
{
	size_t	i;

	if (html_el(w, "section") != 0 || html_wrap(w, "h3", name) != 0 ||
	    html_el(w, "ol") != 0)
		return -1;
	for (i = 0; steps[i] != NULL; i++)
		if (li_text(w, steps[i]) != 0)
			return -1;
	return html_end(w) != 0 || html_end(w) != 0 ? -1 : 0;
}

static void
steps_free(char **steps)
{
	size_t	i;

	for (i = 0; steps[i] != NULL; i++)
		free(steps[i]);
}

/*
 * GET /clients: for each client, the steps with this server's host,
 * ports and TLS, and how to sign in.
 */
int
gen_clients(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	struct server	*srv = hr->srv;
	struct page	 p;
	xmlTextWriterPtr w;
	const char	*L;
	char		 host[256], *s[8];
	int		 nport, iport, nntps, ircs, rc = 0;

	memset(s, 0, sizeof s);
	http_host_only(hr, host, sizeof host);
	nntps = (nport = http_listener_port(srv, PROTO_NNTPS)) > 0;
	if (!nntps)
		nport = http_listener_port(srv, PROTO_NNTP);
	ircs = (iport = http_listener_port(srv, PROTO_IRCS)) > 0;
	if (!ircs)
		iport = http_listener_port(srv, PROTO_IRC);
	if (page_open(&p, hr, i18n(hr->lang, "Your own client")) != 0)
		return -1;
	w = p.w;
	L = p.L;
	if (html_wrap(w, "h1", i18n(L, "Use your own newsreader or IRC "
	    "client")) != 0 ||
	    html_wrap(w, "p", i18n(L, "Everywhere: your name and password are "
	    "those of your account here. Passwords are only accepted over an "
	    "encrypted (TLS) connection.")) != 0)
		goto fail;

	if (nport > 0) {
		if (html_wrap(w, "h2", i18n(L, "Newsreaders: the groups")) != 0)
			goto fail;
		xasprintf(&s[0], i18n(L, "Server: %s, port %d, %s."), host, nport,
		    nntps ? i18n(L, "TLS from the start") :
		    i18n(L, "STARTTLS"));
		s[1] = NULL;
		if (html_wrap(w, "p", s[0]) != 0)
			rc = -1;
		steps_free(s);
		if (rc != 0)
			goto fail;

		xasprintf(&s[0], i18n(L, "Put your sign-in in ~/.newsauth, one "
		    "line: %s \"YOUR_PASSWORD\" YOUR_NAME, and make it private: "
		    "chmod 600 ~/.newsauth"), host);
		xasprintf(&s[1], i18n(L, "Start: tin -T -g %s -p %d -A -r"),
		    host, nport);
		s[2] = xstrdup(i18n(L, "Press S to subscribe to a group, Enter "
		    "to read, w to write a new story, f to reply."));
		s[3] = NULL;
		rc = client_steps(w, "tin", s);
		steps_free(s);
		if (rc != 0)
			goto fail;

		s[0] = xstrdup(i18n(L, "In ~/.slrnrc write: charset config "
		    "\"utf-8\""));
		xasprintf(&s[1], i18n(L, "Start: slrn -h snews://%s:%d "
		    "--create"), host, nport);
		s[2] = xstrdup(i18n(L, "slrn asks for your name and password "
		    "when a group needs them."));
		s[3] = NULL;
		rc = client_steps(w, "slrn", s);
		steps_free(s);
		if (rc != 0)
			goto fail;

		s[0] = xstrdup(i18n(L, "Menu: New \u2192 Newsgroup account; "
		    "your name and any e-mail address."));
		xasprintf(&s[1], i18n(L, "Newsgroup server: %s."), host);
		xasprintf(&s[2], i18n(L, "Account settings \u2192 Server "
		    "settings: port %d, connection security %s, \"Always "
		    "request authentication\" on."), nport, nntps ? "SSL/TLS" :
		    "STARTTLS");
		s[3] = xstrdup(i18n(L, "Right-click the account \u2192 "
		    "Subscribe, and choose the groups."));
		s[4] = NULL;
		rc = client_steps(w, "Thunderbird", s);
		steps_free(s);
		if (rc != 0)
			goto fail;
	}

	if (iport > 0) {
		if (html_wrap(w, "h2", i18n(L, "IRC clients: the rooms")) != 0)
			goto fail;
		xasprintf(&s[0], i18n(L, "Server: %s, port %d, %s; sign in with "
		    "SASL PLAIN (your name and password)."), host, iport,
		    ircs ? i18n(L, "TLS on") : i18n(L, "no TLS"));
		s[1] = NULL;
		if (html_wrap(w, "p", s[0]) != 0)
			rc = -1;
		steps_free(s);
		if (rc != 0)
			goto fail;

		xasprintf(&s[0], "/network add -sasl_mechanism PLAIN "
		    "-sasl_username YOUR_NAME -sasl_password YOUR_PASSWORD "
		    "Hearth");
		xasprintf(&s[1], "/server add%s -network Hearth %s %d",
		    ircs ? " -tls" : "", host, iport);
		xasprintf(&s[2], "/connect Hearth");
		s[3] = xstrdup(i18n(L, "Then /join a room, for example "
		    "/join #newly-diagnosed-oncology"));
		s[4] = NULL;
		rc = client_steps(w, "irssi", s);
		steps_free(s);
		if (rc != 0)
			goto fail;

		xasprintf(&s[0], "/server add hearth %s/%d%s", host, iport,
		    ircs ? " -tls" : "");
		s[1] = xstrdup("/set irc.server.hearth.sasl_mechanism plain");
		s[2] = xstrdup("/set irc.server.hearth.sasl_username YOUR_NAME");
		s[3] = xstrdup("/set irc.server.hearth.sasl_password "
		    "YOUR_PASSWORD");
		s[4] = xstrdup("/connect hearth");
		s[5] = NULL;
		rc = client_steps(w, "WeeChat", s);
		steps_free(s);
		if (rc != 0)
			goto fail;

		s[0] = xstrdup(i18n(L, "Network List (Ctrl+S) \u2192 Add a "
		    "network \u2192 Edit."));
		xasprintf(&s[1], i18n(L, "Servers: %s/%d; %s."), host, iport,
		    ircs ? i18n(L, "tick \"Use SSL for all the servers on this "
		    "network\"") : i18n(L, "no TLS"));
		s[2] = xstrdup(i18n(L, "Login method: SASL (username + "
		    "password), with your name and password."));
		s[3] = xstrdup(i18n(L, "Character set: UTF-8. Connect."));
		s[4] = NULL;
		rc = client_steps(w, "HexChat", s);
		steps_free(s);
		if (rc != 0)
			goto fail;
	}
	if (html_wrap(w, "p", i18n(L, "To report a message or a person from "
	    "an IRC client: /msg Helper REPORT <nick> [reason]. From a "
	    "newsreader: follow up to hearth.report.")) != 0)
		goto fail;
	*lastmod = srv->started;
	return page_close(&p, out, ctype);
fail:
	page_abort(&p);
	return -1;
}
