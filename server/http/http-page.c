/*
 * http-page.c -- the web door's HTML: the page shell every page is
 * written in, error pages, the stylesheet and robots.txt (the landing
 * page is in http-landing.c).
 *
 * Pages are written with libxml2's xmlTextWriter (feed.c's writer
 * helpers), which escapes every text and attribute: a subject, a name
 * or a body is never markup, whatever it holds.  The output is
 * polyglot HTML5 (well-formed XML, no "<p/>"), with no script.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <openssl/sha.h>

#include "feed.h"
#include "http-int.h"
#include "i18n.h"
#include "lang.h"
#include "log.h"
#include "store.h"
#include "xmalloc.h"

/* Writing HTML */

int
html_el(xmlTextWriterPtr w, const char *name)
{
	return xmlTextWriterStartElement(w, (const xmlChar *)name) < 0 ? -1 :
	    0;
}

/* Close with an explicit end tag: HTML has no "<p/>". */
int
html_end(xmlTextWriterPtr w)
{
	return xmlTextWriterFullEndElement(w) < 0 ? -1 : 0;
}

int
html_void_end(xmlTextWriterPtr w)
{
	return xmlTextWriterEndElement(w) < 0 ? -1 : 0;
}

int
html_attr(xmlTextWriterPtr w, const char *name, const char *value)
{
	return feed_attr(w, name, value);
}

int
html_text(xmlTextWriterPtr w, const char *text)
{
	return feed_text(w, text);
}

int
html_link(xmlTextWriterPtr w, const char *href, const char *text)
{
	if (html_el(w, "a") != 0 || feed_attr(w, "href", href) != 0 ||
	    feed_text(w, text) != 0 || html_end(w) != 0)
		return -1;
	return 0;
}

int
html_wrap(xmlTextWriterPtr w, const char *tag, const char *text)
{
	if (html_el(w, tag) != 0 || feed_text(w, text) != 0 ||
	    html_end(w) != 0)
		return -1;
	return 0;
}

int
html_input(xmlTextWriterPtr w, const char *label, const char *type,
    const char *name, const char *id, const char *autocomplete,
    const char *value)
{
	if (html_el(w, "label") != 0 || feed_attr(w, "for", id) != 0 ||
	    feed_text(w, label) != 0 || html_end(w) != 0 ||
	    html_el(w, "input") != 0 || feed_attr(w, "type", type) != 0 ||
	    feed_attr(w, "name", name) != 0 || feed_attr(w, "id", id) != 0)
		return -1;
	if (autocomplete != NULL && feed_attr(w, "autocomplete",
	    autocomplete) != 0)
		return -1;
	if (value != NULL && feed_attr(w, "value", value) != 0)
		return -1;
	return html_void_end(w);
}

int
html_button(xmlTextWriterPtr w, const char *text)
{
	if (html_el(w, "button") != 0 || feed_attr(w, "type", "submit") != 0 ||
	    feed_text(w, text) != 0 || html_end(w) != 0)
		return -1;
	return 0;
}

static int
meta(xmlTextWriterPtr w, const char *k, const char *kv, const char *v)
{
	if (html_el(w, "meta") != 0 || feed_attr(w, k, kv) != 0 ||
	    feed_attr(w, "content", v) != 0 || html_void_end(w) != 0)
		return -1;
	return 0;
}

/* The stylesheet */

/*
 * Phone first: one column, large enough type and targets; wider
 * screens only get a wider measure.  Colours keep at least 4.5:1
 * against their background (WCAG 2.1 AA; most are above 7:1); the
 * focus outline is thick and never removed.
 */
static const char style_css[] =
    ":root{--fg:#1b1b1b;--bg:#fdfcfa;--muted:#4a4a4a;--link:#0b4f8a;"
    "--line:#c9c4bc;--warn-bg:#fff1f0;--warn:#8a1111;--ok:#0f5a2e}\n"
    "*{box-sizing:border-box}\n"
    "html{font-size:100%;-webkit-text-size-adjust:100%}\n"
    "body{margin:0;background:var(--bg);color:var(--fg);"
    "font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,Arial,"
    "sans-serif;line-height:1.55;font-size:1.0625rem}\n"
    "a{color:var(--link);text-underline-offset:.15em}\n"
    "a:visited{color:#5a2d82}\n"
    "a:focus-visible,button:focus-visible,input:focus-visible,"
    "textarea:focus-visible,select:focus-visible,summary:focus-visible"
    "{outline:3px solid #d4700a;outline-offset:2px}\n"
    ".skip{position:absolute;left:-999em}\n"
    ".skip:focus{left:.5rem;top:.5rem;background:#fff;padding:.5rem;"
    "z-index:9}\n"
    "header.site{background:#21364b;color:#fff;padding:.5rem 1rem}\n"
    "header.site a{color:#fff}\n"
    ".brand{font-weight:700;font-size:1.2rem;text-decoration:none}\n"
    "nav ul{list-style:none;margin:.25rem 0 0;padding:0;display:flex;"
    "flex-wrap:wrap;gap:.25rem 1rem;align-items:center}\n"
    "nav a,nav button{display:inline-block;padding:.35rem 0;"
    "min-height:44px;line-height:2}\n"
    "nav form{margin:0;display:inline}\n"
    "nav button{background:none;border:1px solid #fff;color:#fff;"
    "border-radius:4px;padding:0 .6rem;font:inherit;cursor:pointer}\n"
    "main{max-width:46rem;margin:0 auto;padding:1rem}\n"
    "footer{max-width:46rem;margin:2rem auto 0;padding:1rem;"
    "border-top:1px solid var(--line);color:var(--muted);"
    "font-size:.95rem}\n"
    "h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 1rem}\n"
    "h2{font-size:1.25rem;margin:1.5rem 0 .5rem}\n"
    ".hotline{border:2px solid var(--warn);background:var(--warn-bg);"
    "color:var(--warn);padding:.6rem .8rem;border-radius:4px}\n"
    ".notice{border-left:4px solid var(--ok);padding:.4rem .8rem;"
    "background:#eef7f1}\n"
    ".error{border-left:4px solid var(--warn);padding:.4rem .8rem;"
    "background:var(--warn-bg);color:var(--warn)}\n"
    ".muted,.meta{color:var(--muted);font-size:.95rem}\n"
    ".badge{display:inline-block;background:#0f5a2e;color:#fff;"
    "border-radius:3px;padding:0 .35rem;font-size:.85rem;"
    "margin-left:.3rem}\n"
    ".unread{font-weight:700;color:var(--warn)}\n"
    "ul.groups,ul.threads{list-style:none;padding:0}\n"
    "ul.groups li,ul.threads li{padding:.6rem 0;"
    "border-bottom:1px solid var(--line)}\n"
    "ul.groups h2{margin:0 0 .2rem;font-size:1.15rem}\n"
    "ul.groups p,ul.threads p{margin:.2rem 0}\n"
    "ul.tree{list-style:none;padding-left:0}\n"
    "ul.tree ul{list-style:none;padding-left:.9rem;"
    "border-left:2px solid var(--line);margin-left:.2rem}\n"
    "article.post{margin:.5rem 0 1rem}\n"
    ".body{white-space:pre-wrap;overflow-wrap:anywhere;"
    "font-family:inherit;margin:.5rem 0}\n"
    ".gone{color:var(--muted);font-style:italic}\n"
    "form.stack label{display:block;margin:.8rem 0 .2rem;"
    "font-weight:600}\n"
    "input,textarea,select{font:inherit;width:100%;max-width:28rem;"
    "padding:.5rem;border:1px solid #6b6b6b;border-radius:4px;"
    "background:#fff;color:var(--fg)}\n"
    "button{font:inherit;min-height:44px;padding:.4rem 1rem;"
    "border-radius:4px;border:1px solid #21364b;background:#21364b;"
    "color:#fff;cursor:pointer;margin-top:1rem}\n"
    ".pager{display:flex;gap:1rem;justify-content:space-between;"
    "margin:1rem 0}\n"
    /* The forms of accounts and writing (http-account.c, http-post.c). */
    ".hint{color:var(--muted);font-size:.95rem;margin:.1rem 0 .3rem}\n"
    "textarea{max-width:100%}\n"
    ".field.check{display:flex;gap:.5rem;align-items:center;"
    "margin-top:.8rem}\n"
    ".field.check input{width:auto;min-width:1.3rem;min-height:1.3rem}\n"
    "form.stack .field.check label{display:inline;margin:0}\n"
    "form.inline button{margin-right:.5rem}\n"
    "blockquote.parent{margin:.5rem 0;padding:.2rem .8rem;"
    "border-left:3px solid var(--line)}\n"
    "blockquote.parent pre{white-space:pre-wrap;overflow-wrap:anywhere;"
    "font-family:inherit;margin:0}\n"
    ".actions{font-size:.95rem;margin:.3rem 0}\n"
    "@media (min-width:48rem){body{font-size:1.0625rem}"
    "header.site{display:flex;justify-content:space-between;"
    "align-items:center;padding:.5rem 2rem}nav ul{margin:0}}\n"
    "@media (prefers-color-scheme:dark){:root{--fg:#ececec;--bg:#161a1e;"
    "--muted:#b8b8b8;--link:#8cc4ff;--line:#3d444b;--warn-bg:#3a1717;"
    "--warn:#ffb4ab;--ok:#7fd49c}a:visited{color:#d0b0ff}"
    "input,textarea,select{background:#1f2429;color:var(--fg)}"
    ".notice{background:#15291d}}\n";

/* "/style.css?v=HASH": a new stylesheet is a new address. */
static char	style_href[32];

static const char *
style_url(void)
{
	unsigned char	md[SHA256_DIGEST_LENGTH];

	if (style_href[0] == '\0') {
		SHA256((const unsigned char *)style_css, sizeof style_css - 1,
		    md);
		snprintf(style_href, sizeof style_href,
		    "/style.css?v=%02x%02x%02x%02x%02x", md[0], md[1], md[2],
		    md[3], md[4]);
	}
	return style_href;
}

int
gen_style(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	evbuffer_add(out, style_css, sizeof style_css - 1);
	*lastmod = hr->srv->started;
	*ctype = "text/css; charset=utf-8";
	return 0;
}

/*
 * Search engines may read the public pages; what is personal, forms
 * and token feeds are not for them.  Pages of groups that are not
 * public also say noindex themselves (X-Robots-Tag).
 */
int
gen_robots(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	evbuffer_add_printf(out, "User-agent: *\n"
	    "Disallow: /signin\n"
	    "Disallow: /signup\n"
	    "Disallow: /signout\n"
	    "Disallow: /account\n"
	    "Disallow: /me/\n"
	    "Disallow: /t/\n"
	    "Allow: /\n");
	*lastmod = hr->srv->started;
	*ctype = "text/plain; charset=utf-8";
	return 0;
}

/* The page shell */

void
http_page_lang(struct http_req *hr)
{
	if (hr->lang != NULL)
		return;
	if (hr->account[0] != '\0')
		hr->lang = member_lang(hr->srv, hr->account);
	if (hr->lang == NULL)
		hr->lang = i18n_negotiate(http_req_field(hr,
		    "Accept-Language"));
	if (hr->lang == NULL)
		hr->lang = i18n_lang(i18n_default());
	if (hr->lang == NULL)
		hr->lang = "en";
}

/*
 * Open the document and its head: language, charset, viewport, title
 * ("TITLE · site", or the site alone), the stylesheet.  The caller may
 * add to the head, then page_body().
 */
int
page_head(struct page *p, struct http_req *hr, const char *title)
{
	struct config	*cf = hr->srv->cf;
	xmlTextWriterPtr w;
	char		*t;
	int		 rc;

	memset(p, 0, sizeof *p);
	http_page_lang(hr);
	p->hr = hr;
	p->L = hr->lang;
	if ((p->w = w = feed_writer_new(&p->buf)) == NULL)
		return -1;
	if (title != NULL)
		xasprintf(&t, "%s \u00b7 %s", title, cf->network_name);
	else
		t = xstrdup(cf->network_name);
	rc = xmlTextWriterWriteDTD(w, (const xmlChar *)"html", NULL, NULL,
	    NULL) < 0 || html_el(w, "html") != 0 ||
	    html_attr(w, "lang", p->L) != 0 ||
	    html_el(w, "head") != 0 || html_el(w, "meta") != 0 ||
	    html_attr(w, "charset", "utf-8") != 0 || html_void_end(w) != 0 ||
	    meta(w, "name", "viewport", "width=device-width, "
	    "initial-scale=1") != 0 ||
	    html_wrap(w, "title", t) != 0 ||
	    html_el(w, "link") != 0 || html_attr(w, "rel", "stylesheet") != 0 ||
	    html_attr(w, "href", style_url()) != 0 || html_void_end(w) != 0;
	free(t);
	if (rc) {
		page_abort(p);
		return -1;
	}
	if (hr->noindex && meta(w, "name", "robots", "noindex, nofollow") !=
	    0) {
		page_abort(p);
		return -1;
	}
	return 0;
}

/* One item of the navigation: a link. */
static int
nav_link(xmlTextWriterPtr w, const char *href, const char *text)
{
	return html_el(w, "li") != 0 || html_link(w, href, text) != 0 ||
	    html_end(w) != 0 ? -1 : 0;
}

/*
 * End the head; write the skip link, the header (site name, the
 * navigation: groups, rooms, and sign in / sign up or the member's name
 * and sign out) and open <main>.
 */
int
page_body(struct page *p)
{
	struct http_req	*hr = p->hr;
	xmlTextWriterPtr w = p->w;
	const char	*L = p->L;

	if (html_end(w) != 0 || html_el(w, "body") != 0 ||
	    html_el(w, "a") != 0 || html_attr(w, "class", "skip") != 0 ||
	    html_attr(w, "href", "#main") != 0 ||
	    html_text(w, i18n(L, "Skip to content")) != 0 || html_end(w) != 0 ||
	    html_el(w, "header") != 0 || html_attr(w, "class", "site") != 0 ||
	    html_el(w, "a") != 0 || html_attr(w, "class", "brand") != 0 ||
	    html_attr(w, "href", "/") != 0 ||
	    html_text(w, hr->srv->cf->network_name) != 0 || html_end(w) != 0 ||
	    html_el(w, "nav") != 0 ||
	    html_attr(w, "aria-label", i18n(L, "Main")) != 0 ||
	    html_el(w, "ul") != 0 ||
	    nav_link(w, "/groups", i18n(L, "Groups")) != 0 ||
	    nav_link(w, "/chat", i18n(L, "Rooms")) != 0)
		return -1;
	if (hr->account[0] != '\0' && hr->sid[0] != '\0') {
		/*
		 * Signed in on the web: the name (to the account page),
		 * and signing out.
		 */
		if (html_el(w, "li") != 0 || html_attr(w, "class", "me") != 0 ||
		    html_link(w, "/account", hr->account) != 0 ||
		    html_end(w) != 0 ||
		    html_el(w, "li") != 0 ||
		    http_form_open(hr, w, "/signout", NULL) != 0 ||
		    html_button(w, i18n(L, "Sign out")) != 0 ||
		    html_end(w) != 0 || html_end(w) != 0)
			return -1;
	} else if (hr->account[0] != '\0') {
		/* Basic credentials: a name, nothing to sign out of. */
		if (html_el(w, "li") != 0 || html_attr(w, "class", "me") != 0 ||
		    html_text(w, hr->account) != 0 || html_end(w) != 0)
			return -1;
	} else if (nav_link(w, "/signin", i18n(L, "Sign in")) != 0 ||
	    nav_link(w, "/signup", i18n(L, "Sign up")) != 0)
		return -1;
	if (html_end(w) != 0 || html_end(w) != 0 || html_end(w) != 0 ||
	    html_el(w, "main") != 0 || html_attr(w, "id", "main") != 0)
		return -1;
	return 0;
}

int
page_open(struct page *p, struct http_req *hr, const char *title)
{
	if (page_head(p, hr, title) != 0)
		return -1;
	if (page_body(p) != 0) {
		page_abort(p);
		return -1;
	}
	return 0;
}

int
page_close(struct page *p, struct evbuffer *out, const char **ctype)
{
	struct config	*cf = p->hr->srv->cf;
	xmlTextWriterPtr w = p->w;
	int		 rc;

	/* main, then the footer: the hotline and the disclaimer. */
	if (html_end(w) != 0 || html_el(w, "footer") != 0 ||
	    html_el(w, "p") != 0 || html_attr(w, "class", "hotline") != 0 ||
	    html_wrap(w, "strong", i18n(p->L, cf->hotline)) != 0 ||
	    html_end(w) != 0 ||
	    html_wrap(w, "p", i18n(p->L, cf->disclaimer)) != 0 ||
	    html_end(w) != 0 || html_end(w) != 0 || html_end(w) != 0) {
		page_abort(p);
		return -1;
	}
	rc = feed_writer_finish(w, p->buf, out);
	p->w = NULL;
	p->buf = NULL;
	if (ctype != NULL)
		*ctype = "text/html; charset=utf-8";
	return rc;
}

void
page_abort(struct page *p)
{
	if (p->w != NULL)
		xmlFreeTextWriter(p->w);
	if (p->buf != NULL)
		xmlBufferFree(p->buf);
	p->w = NULL;
	p->buf = NULL;
}

/* Error pages: a heading per status, the message, a way back. */
static const char *
error_title(int code)
{
	switch (code) {
	case 400:
	case 415:
		return N_("Something is wrong with this request");
	case 403:
		return N_("Not allowed");
	case 404:
		return N_("Page not found");
	case 429:
		return N_("Too many attempts");
	default:
		return N_("Something went wrong");
	}
}

void
http_error_page(struct http_req *hr, int code, const char *reason,
    const char *message)
{
	struct page		 p;
	struct evbuffer		*out = evbuffer_new();
	const char		*ctype, *title;

	http_page_lang(hr);
	title = i18n(hr->lang, error_title(code));
	if (page_open(&p, hr, title) != 0 ||
	    html_wrap(p.w, "h1", title) != 0 ||
	    html_wrap(p.w, "p", i18n(hr->lang, message)) != 0 ||
	    html_el(p.w, "p") != 0 ||
	    html_link(p.w, "/", i18n(hr->lang, "Go to the front page")) != 0 ||
	    html_end(p.w) != 0 || page_close(&p, out, &ctype) != 0) {
		page_abort(&p);
		evbuffer_free(out);
		http_send_text(hr, code, reason, i18n(hr->lang, message));
		return;
	}
	http_add_header(hr, "Content-Type", ctype);
	http_add_header(hr, "Cache-Control", "private, no-store");
	http_add_header(hr, "X-Content-Type-Options", "nosniff");
	http_send(hr, code, reason, evbuffer_pullup(out, -1),
	    evbuffer_get_length(out));
	evbuffer_free(out);
}
