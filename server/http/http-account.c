/*
 * http-account.c -- a member's account on the web: signing in and out
 * (the account pages -- sign up, password, language, export, erasure --
 * are written here on the same pattern).
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
#include "http-int.h"
#include "i18n.h"
#include "log.h"
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

	if (signin_page(hr, out, &ctype, error, name) != 0) {
		evbuffer_free(out);
		return -1;
	}
	http_add_header(hr, "Content-Type", ctype);
	http_add_header(hr, "Cache-Control", "private, no-store");
	http_add_header(hr, "X-Content-Type-Options", "nosniff");
	http_send(hr, code, reason, evbuffer_pullup(out, -1),
	    evbuffer_get_length(out));
	evbuffer_free(out);
	return HTTP_SENT;
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
