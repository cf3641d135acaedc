/*
 * http-session.c -- the web door's cookies: who a request comes from
 * (the session cookie), the form cookie of signed-out visitors, and the
 * form tokens every POST must carry (services/websession.c makes and
 * checks them; this file reads and writes the HTTP side).
 *
 * Cookies are HttpOnly, SameSite=Lax, Path=/, and Secure over HTTPS.
 * They are read and set only where a password may cross
 * (http_secure(): TLS, or loopback when the operator allows it), like
 * every other credential.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "conn.h"
#include "http-int.h"
#include "log.h"
#include "membership.h"
#include "sanction.h"
#include "store.h"
#include "websession.h"

/*
 * Set cookie NAME to VALUE for MAX_AGE seconds (0: delete it; -1: until
 * the browser closes).
 */
static void
set_cookie(struct http_req *hr, const char *name, const char *value,
    long max_age)
{
	char	v[256], age[32] = "";

	if (max_age >= 0)
		snprintf(age, sizeof age, "; Max-Age=%ld", max_age);
	snprintf(v, sizeof v, "%s=%s; Path=/%s; HttpOnly; SameSite=Lax%s",
	    name, value, age, hr->https ? "; Secure" : "");
	http_add_header(hr, "Set-Cookie", v);
}

void
http_session_read(struct http_req *hr)
{
	const char		*h;
	char			 v[WEBSESSION_ID_LEN + 1];
	struct websession	 ws;

	hr->sid[0] = '\0';
	hr->formc[0] = '\0';
	if (!http_secure(hr) || (h = http_req_field(hr, "Cookie")) == NULL)
		return;
	if (form_cookie(h, HTTP_FORM_COOKIE, v, sizeof v) == 0 &&
	    websession_id_valid(v))
		memcpy(hr->formc, v, sizeof v);
	if (form_cookie(h, HTTP_SESSION_COOKIE, v, sizeof v) != 0 ||
	    !websession_id_valid(v))
		return;
	/* A live session of an account that may still sign in. */
	if (websession_lookup(hr->srv, v, &ws) != STORE_OK ||
	    sanction_may_sign_in(hr->srv, ws.account, NULL, NULL) != 0) {
		OPENSSL_cleanse(v, sizeof v);
		return;
	}
	memcpy(hr->sid, v, sizeof v);
	OPENSSL_cleanse(v, sizeof v);
	hr->account_id = ws.account_id;
	snprintf(hr->account, sizeof hr->account, "%s", ws.account);
	snprintf(hr->role, sizeof hr->role, "%s", ws.role);
	hr->level = membership_reader_level(hr->srv, ws.role);
}

int
http_session_start(struct http_req *hr)
{
	char	id[WEBSESSION_ID_LEN + 1];

	/* Whatever session the browser had ends: never keep an old id. */
	if (hr->sid[0] != '\0')
		websession_destroy(hr->srv, hr->sid);
	if (websession_create(hr->srv, hr->account_id, id) != STORE_OK)
		return -1;
	set_cookie(hr, HTTP_SESSION_COOKIE, id, WEBSESSION_MAX);
	memcpy(hr->sid, id, sizeof id);
	hr->token[0] = '\0';
	OPENSSL_cleanse(id, sizeof id);
	return 0;
}

void
http_session_end(struct http_req *hr)
{
	if (hr->sid[0] != '\0')
		websession_destroy(hr->srv, hr->sid);
	hr->sid[0] = '\0';
	hr->token[0] = '\0';
	hr->account[0] = '\0';
	hr->account_id = 0;
	hr->level = 0;
	set_cookie(hr, HTTP_SESSION_COOKIE, "", 0);
}

const char *
http_form_token(struct http_req *hr)
{
	if (hr->token[0] != '\0')
		return hr->token;
	/* A form's answer is this visitor's alone. */
	hr->personal = 1;
	if (hr->sid[0] != '\0') {
		websession_token(hr->sid, hr->token);
		return hr->token;
	}
	if (hr->formc[0] == '\0') {
		if (websession_new_id(hr->formc) != 0) {
			log_warnx("http: no randomness for a form cookie");
			return NULL;
		}
		/* For this browser session only. */
		set_cookie(hr, HTTP_FORM_COOKIE, hr->formc, -1);
	}
	websession_token(hr->formc, hr->token);
	return hr->token;
}

/*
 * Does Origin (when the browser sends one) name this site?  Browsers
 * send it on every cross-site POST; "null" (a sandboxed or privacy
 * context) is refused too.
 */
static int
origin_ok(struct http_req *hr)
{
	const char	*o = http_req_field(hr, "Origin");
	const char	*scheme = hr->https ? "https://" : "http://";
	size_t		 n = strlen(scheme);

	if (o == NULL)
		return 1;
	return strncasecmp(o, scheme, n) == 0 &&
	    strcasecmp(o + n, hr->host) == 0;
}

int
http_form_ok(struct http_req *hr)
{
	const char	*tok;

	if (hr->form == NULL || !origin_ok(hr) || form_count(hr->form,
	    "csrf") != 1 || (tok = form_get(hr->form, "csrf")) == NULL)
		return 0;
	/*
	 * Signed in: the token of the session.  Signed out: the token of
	 * the form cookie (a signed double submit).  Only over a channel
	 * where cookies are read at all.
	 */
	if (hr->sid[0] != '\0')
		return websession_token_ok(hr->sid, tok);
	if (hr->formc[0] != '\0')
		return websession_token_ok(hr->formc, tok);
	return 0;
}

int
http_form_open(struct http_req *hr, xmlTextWriterPtr w, const char *action,
    const char *cls)
{
	const char	*tok = http_form_token(hr);

	if (tok == NULL || html_el(w, "form") != 0 ||
	    html_attr(w, "method", "post") != 0 ||
	    html_attr(w, "action", action) != 0 ||
	    (cls != NULL && html_attr(w, "class", cls) != 0) ||
	    html_el(w, "input") != 0 || html_attr(w, "type", "hidden") != 0 ||
	    html_attr(w, "name", "csrf") != 0 ||
	    html_attr(w, "value", tok) != 0 || html_void_end(w) != 0)
		return -1;
	return 0;
}
