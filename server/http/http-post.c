/*
 * http-post.c -- writing on the web: a new story in a group
 * (/post/GROUP), a reply (/reply/MSGID), a report (/report/MSGID).
 *
 * The pages are forms for a signed-in member; what they send goes to
 * the services (post.h): the same sanctions, screening, holds,
 * probation, crisis safety net and notices as a newsreader's POST.  The
 * answer says what happened in the member's language: posted (with
 * links to it), held for a moderator (why, and what happens next), or
 * refused (why, next to the form); when a crisis phrase matched, the
 * hotline from the configuration comes first on the page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http-int.h"
#include "i18n.h"
#include "log.h"
#include "membership.h"
#include "post.h"
#include "store.h"
#include "xmalloc.h"

/* What a writing form shows again. */
struct write_form {
	const char	*kind;		/* "post" or "reply" */
	const char	*group;		/* post: the group */
	const struct post_parent *parent; /* reply: what it answers */
	const char	*subject;
	const char	*body;
	int		 quote;		/* reply: quote the parent */
	const char	*error;		/* above the form (in L) */
	const char	*subject_error;
	const char	*body_error;
};

/* "/PREFIX/" + the argument, encoded as a path segment (xmalloc'd). */
static char *
path_with(const char *prefix, const char *arg)
{
	size_t	 n = strlen(arg) * 3 + 1;
	char	*enc = xmalloc(n), *p;

	if (http_segment_encode(arg, strlen(arg), enc, n) < 0)
		enc[0] = '\0';
	xasprintf(&p, "%s%s", prefix, enc);
	free(enc);
	return p;
}

/* The hotline, first on the page and hard to miss. */
static int
hotline_box(xmlTextWriterPtr w, const char *L, const char *hotline)
{
	if (html_el(w, "aside") != 0 || html_attr(w, "class", "hotline "
	    "crisis") != 0 || html_attr(w, "role", "alert") != 0 ||
	    html_attr(w, "aria-labelledby", "h-hotline") != 0 ||
	    html_el(w, "h2") != 0 || html_attr(w, "id", "h-hotline") != 0 ||
	    html_text(w, i18n(L, "You are not alone")) != 0 ||
	    html_end(w) != 0 || html_wrap(w, "p", i18n(L, "If you are "
	    "thinking of hurting yourself, please call now: someone is "
	    "there to listen, day and night.")) != 0 ||
	    html_el(w, "p") != 0 || html_attr(w, "class", "hotline-number") !=
	    0 || html_wrap(w, "strong", hotline) != 0 || html_end(w) != 0 ||
	    html_end(w) != 0)
		return -1;
	return 0;
}

/* The form of a new story or a reply. */
static int
write_page(struct http_req *hr, struct evbuffer *out, const char **ctype,
    const struct write_form *f)
{
	struct page	 p;
	xmlTextWriterPtr w;
	const char	*L;
	char		*action, *quoted = NULL, *author = NULL;
	int		 reply = f->parent != NULL;

	if (page_open(&p, hr, reply ? i18n(hr->lang, "Reply") :
	    i18n(hr->lang, "New story")) != 0)
		return -1;
	w = p.w;
	L = p.L;
	action = reply ? path_with("/reply/", f->parent->msgid) :
	    path_with("/post/", f->group);
	if (html_wrap(w, "h1", reply ? i18n(L, "Reply") : i18n(L, "New "
	    "story")) != 0)
		goto fail;
	if (reply) {
		author = http_from_name(f->parent->from);
		quoted = post_quote(hr->srv, f->parent, L, author);
		if (html_el(w, "p") != 0 || html_text(w, i18n(L, "To: ")) !=
		    0 || html_wrap(w, "strong", f->parent->subject) != 0 ||
		    html_text(w, " — ") != 0 || html_text(w, author) != 0 ||
		    html_end(w) != 0)
			goto fail;
		if (quoted != NULL && (html_el(w, "blockquote") != 0 ||
		    html_attr(w, "class", "parent") != 0 ||
		    html_wrap(w, "pre", quoted) != 0 || html_end(w) != 0))
			goto fail;
	} else if (html_el(w, "p") != 0 || html_text(w, i18n(L, "In the "
	    "group ")) != 0 || html_wrap(w, "strong", f->group) != 0 ||
	    html_end(w) != 0)
		goto fail;
	if (html_wrap(w, "p", i18n(L, "Everyone who can read this group "
	    "will see it under your name. Moderators may look at posts "
	    "before they appear.")) != 0)
		goto fail;
	if (f->error != NULL && html_notice(w, "error", f->error) != 0)
		goto fail;
	if (http_form_open(hr, w, action, "stack") != 0 ||
	    html_field(w, i18n(L, "Subject"), "text", "subject", "off",
	    f->subject, reply ? i18n(L, "You may leave it as it is.") : NULL,
	    f->subject_error) != 0 ||
	    html_field(w, i18n(L, "Your message"), "textarea", "body", NULL,
	    f->body, NULL, f->body_error) != 0)
		goto fail;
	if (reply && quoted != NULL && (html_el(w, "div") != 0 ||
	    html_attr(w, "class", "field check") != 0 ||
	    html_el(w, "input") != 0 || html_attr(w, "type", "checkbox") != 0 ||
	    html_attr(w, "name", "quote") != 0 ||
	    html_attr(w, "id", "quote") != 0 ||
	    html_attr(w, "value", "1") != 0 || (f->quote &&
	    html_attr(w, "checked", "checked") != 0) ||
	    html_void_end(w) != 0 || html_el(w, "label") != 0 ||
	    html_attr(w, "for", "quote") != 0 || html_text(w, i18n(L,
	    "Quote the message I answer")) != 0 || html_end(w) != 0 ||
	    html_end(w) != 0))
		goto fail;
	if (html_button(w, reply ? i18n(L, "Send reply") : i18n(L, "Post")) !=
	    0 || html_end(w) != 0)
		goto fail;
	free(action);
	free(quoted);
	free(author);
	return page_close(&p, out, ctype);
fail:
	free(action);
	free(quoted);
	free(author);
	page_abort(&p);
	return -1;
}

static int
write_again(struct http_req *hr, int code, const char *reason,
    const struct write_form *f)
{
	struct evbuffer	*out = evbuffer_new();
	const char	*ctype = "text/html; charset=utf-8";
	int		 made = write_page(hr, out, &ctype, f);

	return page_made(hr, made, code, reason, out, ctype);
}

/* What came of a post: delivered or held, the hotline first. */
static int
result_page(struct http_req *hr, const struct post_out *po)
{
	struct evbuffer	*out = evbuffer_new();
	struct page	 p;
	xmlTextWriterPtr w;
	const char	*L, *ct;
	char		*art, *grp;
	int		 held = po->status == POST_HELD, rc;

	art = path_with("/articles/", po->msgid);
	grp = path_with("/groups/", po->group);
	if (page_open(&p, hr, held ? i18n(hr->lang, "Waiting for a "
	    "moderator") : i18n(hr->lang, "Posted")) != 0) {
		free(art);
		free(grp);
		evbuffer_free(out);
		return -1;
	}
	w = p.w;
	L = p.L;
	if (po->hotline != NULL && hotline_box(w, L, po->hotline) != 0)
		goto fail;
	if (html_wrap(w, "h1", held ? i18n(L, "Waiting for a moderator") :
	    i18n(L, "Posted")) != 0)
		goto fail;
	if (held) {
		if (html_el(w, "div") != 0 || html_attr(w, "class",
		    "notice held") != 0 || html_attr(w, "role", "status") != 0 ||
		    html_el(w, "p") != 0 || html_text(w, i18n(L, "Your post "
		    "is saved and waits for a moderator: ")) != 0 ||
		    html_text(w, po->why) != 0 || html_end(w) != 0 ||
		    html_wrap(w, "p", i18n(L, "A moderator reads it, usually "
		    "within a day. Once approved it appears in the group and "
		    "you get a notice; if it is not approved, the notice "
		    "says why. Nobody else sees it until then.")) != 0 ||
		    html_end(w) != 0)
			goto fail;
	} else if (html_el(w, "p") != 0 || html_attr(w, "class", "notice") !=
	    0 || html_attr(w, "role", "status") != 0 || html_text(w,
	    i18n(L, "Your post is in the group. ")) != 0 ||
	    html_link(w, art, i18n(L, "See it")) != 0 || html_end(w) != 0)
		goto fail;
	if (html_el(w, "p") != 0 || html_link(w, grp, i18n(L, "Back to the "
	    "group")) != 0 || html_end(w) != 0)
		goto fail;
	if (page_close(&p, out, &ct) != 0)
		goto fail;
	free(art);
	free(grp);
	rc = page_send(hr, held ? 202 : 200, held ? "Accepted" : "OK", out,
	    ct);
	evbuffer_free(out);
	return rc;
fail:
	free(art);
	free(grp);
	page_abort(&p);
	evbuffer_free(out);
	return -1;
}

/* The poster as stored now (probation, role); 0 or -1. */
static int
poster(struct http_req *hr, struct account *a)
{
	memset(a, 0, sizeof *a);
	return store_account_by_id(hr->srv->store, hr->account_id, a) == STORE_OK ?
	    0 : -1;
}

/*
 * A new story or a reply: GET the form, POST it to post_member() and
 * say what came of it.
 */
static int
gen_write(struct http_req *hr, struct evbuffer *out, const char **ctype,
    int reply)
{
	struct write_form	 f;
	struct post_parent	 par;
	struct post_in		 in;
	struct post_out		 po;
	struct account		 a;
	const char		*L;
	char			*body = NULL, *quoted, subj[300];
	int			 rc;

	if (hr->account[0] == '\0' || hr->sid[0] == '\0')
		return HTTP_AUTH_NEEDED;
	L = hr->lang;
	if (poster(hr, &a) != 0)
		return -1;
	memset(&f, 0, sizeof f);
	if (reply) {
		if (post_parent_get(hr->srv, a.id, membership_reader_level(
		    hr->srv, a.role), hr->arg, &par) != STORE_OK) {
			account_clear(&a);
			return -1;
		}
		if (!par.found) {
			account_clear(&a);
			return HTTP_NOT_FOUND;
		}
		f.parent = &par;
		snprintf(subj, sizeof subj, "%s%s", strncasecmp(par.subject,
		    "Re:", 3) == 0 ? "" : "Re: ", par.subject);
		f.subject = subj;
	} else {
		if (!post_group_open(hr->srv, &a, hr->arg)) {
			account_clear(&a);
			return HTTP_NOT_FOUND;
		}
		f.group = hr->arg;
	}
	if (hr->rq->method != HTTP_M_POST) {
		account_clear(&a);
		return write_page(hr, out, ctype, &f);
	}
	f.subject = form_get(hr->form, "subject");
	f.body = form_get(hr->form, "body");
	f.quote = form_get(hr->form, "quote") != NULL;
	if (!reply && (f.subject == NULL || f.subject[strspn(f.subject,
	    " \t")] == '\0'))
		f.subject_error = i18n(L, "Give your story a subject.");
	else if (f.subject != NULL && strlen(f.subject) > 250)
		f.subject_error = i18n(L, "The subject is too long.");
	if (f.body == NULL || f.body[strspn(f.body, " \t\r\n")] == '\0')
		f.body_error = i18n(L, "Write something first.");
	if (f.subject_error != NULL || f.body_error != NULL) {
		account_clear(&a);
		return write_again(hr, 400, "Bad Request", &f);
	}
	if (reply && f.quote) {
		char	*author = http_from_name(par.from);

		quoted = post_quote(hr->srv, &par, L, author);
		free(author);
	} else
		quoted = NULL;
	if (quoted != NULL) {
		xasprintf(&body, "%s\n%s", quoted, f.body);
		free(quoted);
	} else
		body = xstrdup(f.body);
	memset(&in, 0, sizeof in);
	in.acct = &a;
	in.lang = L;
	in.group = reply ? NULL : hr->arg;
	in.parent = reply ? par.msgid : NULL;
	in.subject = f.subject;
	in.body = body;
	rc = post_member(hr->srv, &in, &po);
	free(body);
	account_clear(&a);
	switch (rc) {
	case POST_DELIVERED:
	case POST_HELD:
		return result_page(hr, &po);
	case POST_NOT_FOUND:
		return HTTP_NOT_FOUND;
	case POST_REFUSED:
		f.error = po.why;
		return write_again(hr, 403, "Forbidden", &f);
	default:
		http_add_header(hr, "Retry-After", "5");
		f.error = po.why;
		return write_again(hr, 503, "Service Unavailable", &f);
	}
}

/* /post/GROUP: a new story. */
int
gen_post(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	*lastmod = time(NULL);
	return gen_write(hr, out, ctype, 0);
}

/* /reply/MSGID: a reply (References: the parent's and the parent). */
int
gen_reply(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	*lastmod = time(NULL);
	return gen_write(hr, out, ctype, 1);
}

/* The report form, with ERROR (in L) or none. */
static int
report_page(struct http_req *hr, struct evbuffer *out, const char **ctype,
    const struct post_parent *par, const char *error)
{
	struct page	 p;
	xmlTextWriterPtr w;
	const char	*L;
	char		*action = path_with("/report/", par->msgid);
	char		*author = http_from_name(par->from);

	if (page_open(&p, hr, i18n(hr->lang, "Report a message")) != 0) {
		free(action);
		free(author);
		return -1;
	}
	w = p.w;
	L = p.L;
	if (html_wrap(w, "h1", i18n(L, "Report a message")) != 0 ||
	    html_el(w, "p") != 0 || html_wrap(w, "strong", par->subject) !=
	    0 || html_text(w, " — ") != 0 || html_text(w, author) != 0 ||
	    html_end(w) != 0 || html_wrap(w, "p", i18n(L, "The moderators "
	    "look at every report. The author is not told who reported.")) !=
	    0)
		goto fail;
	if (error != NULL && html_notice(w, "error", error) != 0)
		goto fail;
	if (http_form_open(hr, w, action, "stack") != 0 ||
	    html_field(w, i18n(L, "Why (optional)"), "textarea", "reason",
	    NULL, NULL, i18n(L, "A few words help the moderators, but you "
	    "need not give a reason."), NULL) != 0 ||
	    html_button(w, i18n(L, "Send report")) != 0 || html_end(w) != 0)
		goto fail;
	free(action);
	free(author);
	return page_close(&p, out, ctype);
fail:
	free(action);
	free(author);
	page_abort(&p);
	return -1;
}

/* /report/MSGID: GET the form; POST it to post_report(). */
int
gen_report(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	struct post_parent	 par;
	struct account		 a;
	struct evbuffer		*o;
	struct page		 p;
	const char		*ct, *reason;
	char			 msg[512];
	int			 level, rc;

	*lastmod = time(NULL);
	if (hr->account[0] == '\0' || hr->sid[0] == '\0')
		return HTTP_AUTH_NEEDED;
	if (poster(hr, &a) != 0)
		return -1;
	level = membership_reader_level(hr->srv, a.role);
	if (post_parent_get(hr->srv, a.id, level, hr->arg, &par) !=
	    STORE_OK) {
		account_clear(&a);
		return -1;
	}
	if (!par.found) {
		account_clear(&a);
		return HTTP_NOT_FOUND;
	}
	if (hr->rq->method != HTTP_M_POST) {
		account_clear(&a);
		return report_page(hr, out, ctype, &par, NULL);
	}
	reason = form_get(hr->form, "reason");
	if (reason != NULL && strlen(reason) > 2000) {
		account_clear(&a);
		o = evbuffer_new();
		ct = "text/html; charset=utf-8";
		if (report_page(hr, o, &ct, &par, i18n(hr->lang, "Please "
		    "keep the reason shorter.")) != 0) {
			evbuffer_free(o);
			return -1;
		}
		rc = page_send(hr, 400, "Bad Request", o, ct);
		evbuffer_free(o);
		return rc;
	}
	rc = post_report(hr->srv, &a, level, "web", par.msgid, reason, msg,
	    sizeof msg);
	account_clear(&a);
	if (rc == 1)
		return HTTP_NOT_FOUND;
	o = evbuffer_new();
	if (rc != 0) {
		ct = "text/html; charset=utf-8";
		if (report_page(hr, o, &ct, &par, msg) != 0) {
			evbuffer_free(o);
			return -1;
		}
		rc = page_send(hr, 403, "Forbidden", o, ct);
		evbuffer_free(o);
		return rc;
	}
	if (page_open(&p, hr, i18n(hr->lang, "Report sent")) != 0 ||
	    html_wrap(p.w, "h1", i18n(p.L, "Report sent")) != 0 ||
	    html_notice(p.w, "notice", msg) != 0 ||
	    page_close(&p, o, &ct) != 0) {
		page_abort(&p);
		evbuffer_free(o);
		return -1;
	}
	rc = page_send(hr, 200, "OK", o, ct);
	evbuffer_free(o);
	return rc;
}

/* The reader's links into writing (http-int.h). */

int
http_write_actions(struct http_req *hr, xmlTextWriterPtr w,
    const char *msgid)
{
	const char	*L = hr->lang;
	char		*r = path_with("/reply/", msgid);
	char		*x = path_with("/report/", msgid);
	int		 rc;

	rc = html_el(w, "p") != 0 || html_attr(w, "class", "actions") != 0 ||
	    html_link(w, r, i18n(L, "Reply")) != 0 ||
	    html_text(w, " \u00b7 ") != 0 ||
	    html_link(w, x, i18n(L, "Report")) != 0 || html_end(w) != 0;
	free(r);
	free(x);
	return rc ? -1 : 0;
}

int
http_write_new_story(struct http_req *hr, xmlTextWriterPtr w,
    const char *group)
{
	char	*u = path_with("/post/", group);
	int	 rc;

	rc = html_el(w, "p") != 0 || html_attr(w, "class", "actions") != 0 ||
	    html_link(w, u, i18n(hr->lang, "Write a new story")) != 0 ||
	    html_end(w) != 0;
	free(u);
	return rc ? -1 : 0;
}
