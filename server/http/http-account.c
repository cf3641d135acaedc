/*
 * http-account.c -- a member's account on the web: signing in and out,
 * signing up, and the account page (password, language, export,
 * erasure).
 *
 * Signing in takes the path every protocol's password takes
 * (http_login() -> auth_login_start(): the throttles, scrypt on a
 * worker, bans, the login record), only over HTTPS (or loopback when
 * the operator allows plaintext there), and makes a new session each
 * time (websession.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "account.h"
#include "auth.h"
#include "erase.h"
#include "export.h"
#include "http-int.h"
#include "i18n.h"
#include "lang.h"
#include "log.h"
#include "membership.h"
#include "names.h"
#include "store.h"
#include "tz.h"
#include "xmalloc.h"

/*
 * Is N a path of ours to go to after signing in?  Only "/x..." with
 * plain characters: never "//host", a scheme or a header break.
 */
static int
next_ok(const char *n)
{
	size_t	i;

	if (n == NULL || n[0] != '/' || n[1] == '/' || n[1] == '\\' ||
	    strlen(n) > 512)
		return 0;
	for (i = 0; n[i] != '\0'; i++)
		if ((unsigned char)n[i] <= 0x20 || (unsigned char)n[i] >= 0x7f ||
		    n[i] == '\\')
			return 0;
	return 1;
}

/* Where to go after signing in: the form's "next", else the groups. */
static const char *
next_path(struct http_req *hr)
{
	const char	*n = hr->form != NULL ? form_get(hr->form, "next") :
			    NULL;

	return next_ok(n) ? n : "/groups";
}

/*
 * "next" of the sign-in page's own query (a members' page sent the
 * visitor here: /signin?next=PATH), copied into BUF, or NULL.
 */
static const char *
query_next(struct http_req *hr, char *buf, size_t len)
{
	const char	*q = strchr(hr->rq->target, '?'), *v;
	struct form	 f;

	buf[0] = '\0';
	if (q == NULL || form_parse(q + 1, strlen(q + 1), &f) != 0)
		return NULL;
	if ((v = form_get(&f, "next")) != NULL && next_ok(v))
		snprintf(buf, len, "%s", v);
	form_free(&f);
	return buf[0] != '\0' ? buf : NULL;
}

/* The sign-in page, with ERROR (a msgid) above the form, or none. */
static int
signin_page(struct http_req *hr, struct evbuffer *out, const char **ctype,
    const char *error, const char *name)
{
	struct page	 p;
	xmlTextWriterPtr w;
	const char	*L;

	if (page_open(&p, hr, i18n(hr->lang, "Sign in")) != 0)
		return -1;
	w = p.w;
	L = p.L;
	if (html_wrap(w, "h1", i18n(L, "Sign in")) != 0)
		goto fail;
	if (error != NULL && (html_el(w, "p") != 0 ||
	    html_attr(w, "class", "error") != 0 ||
	    html_attr(w, "role", "alert") != 0 ||
	    html_text(w, i18n(L, error)) != 0 || html_end(w) != 0))
		goto fail;
	if (!http_secure(hr)) {
		/* Only reachable without an HTTPS listener. */
		if (html_wrap(w, "p", i18n(L, "Signing in on the web needs "
		    "an encrypted (HTTPS) connection, which this server does "
		    "not offer.")) != 0)
			goto fail;
		return page_close(&p, out, ctype);
	}
	if (http_form_open(hr, w, "/signin", "stack") != 0)
		goto fail;
	{
		char		 buf[600];
		const char	*next = hr->form != NULL ? form_get(hr->form,
				    "next") : query_next(hr, buf, sizeof buf);

		/* Where the member was going, kept through the form. */
		if (next_ok(next) && (html_el(w, "input") != 0 ||
		    html_attr(w, "type", "hidden") != 0 ||
		    html_attr(w, "name", "next") != 0 ||
		    html_attr(w, "value", next) != 0 ||
		    html_void_end(w) != 0))
			goto fail;
	}
	if (
	    html_input(w, i18n(L, "Name"), "text", "name", "name",
	    "username", name) != 0 ||
	    html_input(w, i18n(L, "Password"), "password", "password",
	    "password", "current-password", NULL) != 0 ||
	    html_button(w, i18n(L, "Sign in")) != 0 || html_end(w) != 0)
		goto fail;
	if (html_el(w, "p") != 0 || html_text(w, i18n(L, "No account yet? "))
	    != 0 || html_link(w, "/signup", i18n(L, "Sign up")) != 0 ||
	    html_end(w) != 0)
		goto fail;
	return page_close(&p, out, ctype);
fail:
	page_abort(&p);
	return -1;
}

/* Send the sign-in page again with CODE and ERROR. */
static int
signin_again(struct http_req *hr, int code, const char *reason,
    const char *error, const char *name)
{
	struct evbuffer	*out = evbuffer_new();
	const char	*ctype = "text/html; charset=utf-8";
	int		 made = signin_page(hr, out, &ctype, error, name);

	return page_made(hr, made, code, reason, out, ctype);
}

/*
 * GET /signin: the form.  POST /signin: name and password checked as
 * every sign-in is; on success a new session and 303 to where the
 * member was going.
 */
int
gen_signin(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	const char	*name, *pw;
	char		 ban[512];
	int		 rc;

	*lastmod = time(NULL);
	if (hr->rq->method != HTTP_M_POST)
		return signin_page(hr, out, ctype, NULL, NULL);
	if (!http_secure(hr))
		return HTTP_FORBIDDEN;
	name = form_get(hr->form, "name");
	pw = form_get(hr->form, "password");
	if (name == NULL || pw == NULL || *name == '\0' || *pw == '\0')
		return signin_again(hr, 400, "Bad Request",
		    N_("Enter your name and your password."), name);
	if (strlen(name) > ACCOUNT_NAME_MAX * 4 || strlen(pw) > PASSWORD_MAX)
		return signin_again(hr, 403, "Forbidden",
		    N_("Wrong name or password."), NULL);
	/* The body is the request's credentials: the verdict is for it. */
	rc = http_login(hr, hr->body, hr->body_len, name, pw, ban,
	    sizeof ban);
	if (rc == AUTH_PENDING)
		return HTTP_SENT;
	switch (rc) {
	case AUTH_OK:
		if (http_session_start(hr) != 0) {
			log_warnx("http: cannot start a web session for %s",
			    hr->account);
			return -1;
		}
		http_redirect(hr, 303, next_path(hr));
		return HTTP_SENT;
	case AUTH_BANNED:
		/* Right password: the reason and the end, as elsewhere. */
		{
			struct evbuffer	*o = evbuffer_new();
			struct page	 p;
			const char	*ct;

			hr->account[0] = '\0';
			if (page_open(&p, hr, i18n(hr->lang, "Sign in")) !=
			    0 || html_wrap(p.w, "h1", i18n(p.L, "Sign in")) !=
			    0 || html_el(p.w, "p") != 0 ||
			    html_attr(p.w, "class", "error") != 0 ||
			    html_text(p.w, i18n(p.L, "This account is "
			    "banned: ")) != 0 || html_text(p.w, ban) != 0 ||
			    html_end(p.w) != 0 ||
			    page_close(&p, o, &ct) != 0) {
				page_abort(&p);
				evbuffer_free(o);
				return -1;
			}
			http_add_header(hr, "Content-Type", ct);
			http_add_header(hr, "Cache-Control", "private, no-store");
			http_send(hr, 403, "Forbidden", evbuffer_pullup(o, -1),
			    evbuffer_get_length(o));
			evbuffer_free(o);
			return HTTP_SENT;
		}
	case AUTH_THROTTLED:
		http_add_header(hr, "Retry-After", "60");
		return signin_again(hr, 429, "Too Many Requests",
		    N_("Too many failed sign-ins. Please wait a while and "
		    "try again."), name);
	case AUTH_BUSY:
	case AUTH_ERROR:
		http_add_header(hr, "Retry-After", "5");
		return signin_again(hr, 503, "Service Unavailable",
		    N_("We could not check your password just now. Please "
		    "try again in a moment."), name);
	default:
		return signin_again(hr, 403, "Forbidden",
		    N_("Wrong name or password."), name);
	}
}

/* POST /signout: the session ends, its cookie is cleared. */
int
gen_signout(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	(void)out;
	(void)lastmod;
	(void)ctype;
	http_session_end(hr);
	http_redirect(hr, 303, "/");
	return HTTP_SENT;
}

/* Shared by the web door's forms (http-int.h). */

int
html_field(xmlTextWriterPtr w, const char *label, const char *type,
    const char *name, const char *autocomplete, const char *value,
    const char *hint, const char *error)
{
	char	hid[80], eid[80], desc[170];

	snprintf(hid, sizeof hid, "%s-hint", name);
	snprintf(eid, sizeof eid, "%s-error", name);
	snprintf(desc, sizeof desc, "%s%s%s", hint != NULL ? hid : "",
	    hint != NULL && error != NULL ? " " : "", error != NULL ? eid :
	    "");
	if (html_el(w, "div") != 0 || html_attr(w, "class", "field") != 0 ||
	    html_el(w, "label") != 0 || html_attr(w, "for", name) != 0 ||
	    html_text(w, label) != 0 || html_end(w) != 0)
		return -1;
	if (hint != NULL && (html_el(w, "p") != 0 ||
	    html_attr(w, "class", "hint") != 0 ||
	    html_attr(w, "id", hid) != 0 || html_text(w, hint) != 0 ||
	    html_end(w) != 0))
		return -1;
	if (strcmp(type, "textarea") == 0) {
		if (html_el(w, "textarea") != 0 ||
		    html_attr(w, "name", name) != 0 ||
		    html_attr(w, "id", name) != 0 ||
		    html_attr(w, "rows", "10") != 0)
			return -1;
	} else if (html_el(w, "input") != 0 ||
	    html_attr(w, "type", type) != 0 ||
	    html_attr(w, "name", name) != 0 ||
	    html_attr(w, "id", name) != 0 || (autocomplete != NULL &&
	    html_attr(w, "autocomplete", autocomplete) != 0) ||
	    (value != NULL && html_attr(w, "value", value) != 0))
		return -1;
	if (desc[0] != '\0' && html_attr(w, "aria-describedby", desc) != 0)
		return -1;
	if (error != NULL && html_attr(w, "aria-invalid", "true") != 0)
		return -1;
	if (strcmp(type, "textarea") == 0) {
		if (html_text(w, value != NULL ? value : "") != 0 ||
		    html_end(w) != 0)
			return -1;
	} else if (html_void_end(w) != 0)
		return -1;
	if (error != NULL && (html_el(w, "p") != 0 ||
	    html_attr(w, "class", "error") != 0 ||
	    html_attr(w, "id", eid) != 0 ||
	    html_attr(w, "role", "alert") != 0 ||
	    html_text(w, error) != 0 || html_end(w) != 0))
		return -1;
	return html_end(w);
}

int
html_notice(xmlTextWriterPtr w, const char *cls, const char *text)
{
	if (html_el(w, "p") != 0 || html_attr(w, "class", cls) != 0 ||
	    html_attr(w, "role", strcmp(cls, "error") == 0 ? "alert" :
	    "status") != 0 || html_text(w, text) != 0 || html_end(w) != 0)
		return -1;
	return 0;
}

int
page_send(struct http_req *hr, int code, const char *reason,
    struct evbuffer *out, const char *ctype)
{
	http_add_header(hr, "Content-Type", ctype);
	http_add_header(hr, "Cache-Control", "private, no-store");
	http_add_header(hr, "X-Content-Type-Options", "nosniff");
	if (hr->noindex)
		http_add_header(hr, "X-Robots-Tag", "noindex, nofollow");
	http_send(hr, code, reason, evbuffer_pullup(out, -1),
	    evbuffer_get_length(out));
	return HTTP_SENT;
}

int
page_made(struct http_req *hr, int made, int code, const char *reason,
    struct evbuffer *out, const char *ctype)
{
	int	rc = made != 0 ? -1 : page_send(hr, code, reason, out, ctype);

	evbuffer_free(out);
	return rc;
}

/* The reason a new password is refused, in L, or NULL when it is not. */
static const char *
password_refused(struct http_req *hr, const char *L, const char *pw,
    char *buf, size_t len)
{
	int	min = hr->srv->cf->password_min_length;
	char	why[256];

	if (account_password_acceptable(pw, min, why, sizeof why) == 0)
		return NULL;
	if (strlen(pw) < (size_t)(min < 1 ? 1 : min))
		snprintf(buf, len, i18n_n(L, "The password needs at least %d "
		    "character.", "The password needs at least %d characters.",
		    min), min);
	else if (strlen(pw) > PASSWORD_MAX)
		snprintf(buf, len, "%s", i18n(L, "The password is too "
		    "long."));
	else
		snprintf(buf, len, "%s", i18n(L, "The password may not "
		    "contain control characters."));
	return buf;
}

/* What a sign-up page says and keeps. */
struct signup_form {
	const char	*name;
	const char	*name_error;	/* in L already */
	const char	*pw_error;
	const char	*pw2_error;
	const char	*error;		/* above the form */
};

/* The sign-up page: the rules of this server, then the form. */
static int
signup_page(struct http_req *hr, struct evbuffer *out, const char **ctype,
    const struct signup_form *f)
{
	const char	*reg = hr->srv->cf->registration;
	struct page	 p;
	xmlTextWriterPtr w;
	const char	*L;
	char		 hint[256];
	int		 min = hr->srv->cf->password_min_length;

	if (page_open(&p, hr, i18n(hr->lang, "Sign up")) != 0)
		return -1;
	w = p.w;
	L = p.L;
	if (html_wrap(w, "h1", i18n(L, "Sign up")) != 0)
		goto fail;
	if (hr->account[0] != '\0') {
		if (html_el(w, "p") != 0 || html_text(w, i18n(L, "You are "
		    "signed in already: ")) != 0 || html_link(w, "/account",
		    i18n(L, "your account")) != 0 || html_end(w) != 0)
			goto fail;
		return page_close(&p, out, ctype);
	}
	if (strcmp(reg, "closed") == 0) {
		if (html_notice(w, "notice", i18n(L, "Sign-up is closed here; "
		    "the operators make accounts. Ask the people who told you "
		    "about this community.")) != 0)
			goto fail;
		return page_close(&p, out, ctype);
	}
	if (!http_secure(hr)) {
		if (html_wrap(w, "p", i18n(L, "Signing up on the web needs "
		    "an encrypted (HTTPS) connection, which this server does "
		    "not offer.")) != 0)
			goto fail;
		return page_close(&p, out, ctype);
	}
	if (html_wrap(w, "p", i18n(L, "One account works everywhere here: "
	    "on these pages, in newsreaders and in IRC clients. Nobody "
	    "asks for your e-mail address or your real name.")) != 0)
		goto fail;
	if (strcmp(reg, "approval") == 0 && html_notice(w, "notice",
	    i18n(L, "A moderator looks at every new account here before it "
	    "can be used. After you sign up, come back and sign in later: "
	    "it works as soon as your account is approved.")) != 0)
		goto fail;
	if (f->error != NULL && html_notice(w, "error", f->error) != 0)
		goto fail;
	snprintf(hint, sizeof hint, i18n_n(L, "At least %d character.",
	    "At least %d characters.", min), min);
	if (http_form_open(hr, w, "/signup", "stack") != 0 ||
	    html_field(w, i18n(L, "Name"), "text", "name", "username",
	    f->name, i18n(L, "2 to 30 letters, digits, - or _, starting "
	    "with a letter; Latin or Cyrillic letters, not both. Others see "
	    "this name: it need not be your real one."), f->name_error) != 0 ||
	    html_field(w, i18n(L, "Password"), "password", "password",
	    "new-password", NULL, hint, f->pw_error) != 0 ||
	    html_field(w, i18n(L, "Password again"), "password", "password2",
	    "new-password", NULL, NULL, f->pw2_error) != 0 ||
	    html_button(w, i18n(L, "Sign up")) != 0 || html_end(w) != 0)
		goto fail;
	if (html_el(w, "p") != 0 || html_text(w, i18n(L, "Have an account? "))
	    != 0 || html_link(w, "/signin", i18n(L, "Sign in")) != 0 ||
	    html_end(w) != 0)
		goto fail;
	return page_close(&p, out, ctype);
fail:
	page_abort(&p);
	return -1;
}

static int
signup_again(struct http_req *hr, int code, const char *reason,
    const struct signup_form *f)
{
	struct evbuffer	*out = evbuffer_new();
	const char	*ctype = "text/html; charset=utf-8";
	int		 made = signup_page(hr, out, &ctype, f);

	return page_made(hr, made, code, reason, out, ctype);
}

/* A page with a heading and one paragraph, sent with CODE. */
static int
message_page(struct http_req *hr, int code, const char *reason,
    const char *title, const char *text, const char *link,
    const char *link_text)
{
	struct evbuffer	*out = evbuffer_new();
	struct page	 p;
	const char	*ct;
	int		 rc;

	if (page_open(&p, hr, title) != 0) {
		evbuffer_free(out);
		return -1;
	}
	if (html_wrap(p.w, "h1", title) != 0 ||
	    html_notice(p.w, code >= 400 ? "error" : "notice", text) != 0 ||
	    (link != NULL && (html_el(p.w, "p") != 0 ||
	    html_link(p.w, link, link_text) != 0 || html_end(p.w) != 0)) ||
	    page_close(&p, out, &ct) != 0) {
		page_abort(&p);
		evbuffer_free(out);
		return -1;
	}
	rc = page_send(hr, code, reason, out, ct);
	evbuffer_free(out);
	return rc;
}

/*
 * GET /signup: the form, or why there is none (closed).  POST /signup:
 * the name and password rules every door uses (account_name_new(),
 * account_password_acceptable()), the password hashed on a worker,
 * then account_register() (approval: pending and queued for the
 * moderators).  An active account is signed in at once.
 */
int
gen_signup(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	struct signup_form	 f;
	const struct pw_secret	*pw;
	struct account		 a;
	const char		*L, *name, *pw1, *pw2;
	char			 nbuf[256], pbuf[256];
	enum names_why		 nwhy;
	int			 rc;

	*lastmod = time(NULL);
	memset(&f, 0, sizeof f);
	if (hr->rq->method != HTTP_M_POST)
		return signup_page(hr, out, ctype, &f);
	http_page_lang(hr);
	L = hr->lang;
	if (strcmp(hr->srv->cf->registration, "closed") == 0 ||
	    hr->account[0] != '\0')
		return signup_again(hr, 403, "Forbidden", &f);
	if (!http_secure(hr))
		return HTTP_FORBIDDEN;
	name = form_get(hr->form, "name");
	pw1 = form_get(hr->form, "password");
	pw2 = form_get(hr->form, "password2");
	f.name = name;
	if (name == NULL || *name == '\0')
		f.name_error = i18n(L, "Choose a name.");
	else if (strlen(name) > ACCOUNT_NAME_MAX * 4)
		f.name_error = i18n(L, names_why_text(NAMES_TOO_LONG));
	else if ((nwhy = account_name_new(hr->srv, name, "member", NULL, 0))
	    != NAMES_OK) {
		snprintf(nbuf, sizeof nbuf, "%s", i18n(L,
		    names_why_text(nwhy)));
		f.name_error = nbuf;
	}
	if (pw1 == NULL || *pw1 == '\0')
		f.pw_error = i18n(L, "Choose a password.");
	else
		f.pw_error = password_refused(hr, L, pw1, pbuf, sizeof pbuf);
	if (f.pw_error == NULL && (pw2 == NULL || strcmp(pw1, pw2) != 0))
		f.pw2_error = i18n(L, "The two passwords differ.");
	if (f.name_error != NULL || f.pw_error != NULL || f.pw2_error != NULL)
		return signup_again(hr, 400, "Bad Request", &f);
	rc = http_hash(hr, hr->body, hr->body_len, pw1, &pw);
	if (rc == AUTH_PENDING)
		return HTTP_SENT;
	if (rc != AUTH_OK) {
		http_add_header(hr, "Retry-After", "5");
		f.error = i18n(L, "We could not make your account just now. "
		    "Please try again in a moment.");
		return signup_again(hr, 503, "Service Unavailable", &f);
	}
	memset(&a, 0, sizeof a);
	rc = account_register(hr->srv, name, pw, "web", &a);
	if (rc == STORE_EXISTS) {
		f.name_error = i18n(L, "That name is taken; choose another.");
		return signup_again(hr, 409, "Conflict", &f);
	}
	if (rc != STORE_OK) {
		f.error = i18n(L, "We could not make your account just now. "
		    "Please try again in a moment.");
		return signup_again(hr, 503, "Service Unavailable", &f);
	}
	if (a.status != NULL && strcmp(a.status, "pending") == 0) {
		account_clear(&a);
		return message_page(hr, 202, "Accepted", i18n(L, "Thank "
		    "you"), i18n(L, "Your account is made and waits for a "
		    "moderator. A person looks at every new account here, "
		    "usually within a day. Come back and sign in with the "
		    "name and password you chose: it works as soon as the "
		    "account is approved. Until then nobody sees it."),
		    "/signin", i18n(L, "Sign in"));
	}
	/* Active at once: signed in, a new session. */
	hr->account_id = a.id;
	snprintf(hr->account, sizeof hr->account, "%s", a.name);
	snprintf(hr->role, sizeof hr->role, "%s", a.role != NULL ? a.role :
	    "member");
	hr->level = membership_reader_level(hr->srv, hr->role);
	account_clear(&a);
	if (http_session_start(hr) != 0)
		return -1;
	http_redirect(hr, 303, "/account");
	return HTTP_SENT;
}

/* What the account page shows after a POST. */
struct account_form {
	const char	*done;		/* a success, in L */
	const char	*error;		/* above everything */
	const char	*cur_error;	/* current password */
	const char	*new_error;
	const char	*new2_error;
	const char	*erase_error;
};

static const struct {
	const char	*tag;
	const char	*name;		/* in its own language */
} lang_names[] = {
	{ "en", "English" },
	{ "ru", "Русский" },
};

/* <select> of the known languages, the member's chosen. */
static int
language_select(xmlTextWriterPtr w, const char *L, const char *chosen)
{
	char		 tags[256], *t, *save;
	const char	*label;
	size_t		 i;

	if (html_el(w, "div") != 0 || html_attr(w, "class", "field") != 0 ||
	    html_el(w, "label") != 0 || html_attr(w, "for", "lang") != 0 ||
	    html_text(w, i18n(L, "Language")) != 0 || html_end(w) != 0 ||
	    html_el(w, "select") != 0 || html_attr(w, "name", "lang") != 0 ||
	    html_attr(w, "id", "lang") != 0 || html_el(w, "option") != 0 ||
	    html_attr(w, "value", "default") != 0 || (chosen == NULL &&
	    html_attr(w, "selected", "selected") != 0) ||
	    html_text(w, i18n(L, "The community's language")) != 0 ||
	    html_end(w) != 0)
		return -1;
	snprintf(tags, sizeof tags, "%s", i18n_languages());
	for (t = strtok_r(tags, " ", &save); t != NULL;
	    t = strtok_r(NULL, " ", &save)) {
		label = t;
		for (i = 0; i < sizeof lang_names / sizeof lang_names[0]; i++)
			if (strcmp(lang_names[i].tag, t) == 0)
				label = lang_names[i].name;
		if (html_el(w, "option") != 0 ||
		    html_attr(w, "value", t) != 0 ||
		    html_attr(w, "lang", t) != 0 || (chosen != NULL &&
		    strcmp(chosen, t) == 0 &&
		    html_attr(w, "selected", "selected") != 0) ||
		    html_text(w, label) != 0 || html_end(w) != 0)
			return -1;
	}
	return html_end(w) != 0 || html_end(w) != 0 ? -1 : 0;
}

/*
 * The zones offered on the account page: Russia's from west to east,
 * then neighbours and where members' families often live.  Any other
 * IANA name the machine knows is taken too (member_tz_set() checks).
 */
static const char *const tz_offered[] = {
	"Europe/Kaliningrad", "Europe/Moscow", "Europe/Volgograd",
	"Europe/Samara", "Asia/Yekaterinburg", "Asia/Omsk",
	"Asia/Novosibirsk", "Asia/Krasnoyarsk", "Asia/Irkutsk",
	"Asia/Yakutsk", "Asia/Vladivostok", "Asia/Magadan",
	"Asia/Kamchatka", "Europe/Minsk", "Europe/Kyiv", "Europe/Chisinau",
	"Europe/Riga", "Europe/Vilnius", "Europe/Tallinn", "Asia/Tbilisi",
	"Asia/Yerevan", "Asia/Baku", "Asia/Almaty", "Asia/Tashkent",
	"Asia/Bishkek", "Asia/Jerusalem", "Europe/Istanbul",
	"Europe/Berlin", "Europe/London", "America/New_York", "UTC",
};

/* One <option> of the zone list. */
static int
tz_option(xmlTextWriterPtr w, const char *value, const char *label,
    int selected)
{
	return html_el(w, "option") != 0 || html_attr(w, "value", value) !=
	    0 || (selected && html_attr(w, "selected", "selected") != 0) ||
	    html_text(w, label) != 0 || html_end(w) != 0 ? -1 : 0;
}

/* <select> of time zones, the member's chosen ("" for the community's). */
static int
tz_select(xmlTextWriterPtr w, const char *L, const char *chosen)
{
	const char	*server = tz_name();
	char		*s;
	size_t		 i;
	int		 listed = chosen[0] == '\0', rc;

	if (html_el(w, "div") != 0 || html_attr(w, "class", "field") != 0 ||
	    html_el(w, "label") != 0 || html_attr(w, "for", "tz") != 0 ||
	    html_text(w, i18n(L, "Time zone")) != 0 || html_end(w) != 0 ||
	    html_el(w, "select") != 0 || html_attr(w, "name", "tz") != 0 ||
	    html_attr(w, "id", "tz") != 0)
		return -1;
	if (server != NULL)
		xasprintf(&s, i18n(L, "The community's (%s)"), server);
	else
		s = xstrdup(i18n(L, "The community's"));
	rc = tz_option(w, "default", s, chosen[0] == '\0');
	free(s);
	if (rc != 0)
		return -1;
	for (i = 0; i < sizeof tz_offered / sizeof tz_offered[0]; i++) {
		int	sel = strcmp(chosen, tz_offered[i]) == 0;

		listed |= sel;
		if (tz_option(w, tz_offered[i], tz_offered[i], sel) != 0)
			return -1;
	}
	/* A zone chosen some other way (not offered): still shown. */
	if (!listed && tz_option(w, chosen, chosen, 1) != 0)
		return -1;
	return html_end(w) != 0 || html_end(w) != 0 ? -1 : 0;
}

/* A submit button with a name and value. */
static int
value_button(xmlTextWriterPtr w, const char *name, const char *value,
    const char *text)
{
	if (html_el(w, "button") != 0 || html_attr(w, "type", "submit") != 0 ||
	    html_attr(w, "name", name) != 0 ||
	    html_attr(w, "value", value) != 0 || html_text(w, text) != 0 ||
	    html_end(w) != 0)
		return -1;
	return 0;
}

/* The account page: password, language, export, erasure. */
static int
account_page(struct http_req *hr, struct evbuffer *out, const char **ctype,
    const struct account_form *f)
{
	struct page	 p;
	xmlTextWriterPtr w;
	const char	*L;
	int		 mode = ERASE_PSEUDONYMIZE;

	if (page_open(&p, hr, i18n(hr->lang, "Your account")) != 0)
		return -1;
	w = p.w;
	L = p.L;
	if (html_wrap(w, "h1", i18n(L, "Your account")) != 0 ||
	    html_el(w, "p") != 0 || html_text(w, i18n(L, "Signed in as ")) !=
	    0 || html_wrap(w, "strong", hr->account) != 0 || html_end(w) != 0)
		goto fail;
	if (f->done != NULL && html_notice(w, "notice", f->done) != 0)
		goto fail;
	if (f->error != NULL && html_notice(w, "error", f->error) != 0)
		goto fail;

	if (html_el(w, "section") != 0 ||
	    html_attr(w, "aria-labelledby", "h-password") != 0 ||
	    html_el(w, "h2") != 0 || html_attr(w, "id", "h-password") != 0 ||
	    html_text(w, i18n(L, "Change your password")) != 0 ||
	    html_end(w) != 0 || html_wrap(w, "p", i18n(L, "You stay signed "
	    "in here; everywhere else (other browsers, newsreaders, IRC "
	    "clients) signs in again with the new password.")) != 0 ||
	    http_form_open(hr, w, "/account/password", "stack") != 0 ||
	    html_field(w, i18n(L, "Current password"), "password", "current",
	    "current-password", NULL, NULL, f->cur_error) != 0 ||
	    html_field(w, i18n(L, "New password"), "password", "new",
	    "new-password", NULL, NULL, f->new_error) != 0 ||
	    html_field(w, i18n(L, "New password again"), "password", "new2",
	    "new-password", NULL, NULL, f->new2_error) != 0 ||
	    html_button(w, i18n(L, "Change password")) != 0 ||
	    html_end(w) != 0 || html_end(w) != 0)
		goto fail;

	if (html_el(w, "section") != 0 ||
	    html_attr(w, "aria-labelledby", "h-lang") != 0 ||
	    html_el(w, "h2") != 0 || html_attr(w, "id", "h-lang") != 0 ||
	    html_text(w, i18n(L, "Language")) != 0 || html_end(w) != 0 ||
	    html_wrap(w, "p", i18n(L, "These pages, the notices in your "
	    "newsreader and the Helper on IRC speak it.")) != 0 ||
	    http_form_open(hr, w, "/account/language", "stack") != 0 ||
	    language_select(w, L, member_lang(hr->srv, hr->account)) != 0 ||
	    html_button(w, i18n(L, "Save")) != 0 || html_end(w) != 0 ||
	    html_end(w) != 0)
		goto fail;

	{
		char	zone[256], now[64], *s;
		int	rc;

		member_tz(hr->srv, hr->account_id, zone, sizeof zone);
		tz_when(time(NULL), now, sizeof now);
		xasprintf(&s, i18n(L, "Times on these pages are shown in it. "
		    "Now: %s."), now);
		rc = html_el(w, "section") != 0 ||
		    html_attr(w, "aria-labelledby", "h-tz") != 0 ||
		    html_el(w, "h2") != 0 || html_attr(w, "id", "h-tz") != 0 ||
		    html_text(w, i18n(L, "Time zone")) != 0 ||
		    html_end(w) != 0 || html_wrap(w, "p", s) != 0 ||
		    http_form_open(hr, w, "/account/timezone", "stack") != 0 ||
		    tz_select(w, L, zone) != 0 ||
		    html_button(w, i18n(L, "Save")) != 0 || html_end(w) != 0 ||
		    html_end(w) != 0;
		free(s);
		if (rc)
			goto fail;
	}

	if (html_el(w, "section") != 0 ||
	    html_attr(w, "aria-labelledby", "h-export") != 0 ||
	    html_el(w, "h2") != 0 || html_attr(w, "id", "h-export") != 0 ||
	    html_text(w, i18n(L, "Download your data")) != 0 ||
	    html_end(w) != 0 || html_wrap(w, "p", i18n(L, "Everything "
	    "stored about you: your profile, the list of your posts and "
	    "messages, your reports and sign-ins (JSON), and your articles "
	    "in full (mbox, which mail programs open).")) != 0 ||
	    http_form_open(hr, w, "/account/export", "inline") != 0 ||
	    value_button(w, "format", "json", i18n(L, "Download (JSON)")) !=
	    0 || value_button(w, "format", "mbox", i18n(L, "Download your "
	    "articles (mbox)")) != 0 || html_end(w) != 0 || html_end(w) != 0)
		goto fail;

	(void)erase_mode_parse(hr->srv->cf->erasure_mode, &mode);
	if (html_el(w, "section") != 0 ||
	    html_attr(w, "aria-labelledby", "h-erase") != 0 ||
	    html_el(w, "h2") != 0 || html_attr(w, "id", "h-erase") != 0 ||
	    html_text(w, i18n(L, "Erase your account")) != 0 ||
	    html_end(w) != 0 || html_wrap(w, "p", mode == ERASE_REMOVE ?
	    i18n(L, "Your account, your sign-in records and everything you "
	    "wrote are deleted. This cannot be undone.") : i18n(L, "Your "
	    "account and your sign-in records are deleted; what you wrote "
	    "stays, signed \"former member\". This cannot be undone.")) != 0 ||
	    http_form_open(hr, w, "/account/erase", "stack") != 0 ||
	    html_field(w, i18n(L, "Your password, to confirm"), "password",
	    "erase_password", "current-password", NULL, NULL,
	    f->erase_error) != 0 ||
	    html_button(w, i18n(L, "Erase my account")) != 0 ||
	    html_end(w) != 0 || html_end(w) != 0)
		goto fail;
	return page_close(&p, out, ctype);
fail:
	page_abort(&p);
	return -1;
}

static int
account_again(struct http_req *hr, int code, const char *reason,
    const struct account_form *f)
{
	struct evbuffer	*out = evbuffer_new();
	const char	*ctype = "text/html; charset=utf-8";
	int		 made = account_page(hr, out, &ctype, f);

	return page_made(hr, made, code, reason, out, ctype);
}

/* GET /account: the member's settings. */
int
gen_account(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	struct account_form	f;

	*lastmod = time(NULL);
	if (hr->account[0] == '\0' || hr->sid[0] == '\0')
		return HTTP_AUTH_NEEDED;
	memset(&f, 0, sizeof f);
	return account_page(hr, out, ctype, &f);
}

/*
 * The password a form confirms, checked as every sign-in is (the
 * throttles, scrypt on a worker).  AUTH_OK, AUTH_PENDING (return
 * HTTP_SENT), or the refusal with its text in *WHY and the status.
 */
static int
confirm_password(struct http_req *hr, const char *pw, const char **why,
    int *code, const char **reason)
{
	const char	*L = hr->lang;
	char		 name[64];
	int		 rc;

	*code = 403;
	*reason = "Forbidden";
	if (pw == NULL || *pw == '\0' || strlen(pw) > PASSWORD_MAX) {
		*why = i18n(L, "That is not your password.");
		return AUTH_BAD;
	}
	snprintf(name, sizeof name, "%s", hr->account);
	rc = http_login(hr, hr->body, hr->body_len, name, pw, NULL, 0);
	switch (rc) {
	case AUTH_OK:
	case AUTH_PENDING:
		return rc;
	case AUTH_THROTTLED:
		*code = 429;
		*reason = "Too Many Requests";
		http_add_header(hr, "Retry-After", "60");
		*why = i18n(L, "Too many failed attempts. Please wait a while "
		    "and try again.");
		return rc;
	case AUTH_BUSY:
	case AUTH_ERROR:
		*code = 503;
		*reason = "Service Unavailable";
		http_add_header(hr, "Retry-After", "5");
		*why = i18n(L, "We could not check your password just now. "
		    "Please try again in a moment.");
		return rc;
	case AUTH_BANNED:
		*why = i18n(L, "This account is banned.");
		return rc;
	default:
		*why = i18n(L, "That is not your password.");
		return rc;
	}
}

/*
 * POST /account/password: the current password checked, the new one
 * hashed, stored by account_set_password() (which ends every session
 * of the account), and a new session for this browser.
 */
int
gen_password(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	struct account_form	 f;
	const struct pw_secret	*pw;
	const char		*L, *cur, *pw1, *pw2, *why, *reason;
	char			 pbuf[256], name[64];
	int			 rc, code;

	(void)out;
	(void)ctype;
	*lastmod = time(NULL);
	if (hr->account[0] == '\0' || hr->sid[0] == '\0')
		return HTTP_AUTH_NEEDED;
	L = hr->lang;
	memset(&f, 0, sizeof f);
	cur = form_get(hr->form, "current");
	pw1 = form_get(hr->form, "new");
	pw2 = form_get(hr->form, "new2");
	if (pw1 == NULL || *pw1 == '\0')
		f.new_error = i18n(L, "Choose a password.");
	else
		f.new_error = password_refused(hr, L, pw1, pbuf, sizeof pbuf);
	if (f.new_error == NULL && (pw2 == NULL || strcmp(pw1, pw2) != 0))
		f.new2_error = i18n(L, "The two passwords differ.");
	if (f.new_error != NULL || f.new2_error != NULL)
		return account_again(hr, 400, "Bad Request", &f);
	rc = confirm_password(hr, cur, &why, &code, &reason);
	if (rc == AUTH_PENDING)
		return HTTP_SENT;
	if (rc != AUTH_OK) {
		f.cur_error = why;
		return account_again(hr, code, reason, &f);
	}
	rc = http_hash(hr, hr->body, hr->body_len, pw1, &pw);
	if (rc == AUTH_PENDING)
		return HTTP_SENT;
	snprintf(name, sizeof name, "%s", hr->account);
	if (rc != AUTH_OK || account_set_password(hr->srv, name, name, pw,
	    "by the member on the web") != STORE_OK) {
		f.error = i18n(L, "We could not change your password just "
		    "now. Please try again in a moment.");
		return account_again(hr, 503, "Service Unavailable", &f);
	}
	/* Every session ended with it; this browser gets a new one. */
	hr->sid[0] = '\0';
	if (http_session_start(hr) != 0)
		return -1;
	f.done = i18n(L, "Your password is changed. You are signed out "
	    "everywhere else.");
	return account_again(hr, 200, "OK", &f);
}

/* POST /account/language: the member's language (member_lang_set()). */
int
gen_language(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	const char	*tag = form_get(hr->form, "lang");
	int		 rc;

	(void)out;
	(void)ctype;
	*lastmod = time(NULL);
	if (hr->account[0] == '\0' || hr->sid[0] == '\0')
		return HTTP_AUTH_NEEDED;
	if (tag == NULL || strlen(tag) > I18N_TAG_MAX)
		return HTTP_BAD;
	rc = member_lang_set(hr->srv, hr->account, tag, hr->account);
	if (rc == -1)
		return HTTP_BAD;
	if (rc != 0)
		return -1;
	http_redirect(hr, 303, "/account");
	return HTTP_SENT;
}

/*
 * POST /account/timezone: the zone the member reads times in
 * (member_tz_set(); "default": the community's).
 */
int
gen_timezone(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	const char	*zone = form_get(hr->form, "tz");
	int		 rc;

	(void)out;
	(void)ctype;
	*lastmod = time(NULL);
	if (hr->account[0] == '\0' || hr->sid[0] == '\0')
		return HTTP_AUTH_NEEDED;
	if (zone == NULL || strlen(zone) > 200)
		return HTTP_BAD;
	rc = member_tz_set(hr->srv, hr->account, hr->account_id, zone,
	    hr->account);
	if (rc == -1)
		return HTTP_BAD;
	if (rc != 0)
		return -1;
	http_redirect(hr, 303, "/account");
	return HTTP_SENT;
}

/*
 * POST /account/export: the member's data (export_member(), as /me)
 * as an attachment: format=json or mbox.
 */
int
gen_export(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	const char	*fmt = form_get(hr->form, "format");
	struct evbuffer	*json, *mbox;
	int		 want_mbox, rc;

	*lastmod = time(NULL);
	if (hr->account[0] == '\0' || hr->sid[0] == '\0')
		return HTTP_AUTH_NEEDED;
	if (fmt == NULL || (strcmp(fmt, "json") != 0 &&
	    strcmp(fmt, "mbox") != 0))
		return HTTP_BAD;
	want_mbox = strcmp(fmt, "mbox") == 0;
	json = evbuffer_new();
	mbox = evbuffer_new();
	rc = export_member(hr->srv, hr->account, json, mbox);
	if (rc == STORE_OK) {
		evbuffer_add_buffer(out, want_mbox ? mbox : json);
		store_audit(hr->srv->store, hr->account, "account.export",
		    hr->account, "by the member on the web");
	}
	evbuffer_free(json);
	evbuffer_free(mbox);
	if (rc != STORE_OK)
		return -1;
	*ctype = want_mbox ? "application/mbox" :
	    "application/json; charset=utf-8";
	http_add_header(hr, "Content-Disposition", want_mbox ?
	    "attachment; filename=\"hearth-articles.mbox\"" :
	    "attachment; filename=\"hearth-export.json\"");
	return 0;
}

/*
 * POST /account/erase: confirmed by the password (checked as every
 * sign-in is), member_erase() in the configured mode; the session
 * ends with the account.
 */
int
gen_erase(struct http_req *hr, struct evbuffer *out, time_t *lastmod,
    const char **ctype)
{
	struct account_form	 f;
	const char		*L, *why, *reason;
	char			 name[64], msg[256];
	int			 rc, code, mode;

	(void)out;
	(void)ctype;
	*lastmod = time(NULL);
	if (hr->account[0] == '\0' || hr->sid[0] == '\0')
		return HTTP_AUTH_NEEDED;
	L = hr->lang;
	memset(&f, 0, sizeof f);
	rc = confirm_password(hr, form_get(hr->form, "erase_password"), &why,
	    &code, &reason);
	if (rc == AUTH_PENDING)
		return HTTP_SENT;
	if (rc != AUTH_OK) {
		f.erase_error = why;
		return account_again(hr, code, reason, &f);
	}
	if (erase_mode_parse(hr->srv->cf->erasure_mode, &mode) != 0)
		mode = ERASE_PSEUDONYMIZE;
	snprintf(name, sizeof name, "%s", hr->account);
	if (member_erase(hr->srv, name, mode, name, msg, sizeof msg) != 0) {
		log_warnx("http: erasing %s: %s", name, msg);
		f.error = i18n(L, "We could not erase your account just now. "
		    "Please try again in a moment.");
		return account_again(hr, 503, "Service Unavailable", &f);
	}
	http_session_end(hr);
	return message_page(hr, 200, "OK", i18n(L, "Your account is "
	    "erased"), i18n(L, "Your account is erased and you are signed "
	    "out. Take care."), "/", i18n(L, "Home"));
}
