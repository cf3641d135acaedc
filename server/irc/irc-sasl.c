/*
 * irc-sasl.c -- logging in and signing up: AUTHENTICATE (IRCv3 sasl-3.1
 * and 3.2; PLAIN against the shared accounts, EXTERNAL by client
 * certificate fingerprint, SCRAM-SHA-256 against the stored SCRAM keys),
 * REGISTER and VERIFY (IRCv3
 * draft/account-registration).  An account made here works for NNTP
 * too: it is the same accounts table.
 *
 * Passwords only cross encrypted connections, or loopback when the
 * operator allows it (DESIGN, accounts).  Buffers that held one are
 * wiped before they are freed.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "account.h"
#include "auth.h"
#include "i18n.h"
#include "irc.h"
#include "i18n.h"
#include "irc-int.h"
#include "irc-numeric.h"
#include "log.h"
#include "names.h"
#include "modq.h"
#include "notify.h"
#include "sanction.h"
#include "store-chat.h"
#include "xmalloc.h"

static int
may_authenticate(struct irc_client *cl)
{
	return auth_channel_ok(cl->conn->srv, cl->conn);
}

static enum irc_role
role_of(const char *role)
{
	if (role == NULL)
		return ROLE_MEMBER;
	if (strcmp(role, "doctor") == 0)
		return ROLE_DOCTOR;
	if (strcmp(role, "moderator") == 0)
		return ROLE_MODERATOR;
	if (strcmp(role, "admin") == 0)
		return ROLE_ADMIN;
	return ROLE_MEMBER;
}

/* Apply name, role and specialty of A to CL (not yet the cloak). */
static void
apply_fields(struct irc_client *cl, const struct account *a)
{
	free(cl->account);
	free(cl->specialty);
	cl->account = xstrdup(a->name);
	cl->role = (uint8_t)role_of(a->role);
	cl->probation = a->probation;
	cl->account_created = a->created;
	cl->specialty = (cl->role == ROLE_DOCTOR && a->specialty != NULL) ?
	    xstrdup(a->specialty) : NULL;
}

/*
 * Give CL the cloak of its account and role: CHGHOST, and 396 to CL
 * itself when TELL is set.
 */
static void
apply_cloak(struct irc_client *cl, int tell)
{
	char	host[128];

	irc_cloak(cl, host, sizeof host);
	irc_set_host(cl, host, tell);
}

/* Apply role and specialty of A to CL and refresh the cloak. */
static void
apply_account(struct irc_client *cl, const struct account *a)
{
	apply_fields(cl, a);
	apply_cloak(cl, 1);
}

/*
 * CL is now logged into A: account-notify and RPL_LOGGEDIN.  After SASL
 * (SASL set) RPL_SASLSUCCESS follows at once; a registered client gets
 * the new cloak only after those, as IRCv3 sasl-3.1 clients and Ergo
 * expect: 900 and 903 end the exchange, a host change is news that
 * follows it.  That news is CHGHOST alone (to CL too when it has the
 * chghost capability), no 396: a line of ours after 903 would be read
 * as the answer to the client's next AUTHENTICATE (sasl-3.2
 * re-authentication), and Ergo likewise tells a host change by CHGHOST
 * only.  Otherwise (before registration, where the cloak is set
 * silently; REGISTER, Helper) 900 already shows the cloak.
 */
static void
login(struct irc_client *cl, const struct account *a, int sasl)
{
	struct irc_event	ev;
	int			late = sasl && irc_is_registered(cl);

	if (late)
		apply_fields(cl, a);
	else
		apply_account(cl, a);
	if (irc_is_registered(cl)) {
		irc_event_init(&ev, ":%s ACCOUNT %s", irc_prefix(cl),
		    cl->account);
		irc_event_common(&ev, cl, CAP_ACCOUNT_NOTIFY, 0);
		irc_event_free(&ev);
	}
	irc_numeric(cl, RPL_LOGGEDIN, irc_prefix(cl), cl->account,
	    cl->account);
	if (sasl)
		irc_numeric(cl, RPL_SASLSUCCESS);
	if (late)
		apply_cloak(cl, 0);
	log_info("conn=%llu irc login account=%s",
	    (unsigned long long)cl->conn->id, cl->account);
	irc_mod_refuse_banned(cl);
}

/* CL is now logged into A (REGISTER, Helper). */
void
irc_login(struct irc_client *cl, const struct account *a)
{
	login(cl, a, 0);
}

struct changed {
	const char		*name;
	const struct account	*a;
};

static void
refresh_one(const char *key, void *val, void *arg)
{
	struct irc_client	*cl = val;
	struct changed		*ch = arg;

	(void)key;
	if (cl->account != NULL && names_casecmp(cl->account, ch->name) == 0)
		apply_account(cl, ch->a);
}

/*
 * An operator changed account NAME (role, specialty): logged-in
 * sessions get their new cloak (CHGHOST) and WHOIS line at once.
 */
void
irc_account_changed(struct server *srv, struct notify_msg *m, void *arg)
{
	struct account	a;
	struct changed	ch;
	const char	*name = m->account;

	(void)arg;
	if (name == NULL || srv->irc == NULL)
		return;
	/* Its language may have changed: look it up again. */
	irc_lang_changed(srv->irc, name);
	if (m->action != NULL && strcmp(m->action, "language") == 0)
		return;
	if (store_account_get(srv->store, name, &a,
	    NULL) != STORE_OK)
		return;
	ch.name = name;
	ch.a = &a;
	strmap_foreach(srv->irc->nicks, refresh_one, &ch);
	account_clear(&a);
}

void
irc_sasl_free(struct irc_client *cl)
{
	if (cl->sasl == NULL)
		return;
	sasl_buf_free(&cl->sasl->buf);
	auth_scram_free(cl->sasl->scram);
	account_clear(&cl->sasl->acct);
	free(cl->sasl);
	cl->sasl = NULL;
}

static void
sasl_failed(struct irc_client *cl)
{
	irc_sasl_free(cl);
	irc_numeric(cl, ERR_SASLFAIL);
	if (++cl->sasl_fails >= IRC_SASL_MAX_FAILS) {
		/*
		 * Close this connection only: the account itself is never
		 * locked, so a client retrying in a loop (WeeChat) cannot
		 * shut its owner out.
		 */
		irc_sendf(cl, "ERROR :Closing Link: %s (Too many failed "
		    "logins)", irc_nick(cl));
		irc_quit(cl, "Too many failed logins");
		conn_close(cl->conn, "sasl failures");
	}
}

/*
 * The password was right but the account is banned: 904 with a notice
 * that says why and until when, then the connection closes as it does
 * for a ban found at registration.
 */
static void
sasl_banned(struct irc_client *cl, const struct sanction_verdict *v)
{
	char	words[512];

	irc_sasl_free(cl);
	irc_sendf(cl, i18n(irc_lang(cl), ":%s NOTICE %s :You are %s"),
	    irc_srvname(cl), irc_nick(cl), sanction_describe_lang(v,
	    irc_lang(cl), words, sizeof words));
	irc_numeric(cl, ERR_SASLFAIL);
	irc_mod_refuse_ban(cl, v);
}

/* The answer to SASL PLAIN, on the loop (see auth_login_start). */
static void
plain_done(struct conn *c, void *arg, int rc, struct account *a,
    struct sanction_verdict *ban)
{
	struct irc_client	*cl = c->pstate;

	(void)arg;
	if (rc == AUTH_BANNED) {
		sasl_banned(cl, ban);
		return;
	}
	if (rc == AUTH_BUSY) {
		irc_sasl_free(cl);
		irc_numeric(cl, ERR_SASLBUSY);
		return;
	}
	if (rc != AUTH_OK) {
		log_info("conn=%llu irc SASL PLAIN failed",
		    (unsigned long long)c->id);
		sasl_failed(cl);
		return;
	}
	irc_sasl_free(cl);
	login(cl, a, 1);
	account_clear(a);
}

/*
 * SASL PLAIN: the password is checked on a hashing worker while this
 * client's input waits; plain_done() answers.
 */
static void
finish_plain(struct irc_client *cl, unsigned char *buf, size_t len)
{
	char	*authzid, *authcid, *passwd;
	int	 rc;

	if (sasl_plain_decode(buf, len, &authzid, &authcid, &passwd) != 0) {
		sasl_failed(cl);
		return;
	}
	if (*authzid != '\0' && strcasecmp(authzid, authcid) != 0)
		rc = AUTH_BAD;
	else
		rc = auth_login_start(cl->conn->srv, cl->conn, "irc", authcid,
		    passwd, plain_done, NULL);
	OPENSSL_cleanse(passwd, strlen(passwd));
	free(passwd);
	free(authzid);
	free(authcid);
	if (rc != AUTH_PENDING)
		plain_done(cl->conn, NULL, rc, NULL, NULL);
}

static void
finish_external(struct irc_client *cl, unsigned char *buf, size_t len)
{
	struct store		*st = cl->conn->srv->store;
	struct account		 a;
	struct sanction_verdict	 ban;
	char			 fp[EVP_MAX_MD_SIZE * 2 + 1], *name = NULL;

	if (conn_peer_fingerprint(cl->conn, fp, sizeof fp) == NULL ||
	    store_cert_account(st, fp, &name) != STORE_OK) {
		free(name);
		sasl_failed(cl);
		return;
	}
	/* An authorization identity, if given, must be that account. */
	if (len > 0 && (len != strlen(name) ||
	    strncasecmp((char *)buf, name, len) != 0)) {
		free(name);
		sasl_failed(cl);
		return;
	}
	if (store_account_get(st, name, &a, NULL) != STORE_OK) {
		free(name);
		sasl_failed(cl);
		return;
	}
	free(name);
	/* A certificate signs in no more than a password would. */
	if (sanction_may_sign_in(cl->conn->srv, a.name, NULL, &ban)) {
		log_info("conn=%llu irc SASL EXTERNAL refused: account=%s "
		    "banned", (unsigned long long)cl->conn->id, a.name);
		account_clear(&a);
		sasl_banned(cl, &ban);
		return;
	}
	irc_sasl_free(cl);
	login(cl, &a, 1);
	account_clear(&a);
}

/*
 * SASL SCRAM-SHA-256 (RFC 5802, RFC 7677; the keys and the checks are
 * auth.c's).  AUTHENTICATE carries, in base64:
 *	client-first  ->  server-first (step SCRAM_FINAL)
 *	client-final  ->  the proof is checked on a worker (input waits);
 *			  right: server-final (step SCRAM_ACK)
 *	"+"           ->  900, 903
 * Anything wrong on the way is 904, "*" aborts (906).
 */
#define SCRAM_FIRST	0
#define SCRAM_FINAL	1
#define SCRAM_ACK	2

/* Send MSG as AUTHENTICATE lines of base64, 400 bytes at most each. */
static void
sasl_send(struct irc_client *cl, const char *msg)
{
	char	*b64 = base64_encode((const unsigned char *)msg, strlen(msg));
	size_t	 len = strlen(b64), off = 0, n;

	for (;;) {
		n = len - off > SASL_CHUNK_LEN ? SASL_CHUNK_LEN : len - off;
		if (n == 0) {
			irc_sendf(cl, "AUTHENTICATE +");
			break;
		}
		irc_sendf(cl, "AUTHENTICATE %.*s", (int)n, b64 + off);
		off += n;
		if (n < SASL_CHUNK_LEN)
			break;
	}
	free(b64);
}

/* The answer to the SCRAM proof, on the loop (see auth_scram_final). */
static void
scram_done(struct conn *c, void *arg, int rc, struct account *a,
    struct sanction_verdict *ban)
{
	struct irc_client	*cl = c->pstate;
	char			*final;

	(void)arg;
	if (rc == AUTH_BANNED) {
		sasl_banned(cl, ban);
		return;
	}
	if (rc == AUTH_BUSY) {
		irc_sasl_free(cl);
		irc_numeric(cl, ERR_SASLBUSY);
		return;
	}
	if (rc != AUTH_OK || cl->sasl == NULL) {
		if (rc == AUTH_OK)
			account_clear(a);
		log_info("conn=%llu irc SASL SCRAM-SHA-256 failed",
		    (unsigned long long)c->id);
		sasl_failed(cl);
		return;
	}
	/* Logged in once the client has the server's proof and says "+". */
	cl->sasl->acct = *a;
	memset(a, 0, sizeof *a);
	final = auth_scram_server_final(cl->sasl->scram);
	sasl_send(cl, final);
	free(final);
	cl->sasl->step = SCRAM_ACK;
}

static void
finish_scram(struct irc_client *cl, unsigned char *buf, size_t len)
{
	struct irc_sasl	*sa = cl->sasl;
	char		*first;
	int		 rc;

	switch (sa->step) {
	case SCRAM_FIRST:
		rc = auth_scram_start(cl->conn->srv, cl->conn, "irc", buf, len,
		    &sa->scram, &first);
		if (rc != AUTH_OK) {
			sasl_failed(cl);
			return;
		}
		sasl_buf_free(&sa->buf);
		sa->step = SCRAM_FINAL;
		sasl_send(cl, first);
		free(first);
		return;
	case SCRAM_FINAL:
		sasl_buf_free(&sa->buf);
		rc = auth_scram_final(cl->conn->srv, cl->conn, sa->scram, buf,
		    len, scram_done, NULL);
		if (rc != AUTH_PENDING)
			scram_done(cl->conn, NULL, rc, NULL, NULL);
		return;
	default:
		/* SCRAM_ACK: only an empty response ends the exchange. */
		if (len != 0) {
			sasl_failed(cl);
			return;
		}
		irc_login(cl, &sa->acct);
		irc_sasl_free(cl);
		irc_numeric(cl, RPL_SASLSUCCESS);
		return;
	}
}

static int
has_tls(struct irc_client *cl)
{
	return conn_is_tls(cl->conn);
}

/* The mechanisms, in the order RPL_SASLMECHS lists them. */
static const struct sasl_mech {
	const char	*name;
	int		 mech;
	int		 (*allowed)(struct irc_client *);
	void		 (*step)(struct irc_client *, unsigned char *, size_t);
} sasl_mechs[] = {
	{ "PLAIN", SASL_MECH_PLAIN, may_authenticate, finish_plain },
	{ "EXTERNAL", SASL_MECH_EXTERNAL, has_tls, finish_external },
	/* Never the password on the wire, but gated like PLAIN. */
	{ "SCRAM-SHA-256", SASL_MECH_SCRAM, may_authenticate, finish_scram },
};
#define NMECHS	(sizeof sasl_mechs / sizeof sasl_mechs[0])

/* RPL_SASLMECHS, then 904: what this connection may use. */
static void
sasl_mech_list(struct irc_client *cl)
{
	char	list[128];
	size_t	i;

	list[0] = '\0';
	for (i = 0; i < NMECHS; i++)
		if (sasl_mechs[i].allowed(cl))
			snprintf(list + strlen(list), sizeof list -
			    strlen(list), "%s%s", list[0] != '\0' ? "," : "",
			    sasl_mechs[i].name);
	/* In clear from afar: a certificate over TLS is the way in. */
	irc_numeric(cl, RPL_SASLMECHS, list[0] != '\0' ? list : "EXTERNAL");
	irc_numeric(cl, ERR_SASLFAIL);
}

int
cmd_authenticate(struct irc_client *cl, struct irc_msg *m)
{
	const char	*p = m->params[0];
	unsigned char	*buf;
	size_t		 len, i;
	int		 rc;

	if (cl->sasl == NULL) {
		if (strcmp(p, "*") == 0) {
			irc_numeric(cl, ERR_SASLABORTED);
			return CONN_OK;
		}
		if (cl->account != NULL) {
			irc_numeric(cl, ERR_SASLALREADY);
			return CONN_OK;
		}
		for (i = 0; i < NMECHS; i++)
			if (strcasecmp(p, sasl_mechs[i].name) == 0 &&
			    sasl_mechs[i].allowed(cl))
				break;
		if (i == NMECHS) {
			sasl_mech_list(cl);
			return CONN_OK;
		}
		cl->sasl = xcalloc(1, sizeof *cl->sasl);
		cl->sasl->mech = sasl_mechs[i].mech;
		sasl_buf_init(&cl->sasl->buf);
		irc_sendf(cl, "AUTHENTICATE +");
		return CONN_OK;
	}
	if (strcmp(p, "*") == 0) {
		irc_sasl_free(cl);
		irc_numeric(cl, ERR_SASLABORTED);
		return CONN_OK;
	}
	/* One parameter longer than a piece may be: 905 (IRCv3 SASL). */
	if (strlen(p) > SASL_CHUNK_LEN) {
		irc_sasl_free(cl);
		irc_numeric(cl, ERR_SASLTOOLONG);
		return CONN_OK;
	}
	rc = sasl_buf_add(&cl->sasl->buf, p);
	if (rc == SASL_BUF_MORE)
		return CONN_OK;
	if (rc == SASL_BUF_TOOLONG) {
		/*
		 * Every piece was a lawful 400 bytes but there are too
		 * many: the exchange fails (904), as irctest's
		 * testPlainInfiniteMessages and other servers have it; 905
		 * speaks of one AUTHENTICATE parameter that is too long.
		 */
		irc_sasl_free(cl);
		irc_numeric(cl, ERR_SASLFAIL);
		return CONN_OK;
	}
	if (rc != SASL_BUF_DONE || sasl_buf_decode(&cl->sasl->buf, &buf,
	    &len) != 0) {
		sasl_failed(cl);
		return conn_is_closing(cl->conn) ? CONN_GONE : CONN_OK;
	}
	for (i = 0; i < NMECHS; i++)
		if (sasl_mechs[i].mech == cl->sasl->mech)
			break;
	if (i < NMECHS)
		sasl_mechs[i].step(cl, buf, len);
	OPENSSL_cleanse(buf, len);
	free(buf);
	return conn_is_closing(cl->conn) ? CONN_GONE : CONN_OK;
}

/*
 * May a client sign up before its connection registration is complete
 * (draft/account-registration "before-connect")?  Not when the operator
 * says no, nor behind a connection password (irc_password): a sign-up
 * before registration would make an account without it.
 */
int
irc_register_early(const struct server *srv)
{
	return srv->cf->irc_register_before_connect &&
	    srv->cf->irc_password == NULL;
}

/* REGISTER <account> <email> <password> (draft/account-registration). */
int
cmd_register(struct irc_client *cl, struct irc_msg *m)
{
	if (!irc_is_registered(cl) && !irc_register_early(cl->conn->srv)) {
		irc_fail(cl, "REGISTER", "COMPLETE_CONNECTION_REQUIRED",
		    m->params[0], N_("Finish connecting (NICK and USER) "
		    "before signing up"));
		return CONN_OK;
	}
	return irc_register_account(cl, m->params[0], m->params[2], NULL);
}

static void	register_hashed(struct conn *, void *,
		    const struct pw_secret *);

int
irc_register_account(struct irc_client *cl, const char *name,
    const char *pw, void (*after)(struct irc_client *))
{
	struct server	*srv = cl->conn->srv;
	char		 why[256];
	int		 rc;
	enum names_why	 nwhy;

	if (strcmp(name, "*") == 0) {
		/*
		 * NEED_NICK is only for a client that sent no NICK; one whose
		 * NICK was refused as taken asked for a name that is not
		 * free (draft/account-registration, ACCOUNT_EXISTS).
		 */
		if (cl->nick[0] == '\0' && cl->tried_nick[0] != '\0') {
			irc_fail(cl, "REGISTER", "ACCOUNT_EXISTS",
			    cl->tried_nick, N_("That nick is taken; choose "
			    "another or name the account"));
			goto told;
		}
		if (cl->nick[0] == '\0') {
			irc_fail(cl, "REGISTER", "NEED_NICK", "*",
			    N_("Send NICK first, or name the account"));
			goto told;
		}
		name = cl->nick;
	}
	if (strcmp(srv->cf->registration, "closed") == 0) {
		irc_fail(cl, "REGISTER", "DISALLOWED", name, N_("Sign-up is "
		    "closed here; the operators make accounts"));
		goto told;
	}
	if (cl->account != NULL) {
		irc_fail(cl, "REGISTER", "ALREADY_AUTHENTICATED", name,
		    N_("You are already logged in"));
		goto told;
	}
	if (cl->pending_account != NULL) {
		irc_fail(cl, "REGISTER", "ALREADY_AUTHENTICATED", name,
		    N_("Your sign-up already waits for a moderator"));
		goto told;
	}
	if (!may_authenticate(cl)) {
		irc_fail(cl, "REGISTER", "TEMPORARILY_UNAVAILABLE", name,
		    N_("Accounts can only be made over TLS"));
		goto told;
	}
	/*
	 * An account name shows in every protocol: Latin or Cyrillic, no
	 * "DrSmith", no lookalike of another account.
	 */
	if ((nwhy = account_name_new(srv, name, "member", NULL, 0)) !=
	    NAMES_OK) {
		irc_fail(cl, "REGISTER", "BAD_ACCOUNT_NAME", name,
		    names_why_text(nwhy));
		goto told;
	}
	if (account_password_acceptable(pw,
	    cl->conn->srv->cf->password_min_length, why, sizeof why) != 0) {
		irc_fail(cl, "REGISTER", "WEAK_PASSWORD", name, why);
		goto told;
	}
	/* The password is hashed on a worker; register_hashed goes on. */
	free(cl->reg_name);
	cl->reg_name = xstrdup(name);
	cl->reg_after = after;
	rc = auth_hash_start(srv, cl->conn, pw, register_hashed, NULL);
	if (rc == AUTH_PENDING)
		return CONN_OK;
	irc_fail(cl, "REGISTER", "TEMPORARILY_UNAVAILABLE", name, N_("Too many "
	    "sign-ins in progress: try again in a moment"));
told:
	if (after != NULL)
		after(cl);
	return conn_is_closing(cl->conn) ? CONN_GONE : CONN_OK;
}

/* The new password's hash is ready (or NULL): make the account. */
static void
register_hashed(struct conn *c, void *arg, const struct pw_secret *pw)
{
	struct irc_client	*cl = c->pstate;
	struct server		*srv = c->srv;
	struct account		 a;
	const char		*name = cl->reg_name;
	int			 rc;

	(void)arg;
	if (pw == NULL) {
		irc_fail(cl, "REGISTER", "TEMPORARILY_UNAVAILABLE", name,
		    N_("Try again later"));
		goto out;
	}
	/* The sign-up service: active, or pending and queued. */
	rc = account_register(srv, name, pw, "irc", &a);
	if (rc == STORE_EXISTS) {
		irc_fail(cl, "REGISTER", "ACCOUNT_EXISTS", name,
		    N_("That account name is taken"));
		goto out;
	}
	if (rc != STORE_OK) {
		irc_fail(cl, "REGISTER", "TEMPORARILY_UNAVAILABLE", name,
		    N_("Try again later"));
		goto out;
	}
	if (a.status != NULL && strcmp(a.status, "pending") == 0) {
		/*
		 * Pending: it cannot sign in anywhere (a wrong password looks
		 * the same) until a moderator approves the sign-up.
		 */
		free(cl->pending_account);
		cl->pending_account = xstrdup(a.name);
		irc_sendf(cl, ":%s REGISTER VERIFICATION_REQUIRED %s :Thank "
		    "you. A moderator approves new accounts here; stay "
		    "connected to hear when yours is ready, or sign in later",
		    irc_srvname(cl), a.name);
		account_clear(&a);
		goto out;
	}
	irc_sendf(cl, ":%s REGISTER SUCCESS %s :Account created; it works "
	    "for the newsgroups too", irc_srvname(cl), a.name);
	irc_login(cl, &a);
	account_clear(&a);
out:
	if (cl->reg_after != NULL)
		cl->reg_after(cl);
	free(cl->reg_name);
	cl->reg_name = NULL;
	cl->reg_after = NULL;
}

int
cmd_verify(struct irc_client *cl, struct irc_msg *m)
{
	irc_fail(cl, "VERIFY", "INVALID_CODE", m->params[0],
	    N_("No verification is pending for this account"));
	return CONN_OK;
}
