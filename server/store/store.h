/*
 * store.h -- the only owner of the SQLite database.
 *
 * Every SQL statement of hearthd lives in server/store*.c, prepared once
 * at start-up with bound parameters only.  Schema changes are numbered
 * migrations applied at start-up (PRAGMA user_version).  Writes that a
 * client is told about are committed before the reply goes out.
 */
#ifndef HEARTH_STORE_H
#define HEARTH_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct store;

#define STORE_OK	0
#define STORE_NOTFOUND	1
#define STORE_EXISTS	2
#define STORE_ERROR	(-1)

struct account {
	int64_t	 id;
	char	*name;
	char	*role;		/* member, doctor, moderator, admin */
	char	*specialty;	/* doctors only, else NULL */
	char	*status;	/* active, pending, locked */
	int	 probation;
	int64_t	 created;
};

/*
 * SCRAM-SHA-256 keys of a password (RFC 5802 section 3): the salt and
 * iteration count of Hi(), StoredKey = H(ClientKey) and ServerKey.
 * Enough to check a client's proof, not to sign in with.
 */
#define SCRAM_KEY_LEN	32	/* SHA-256 */
#define SCRAM_SALT_MAX	64
struct scram_keys {
	unsigned char	salt[SCRAM_SALT_MAX];
	size_t		saltlen;
	int		iterations;
	unsigned char	stored_key[SCRAM_KEY_LEN];
	unsigned char	server_key[SCRAM_KEY_LEN];
};

struct group_info {
	int64_t	 id;
	char	*name;
	char	*description;
	char	*status;	/* open, moderated, readonly */
	char	*visibility;	/* public, members, private */
	int64_t	 created;
};

struct room_info {
	int64_t	 id;
	char	*name;
	char	*topic;
	char	*modes;
	int	 history;
	int64_t	 created;
};

/*
 * Open (creating when missing) the database at PATH, check it with
 * PRAGMA quick_check, apply migrations up to MAX_VERSION (0: all).
 * NULL with a message in ERR on failure.
 */
struct store	*store_open(const char *path, int sync_full, int max_version,
		    char *err, size_t errlen);
void		 store_close(struct store *);
/* The database as of its last commit, copied to the new file DEST. */
int		 store_backup(struct store *, const char *dest, char *err,
		    size_t errlen);
int		 store_schema_version(struct store *);
int		 store_latest_version(void);
int64_t		 store_db_size(struct store *);
const char	*store_errmsg(struct store *);

/*
 * Group commit: writes after store_batch_open() join one transaction,
 * committed by store_batch_close() (or by the next store_begin()).
 * store_batch_close() says whether everything since the open is durable.
 */
/*
 * Start the WAL checkpointer: a thread with its own connection that
 * copies the WAL into the database (and syncs it) off the event loop.
 * Call once the process is what it will stay (after daemon()).
 */
int	 store_checkpointer_start(struct store *);
int	 store_batch_open(struct store *);
/*
 * Commit the group.  *NEED (may be NULL) is the sync ticket everything
 * written before now waits for: durable once store_sync_poll() reports
 * a ticket at least as high (0, or a ticket already reported: durable
 * now).  STORE_ERROR when the commit failed.
 */
int	 store_batch_close(struct store *, uint64_t *need);
/*
 * The WAL sync thread (with database_sync_full): group commits are
 * then committed with synchronous=NORMAL on the loop and their
 * fdatasync runs on this thread, which writes a byte to WAKEFD after
 * each.  The connection stays at NORMAL while it runs; every other
 * commit syncs the WAL before it returns, as FULL would.  Call once,
 * after store_checkpointer_start().
 */
int	 store_syncer_start(struct store *, int wakefd);
/*
 * 1 when a group commit is open and the sync thread is busy: committing
 * it now would only make the next sync wait for more commits' worth of
 * WAL, so the caller may leave it open until that sync ends.
 */
int	 store_batch_may_wait(struct store *);
/* The highest ticket synced into *DONE; -1 once a sync failed. */
int	 store_sync_poll(struct store *, uint64_t *done);
/* Sync everything committed so far before returning (blocks). */
int	 store_sync_now(struct store *, uint64_t *done);
/*
 * FULL (nonzero): a group commit of nothing but chat lines fsyncs like
 * every other commit.  0 (the default): with database_sync_full it is
 * committed with synchronous=NORMAL -- in the WAL before anyone sees
 * it, so a crash of hearthd loses none, but fsynced only by the next
 * full commit or checkpoint, so a power cut may lose the last lines.
 */
void	 store_chat_sync(struct store *, int full);
int	 store_begin(struct store *);
/* A transaction inside the group commit (see store.c); the caller
 * holds its reply until the batch commits. */
int	 store_batch_begin(struct store *);
int	 store_commit(struct store *);
void	 store_rollback(struct store *);

/* Accounts.  NAME is matched case-insensitively (ASCII folding). */
int	 store_account_create(struct store *, const char *name,
	    const char *pwhash, const char *role, int64_t *id);
int	 store_account_get(struct store *, const char *name, struct account *,
	    char **pwhash);
int	 store_account_set_password(struct store *, const char *name,
	    const char *pwhash);
int	 store_account_set_role(struct store *, const char *name,
	    const char *role, const char *specialty);
int	 store_account_by_id(struct store *, int64_t id, struct account *);
int	 store_account_set_probation(struct store *, const char *name, int n);
int	 store_account_probation_done(struct store *, const char *name);
int	 store_account_set_status(struct store *, const char *name,
	    const char *from, const char *to);
int	 store_account_delete_pending(struct store *, const char *name);
int	 store_scram_get(struct store *, const char *name,
	    struct scram_keys *);
int	 store_scram_set(struct store *, const char *name,
	    const struct scram_keys *);
int	 store_scram_del(struct store *, const char *name);
int	 store_account_lang_get(struct store *, const char *name, char *out,
	    size_t outlen);
int	 store_account_lang_set(struct store *, const char *name,
	    const char *lang);
typedef void (*store_account_cb)(const struct account *, void *);
int	 store_account_list(struct store *, store_account_cb, void *);
/*
 * An account (any status) whose name has NAME's confusable skeleton
 * (names_skeleton()) but is not NAME folded: STORE_OK with its name in
 * WHO, STORE_NOTFOUND, or STORE_ERROR.  It reads every account.
 */
int	 store_account_lookalike(struct store *, const char *name, char *who,
	    size_t wholen);
/*
 * Each active verified doctor: CB(account name, display-name or NULL).
 */
typedef void (*store_name_cb)(const char *name, const char *display,
	    void *);
int	 store_doctor_names(struct store *, store_name_cb, void *);
void	 account_clear(struct account *);

/* Groups and rooms (seeded from etc/). */
int	 store_group_seed(struct store *, const char *name, const char *status,
	    const char *visibility, const char *description);
typedef void (*store_group_cb)(const struct group_info *, void *);
int	 store_group_list(struct store *, store_group_cb, void *);
int	 store_room_seed(struct store *, const char *name, int history,
	    const char *modes, const char *topic);
typedef void (*store_room_cb)(const struct room_info *, void *);
int	 store_room_list(struct store *, store_room_cb, void *);

/* Scheduled events: patient schools and meetups. */
struct event_info {
	int64_t	 id;
	char	*uid;		/* stable, for iCalendar and Atom ids */
	char	*title;
	char	*description;
	time_t	 starts;
	int	 duration;	/* seconds */
	char	*room;
	char	*group;		/* may be NULL */
	int	 capacity;	/* 0: unlimited */
	char	*facilitator;	/* may be NULL */
	time_t	 created;
	time_t	 updated;
	int	 cancelled;
};
int	 store_event_add(struct store *, struct event_info *);
typedef void (*store_event_cb)(const struct event_info *, void *);
int	 store_event_list(struct store *, time_t from, int limit,
	    int with_cancelled, store_event_cb, void *);
int	 store_event_cancel(struct store *, int64_t id);
int	 store_event_get(struct store *, int64_t id, struct event_info *);
int	 store_event_remind_add(struct store *, int64_t id,
	    const char *account);
int	 store_event_reminders(struct store *, int64_t id,
	    void (*)(const char *, void *), void *);
int	 store_event_due(struct store *, time_t soon, time_t now,
	    store_event_cb, void *);
time_t	 store_event_last_change(struct store *);
void	 event_info_clear(struct event_info *);

/* Sign-in records: account, protocol, keyed address hash, time. */
int	 store_login_record(struct store *, const char *account,
	    const char *proto, const char *ip_hash);
int	 store_login_expire(struct store *, time_t before);

/* Audit log: who did what to whom, and why. */
int	 store_audit(struct store *, const char *actor, const char *action,
	    const char *target, const char *reason);

/* SASL EXTERNAL: the account a certificate fingerprint belongs to. */
int	 store_cert_account(struct store *, const char *fingerprint,
	    char **account);
/*
 * Register FINGERPRINT (SHA-256, hex) to ACCOUNT: STORE_NOTFOUND when the
 * account does not exist or the fingerprint is someone else's already.
 */
int	 store_cert_add(struct store *, const char *account,
	    const char *fingerprint);
typedef void (*store_cert_cb)(const char *fingerprint, int64_t added,
	    void *);
/* The fingerprints of ACCOUNT, oldest first; returns how many. */
int	 store_cert_list(struct store *, const char *account, store_cert_cb,
	    void *);
int	 store_cert_del(struct store *, const char *account,
	    const char *fingerprint);

#endif
