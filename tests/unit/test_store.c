/*
 * test_store.c -- migrations, integrity check, accounts, seeding, member
 * notices.
 */
#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <sqlite3.h>

#include "store.h"
#include "store-chat.h"
#include "store-news.h"
#include "store-notice.h"
#include "xmalloc.h"

static char	tmpdir[64];
static char	dbpath[128];

static void
setup(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/hearth-store-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(dbpath, sizeof dbpath, "%s/t.db", tmpdir);
}

static void
teardown(void)
{
	char	p[160];

	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
	unlink(dbpath);
	rmdir(tmpdir);
}

START_TEST(fresh_database_gets_latest_schema)
{
	char		 err[256];
	struct store	*st = store_open(dbpath, 1, 0, err, sizeof err);

	ck_assert_msg(st != NULL, "%s", err);
	ck_assert_int_eq(store_schema_version(st), store_latest_version());
	ck_assert_int_ge(store_latest_version(), 2);
	ck_assert_int_gt(store_db_size(st), 0);
	store_close(st);
}
END_TEST

/* An old database (schema 1) is brought up to date, keeping its data. */
START_TEST(migrates_old_database)
{
	char		 err[256];
	struct store	*st = store_open(dbpath, 1, 1, err, sizeof err);
	struct account	 a;

	ck_assert_msg(st != NULL, "%s", err);
	ck_assert_int_eq(store_schema_version(st), 1);
	ck_assert_int_eq(store_account_create(st, "Alice", "$h", "member",
	    NULL), STORE_OK);
	store_close(st);

	st = store_open(dbpath, 1, 0, err, sizeof err);
	ck_assert_msg(st != NULL, "%s", err);
	ck_assert_int_eq(store_schema_version(st), store_latest_version());
	ck_assert_int_eq(store_account_get(st, "alice", &a, NULL), STORE_OK);
	ck_assert_str_eq(a.name, "Alice");
	account_clear(&a);
	store_close(st);
}
END_TEST

START_TEST(refuses_corrupt_database)
{
	char		 err[256];
	FILE		*f = fopen(dbpath, "w");
	struct store	*st;
	int		 i;

	/* A file that is not a database at all. */
	for (i = 0; i < 200; i++)
		fputs("this is not an SQLite database, just text\n", f);
	fclose(f);
	st = store_open(dbpath, 1, 0, err, sizeof err);
	ck_assert_ptr_null(st);
	ck_assert_ptr_nonnull(strstr(err, "t.db"));
}
END_TEST

static int
art_overview_cb(const struct news_art *a, void *arg)
{
	snprintf(arg, 256, "%s|%lld", a->overview, (long long)a->bytes);
	return 0;
}

/*
 * Migration 8 drops the overview column of schema 7: an article stored
 * before it is still served, its overview line read from the header.
 * (The test writes the old row itself; hearthd never does this.)
 */
START_TEST(migrates_articles_without_overview_column)
{
	static const char text[] = "From: A <a@b.c>\r\nSubject: Old\r\n"
	    "Message-ID: <old@x>\r\nReferences: <r@x>\r\n\r\nbody\r\n";
	char		 err[256], got[256];
	struct store	*st = store_open(dbpath, 1, 7, err, sizeof err);
	sqlite3		*db;
	sqlite3_stmt	*s;

	ck_assert_msg(st != NULL, "%s", err);
	ck_assert_int_eq(store_schema_version(st), 7);
	store_close(st);
	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO groups (name, created) VALUES "
	    "('a.b', 0); UPDATE groups SET high = 1, count = 1", NULL, NULL,
	    NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO articles (id, "
	    "msgid, posted, header_len, bytes, lines, overview, text) VALUES "
	    "(1, '<old@x>', 0, ?1, ?2, 1, 'Old\tA <a@b.c>\t\t<old@x>\t"
	    "<r@x>', ?3)", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_int(s, 1, (int)(strstr(text, "body") - text));
	sqlite3_bind_int(s, 2, (int)strlen(text));
	sqlite3_bind_blob(s, 3, text, (int)strlen(text), SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO group_articles SELECT "
	    "id, 1, 1 FROM groups WHERE name = 'a.b'", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);

	st = store_open(dbpath, 1, 0, err, sizeof err);
	ck_assert_msg(st != NULL, "%s", err);
	ck_assert_int_eq(store_schema_version(st), store_latest_version());
	got[0] = '\0';
	ck_assert_int_eq(store_news_by_msgid(st, "<old@x>", 0,
	    art_overview_cb, got), STORE_OK);
	ck_assert_str_eq(got, "Old\tA <a@b.c>\t\t<old@x>\t<r@x>|79");
	store_close(st);
}
END_TEST

static int
exec_rc(sqlite3 *db, const char *sql)
{
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

/*
 * Migration 22 rewrites articles.status's CHECK (IN (...) -> five
 * comparisons) in place: a row stored before it stays, the schema
 * reads the new way, a status outside the five is still refused and
 * the database checks out.
 */
START_TEST(migrates_article_status_check)
{
	char		 err[256];
	struct store	*st = store_open(dbpath, 1, 21, err, sizeof err);
	sqlite3		*db;
	sqlite3_stmt	*s;

	ck_assert_msg(st != NULL, "%s", err);
	store_close(st);
	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(exec_rc(db, "INSERT INTO articles (msgid, posted, "
	    "status, header_len, bytes, lines, text) VALUES ('<old@x>', 0, "
	    "'hidden', 0, 0, 0, X'')"), SQLITE_OK);
	sqlite3_close(db);

	st = store_open(dbpath, 1, 0, err, sizeof err);
	ck_assert_msg(st != NULL, "%s", err);
	ck_assert_int_eq(store_schema_version(st), store_latest_version());
	store_close(st);
	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_schema "
	    "WHERE name = 'articles'", -1, &s, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	ck_assert_ptr_null(strstr((const char *)sqlite3_column_text(s, 0),
	    "status IN ("));
	ck_assert_ptr_nonnull(strstr((const char *)sqlite3_column_text(s, 0),
	    "status = 'hidden')"));
	sqlite3_finalize(s);
	ck_assert_int_eq(exec_rc(db, "INSERT INTO articles (msgid, posted, "
	    "status, header_len, bytes, lines, text) VALUES ('<bad@x>', 0, "
	    "'lost', 0, 0, 0, X'')"), SQLITE_CONSTRAINT);
	ck_assert_int_eq(exec_rc(db, "INSERT INTO articles (msgid, posted, "
	    "status, header_len, bytes, lines, text) VALUES ('<new@x>', 0, "
	    "'rejected', 0, 0, 0, X'')"), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT count(*) FROM articles "
	    "WHERE msgid IN ('<old@x>', '<new@x>')", -1, &s, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(s, 0), 2);
	sqlite3_finalize(s);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1,
	    &s, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(s, 0), "ok");
	sqlite3_finalize(s);
	sqlite3_close(db);
}
END_TEST

START_TEST(refuses_newer_schema)
{
	char		 err[256];
	struct store	*st = store_open(dbpath, 1, 0, err, sizeof err);

	ck_assert_ptr_nonnull(st);
	store_close(st);
	{
		/* Pretend a future hearthd migrated this file. */
		char	cmd[256];

		snprintf(cmd, sizeof cmd, "sqlite3 %s 'PRAGMA user_version="
		    "999'", dbpath);
		if (system(cmd) != 0) {
			/* No sqlite3 shell: set it through a raw open. */
			ck_abort_msg("sqlite3 shell missing");
		}
	}
	st = store_open(dbpath, 1, 0, err, sizeof err);
	ck_assert_ptr_null(st);
	ck_assert_ptr_nonnull(strstr(err, "newer"));
}
END_TEST

START_TEST(accounts_fold_case)
{
	char		 err[256], *hash = NULL;
	struct store	*st = store_open(":memory:", 0, 0, err, sizeof err);
	struct account	 a;
	int64_t		 id;

	ck_assert_int_eq(store_account_create(st, "MaryJ", "$x", "member",
	    &id), STORE_OK);
	ck_assert_int_gt(id, 0);
	ck_assert_int_eq(store_account_create(st, "maryj", "$y", "member",
	    NULL), STORE_EXISTS);
	ck_assert_int_eq(store_account_get(st, "MARYJ", &a, &hash), STORE_OK);
	ck_assert_str_eq(a.name, "MaryJ");
	ck_assert_str_eq(a.role, "member");
	ck_assert_str_eq(a.status, "active");
	ck_assert_str_eq(hash, "$x");
	free(hash);
	account_clear(&a);
	ck_assert_int_eq(store_account_set_role(st, "maryj", "doctor",
	    "oncology"), STORE_OK);
	ck_assert_int_eq(store_account_get(st, "maryj", &a, NULL), STORE_OK);
	ck_assert_str_eq(a.role, "doctor");
	ck_assert_str_eq(a.specialty, "oncology");
	account_clear(&a);
	ck_assert_int_eq(store_account_set_role(st, "nobody", "admin", NULL),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_account_set_password(st, "nobody", "$z"),
	    STORE_NOTFOUND);
	/* The CHECK constraint refuses unknown roles. */
	ck_assert_int_eq(store_account_create(st, "Bob", "$x", "wizard",
	    NULL), STORE_ERROR);
	ck_assert_int_eq(store_account_get(st, "nobody", &a, NULL),
	    STORE_NOTFOUND);
	store_close(st);
}
END_TEST

struct seen {
	int64_t	 ids[8];
	int	 n;
	int	 stop_after;
};

static int
seen_notice(const struct notice_row *r, void *arg)
{
	struct seen	*sn = arg;

	ck_assert_int_lt(sn->n, 8);
	sn->ids[sn->n++] = r->id;
	ck_assert_str_eq(r->kind, "warning");
	return sn->stop_after > 0 && sn->n >= sn->stop_after;
}

/* Notices belong to one account, ids only grow, nobody else sees them. */
START_TEST(notices_are_per_account)
{
	char		 err[256];
	struct store	*st = store_open(":memory:", 0, 0, err, sizeof err);
	struct seen	 sn;
	int64_t		 ann, bob, n1, n2, n3, count, low, high;

	ck_assert_msg(st != NULL, "%s", err);
	ck_assert_int_eq(store_account_create(st, "Ann", "$x", "member",
	    &ann), STORE_OK);
	ck_assert_int_eq(store_account_create(st, "Bob", "$x", "member",
	    &bob), STORE_OK);
	ck_assert_int_eq(store_notice_add(st, "ann", "warning", "s", "b1", 1,
	    &n1), STORE_OK);
	ck_assert_int_eq(store_notice_add(st, "BOB", "warning", "s", "b2", 2,
	    &n2), STORE_OK);
	ck_assert_int_eq(store_notice_add(st, "Ann", "warning", "s", "b3", 3,
	    &n3), STORE_OK);
	ck_assert_int_eq(store_notice_add(st, "ghost", "warning", "s", "b",
	    4, NULL), STORE_NOTFOUND);
	ck_assert(n1 < n2 && n2 < n3);
	ck_assert_int_eq(store_notice_stats(st, ann, &count, &low, &high),
	    STORE_OK);
	ck_assert_int_eq(count, 2);
	ck_assert_int_eq(low, n1);
	ck_assert_int_eq(high, n3);
	memset(&sn, 0, sizeof sn);
	ck_assert_int_eq(store_notice_get(st, bob, n1, seen_notice, &sn),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_notice_get(st, ann, n1, seen_notice, &sn),
	    STORE_OK);
	memset(&sn, 0, sizeof sn);
	ck_assert_int_eq(store_notice_range(st, ann, 1, INT64_MAX, 100,
	    seen_notice, &sn), 2);
	ck_assert_int_eq(sn.ids[0], n1);
	ck_assert_int_eq(sn.ids[1], n3);
	memset(&sn, 0, sizeof sn);
	sn.stop_after = 1;
	ck_assert_int_eq(store_notice_range(st, ann, 1, INT64_MAX, 100,
	    seen_notice, &sn), 1);
	ck_assert_int_eq(store_notice_next(st, ann, n1), n3);
	ck_assert_int_eq(store_notice_prev(st, ann, n3), n1);
	ck_assert_int_eq(store_notice_prev(st, ann, n1), 0);
	ck_assert_int_eq(store_notice_next(st, bob, n2), 0);
	ck_assert_int_eq(store_notice_stats(st, 9999, &count, &low, &high),
	    STORE_OK);
	ck_assert_int_eq(count, 0);
	store_close(st);
}
END_TEST

static void
count_group(const struct group_info *g, void *arg)
{
	(void)g;
	(*(int *)arg)++;
}

START_TEST(seeding_is_idempotent)
{
	char		 err[256];
	struct store	*st = store_open(":memory:", 0, 0, err, sizeof err);
	int		 n = 0;

	ck_assert_int_eq(store_group_seed(st, "support.ms", "open", "public",
	    "MS"), STORE_OK);
	ck_assert_int_eq(store_group_seed(st, "support.ms", "moderated",
	    "public", "changed"), STORE_OK);
	ck_assert_int_eq(store_group_list(st, count_group, &n), STORE_OK);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(store_audit(st, "admin", "test", "x", NULL),
	    STORE_OK);
	store_close(st);
}
END_TEST

/*
 * Transactions nest: an inner begin/commit joins the outer one, an inner
 * rollback makes the outer commit fail and undo everything.
 */
START_TEST(transactions_nest)
{
	char		 err[256];
	struct store	*st = store_open(":memory:", 0, 0, err, sizeof err);
	struct account	 a;

	ck_assert_ptr_nonnull(st);
	/* Committed together. */
	ck_assert_int_eq(store_begin(st), STORE_OK);
	ck_assert_int_eq(store_account_create(st, "Outer", "$x", "member",
	    NULL), STORE_OK);
	ck_assert_int_eq(store_begin(st), STORE_OK);
	ck_assert_int_eq(store_account_create(st, "Inner", "$x", "member",
	    NULL), STORE_OK);
	ck_assert_int_eq(store_commit(st), STORE_OK);
	ck_assert_int_eq(store_commit(st), STORE_OK);
	ck_assert_int_eq(store_account_get(st, "Inner", &a, NULL), STORE_OK);
	account_clear(&a);
	/* An inner rollback fails the outer commit: nothing is kept. */
	ck_assert_int_eq(store_begin(st), STORE_OK);
	ck_assert_int_eq(store_account_create(st, "Lost1", "$x", "member",
	    NULL), STORE_OK);
	ck_assert_int_eq(store_begin(st), STORE_OK);
	ck_assert_int_eq(store_account_create(st, "Lost2", "$x", "member",
	    NULL), STORE_OK);
	store_rollback(st);
	ck_assert_int_eq(store_commit(st), STORE_ERROR);
	ck_assert_int_eq(store_account_get(st, "Lost1", &a, NULL),
	    STORE_NOTFOUND);
	ck_assert_int_eq(store_account_get(st, "Lost2", &a, NULL),
	    STORE_NOTFOUND);
	/* And the next transaction starts clean. */
	ck_assert_int_eq(store_begin(st), STORE_OK);
	ck_assert_int_eq(store_account_create(st, "After", "$x", "member",
	    NULL), STORE_OK);
	ck_assert_int_eq(store_commit(st), STORE_OK);
	ck_assert_int_eq(store_account_get(st, "After", &a, NULL), STORE_OK);
	account_clear(&a);
	/* A group commit open before a transaction is committed first. */
	ck_assert_int_eq(store_batch_open(st), STORE_OK);
	ck_assert_int_eq(store_account_create(st, "Batched", "$x", "member",
	    NULL), STORE_OK);
	ck_assert_int_eq(store_begin(st), STORE_OK);
	store_rollback(st);
	ck_assert_int_eq(store_batch_close(st, NULL), STORE_OK);
	ck_assert_int_eq(store_account_get(st, "Batched", &a, NULL),
	    STORE_OK);
	account_clear(&a);
	store_close(st);
}
END_TEST

/*
 * A group commit of chat lines runs with synchronous=NORMAL under
 * database_sync_full (set outside the transaction, FULL again after);
 * one that another write joined is synced as FULL would.  Either way
 * everything is stored, and the transactions after it work.
 */
START_TEST(chat_batches_relaxed)
{
	char		 err[256];
	struct store	*st = store_open(dbpath, 1, 0, err, sizeof err);
	char		 id[8] = "m1", target[] = "#room", cmd[] = "PRIVMSG";
	char		 src[] = "a!a@c", sender[] = "s1", text[] = "hello";
	struct chat_msg	 m = { 0, 1000, id, target, cmd, src, NULL, sender,
			    NULL, text, NULL };
	struct chat_msg	 got;
	struct account	 a;

	ck_assert_ptr_nonnull(st);
	/* Chat lines only. */
	ck_assert_int_eq(store_batch_open(st), STORE_OK);
	ck_assert_int_eq(store_chat_insert(st, &m), STORE_OK);
	id[1] = '2';
	ck_assert_int_eq(store_chat_insert(st, &m), STORE_OK);
	ck_assert_int_eq(store_batch_close(st, NULL), STORE_OK);
	/* Mixed: an account joined the batch. */
	ck_assert_int_eq(store_batch_open(st), STORE_OK);
	id[1] = '3';
	ck_assert_int_eq(store_chat_insert(st, &m), STORE_OK);
	ck_assert_int_eq(store_account_create(st, "Mixed", "$x", "member",
	    NULL), STORE_OK);
	ck_assert_int_eq(store_batch_close(st, NULL), STORE_OK);
	/* A transaction after it begins and commits cleanly. */
	ck_assert_int_eq(store_begin(st), STORE_OK);
	ck_assert_int_eq(store_account_create(st, "Later", "$x", "member",
	    NULL), STORE_OK);
	ck_assert_int_eq(store_commit(st), STORE_OK);
	/* chat_sync_full: the same without the relaxed commit. */
	store_chat_sync(st, 1);
	ck_assert_int_eq(store_batch_open(st), STORE_OK);
	id[1] = '4';
	ck_assert_int_eq(store_chat_insert(st, &m), STORE_OK);
	ck_assert_int_eq(store_batch_close(st, NULL), STORE_OK);
	store_close(st);
	/* All of it is in the file. */
	st = store_open(dbpath, 1, 0, err, sizeof err);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(store_chat_get(st, "m1", &got), STORE_OK);
	chat_msg_clear(&got);
	ck_assert_int_eq(store_chat_get(st, "m3", &got), STORE_OK);
	chat_msg_clear(&got);
	ck_assert_int_eq(store_chat_get(st, "m4", &got), STORE_OK);
	chat_msg_clear(&got);
	ck_assert_int_eq(store_account_get(st, "Mixed", &a, NULL), STORE_OK);
	account_clear(&a);
	ck_assert_int_eq(store_account_get(st, "Later", &a, NULL), STORE_OK);
	account_clear(&a);
	store_close(st);
}
END_TEST

/*
 * fdatasync() as SQLite and the sync thread call it, counted when it
 * runs on the test's own thread (the loop's, in hearthd).
 */
static pthread_t	main_thread;
static int		main_syncs;

int
fdatasync(int fd)
{
	if (pthread_equal(pthread_self(), main_thread))
		main_syncs++;
	return (int)syscall(SYS_fdatasync, fd);
}

/*
 * While the sync thread runs the connection stays at synchronous=
 * NORMAL: a group commit is synced by the thread (not on the caller's
 * thread), and every other commit, autocommit or store_begin()'s, is
 * still synced before it returns, as FULL would.
 */
START_TEST(sync_thread_keeps_other_commits_full)
{
	char		 err[256];
	struct store	*st = store_open(dbpath, 1, 0, err, sizeof err);
	struct account	 a;
	uint64_t	 need, done;
	int		 p[2], before;

	ck_assert_ptr_nonnull(st);
	main_thread = pthread_self();
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(store_syncer_start(st, p[1]), 0);
	/* An autocommit write. */
	before = main_syncs;
	ck_assert_int_eq(store_account_create(st, "Auto", "$x", "member",
	    NULL), STORE_OK);
	ck_assert_int_gt(main_syncs, before);
	/* A transaction of a service's. */
	before = main_syncs;
	ck_assert_int_eq(store_begin(st), STORE_OK);
	ck_assert_int_eq(store_account_create(st, "Txn", "$x", "member",
	    NULL), STORE_OK);
	ck_assert_int_eq(store_commit(st), STORE_OK);
	ck_assert_int_gt(main_syncs, before);
	/* A group commit: a ticket, synced by the thread. */
	before = main_syncs;
	ck_assert_int_eq(store_batch_open(st), STORE_OK);
	ck_assert_int_eq(store_account_create(st, "Batch", "$x", "member",
	    NULL), STORE_OK);
	ck_assert_int_eq(store_batch_close(st, &need), STORE_OK);
	ck_assert_int_eq(main_syncs, before);
	ck_assert_int_eq(store_sync_now(st, &done), 0);
	ck_assert_uint_ge(done, need);
	ck_assert_uint_gt(need, 0);
	/* And once more after it. */
	before = main_syncs;
	ck_assert_int_eq(store_account_create(st, "After", "$x", "member",
	    NULL), STORE_OK);
	ck_assert_int_gt(main_syncs, before);
	store_close(st);
	close(p[0]);
	close(p[1]);
	st = store_open(dbpath, 1, 0, err, sizeof err);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(store_account_get(st, "Batch", &a, NULL), STORE_OK);
	account_clear(&a);
	ck_assert_int_eq(store_account_get(st, "After", &a, NULL), STORE_OK);
	account_clear(&a);
	store_close(st);
}
END_TEST

/*
 * One commit after another, a fraction of a millisecond apart, as from
 * one posting connection: the WAL still starts again from its front
 * (the checkpointer's passes end a commit or two behind; the loop copies
 * those few frames), so the -wal file stays about CKPT_PAGES + CKPT_STEP
 * frames long instead of growing until the inline checkpoint at 16,000.
 */
START_TEST(wal_starts_again_under_steady_commits)
{
	char		 err[256], name[32], wal[160];
	struct store	*st = store_open(dbpath, 1, 0, err, sizeof err);
	struct stat	 sb;
	sqlite3		*db;
	sqlite3_stmt	*s;
	long long	 page = 0, frames = 0, max = 0;
	int		 p[2], i;

	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(store_syncer_start(st, p[1]), 0);
	ck_assert_int_eq(store_checkpointer_start(st), 0);
	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA page_size", -1, &s,
	    NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	page = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	snprintf(wal, sizeof wal, "%s-wal", dbpath);
	/* About 6,000 frames in all (each commit writes 3 or 4 pages). */
	for (i = 0; i < 1600; i++) {
		snprintf(name, sizeof name, "Steady%d", i);
		ck_assert_int_eq(store_account_create(st, name, "$x",
		    "member", NULL), STORE_OK);
		usleep(300);
	}
	ck_assert_int_eq(stat(wal, &sb), 0);
	frames = (sb.st_size - 32) / (page + 24);
	max = 1000 + 2 * 250;	/* CKPT_PAGES + CKPT_STEP, and room */
	ck_assert_msg(frames <= max, "the -wal grew to %lld frames", frames);
	store_close(st);
	close(p[0]);
	close(p[1]);
}
END_TEST

static Suite *
store_suite(void)
{
	Suite	*s = suite_create("store");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, fresh_database_gets_latest_schema);
	tcase_add_test(tc, migrates_old_database);
	tcase_add_test(tc, migrates_articles_without_overview_column);
	tcase_add_test(tc, migrates_article_status_check);
	tcase_add_test(tc, refuses_corrupt_database);
	tcase_add_test(tc, refuses_newer_schema);
	tcase_add_test(tc, accounts_fold_case);
	tcase_add_test(tc, notices_are_per_account);
	tcase_add_test(tc, seeding_is_idempotent);
	tcase_add_test(tc, transactions_nest);
	tcase_add_test(tc, chat_batches_relaxed);
	tcase_add_test(tc, sync_thread_keeps_other_commits_full);
	tcase_add_test(tc, wal_starts_again_under_steady_commits);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(store_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
