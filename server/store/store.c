/*
 * store.c -- the SQLite database: open, check, migrate, and the core
 * statements (accounts, groups, rooms, audit log).
 */
#include <sys/stat.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "names.h"
#include "store-int.h"
#include "store-news.h"
#include "store-chat.h"
#include "xmalloc.h"

/*
 * Numbered migrations.  Migration N takes user_version from N-1 to N in
 * one transaction.  Never edit a migration that has shipped: add one.
 */
/*
 * The article_threads row of article R: the thread is the first
 * Message-ID of its References field (unfolded; the field name in any
 * case), else its own; none (NULL) for an article emptied by an
 * erasure.  Migration 23 fills the index with it once and its trigger
 * redoes an indexed article rewritten (erased, or any UPDATE of its
 * text); new articles are indexed in C, off the posting path
 * (store_web_index_catch_up(), the same rule).
 */
#define THREAD_ROW(r)							\
	"INSERT INTO article_threads (article_id, root, posted, "	\
	"is_root) SELECT " r ".id, CASE WHEN " r ".bytes = 0 THEN NULL "	\
	"ELSE coalesce(ref, " r ".msgid) END, " r ".posted, ref IS NULL "	\
	"FROM (SELECT CASE WHEN lt > 0 AND gt > lt AND "		\
	"instr(substr(v, 1, lt), char(10)) = 0 THEN "			\
	"substr(v, lt, gt - lt + 1) END AS ref FROM "			\
	"(SELECT v, instr(v, '<') AS lt, instr(v, '>') AS gt FROM "	\
	"(SELECT CASE WHEN p > 0 THEN replace(replace(substr(h, p + 11), " \
	"char(10) || ' ', ' '), char(10) || char(9), ' ') ELSE '' END "	\
	"AS v FROM (SELECT h, instr(char(10) || lower(h), "		\
	"char(10) || 'references:') AS p FROM (SELECT "			\
	"CAST(substr(" r ".text, 1, " r ".header_len) AS TEXT) AS h))))) " \
	"WHERE 1 ON CONFLICT (article_id) DO UPDATE SET root = "	\
	"excluded.root, posted = excluded.posted, is_root = excluded.is_root"

/*
 * The group_threads rows of the threads and groups COND picks, made
 * again from the articles (migration 23).
 */
#define THREAD_SUMMARY(cond)						\
	"INSERT INTO group_threads (group_id, root, count, last, last_num, " \
	"head_num, have_root) SELECT ga.group_id, t.root, count(*), "	\
	"max(t.posted), max(ga.num), coalesce(min(CASE WHEN t.is_root "	\
	"THEN ga.num END), min(ga.num)), max(t.is_root) FROM "		\
	"article_threads t JOIN group_articles ga ON ga.article_id = "	\
	"t.article_id WHERE t.root IS NOT NULL AND " cond " "		\
	"GROUP BY ga.group_id, t.root"

static const char *const migrations[] = {
	/* 1: core tables. */
	"CREATE TABLE accounts ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  name_fold TEXT NOT NULL UNIQUE,"
	"  pwhash TEXT NOT NULL,"
	"  role TEXT NOT NULL DEFAULT 'member'"
	"    CHECK (role IN ('member','doctor','moderator','admin')),"
	"  specialty TEXT,"
	"  status TEXT NOT NULL DEFAULT 'active'"
	"    CHECK (status IN ('active','pending','locked')),"
	"  probation INTEGER NOT NULL DEFAULT 0,"
	"  created INTEGER NOT NULL);"
	"CREATE TABLE groups ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  status TEXT NOT NULL DEFAULT 'open'"
	"    CHECK (status IN ('open','moderated','readonly')),"
	"  visibility TEXT NOT NULL DEFAULT 'public'"
	"    CHECK (visibility IN ('public','members','private')),"
	"  created INTEGER NOT NULL);"
	"CREATE TABLE rooms ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  name_fold TEXT NOT NULL UNIQUE,"
	"  topic TEXT NOT NULL DEFAULT '',"
	"  modes TEXT NOT NULL DEFAULT '+nt',"
	"  history INTEGER NOT NULL DEFAULT 1,"
	"  created INTEGER NOT NULL);"
	"CREATE TABLE audit_log ("
	"  id INTEGER PRIMARY KEY,"
	"  time INTEGER NOT NULL,"
	"  actor TEXT,"
	"  action TEXT NOT NULL,"
	"  target TEXT,"
	"  reason TEXT);",

	/* 2: client certificates for SASL EXTERNAL. */
	"CREATE TABLE account_certs ("
	"  fingerprint TEXT PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id)"
	"    ON DELETE CASCADE,"
	"  added INTEGER NOT NULL);"
	"CREATE INDEX account_certs_account ON account_certs(account_id);",

	/* 3: scheduled events (patient schools, meetups). */
	"CREATE TABLE events ("
	"  id INTEGER PRIMARY KEY,"
	"  uid TEXT NOT NULL UNIQUE,"
	"  title TEXT NOT NULL,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  starts INTEGER NOT NULL,"
	"  duration INTEGER NOT NULL,"
	"  room TEXT NOT NULL,"
	"  grp TEXT,"
	"  capacity INTEGER,"
	"  facilitator TEXT,"
	"  created INTEGER NOT NULL,"
	"  updated INTEGER NOT NULL,"
	"  cancelled INTEGER NOT NULL DEFAULT 0,"
	"  reminded INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX events_starts ON events(starts);"
	"CREATE TABLE event_reminders ("
	"  event_id INTEGER NOT NULL REFERENCES events(id),"
	"  account TEXT NOT NULL,"
	"  PRIMARY KEY (event_id, account));",

	/* 4: moderation queue, reports, sanctions, notes. */
	"CREATE TABLE modq ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL"
	"    CHECK (kind IN ('crisis','report','held','signup')),"
	"  item_type TEXT NOT NULL"
	"    CHECK (item_type IN ('article','chat','user','account')),"
	"  item_ref TEXT NOT NULL,"
	"  author TEXT,"
	"  location TEXT,"
	"  excerpt TEXT NOT NULL DEFAULT '',"
	"  state TEXT NOT NULL DEFAULT 'open'"
	"    CHECK (state IN ('open','closed')),"
	"  resolution TEXT,"
	"  resolved_by TEXT,"
	"  created INTEGER NOT NULL,"
	"  updated INTEGER NOT NULL);"
	"CREATE UNIQUE INDEX modq_open_item ON modq(kind, item_type, item_ref)"
	"  WHERE state = 'open';"
	"CREATE INDEX modq_item ON modq(item_type, item_ref);"
	"CREATE TABLE reports ("
	"  id INTEGER PRIMARY KEY,"
	"  modq_id INTEGER NOT NULL REFERENCES modq(id),"
	"  reporter TEXT NOT NULL,"
	"  reason TEXT NOT NULL DEFAULT '',"
	"  via TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  UNIQUE (modq_id, reporter));"
	"CREATE TABLE modq_views ("
	"  modq_id INTEGER NOT NULL REFERENCES modq(id),"
	"  moderator TEXT NOT NULL,"
	"  time INTEGER NOT NULL,"
	"  PRIMARY KEY (modq_id, moderator));"
	"CREATE TABLE sanctions ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL CHECK (kind IN ('ban','mute')),"
	"  target_type TEXT NOT NULL CHECK (target_type IN ('account','mask')),"
	"  target TEXT NOT NULL,"
	"  scope TEXT NOT NULL DEFAULT '*',"
	"  reason TEXT NOT NULL DEFAULT '',"
	"  actor TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  expires INTEGER,"
	"  lifted INTEGER,"
	"  lifted_by TEXT);"
	"CREATE INDEX sanctions_active ON sanctions(lifted, expires);"
	"CREATE TABLE mod_notes ("
	"  id INTEGER PRIMARY KEY,"
	"  account TEXT NOT NULL,"
	"  author TEXT NOT NULL,"
	"  note TEXT NOT NULL,"
	"  created INTEGER NOT NULL);"
	"CREATE INDEX audit_target ON audit_log(target, time);"
	"CREATE INDEX audit_actor ON audit_log(actor, time);",

	/* 5: sign-ins, with a keyed hash of the address (never the address). */
	"CREATE TABLE logins ("
	"  id INTEGER PRIMARY KEY,"
	"  account TEXT NOT NULL,"
	"  proto TEXT NOT NULL,"
	"  ip_hash TEXT NOT NULL,"
	"  time INTEGER NOT NULL);"
	"CREATE INDEX logins_time ON logins(time);"
	"CREATE INDEX logins_account ON logins(account);",

	/*
	 * 6: news.  Each article is stored once, exactly as served; a
	 * crosspost has one group_articles row per group.  groups.high is
	 * the last number given (never reused), groups.count the visible
	 * articles.  Held and cancelled articles have no numbers.
	 */
	"ALTER TABLE groups ADD COLUMN high INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE groups ADD COLUMN count INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE articles ("
	"  id INTEGER PRIMARY KEY,"
	"  msgid TEXT NOT NULL UNIQUE,"
	"  posted INTEGER NOT NULL,"
	"  author_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,"
	"  status TEXT NOT NULL DEFAULT 'ok'"
	"    CHECK (status IN ('ok','held','cancelled','rejected','hidden')),"
	"  status_changed INTEGER,"
	"  header_len INTEGER NOT NULL,"
	"  bytes INTEGER NOT NULL,"
	"  lines INTEGER NOT NULL,"
	"  overview TEXT NOT NULL,"
	"  xref TEXT NOT NULL DEFAULT '',"
	"  text BLOB NOT NULL);"
	"CREATE INDEX articles_posted ON articles(posted);"
	"CREATE TABLE group_articles ("
	"  group_id INTEGER NOT NULL REFERENCES groups(id),"
	"  num INTEGER NOT NULL,"
	"  article_id INTEGER NOT NULL REFERENCES articles(id),"
	"  PRIMARY KEY (group_id, num)) WITHOUT ROWID;"
	"CREATE INDEX group_articles_article ON group_articles(article_id);"
	"CREATE TABLE holds ("
	"  id INTEGER PRIMARY KEY,"
	"  article_id INTEGER NOT NULL UNIQUE REFERENCES articles(id),"
	"  groups TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  created INTEGER NOT NULL);"
	/*
	 * A hidden article leaves its groups but keeps its numbers here,
	 * so unhiding puts it back where it was.
	 */
	"CREATE TABLE hidden_numbers ("
	"  article_id INTEGER NOT NULL REFERENCES articles(id),"
	"  group_id INTEGER NOT NULL REFERENCES groups(id),"
	"  num INTEGER NOT NULL,"
	"  PRIMARY KEY (group_id, num));"
	"CREATE INDEX hidden_numbers_article ON hidden_numbers(article_id);"
	"CREATE INDEX articles_author ON articles(author_id, posted);",

	/*
	 * 7: IRC -- channel history, persistent room state beyond the seed
	 * (key, limit, who set the topic and when, b/e/I lists) and small
	 * server state such as the cloak key.
	 */
	"CREATE TABLE chat_messages ("
	"  id INTEGER PRIMARY KEY,"
	"  target TEXT NOT NULL,"
	"  msgid TEXT NOT NULL UNIQUE,"
	"  time INTEGER NOT NULL,"
	"  command TEXT NOT NULL,"
	"  source TEXT NOT NULL,"
	"  account TEXT,"
	"  sender TEXT NOT NULL,"
	"  tags TEXT,"
	"  text TEXT NOT NULL,"
	"  hidden INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX chat_messages_account ON chat_messages(account);"
	"CREATE INDEX chat_messages_target_time ON chat_messages"
	"  (target, time, id);"
	"ALTER TABLE rooms ADD COLUMN chan_key TEXT;"
	"ALTER TABLE rooms ADD COLUMN user_limit INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE rooms ADD COLUMN topic_setter TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE rooms ADD COLUMN topic_time INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE room_masks ("
	"  room_id INTEGER NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL CHECK (kind IN ('b','e','I')),"
	"  mask TEXT NOT NULL,"
	"  setter TEXT NOT NULL,"
	"  time INTEGER NOT NULL,"
	"  PRIMARY KEY (room_id, kind, mask));"
	"CREATE TABLE irc_state ("
	"  name TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL);",

	/*
	 * 8: the overview column goes.  Every overview field is in the
	 * stored header block, which OVER reads anyway (it is in the same
	 * row), so keeping a second copy cost ~6% of the database for
	 * nothing (store-news.c builds the line from the header).
	 */
	"ALTER TABLE articles DROP COLUMN overview;",

	/*
	 * 9: members -- the access list of each private group, and
	 * per-member feed tokens (only a SHA-256 of the token is kept).
	 * Both go with the account (erasure deletes the account row).
	 */
	"CREATE TABLE group_access ("
	"  group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id)"
	"    ON DELETE CASCADE,"
	"  added INTEGER NOT NULL,"
	"  added_by TEXT NOT NULL,"
	"  PRIMARY KEY (group_id, account_id)) WITHOUT ROWID;"
	"CREATE INDEX group_access_account ON group_access(account_id);"
	"CREATE TABLE feed_tokens ("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id)"
	"    ON DELETE CASCADE,"
	"  hash TEXT NOT NULL UNIQUE,"
	"  label TEXT NOT NULL DEFAULT '',"
	"  created INTEGER NOT NULL,"
	"  last_used INTEGER);"
	"CREATE INDEX feed_tokens_account ON feed_tokens(account_id);",

	/*
	 * 10: private-message history.  A private message is one
	 * chat_messages row whose target is its conversation's key, "@"
	 * then the two ends sorted and joined by a space (an end is "a:"
	 * and a folded account name, or "n:" and a folded nick), so the
	 * existing (target, time, id) index pages it; shown is the target
	 * as it was delivered (NULL for channel lines).  dm_parties lists
	 * the conversations of each account end (CHATHISTORY TARGETS,
	 * export, erasure) with the other end's name; no other index.
	 */
	"ALTER TABLE chat_messages ADD COLUMN shown TEXT;"
	"CREATE TABLE dm_parties ("
	"  party TEXT NOT NULL,"
	"  conv TEXT NOT NULL,"
	"  peer TEXT NOT NULL,"
	"  PRIMARY KEY (party, conv)) WITHOUT ROWID;",

	/*
	 * 11: member notices -- what the server tells one member (held,
	 * approved, rejected or hidden words, the crisis hotline,
	 * warnings, sanctions, reminders).  Newsreaders read them as the
	 * group hearth.inbox, numbered by id (AUTOINCREMENT: an id is never
	 * given twice, so article numbers stay stable); they go with the
	 * account.
	 */
	"CREATE TABLE notices ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id)"
	"    ON DELETE CASCADE,"
	"  kind TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  body TEXT NOT NULL,"
	"  created INTEGER NOT NULL);"
	"CREATE INDEX notices_account ON notices(account_id, id);",

	/*
	 * 12: SCRAM-SHA-256 keys (RFC 5802, RFC 7677) -- the salt, the
	 * iteration count, StoredKey and ServerKey of each account's
	 * password, never the password.  Made whenever a password is set
	 * and, for accounts older than this, at their next password
	 * sign-in; an account without a row cannot use SCRAM.  They go
	 * with the account.
	 */
	"CREATE TABLE scram_keys ("
	"  account_id INTEGER PRIMARY KEY REFERENCES accounts(id)"
	"    ON DELETE CASCADE,"
	"  salt BLOB NOT NULL,"
	"  iterations INTEGER NOT NULL,"
	"  stored_key BLOB NOT NULL,"
	"  server_key BLOB NOT NULL);",

	/*
	 * 13: webpush -- a member's Web Push subscriptions (IRCv3
	 * draft/webpush): the push service's endpoint and the client's
	 * P-256 public key and auth secret (base64url as the client sent
	 * them).  A few per account; they go with the account.
	 */
	"CREATE TABLE webpush_subs ("
	"  account_id INTEGER NOT NULL REFERENCES accounts(id)"
	"    ON DELETE CASCADE,"
	"  endpoint TEXT NOT NULL,"
	"  p256dh TEXT NOT NULL,"
	"  auth TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  PRIMARY KEY (account_id, endpoint)) WITHOUT ROWID;",

	/*
	 * 14: read_marker -- where each account has read up to in each
	 * channel or private conversation (IRCv3 draft/read-marker): a
	 * time in milliseconds per folded target, only ever moved
	 * forward.  Shown to no one but the account; it goes with it.
	 */
	"CREATE TABLE read_markers ("
	"  account_id INTEGER NOT NULL REFERENCES accounts(id)"
	"    ON DELETE CASCADE,"
	"  target TEXT NOT NULL,"
	"  time INTEGER NOT NULL,"
	"  PRIMARY KEY (account_id, target)) WITHOUT ROWID;",

	/*
	 * 15: metadata -- an account's profile values (IRCv3
	 * draft/metadata-2), only from a small list of keys (display-name,
	 * avatar, pronouns, status; irc-v3.c), screened when set; they go
	 * with the account.
	 */
	"CREATE TABLE account_metadata ("
	"  account_id INTEGER NOT NULL REFERENCES accounts(id)"
	"    ON DELETE CASCADE,"
	"  key TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  PRIMARY KEY (account_id, key)) WITHOUT ROWID;",

	/*
	 * 16: names -- account and room names are folded by names_fold()
	 * (Latin, Greek and Cyrillic capitals), which replaces SQLite's
	 * ASCII lower() on every connection of the store; the folded
	 * columns are made again with it.  A room whose new fold is
	 * another's keeps its old one (OR IGNORE).
	 */
	"UPDATE OR IGNORE accounts SET name_fold = lower(name);"
	"UPDATE OR IGNORE rooms SET name_fold = lower(name);",

	/*
	 * 17: account_lang -- the language an account reads ("ru", "en";
	 * NULL: the operator's default), set by Helper LANGUAGE or
	 * hearthmod (issue 15).
	 */
	"ALTER TABLE accounts ADD COLUMN lang TEXT;",

	/*
	 * 18: peer_feeds -- outgoing Usenet feeds (issue 17).  PEERS holds
	 * each peer (from peers_file at start, or hearthmod peer add) and
	 * whether it is paused; PEER_QUEUE one row per article (or control
	 * article: TEXT set) offered to a peer, queued in the transaction
	 * that publishes the article and kept once done (state accepted,
	 * duplicate, refused, dropped) so erasure knows who received what.
	 */
	"CREATE TABLE peers ("
	"  name TEXT PRIMARY KEY,"
	"  host TEXT NOT NULL,"
	"  port INTEGER NOT NULL,"
	"  tls INTEGER NOT NULL,"
	"  path_id TEXT NOT NULL,"
	"  groups TEXT NOT NULL,"
	"  user TEXT,"
	"  pass TEXT,"
	"  max_size INTEGER NOT NULL,"
	"  paused INTEGER NOT NULL DEFAULT 0,"
	"  source TEXT NOT NULL DEFAULT 'admin',"
	"  created INTEGER NOT NULL);"
	"CREATE TABLE peer_queue ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  peer TEXT NOT NULL,"
	"  article_id INTEGER,"
	"  msgid TEXT NOT NULL,"
	"  text BLOB,"
	"  state TEXT NOT NULL DEFAULT 'queued',"
	"  queued INTEGER NOT NULL,"
	"  done INTEGER);"
	"CREATE INDEX peer_queue_pending ON peer_queue (peer, state, id);"
	"CREATE INDEX peer_queue_article ON peer_queue (article_id);",
	/*
	 * 19: web_sessions -- the web door's sign-ins (issue 16): only a
	 * keyed hash of the session id (services/websession.c), never the
	 * id; created, last seen (touched at most once a minute) and the
	 * expiry, which slides with use up to a cap.  And how far a member
	 * has read each group on the web (the highest article number seen),
	 * for the unread counts of the group list.  Both go with the
	 * account and the group.
	 */
	"CREATE TABLE web_sessions ("
	"  hash TEXT PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id)"
	"    ON DELETE CASCADE,"
	"  created INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL,"
	"  expires INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX web_sessions_account ON web_sessions(account_id);"
	"CREATE INDEX web_sessions_expires ON web_sessions(expires);"
	"CREATE TABLE web_group_read ("
	"  account_id INTEGER NOT NULL REFERENCES accounts(id)"
	"    ON DELETE CASCADE,"
	"  group_id INTEGER NOT NULL REFERENCES groups(id)"
	"    ON DELETE CASCADE,"
	"  last_read INTEGER NOT NULL,"
	"  PRIMARY KEY (account_id, group_id)) WITHOUT ROWID;",

	/*
	 * 20: history -- message-ids a peer offered that are not (or no
	 * longer) in `articles`: refused, cancelled before they came,
	 * expired; kept for history_remember seconds so a re-offer is
	 * refused before its article is sent (INN's history and
	 * /remember/).  store-history.c.
	 */
	"CREATE TABLE history ("
	"  msgid TEXT PRIMARY KEY,"
	"  reason TEXT NOT NULL"
	"    CHECK (reason IN ('rejected','cancelled','expired','control')),"
	"  remembered INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX history_remembered ON history(remembered);",

	/*
	 * 21: chat lines by account -- the index on chat_messages.account
	 * served one statement; erasure, export and the moderators' look-
	 * ups compare lower(account) and scanned the table.  It is now on
	 * lower(account) and only over lines of an account: those queries
	 * use it (store-chat.c, store-modq.c say "account IS NOT NULL"),
	 * and a guest's line no longer writes an index entry (one B-tree
	 * less per line; issue 20).
	 */
	"DROP INDEX chat_messages_account;"
	"CREATE INDEX chat_messages_account_fold ON chat_messages"
	"  (lower(account)) WHERE account IS NOT NULL;",

	/*
	 * 22: post_check -- articles.status's CHECK as five comparisons
	 * instead of IN (...): SQLite evaluates an IN list of more than
	 * two constants through an ephemeral table that every INSERT
	 * builds anew (a B-tree opened, a page zeroed, five rows
	 * inserted), which cost a third of the article insert (34k
	 * instructions of 380k per post; issue 20).  The two say the
	 * same, so every row stays valid and the table is not rebuilt:
	 * its definition is edited in place, as SQLite's documentation
	 * allows for a CHECK (lang_altertable.html, "other kinds of
	 * table schema changes"); RESET reloads the schema and the
	 * CREATE/DROP bumps its version for any other connection.  A
	 * definition without the old text (edited by hand) is left
	 * alone: still correct, only slower.
	 */
	"PRAGMA writable_schema = ON;"
	"UPDATE sqlite_schema SET sql = replace(sql, "
	"  'CHECK (status IN (''ok'',''held'',''cancelled'',''rejected'',"
	"''hidden''))', "
	"  'CHECK (status = ''ok'' OR status = ''held'' OR "
	"status = ''cancelled'' OR status = ''rejected'' OR "
	"status = ''hidden'')') "
	"  WHERE type = 'table' AND name = 'articles';"
	"PRAGMA writable_schema = RESET;"
	"CREATE TABLE schema_bump (x);"
	"DROP TABLE schema_bump;",

	/*
	 * 23: web_forum -- the web reader as a forum.  article_threads:
	 * each article's thread (the first References entry, else its own
	 * Message-ID; NULL once erased).  group_threads: each thread of
	 * each group (its articles there, the newest one's time and number,
	 * the number of the one that names it), so a group page reads one
	 * page of threads from an index, whatever the group's size
	 * (store-web.c).  Posting writes neither, and no trigger fires
	 * on a post: the index is caught up off the posting path, in C,
	 * from the articles above thread_index.done
	 * (store_web_index_catch_up(): each one's row and its numbers),
	 * and numbers given to an indexed article later (approved,
	 * unhidden) are added by store_web_index_numbered() where they
	 * are given (store-news.c).  Triggers do the rare rest: a number
	 * taken (hidden, cancelled, expired) or an indexed article
	 * rewritten (erased) makes the group_threads rows it touches
	 * again.
	 * web_thread_read: how far a member has read a thread in a group
	 * (its highest number there when they opened it); web_group_read
	 * stays the floor "mark all read" sets.  accounts.timezone: the
	 * zone a member reads times in on the web (NULL: the server's).
	 * The articles already there are indexed here, in SQL, once.
	 */
	"CREATE TABLE article_threads ("
	"  article_id INTEGER PRIMARY KEY REFERENCES articles(id)"
	"    ON DELETE CASCADE,"
	"  root TEXT,"
	"  posted INTEGER NOT NULL,"
	"  is_root INTEGER NOT NULL);"
	"CREATE INDEX article_threads_root ON article_threads(root);"
	"CREATE TABLE thread_index ("
	"  id INTEGER PRIMARY KEY CHECK (id = 1),"
	"  done INTEGER NOT NULL);"
	"INSERT INTO thread_index (id, done) SELECT 1, "
	"  coalesce(max(id), 0) FROM articles;"
	/* The articles there are: their headers through a temp trigger. */
	"CREATE TEMP TABLE thread_fill (id, msgid, posted, header_len, "
	"  bytes, text);"
	"CREATE TEMP TRIGGER thread_fill_row AFTER INSERT ON thread_fill "
	"BEGIN " THREAD_ROW("NEW") "; END;"
	"INSERT INTO temp.thread_fill SELECT id, msgid, posted, header_len, "
	"  bytes, substr(text, 1, header_len) FROM articles;"
	"DROP TABLE temp.thread_fill;"
	"CREATE TRIGGER article_threads_update AFTER UPDATE OF text, "
	"  header_len, bytes, posted, msgid ON articles "
	"  WHEN NEW.id <= (SELECT done FROM thread_index) BEGIN "
	THREAD_ROW("NEW") "; END;"
	"CREATE TABLE group_threads ("
	"  group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,"
	"  root TEXT NOT NULL,"
	"  count INTEGER NOT NULL,"
	"  last INTEGER NOT NULL,"
	"  last_num INTEGER NOT NULL,"
	"  head_num INTEGER NOT NULL,"
	"  have_root INTEGER NOT NULL,"
	"  PRIMARY KEY (group_id, root)) WITHOUT ROWID;"
	"CREATE INDEX group_threads_recent ON group_threads"
	"  (group_id, last DESC, last_num DESC);"
	THREAD_SUMMARY("1") ";"
	"CREATE TRIGGER group_threads_out AFTER DELETE ON group_articles "
	"BEGIN "
	"DELETE FROM group_threads WHERE group_id = OLD.group_id AND root = "
	"  (SELECT root FROM article_threads WHERE article_id = "
	"  OLD.article_id);"
	THREAD_SUMMARY("ga.group_id = OLD.group_id AND t.root = (SELECT "
	"root FROM article_threads WHERE article_id = OLD.article_id)") ";"
	"END;"
	"CREATE TRIGGER group_threads_moved AFTER UPDATE ON article_threads "
	"WHEN OLD.root IS NOT NEW.root OR OLD.posted IS NOT NEW.posted OR "
	"  OLD.is_root IS NOT NEW.is_root BEGIN "
	"DELETE FROM group_threads WHERE root IN (OLD.root, NEW.root) AND "
	"  group_id IN (SELECT group_id FROM group_articles WHERE "
	"  article_id = NEW.article_id);"
	THREAD_SUMMARY("t.root IN (OLD.root, NEW.root) AND ga.group_id IN "
	"(SELECT group_id FROM group_articles WHERE article_id = "
	"NEW.article_id)") ";"
	"END;"
	"CREATE TABLE web_thread_read ("
	"  account_id INTEGER NOT NULL REFERENCES accounts(id)"
	"    ON DELETE CASCADE,"
	"  group_id INTEGER NOT NULL REFERENCES groups(id)"
	"    ON DELETE CASCADE,"
	"  root TEXT NOT NULL,"
	"  last_num INTEGER NOT NULL,"
	"  PRIMARY KEY (account_id, group_id, root)) WITHOUT ROWID;"
	"ALTER TABLE accounts ADD COLUMN timezone TEXT;",
};
#define NMIGRATIONS ((int)(sizeof migrations / sizeof migrations[0]))

enum {
	S_BEGIN,
	S_COMMIT,
	S_ROLLBACK,
	S_SYNC_NORMAL,
	S_SYNC_FULL,
	S_SAVEPOINT,
	S_RELEASE,
	S_ROLLBACK_TO,
	S_ACCOUNT_INSERT,
	S_ACCOUNT_GET,
	S_ACCOUNT_SET_PW,
	S_ACCOUNT_SET_ROLE,
	S_ACCOUNT_LIST,
	S_ACCOUNT_BY_ID,
	S_ACCOUNT_PROBATION,
	S_ACCOUNT_PROBATION_DEC,
	S_ACCOUNT_SET_STATUS,
	S_ACCOUNT_DELETE_PENDING,
	S_GROUP_SEED,
	S_GROUP_LIST,
	S_ROOM_SEED,
	S_ROOM_LIST,
	S_AUDIT_INSERT,
	S_PAGE_COUNT,
	S_PAGE_SIZE,
	S_EVENT_INSERT,
	S_EVENT_LIST,
	S_EVENT_CANCEL,
	S_EVENT_LAST_CHANGE,
	S_EVENT_GET,
	S_EVENT_DUE,
	S_EVENT_REMINDED,
	S_REMINDER_ADD,
	S_REMINDERS,
	S_LOGIN_INSERT,
	S_LOGIN_EXPIRE,
	S_CERT_ACCOUNT,
	S_CERT_ADD,
	S_CERT_LIST,
	S_CERT_DEL,
	S_SCRAM_GET,
	S_SCRAM_SET,
	S_SCRAM_DEL,
	S_ACCOUNT_LOOKALIKE,
	S_DOCTOR_NAMES,
	S_ACCOUNT_LANG_GET,
	S_ACCOUNT_LANG_SET,
	S_COUNT
};

static const struct store_sql core_sql[] = {
	{ S_BEGIN, "BEGIN IMMEDIATE" },
	{ S_COMMIT, "COMMIT" },
	{ S_ROLLBACK, "ROLLBACK" },
	{ S_SYNC_NORMAL, "PRAGMA synchronous = NORMAL" },
	{ S_SYNC_FULL, "PRAGMA synchronous = FULL" },
	{ S_SAVEPOINT, "SAVEPOINT item" },
	{ S_RELEASE, "RELEASE item" },
	{ S_ROLLBACK_TO, "ROLLBACK TO item" },
	{ S_ACCOUNT_INSERT,
	  "INSERT INTO accounts (name, name_fold, pwhash, role, created) "
	  "VALUES (?1, lower(?1), ?2, ?3, ?4)" },
	{ S_ACCOUNT_GET,
	  "SELECT id, name, role, specialty, status, probation, created, "
	  "pwhash FROM accounts WHERE name_fold = lower(?1)" },
	{ S_ACCOUNT_SET_PW,
	  "UPDATE accounts SET pwhash = ?2 WHERE name_fold = lower(?1)" },
	{ S_ACCOUNT_SET_ROLE,
	  "UPDATE accounts SET role = ?2, specialty = ?3 "
	  "WHERE name_fold = lower(?1)" },
	{ S_ACCOUNT_LIST,
	  "SELECT id, name, role, specialty, status, probation, created "
	  "FROM accounts ORDER BY name_fold" },
	{ S_ACCOUNT_BY_ID,
	  "SELECT id, name, role, specialty, status, probation, created "
	  "FROM accounts WHERE id = ?1" },
	{ S_ACCOUNT_PROBATION,
	  "UPDATE accounts SET probation = ?2 WHERE name_fold = lower(?1)" },
	{ S_ACCOUNT_PROBATION_DEC,
	  "UPDATE accounts SET probation = probation - 1 "
	  "WHERE name_fold = lower(?1) AND probation > 0" },
	{ S_ACCOUNT_SET_STATUS,
	  "UPDATE accounts SET status = ?3 WHERE name_fold = lower(?1) "
	  "AND status = ?2" },
	{ S_ACCOUNT_DELETE_PENDING,
	  "DELETE FROM accounts WHERE name_fold = lower(?1) AND "
	  "status = 'pending'" },
	{ S_ACCOUNT_LANG_GET,
	  "SELECT lang FROM accounts WHERE name_fold = lower(?1)" },
	{ S_ACCOUNT_LANG_SET,
	  "UPDATE accounts SET lang = ?2 WHERE name_fold = lower(?1)" },
	{ S_GROUP_SEED,
	  "INSERT OR IGNORE INTO groups (name, status, visibility, "
	  "description, created) VALUES (lower(?1), ?2, ?3, ?4, ?5)" },
	{ S_GROUP_LIST,
	  "SELECT id, name, description, status, visibility, created "
	  "FROM groups ORDER BY name" },
	{ S_ROOM_SEED,
	  "INSERT OR IGNORE INTO rooms (name, name_fold, history, modes, "
	  "topic, created) VALUES (?1, lower(?1), ?2, ?3, ?4, ?5)" },
	{ S_ROOM_LIST,
	  "SELECT id, name, topic, modes, history, created FROM rooms "
	  "ORDER BY name_fold" },
	{ S_AUDIT_INSERT,
	  "INSERT INTO audit_log (time, actor, action, target, reason) "
	  "VALUES (?1, ?2, ?3, ?4, ?5)" },
	{ S_EVENT_INSERT,
	  "INSERT INTO events (uid, title, description, starts, duration, "
	  "room, grp, capacity, facilitator, created, updated) "
	  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)" },
	{ S_EVENT_LIST,
	  "SELECT id, uid, title, description, starts, duration, room, grp, "
	  "capacity, facilitator, created, updated, cancelled FROM events "
	  "WHERE starts + duration >= ?1 AND (cancelled = 0 OR ?3) "
	  "ORDER BY starts, id LIMIT ?2" },
	{ S_EVENT_CANCEL,
	  "UPDATE events SET cancelled = 1, updated = ?2 "
	  "WHERE id = ?1 AND cancelled = 0" },
	{ S_EVENT_LAST_CHANGE, "SELECT max(updated) FROM events" },
	{ S_EVENT_GET,
	  "SELECT id, uid, title, description, starts, duration, room, grp, "
	  "capacity, facilitator, created, updated, cancelled FROM events "
	  "WHERE id = ?1" },
	{ S_EVENT_DUE,
	  "SELECT id, uid, title, description, starts, duration, room, grp, "
	  "capacity, facilitator, created, updated, cancelled FROM events "
	  "WHERE cancelled = 0 AND reminded = 0 AND starts <= ?1 AND "
	  "starts + duration > ?2 ORDER BY starts" },
	{ S_EVENT_REMINDED, "UPDATE events SET reminded = 1 WHERE id = ?1" },
	{ S_REMINDER_ADD,
	  "INSERT OR IGNORE INTO event_reminders (event_id, account) "
	  "SELECT id, ?2 FROM events WHERE id = ?1 AND cancelled = 0" },
	{ S_REMINDERS,
	  "SELECT account FROM event_reminders WHERE event_id = ?1" },
	{ S_LOGIN_INSERT,
	  "INSERT INTO logins (account, proto, ip_hash, time) VALUES "
	  "(?1, ?2, ?3, ?4)" },
	{ S_LOGIN_EXPIRE, "DELETE FROM logins WHERE time < ?1" },
	{ S_PAGE_COUNT, "PRAGMA page_count" },
	{ S_PAGE_SIZE, "PRAGMA page_size" },
	{ S_CERT_ACCOUNT,
	  "SELECT a.name FROM account_certs c JOIN accounts a ON "
	  "a.id = c.account_id WHERE c.fingerprint = lower(?1) AND "
	  "a.status = 'active'" },
	/* A fingerprint belongs to one account: never taken over. */
	{ S_CERT_ADD,
	  "INSERT INTO account_certs (fingerprint, account_id, "
	  "added) SELECT lower(?2), id, ?3 FROM accounts WHERE "
	  "name_fold = lower(?1) ON CONFLICT (fingerprint) DO NOTHING" },
	{ S_CERT_LIST,
	  "SELECT c.fingerprint, c.added FROM account_certs c JOIN accounts "
	  "a ON a.id = c.account_id WHERE a.name_fold = lower(?1) "
	  "ORDER BY c.added, c.fingerprint" },
	{ S_CERT_DEL,
	  "DELETE FROM account_certs WHERE fingerprint = lower(?2) AND "
	  "account_id = (SELECT id FROM accounts WHERE "
	  "name_fold = lower(?1))" },
	{ S_SCRAM_GET,
	  "SELECT s.salt, s.iterations, s.stored_key, s.server_key "
	  "FROM scram_keys s JOIN accounts a ON a.id = s.account_id "
	  "WHERE a.name_fold = lower(?1)" },
	{ S_SCRAM_SET,
	  "INSERT INTO scram_keys (account_id, salt, iterations, stored_key, "
	  "server_key) SELECT id, ?2, ?3, ?4, ?5 FROM accounts WHERE "
	  "name_fold = lower(?1) ON CONFLICT (account_id) DO UPDATE SET "
	  "salt = excluded.salt, iterations = excluded.iterations, "
	  "stored_key = excluded.stored_key, "
	  "server_key = excluded.server_key" },
	{ S_SCRAM_DEL,
	  "DELETE FROM scram_keys WHERE account_id = (SELECT id FROM "
	  "accounts WHERE name_fold = lower(?1))" },
	{ S_ACCOUNT_LOOKALIKE,
	  "SELECT name FROM accounts WHERE hearth_skeleton(name) = "
	  "hearth_skeleton(?1) AND name_fold <> lower(?1) LIMIT 1" },
	{ S_DOCTOR_NAMES,
	  "SELECT a.name, m.value FROM accounts a LEFT JOIN account_metadata "
	  "m ON m.account_id = a.id AND m.key = 'display-name' "
	  "WHERE a.role = 'doctor' AND a.status = 'active'" },
};

const char *
store_errmsg(struct store *st)
{
	return sqlite3_errmsg(st->db);
}

void
store_log_error(struct store *st, const char *what)
{
	log_warnx("store: %s: %s", what, sqlite3_errmsg(st->db));
}

int
store_prepare(struct store *st, const struct store_sql *defs, size_t n,
    sqlite3_stmt **out)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (sqlite3_prepare_v3(st->db, defs[i].sql, -1,
		    SQLITE_PREPARE_PERSISTENT, &out[defs[i].id], NULL) !=
		    SQLITE_OK) {
			log_warnx("store: cannot prepare \"%s\": %s",
			    defs[i].sql, sqlite3_errmsg(st->db));
			return -1;
		}
	}
	return 0;
}

void
store_finalize(sqlite3_stmt **stmts, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		sqlite3_finalize(stmts[i]);
		stmts[i] = NULL;
	}
}

sqlite3_stmt *
store_reset(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

/* An xmalloc'd copy of a text column, or NULL for SQL NULL. */
char *
store_col_text(sqlite3_stmt *s, int col)
{
	const unsigned char	*t;

	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return NULL;
	t = sqlite3_column_text(s, col);
	return xstrdup(t != NULL ? (const char *)t : "");
}

static int
exec_simple(struct store *st, const char *sql, char *err, size_t errlen)
{
	char	*msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errlen, "%s", msg != NULL ? msg : "error");
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

static int
pragma_int(struct store *st, const char *sql)
{
	sqlite3_stmt	*s;
	int		 v = -1;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

int
store_schema_version(struct store *st)
{
	return pragma_int(st, "PRAGMA user_version");
}

int
store_latest_version(void)
{
	return NMIGRATIONS;
}

/*
 * Refuse to run on a damaged file: PRAGMA quick_check must say "ok".
 */
static int
store_quick_check(struct store *st, char *err, size_t errlen)
{
	sqlite3_stmt		*s;
	const unsigned char	*t;
	int			 rc;

	if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check", -1, &s, NULL)
	    != SQLITE_OK) {
		snprintf(err, errlen, "database %s is not usable: %s",
		    st->path, sqlite3_errmsg(st->db));
		return -1;
	}
	rc = sqlite3_step(s);
	t = (rc == SQLITE_ROW) ? sqlite3_column_text(s, 0) : NULL;
	if (t == NULL || strcmp((const char *)t, "ok") != 0) {
		snprintf(err, errlen, "database %s failed its integrity check "
		    "(%s); restore it from a backup", st->path,
		    t != NULL ? (const char *)t : sqlite3_errmsg(st->db));
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return 0;
}

static int
store_migrate(struct store *st, int max_version, char *err, size_t errlen)
{
	int	v, target;
	char	sql[64], why[512];

	v = store_schema_version(st);
	target = (max_version > 0 && max_version < NMIGRATIONS) ?
	    max_version : NMIGRATIONS;
	if (v < 0) {
		snprintf(err, errlen, "cannot read schema version: %s",
		    sqlite3_errmsg(st->db));
		return -1;
	}
	if (v > NMIGRATIONS) {
		snprintf(err, errlen, "database schema version %d is newer "
		    "than this hearthd (%d); upgrade hearthd", v, NMIGRATIONS);
		return -1;
	}
	for (; v < target; v++) {
		if (exec_simple(st, "BEGIN IMMEDIATE", why, sizeof why) != 0)
			goto fail;
		if (exec_simple(st, migrations[v], why, sizeof why) != 0) {
			exec_simple(st, "ROLLBACK", sql, sizeof sql);
			goto fail;
		}
		snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
		if (exec_simple(st, sql, why, sizeof why) != 0 ||
		    exec_simple(st, "COMMIT", why, sizeof why) != 0) {
			exec_simple(st, "ROLLBACK", sql, sizeof sql);
			goto fail;
		}
		log_info("store: applied migration %d", v + 1);
	}
	return 0;
fail:
	snprintf(err, errlen, "migration %d failed: %s", v + 1, why);
	return -1;
}

/*
 * SQL lower(X): names_fold(), so that every name_fold column and every
 * lower() comparison of names folds as IRC and the services do (one
 * folding, names.h).  NULL stays NULL.
 */
static void
sql_lower(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char	*in;
	char		*out;

	(void)argc;
	if ((in = (const char *)sqlite3_value_text(argv[0])) == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	out = names_fold_dup(in);
	sqlite3_result_text(ctx, out, -1, free);
}

/* SQL hearth_skeleton(X): names_skeleton(), the confusable skeleton. */
static void
sql_skeleton(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char	*in;

	(void)argc;
	if ((in = (const char *)sqlite3_value_text(argv[0])) == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_text(ctx, names_skeleton(in), -1, free);
}

/* Our SQL functions on connection DB: 0, or -1. */
static int
store_functions(sqlite3 *db)
{
	int	flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;

	if (sqlite3_create_function(db, "lower", 1, flags, NULL, sql_lower,
	    NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(db, "hearth_skeleton", 1, flags, NULL,
	    sql_skeleton, NULL, NULL) != SQLITE_OK)
		return -1;
	return 0;
}

#define STMT_SPILL_BYTES	(4 * 1024 * 1024)
static int	stmt_spill_set;

struct store *
store_open(const char *path, int sync_full, int max_version, char *err,
    size_t errlen)
{
	struct store	*st;
	char		 why[512];
	int		 rc;

	/*
	 * A savepoint's sub-journal (each post of a group commit is one)
	 * holds the first image of every page it changes; past 64 KiB,
	 * SQLite's default, it spills to a temporary file -- eight 8 KiB
	 * pages do -- and every post opened, wrote and deleted one (three
	 * quarters of the pwrites of twenty posters).  Up to 4 MiB stays
	 * in memory.  Only possible before SQLite's first use (else a
	 * harmless SQLITE_MISUSE).
	 */
	if (!stmt_spill_set) {
		stmt_spill_set = 1;
		(void)sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL,
		    STMT_SPILL_BYTES);
		/*
		 * No memory statistics (nothing here reads them): with
		 * them every sqlite3_malloc() and sqlite3_free() takes and
		 * releases SQLite's global memory mutex.
		 */
		(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	}
	st = xcalloc(1, sizeof *st);
	st->path = xstrdup(path);
	st->sync_full = sync_full;
	rc = sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database %s: %s", path,
		    st->db != NULL ? sqlite3_errmsg(st->db) :
		    sqlite3_errstr(rc));
		goto fail;
	}
	chmod(path, 0600);
	if (store_functions(st->db) != 0) {
		snprintf(err, errlen, "database %s: %s", path,
		    sqlite3_errmsg(st->db));
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 5000);
	sqlite3_extended_result_codes(st->db, 1);
	if (store_quick_check(st, err, errlen) != 0)
		goto fail;
	/*
	 * 8 KiB pages (new databases only): articles of 1-3 KB pack with
	 * little waste; with 4 KiB pages a 2 KB article row fills a page.
	 */
	if (exec_simple(st, "PRAGMA page_size = 8192", why, sizeof why) != 0 ||
	    exec_simple(st, "PRAGMA journal_mode = WAL", why,
	    sizeof why) != 0 ||
	    exec_simple(st, sync_full ? "PRAGMA synchronous = FULL" :
	    "PRAGMA synchronous = NORMAL", why, sizeof why) != 0 ||
	    exec_simple(st, "PRAGMA foreign_keys = ON", why,
	    sizeof why) != 0) {
		snprintf(err, errlen, "database %s: %s", path, why);
		goto fail;
	}
	if (store_migrate(st, max_version, err, errlen) != 0)
		goto fail;
	st->nstmts = S_COUNT;
	st->stmts = xcalloc(S_COUNT, sizeof *st->stmts);
	if (max_version > 0 && max_version < NMIGRATIONS) {
		/*
		 * An old schema on purpose (migration tests): prepare what
		 * this schema supports and leave the rest NULL.
		 */
		size_t	i;

		for (i = 0; i < sizeof core_sql / sizeof core_sql[0]; i++)
			if (sqlite3_prepare_v3(st->db, core_sql[i].sql, -1,
			    SQLITE_PREPARE_PERSISTENT,
			    &st->stmts[core_sql[i].id], NULL) != SQLITE_OK)
				st->stmts[core_sql[i].id] = NULL;
		return st;
	}
	if (store_prepare(st, core_sql, sizeof core_sql / sizeof core_sql[0],
	    st->stmts) != 0 || store_modq_prepare(st) != 0) {
		snprintf(err, errlen, "database %s: cannot prepare statements"
		    " (schema version %d)", path, store_schema_version(st));
		goto fail;
	}
	if (store_members_prepare(st) != 0) {
		snprintf(err, errlen, "database %s: cannot prepare member "
		    "statements", path);
		goto fail;
	}
	if (store_notice_prepare(st) != 0) {
		snprintf(err, errlen, "database %s: cannot prepare notice "
		    "statements", path);
		goto fail;
	}
	if (store_webpush_prepare(st) != 0) {
		snprintf(err, errlen, "database %s: cannot prepare webpush "
		    "statements", path);
		goto fail;
	}
	if (store_ircv3_prepare(st) != 0) {
		snprintf(err, errlen, "database %s: cannot prepare IRCv3 "
		    "statements", path);
		goto fail;
	}
	if (store_peer_prepare(st) != 0) {
		snprintf(err, errlen, "database %s: cannot prepare peer "
		    "statements", path);
		goto fail;
	}
	if (store_web_prepare(st) != 0) {
		snprintf(err, errlen, "database %s: cannot prepare web "
		    "statements", path);
		goto fail;
	}
	if (store_history_prepare(st) != 0) {
		snprintf(err, errlen, "database %s: cannot prepare history "
		    "statements", path);
		goto fail;
	}
	if (store_news_prepare(st) != 0) {
		snprintf(err, errlen, "database %s: cannot prepare news "
		    "statements", path);
		goto fail;
	}
	if (store_chat_open(st) != 0) {
		snprintf(err, errlen, "database %s: cannot prepare the IRC "
		    "statements (schema version %d)", path,
		    store_schema_version(st));
		goto fail;
	}
	return st;
fail:
	store_close(st);
	return NULL;
}

static int	batch_commit(struct store *);
static void	checkpointer_stop(struct store *);
static void	syncer_stop(struct store *);

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	batch_commit(st);
	syncer_stop(st);
	checkpointer_stop(st);
	store_news_finalize(st);
	store_history_finalize(st);
	store_members_finalize(st);
	store_notice_finalize(st);
	store_webpush_finalize(st);
	store_ircv3_finalize(st);
	store_peer_finalize(st);
	store_web_finalize(st);
	store_chat_close(st);
	if (st->stmts != NULL)
		store_finalize(st->stmts, st->nstmts);
	free(st->stmts);
	store_modq_finalize(st);
	if (st->db != NULL)
		sqlite3_close_v2(st->db);
	free(st->path);
	free(st->ovbuf);
	free(st);
}

/* The database's page size in bytes, 0 if unknown. */
static int64_t
store_page_size(struct store *st)
{
	sqlite3_stmt	*s;
	int64_t		 size = 0;

	s = store_reset(st->stmts[S_PAGE_SIZE]);
	if (sqlite3_step(s) == SQLITE_ROW)
		size = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return size;
}

int64_t
store_db_size(struct store *st)
{
	sqlite3_stmt	*s;
	int64_t		 pages = 0, size = 0;

	s = store_reset(st->stmts[S_PAGE_COUNT]);
	if (sqlite3_step(s) == SQLITE_ROW)
		pages = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	size = store_page_size(st);
	return pages * size;
}

static int
step_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int	rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		log_warnx("store: %s: %s", what, sqlite3_errmsg(st->db));
		return STORE_ERROR;
	}
	return STORE_OK;
}

int
store_step_done(struct store *st, sqlite3_stmt *s, const char *what)
{
	int	rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_log_error(st, what);
		return STORE_ERROR;
	}
	return STORE_OK;
}

int
store_rows(struct store *st, sqlite3_stmt *s, store_rows_cb cb, void *arg,
    const char *what)
{
	const char	*names[16], *vals[16];
	int		 rc, n, i;

	n = sqlite3_column_count(s);
	if (n > 16)
		n = 16;
	for (i = 0; i < n; i++)
		names[i] = sqlite3_column_name(s, i);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		for (i = 0; i < n; i++)
			vals[i] = (const char *)sqlite3_column_text(s, i);
		cb(n, names, vals, arg);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_log_error(st, what);
		return STORE_ERROR;
	}
	return STORE_OK;
}

/*
 * The WAL checkpointer.  SQLite's automatic checkpoint runs inside the
 * commit that crosses wal_autocheckpoint: it copies the WAL into the
 * database and syncs both, on the event loop, which showed as the p99
 * of chat delivery (3.5 ms against 1.9 ms without it, 100 messages/s to
 * 100 members).  Instead a thread with its own connection runs PASSIVE
 * checkpoints, which never block the writer: at once when the WAL
 * passes CKPT_PAGES (the main connection's WAL hook wakes it), and
 * after a second in which nothing was committed.
 *
 * Not every second under load: a checkpoint that copies the whole WAL
 * makes the next commit start the WAL again from its beginning, and
 * that commit writes a new WAL header and fdatasyncs it, on the loop,
 * at any synchronous level but OFF (wal.c; the sync is what keeps a
 * restarted WAL from being misread after a crash, so it stays).  A
 * checkpoint a second at 100 chat lines a second put that sync under
 * one line in a hundred: the p99 of delivery.  By size alone the WAL
 * starts again once per CKPT_PAGES pages (about 300 chat lines); when
 * quiet, the idle checkpoint's restart falls on a line that waits for
 * nothing else.  The thread touches nothing but its own connection
 * and this struct.
 */
#define CKPT_PAGES	1000
/*
 * Once woken, the thread checkpoints again only after this many more
 * pages (or when the WAL started again).  Woken after every commit, it
 * ran checkpoint after checkpoint under load (630 in 6 s at saturation,
 * 1 -> 100 room), each one syncing the WAL and the database for the few
 * pages of the commits made meanwhile and copying the same hot pages
 * (the last leaf of each B-tree, page 1) again: two fdatasync per
 * dozen pages, and a wake-up of the thread per commit.
 */
#define CKPT_STEP	250
/*
 * The WAL only starts again from its beginning when a write finds it
 * all copied; under a steady stream of writes the thread may never see
 * that moment.  Past this many pages the writer checkpoints inline, as
 * SQLite itself would, so the WAL stays bounded.
 */
#define CKPT_INLINE	16000
/*
 * A pass copies the frames there were when it started, and the WAL
 * starts again only at a write that finds every frame copied.  Under a
 * steady stream of commits (one posting connection: one every ~0.5 ms)
 * every pass ended a commit or two behind, so the WAL never started
 * again before CKPT_INLINE (16,000 frames, 131 MB with 8 KiB pages) and
 * every commit appended to the -wal file: its fdatasync then also
 * commits the file's new size to the file system's journal (~300 us
 * against ~190 us for frames written over old ones).  So once the WAL
 * is CKPT_CATCH_UP frames long, a commit that finds the thread idle and
 * at most CKPT_STEP / 2 frames not yet copied copies those on the loop
 * (a PASSIVE checkpoint of a few frames: two fdatasyncs), and the next
 * write starts the WAL again: the -wal stays about this long and after
 * its first cycle commits write over old frames.  Only a commit that is
 * fdatasynced does this: a group commit of chat lines alone is not, so
 * its WAL growing costs it nothing, and the loop's stall of two syncs
 * every 1,250 frames showed in the p99 of a saturated room (1 -> 100:
 * ~1.0 -> ~1.35 ms).
 */
#define CKPT_CATCH_UP	(CKPT_PAGES + CKPT_STEP)

struct ckpt {
	pthread_t	 th;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 stop;
	int		 wake;
	sqlite3		*db;
	atomic_ulong	 commits;	/* WAL hook calls, for idleness */
	int		 last;		/* WAL pages at the last commit */
	int		 next;		/* ... at which to wake the thread */
	/* The loop's, for wal_ahead(): */
	char		*walpath;	/* the -wal */
	int		 walfd;		/* ... read only, opened there */
	int64_t		 frame;		/* bytes per WAL frame */
	int64_t		 ahead;		/* advised up to this offset */
	/*
	 * The thread's last pass: the frames it left copied, in the high
	 * half the WAL's cycle (the hook's restarts) it saw when it began;
	 * 0 while a pass runs.
	 */
	atomic_ullong	 copied;
	unsigned	 cycle;		/* the loop's: WAL restarts seen */
	atomic_uint	 cycle_seen;	/* ... as the thread reads it */
};

static void *
checkpointer_main(void *arg)
{
	struct ckpt	*ck = arg;
	struct timespec	 ts;
	unsigned long	 seen = 0, done = 0, n;
	unsigned	 cycle;
	int		 nlog, nckpt, rc;

	pthread_mutex_lock(&ck->mu);
	while (!ck->stop) {
		if (!ck->wake) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += 1;
			pthread_cond_timedwait(&ck->cv, &ck->mu, &ts);
		}
		if (ck->stop)
			break;
		n = atomic_load(&ck->commits);
		if (!ck->wake) {
			/*
			 * The timer: checkpoint only a WAL that took no
			 * commit in the last second and has one not yet
			 * checkpointed.
			 */
			if (n != seen || n == done) {
				seen = n;
				continue;
			}
		}
		seen = done = n;
		ck->wake = 0;
		pthread_mutex_unlock(&ck->mu);
		cycle = atomic_load(&ck->cycle_seen);
		atomic_store(&ck->copied, 0);
		rc = sqlite3_wal_checkpoint_v2(ck->db, NULL,
		    SQLITE_CHECKPOINT_PASSIVE, &nlog, &nckpt);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY)
			log_warnx("store: checkpoint: %s",
			    sqlite3_errmsg(ck->db));
		if (rc == SQLITE_OK && nckpt > 0)
			atomic_store(&ck->copied,
			    (unsigned long long)cycle << 32 | (unsigned)nckpt);
		pthread_mutex_lock(&ck->mu);
	}
	pthread_mutex_unlock(&ck->mu);
	return NULL;
}

static int	wal_sync(struct store *);
static void	syncer_fail(struct store *);

/*
 * The WAL is written again in place after each restart, and its frames
 * (24 + page size bytes) cover most 4 KiB pages of the file only in
 * part: a page the page cache no longer holds must be read from the
 * disk before the kernel can take the write, and the loop waited for
 * that read inside pwrite() (ext4_block_write_begin(); session 9: ~8
 * per 10 s at 100 chat lines a second).  Pages of a hot WAL leave the
 * cache when the machine reclaims memory proactively (on the benchmark
 * machine most likely its DAMON pageout scheme, which pages out whole
 * physical regions it samples as cold, seconds after they were
 * written).  So after each commit the loop asks the kernel to
 * read, in the background, the part of the WAL the next commits will
 * overwrite (posix_fadvise(WILLNEED): no wait; pages already cached
 * cost a look-up), WAL_AHEAD bytes at a time, once per WAL_AHEAD / 2
 * written.
 */
#define WAL_AHEAD	(256 * 1024)

static void
wal_ahead(struct ckpt *ck, int pages)
{
	int64_t	pos;

	if (ck->frame <= 0)
		return;
	if (ck->walfd == -1) {
		/* A commit just wrote it: the file exists. */
		ck->walfd = open(ck->walpath, O_RDONLY | O_CLOEXEC);
		if (ck->walfd == -1) {
			ck->frame = 0;		/* not again */
			return;
		}
	}
	pos = 32 + (int64_t)pages * ck->frame;	/* the next frame */
	if (pos >= ck->ahead - WAL_AHEAD && pos < ck->ahead - WAL_AHEAD / 2)
		return;		/* advised recently, the WAL did not restart */
	(void)posix_fadvise(ck->walfd, pos, WAL_AHEAD, POSIX_FADV_WILLNEED);
	ck->ahead = pos + WAL_AHEAD;
}

/*
 * Whether the loop should copy the rest of a WAL of PAGES frames
 * (CKPT_CATCH_UP): the thread is idle and its last pass, in this cycle
 * of the WAL, left at most CKPT_STEP / 2 frames behind.
 */
static int
catch_up(struct ckpt *ck, int pages)
{
	unsigned long long	c = atomic_load(&ck->copied);
	unsigned		frames = (unsigned)(c & 0xffffffffu);

	if (c == 0 || (unsigned)(c >> 32) != ck->cycle)
		return 0;
	return frames <= (unsigned)pages &&
	    (unsigned)pages - frames <= CKPT_STEP / 2;
}

/*
 * After each commit on the main connection (one that wrote WAL
 * frames).  While the sync thread runs the connection stays at
 * synchronous=NORMAL (store_syncer_start()): a commit that is not a
 * group commit's (those take a sync ticket, batch_commit()) is synced
 * here before its statement returns, as FULL would have.  Then the
 * checkpointer is woken if due.
 */
static int
wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct store	*st = arg;
	struct ckpt	*ck = st->ckpt;

	(void)name;
	if (st->wal_normal && !st->batch_committing &&
	    wal_sync(st) != STORE_OK) {
		log_warnx("store: commit: cannot sync the WAL");
		syncer_fail(st);
		return SQLITE_IOERR_FSYNC;
	}
	if (ck == NULL) {
		/* What SQLite's own hook (wal_autocheckpoint) does. */
		if (pages >= CKPT_PAGES)
			sqlite3_wal_checkpoint_v2(db, NULL,
			    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		return SQLITE_OK;
	}
	atomic_fetch_add(&ck->commits, 1);
	wal_ahead(ck, pages);
	if (pages >= CKPT_INLINE) {
		sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE,
		    NULL, NULL);
		return SQLITE_OK;
	}
	/* The loop's own fields: only this hook reads them. */
	if (pages < ck->last || ck->next < CKPT_PAGES) {
		ck->next = CKPT_PAGES;		/* the WAL started again */
		atomic_store(&ck->cycle_seen, ++ck->cycle);
	}
	ck->last = pages;
	if (pages >= CKPT_CATCH_UP && st->sync_full &&
	    (!st->batch_committing || st->batch_synced) &&
	    catch_up(ck, pages)) {
		/* Once per pass of the thread, whatever it copies. */
		atomic_store(&ck->copied, 0);
		sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE,
		    NULL, NULL);
		return SQLITE_OK;
	}
	if (pages >= ck->next) {
		ck->next = pages + CKPT_STEP;
		pthread_mutex_lock(&ck->mu);
		ck->wake = 1;
		pthread_cond_signal(&ck->cv);
		pthread_mutex_unlock(&ck->mu);
	}
	return SQLITE_OK;
}

int
store_checkpointer_start(struct store *st)
{
	struct ckpt	*ck;
	char		*err = NULL;

	if (st->ckpt != NULL)
		return 0;
	ck = xcalloc(1, sizeof *ck);
	atomic_init(&ck->commits, 0);
	xasprintf(&ck->walpath, "%s-wal", st->path);
	ck->walfd = -1;
	ck->frame = store_page_size(st);
	if (ck->frame > 0)
		ck->frame += 24;		/* the frame's header */
	atomic_init(&ck->copied, 0);
	atomic_init(&ck->cycle_seen, 0);
	if (sqlite3_open_v2(st->path, &ck->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    sqlite3_busy_timeout(ck->db, 5000) != SQLITE_OK ||
	    sqlite3_exec(ck->db, st->sync_full ? "PRAGMA synchronous = FULL" :
	    "PRAGMA synchronous = NORMAL", NULL, NULL, &err) != SQLITE_OK) {
		log_warnx("store: checkpointer: %s", err != NULL ? err :
		    sqlite3_errmsg(ck->db));
		sqlite3_free(err);
		sqlite3_close(ck->db);
		free(ck->walpath);
		free(ck);
		return -1;
	}
	pthread_mutex_init(&ck->mu, NULL);
	pthread_cond_init(&ck->cv, NULL);
	if (pthread_create(&ck->th, NULL, checkpointer_main, ck) != 0) {
		log_warnx("store: checkpointer thread not started");
		pthread_mutex_destroy(&ck->mu);
		pthread_cond_destroy(&ck->cv);
		sqlite3_close(ck->db);
		free(ck->walpath);
		free(ck);
		return -1;
	}
	st->ckpt = ck;
	/* Ours replaces SQLite's automatic checkpoint on this connection. */
	sqlite3_wal_hook(st->db, wal_hook, st);
	return 0;
}

static void
checkpointer_stop(struct store *st)
{
	struct ckpt	*ck = st->ckpt;

	if (ck == NULL)
		return;
	if (!st->wal_normal)
		sqlite3_wal_hook(st->db, NULL, NULL);
	pthread_mutex_lock(&ck->mu);
	ck->stop = 1;
	pthread_cond_signal(&ck->cv);
	pthread_mutex_unlock(&ck->mu);
	pthread_join(ck->th, NULL);
	sqlite3_close(ck->db);
	if (ck->walfd != -1)
		close(ck->walfd);
	free(ck->walpath);
	pthread_mutex_destroy(&ck->mu);
	pthread_cond_destroy(&ck->cv);
	free(ck);
	st->ckpt = NULL;
}

/*
 * The WAL sync thread.  With database_sync_full a group commit used to
 * run synchronous=FULL on the loop: the loop sat in fdatasync, read no
 * posts meanwhile, and batches stayed small.  Now the group is committed
 * with synchronous=NORMAL (its WAL frames written to the kernel, none
 * synced) and counted in st->sync_seq; this thread fdatasyncs the WAL
 * through a descriptor of its own on the same file (a sync of any
 * descriptor flushes the file's dirty pages) and reports the highest
 * count it covered.  Every reply that waits for durability is released
 * only by a sync that started after its commit (conn.c); a sync in
 * flight while the loop commits more covers those with the next one.
 *
 * SQLite never replaces the -wal file while a connection has the
 * database open: a checkpoint restarts it in place (same inode, written
 * again from the front) and it is not truncated (no journal_size_limit).
 * A checkpoint (the checkpointer's or the inline one in wal_hook())
 * syncs the WAL itself before it copies a frame into the database, at
 * any synchronous level but OFF, so no frame this thread has not synced
 * yet reaches the database file unsynced.
 */
struct syncer {
	pthread_t	 th;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;		/* the thread: work or stop */
	pthread_cond_t	 donecv;	/* store_sync_now(): a sync ended */
	int		 fd;		/* our own descriptor of the -wal */
	int		 wakefd;	/* the loop's pipe */
	uint64_t	 want;		/* highest ticket asked for */
	uint64_t	 started;	/* ... that a running sync covers */
	uint64_t	 done;		/* ... synced */
	int		 failed;	/* a sync failed: never trusted again */
	int		 stop;
};

static void *
syncer_main(void *arg)
{
	struct syncer	*sy = arg;
	uint64_t	 target;
	int		 rc, e;

	pthread_mutex_lock(&sy->mu);
	for (;;) {
		while (!sy->stop && (sy->want <= sy->started || sy->failed))
			pthread_cond_wait(&sy->cv, &sy->mu);
		if (sy->want <= sy->started || sy->failed)
			break;		/* stopping, nothing left to sync */
		/* Everything committed so far: its frames are written. */
		target = sy->started = sy->want;
		pthread_mutex_unlock(&sy->mu);
		rc = fdatasync(sy->fd);
		e = errno;
		pthread_mutex_lock(&sy->mu);
		if (rc != 0) {
			/*
			 * The kernel may have dropped the pages it could not
			 * write and a later sync succeed without them: no
			 * later sync is believed (the loop shuts down).
			 */
			log_warnx("store: fdatasync of the WAL: %s",
			    strerror(e));
			sy->failed = 1;
		} else
			sy->done = target;
		pthread_cond_broadcast(&sy->donecv);
		/* Wake the loop; a full pipe has woken it already. */
		if (write(sy->wakefd, "s", 1) == -1 && errno != EAGAIN)
			log_warnx("store: sync thread cannot wake the loop");
	}
	pthread_mutex_unlock(&sy->mu);
	return NULL;
}

/* fsync the directory holding PATH (a file just created in it). */
static int
sync_dir(const char *path)
{
	char	*dir = xstrdup(path), *slash;
	int	 fd, rc;

	if ((slash = strrchr(dir, '/')) == NULL)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	if (fd == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int
store_syncer_start(struct store *st, int wakefd)
{
	struct syncer	*sy;
	char		*wal, why[256];
	int		 fd;

	if (st->syncer != NULL || !st->sync_full)
		return 0;
	/* A read opens the WAL (creating the file) if nothing did yet. */
	(void)store_schema_version(st);
	xasprintf(&wal, "%s-wal", st->path);
	fd = open(wal, O_RDONLY | O_CLOEXEC);
	/*
	 * The -wal file may be new (the last hearthd removed it when it
	 * stopped): its name must be durable before any sync of its data
	 * counts.  SQLite syncs the directory on its own first WAL sync,
	 * which our syncs no longer are.
	 */
	if (fd == -1 || sync_dir(wal) != 0) {
		log_warn("store: sync thread: %s", wal);
		if (fd != -1)
			close(fd);
		free(wal);
		return -1;
	}
	free(wal);
	sy = xcalloc(1, sizeof *sy);
	sy->fd = fd;
	sy->wakefd = wakefd;
	pthread_mutex_init(&sy->mu, NULL);
	pthread_cond_init(&sy->cv, NULL);
	pthread_cond_init(&sy->donecv, NULL);
	/* What was committed before counts as synced (it was, FULL). */
	sy->want = sy->started = sy->done = st->sync_seq;
	if (pthread_create(&sy->th, NULL, syncer_main, sy) != 0) {
		log_warnx("store: sync thread not started");
		pthread_mutex_destroy(&sy->mu);
		pthread_cond_destroy(&sy->cv);
		pthread_cond_destroy(&sy->donecv);
		close(fd);
		free(sy);
		return -1;
	}
	st->syncer = sy;
	/*
	 * From now on the connection stays at synchronous=NORMAL: group
	 * commits are synced by this thread, every other commit by
	 * wal_hook() before it returns (as FULL would).  Switching per
	 * group commit cost a re-prepare of each PRAGMA every time
	 * (SQLite applies it when preparing it), about 30k instructions
	 * per commit.  If it cannot be set, batches switch as before.
	 */
	if (sqlite3_get_autocommit(st->db) && exec_simple(st,
	    "PRAGMA synchronous = NORMAL", why, sizeof why) == 0) {
		sqlite3_wal_hook(st->db, wal_hook, st);
		st->wal_normal = 1;
	}
	return 0;
}

/*
 * A sync failed (here or in wal_hook()): no later one is believed;
 * the loop hears it through the pipe and shuts down.
 */
static void
syncer_fail(struct store *st)
{
	struct syncer	*sy = st->syncer;

	if (sy == NULL)
		return;
	pthread_mutex_lock(&sy->mu);
	sy->failed = 1;
	pthread_cond_broadcast(&sy->donecv);
	pthread_mutex_unlock(&sy->mu);
	if (write(sy->wakefd, "s", 1) == -1 && errno != EAGAIN)
		log_warnx("store: cannot wake the loop");
}

/* Ask the thread to sync everything committed up to now. */
static void
sync_request(struct store *st)
{
	struct syncer	*sy = st->syncer;

	pthread_mutex_lock(&sy->mu);
	if (st->sync_seq > sy->want) {
		sy->want = st->sync_seq;
		pthread_cond_signal(&sy->cv);
	}
	pthread_mutex_unlock(&sy->mu);
}

int
store_batch_may_wait(struct store *st)
{
	struct syncer	*sy = st->syncer;
	int		 busy;

	if (sy == NULL || !st->batch || st->batch_failed)
		return 0;
	pthread_mutex_lock(&sy->mu);
	busy = !sy->failed && sy->done < sy->want;
	pthread_mutex_unlock(&sy->mu);
	return busy;
}

int
store_sync_poll(struct store *st, uint64_t *done)
{
	struct syncer	*sy = st->syncer;
	int		 failed;

	if (sy == NULL) {
		*done = st->sync_seq;
		return 0;
	}
	pthread_mutex_lock(&sy->mu);
	*done = sy->done;
	failed = sy->failed;
	pthread_mutex_unlock(&sy->mu);
	return failed ? -1 : 0;
}

int
store_sync_now(struct store *st, uint64_t *done)
{
	struct syncer	*sy = st->syncer;
	uint64_t	 target = st->sync_seq;

	if (sy == NULL) {
		*done = target;
		return 0;
	}
	sync_request(st);
	pthread_mutex_lock(&sy->mu);
	while (!sy->failed && sy->done < target)
		pthread_cond_wait(&sy->donecv, &sy->mu);
	pthread_mutex_unlock(&sy->mu);
	return store_sync_poll(st, done);
}

/* Drain: sync what was committed, then end the thread. */
static void
syncer_stop(struct store *st)
{
	struct syncer	*sy = st->syncer;
	uint64_t	 done;
	char		 why[256];

	if (sy == NULL)
		return;
	if (store_sync_now(st, &done) != 0)
		log_warnx("store: the last commits were not synced");
	/* Commits after this one sync themselves (FULL) again. */
	if (st->wal_normal) {
		st->wal_normal = 0;
		if (exec_simple(st, "PRAGMA synchronous = FULL", why,
		    sizeof why) != 0)
			log_warnx("store: synchronous = FULL: %s", why);
		if (st->ckpt == NULL)
			sqlite3_wal_hook(st->db, NULL, NULL);
	}
	pthread_mutex_lock(&sy->mu);
	sy->stop = 1;
	pthread_cond_signal(&sy->cv);
	pthread_mutex_unlock(&sy->mu);
	pthread_join(sy->th, NULL);
	close(sy->fd);
	pthread_mutex_destroy(&sy->mu);
	pthread_cond_destroy(&sy->cv);
	pthread_cond_destroy(&sy->donecv);
	free(sy);
	st->syncer = NULL;
}

/*
 * Group commit.  Chat messages of one loop iteration share a transaction
 * (store_batch_open() before each insert); the connection layer holds
 * every reply until store_batch_close() at the end of the iteration, so
 * nothing is seen before it is durable.  Another transaction starting in
 * between commits the batch first; a failure then is remembered for
 * store_batch_close().
 */
/*
 * Sync the WAL now, as a FULL commit would have: a group commit that
 * ran with synchronous=NORMAL turned out to hold more than chat lines.
 */
static int
wal_sync(struct store *st)
{
	sqlite3_file	*f = NULL;

	if (sqlite3_file_control(st->db, "main", SQLITE_FCNTL_JOURNAL_POINTER,
	    &f) != SQLITE_OK || f == NULL || f->pMethods == NULL)
		return STORE_ERROR;
	return f->pMethods->xSync(f, SQLITE_SYNC_NORMAL) == SQLITE_OK ?
	    STORE_OK : STORE_ERROR;
}

static int
batch_commit(struct store *st)
{
	int	rc = STORE_OK, mixed;

	if (!st->batch)
		return STORE_OK;
	st->batch = 0;
	/*
	 * An autocommit write of anything but a chat line that ran while
	 * the batch was open joined it: its changes are not counted as
	 * chat lines, and a relaxed batch is then synced as FULL would.
	 */
	mixed = sqlite3_total_changes64(st->db) - st->batch_start !=
	    st->batch_chat;
	st->batch_committing = 1;
	st->batch_synced = !st->batch_relaxed || mixed || st->chat_sync_full;
	rc = step_done(st, store_reset(st->stmts[S_COMMIT]), "batch commit");
	st->batch_committing = 0;
	if (rc != STORE_OK) {
		store_rollback(st);
		st->batch_failed = 1;
		rc = STORE_ERROR;
	} else if (st->batch_relaxed && (mixed || st->chat_sync_full)) {
		/*
		 * The sync thread syncs it (the replies wait for that); or
		 * without it, now, as a FULL commit would have.
		 */
		if (st->syncer != NULL)
			st->sync_seq++;
		else if (wal_sync(st) != STORE_OK) {
			log_warnx("store: batch commit: cannot sync the WAL");
			st->batch_failed = 1;
			rc = STORE_ERROR;
		}
	}
	if (st->batch_relaxed) {
		st->batch_relaxed = 0;
		if (!st->wal_normal && step_done(st, st->stmts[S_SYNC_FULL],
		    "synchronous") != STORE_OK)
			fatalx("store: cannot set synchronous = FULL back");
	}
	return rc;
}

void
store_chat_sync(struct store *st, int full)
{
	st->chat_sync_full = full;
}

/*
 * Step a chat line's insert S; inside a group commit its changes are
 * counted, so batch_commit() knows whether the batch is chat lines only.
 */
int
store_batch_step_chat(struct store *st, sqlite3_stmt *s, const char *what)
{
	sqlite3_int64	before = sqlite3_total_changes64(st->db);
	int		rc = store_step_done(st, s, what);

	if (st->batch)
		st->batch_chat += sqlite3_total_changes64(st->db) - before;
	return rc;
}

int
store_batch_open(struct store *st)
{
	if (st->batch)
		return STORE_OK;
	/* Inside the caller's own transaction: its commit covers this. */
	if (!sqlite3_get_autocommit(st->db))
		return STORE_OK;
	/*
	 * Chat lines are committed with synchronous=NORMAL (set outside
	 * the transaction, as SQLite requires) unless chat_sync_full; with
	 * the sync thread every group is, and the thread syncs those that
	 * need it.
	 */
	if (st->wal_normal)
		st->batch_relaxed = 1;		/* NORMAL already */
	else if (st->sync_full && (!st->chat_sync_full ||
	    st->syncer != NULL) && step_done(st, st->stmts[S_SYNC_NORMAL],
	    "synchronous") == STORE_OK)
		st->batch_relaxed = 1;
	if (step_done(st, store_reset(st->stmts[S_BEGIN]), "begin") !=
	    STORE_OK) {
		if (st->batch_relaxed && st->wal_normal)
			st->batch_relaxed = 0;
		else if (st->batch_relaxed) {
			st->batch_relaxed = 0;
			if (step_done(st, st->stmts[S_SYNC_FULL],
			    "synchronous") != STORE_OK)
				fatalx("store: cannot set synchronous = "
				    "FULL back");
		}
		return STORE_ERROR;
	}
	st->batch = 1;
	st->batch_start = sqlite3_total_changes64(st->db);
	st->batch_chat = 0;
	return STORE_OK;
}

int
store_batch_close(struct store *st, uint64_t *need)
{
	int	failed;

	batch_commit(st);
	failed = st->batch_failed;
	st->batch_failed = 0;
	if (st->syncer != NULL)
		sync_request(st);
	if (need != NULL)
		*need = st->sync_seq;
	return failed ? STORE_ERROR : STORE_OK;
}

/*
 * Transactions nest: a service that must make several writes atomic
 * begins one, and the store functions it calls (which begin and commit
 * their own when called alone) join it.  Only the outermost level
 * issues BEGIN and COMMIT; an inner rollback marks the whole
 * transaction failed, so the outer commit rolls everything back and
 * says so.
 */
/*
 * A transaction that joins the loop iteration's group commit: a
 * SAVEPOINT inside the batch (opened if need be), so its own failure
 * undoes only itself, while its writes become durable with the batch's
 * COMMIT at the end of the iteration (a batch holding more than chat
 * lines is synced as FULL would, see batch_commit()).  The caller holds
 * its reply until then (conn_hold()).  Nested store_begin()s join it as
 * they join any transaction; its store_commit() releases the savepoint.
 */
int
store_batch_begin(struct store *st)
{
	if (st->txn_depth > 0 || store_batch_open(st) != STORE_OK ||
	    !st->batch)
		return store_begin(st);
	if (step_done(st, store_reset(st->stmts[S_SAVEPOINT]), "savepoint") !=
	    STORE_OK)
		return STORE_ERROR;
	st->txn_depth = 1;
	st->txn_failed = 0;
	st->item = 1;
	return STORE_OK;
}

/* Undo and end the savepoint of store_batch_begin(). */
static void
item_undo(struct store *st)
{
	st->item = 0;
	if (step_done(st, store_reset(st->stmts[S_ROLLBACK_TO]),
	    "rollback to savepoint") != STORE_OK ||
	    step_done(st, store_reset(st->stmts[S_RELEASE]),
	    "release savepoint") != STORE_OK)
		st->batch_failed = 1;	/* the whole batch is suspect */
}

int
store_begin(struct store *st)
{
	if (st->txn_depth > 0) {
		st->txn_depth++;
		return STORE_OK;
	}
	batch_commit(st);
	if (step_done(st, store_reset(st->stmts[S_BEGIN]), "begin") !=
	    STORE_OK)
		return STORE_ERROR;
	st->txn_depth = 1;
	st->txn_failed = 0;
	return STORE_OK;
}

int
store_commit(struct store *st)
{
	if (st->txn_depth > 1) {
		st->txn_depth--;
		return st->txn_failed ? STORE_ERROR : STORE_OK;
	}
	st->txn_depth = 0;
	if (st->item) {
		if (st->txn_failed) {
			st->txn_failed = 0;
			item_undo(st);
			return STORE_ERROR;
		}
		st->item = 0;
		if (step_done(st, store_reset(st->stmts[S_RELEASE]),
		    "release savepoint") != STORE_OK) {
			st->batch_failed = 1;
			return STORE_ERROR;
		}
		return STORE_OK;
	}
	if (st->txn_failed) {
		st->txn_failed = 0;
		if (!sqlite3_get_autocommit(st->db))
			step_done(st, store_reset(st->stmts[S_ROLLBACK]),
			    "rollback");
		return STORE_ERROR;
	}
	return step_done(st, store_reset(st->stmts[S_COMMIT]), "commit");
}

void
store_rollback(struct store *st)
{
	if (st->txn_depth > 1) {
		/* The outermost level rolls back (and fails its commit). */
		st->txn_depth--;
		st->txn_failed = 1;
		return;
	}
	st->txn_depth = 0;
	st->txn_failed = 0;
	if (st->item) {
		item_undo(st);
		return;
	}
	if (!sqlite3_get_autocommit(st->db))
		step_done(st, store_reset(st->stmts[S_ROLLBACK]), "rollback");
}

int
store_account_create(struct store *st, const char *name, const char *pwhash,
    const char *role, int64_t *id)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_ACCOUNT_INSERT]);
	int		 rc;

	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, pwhash, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, role, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)time(NULL));
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc == SQLITE_CONSTRAINT_UNIQUE)
		return STORE_EXISTS;
	if (rc != SQLITE_DONE) {
		store_log_error(st, "account create");
		return STORE_ERROR;
	}
	if (id != NULL)
		*id = sqlite3_last_insert_rowid(st->db);
	return STORE_OK;
}

static void
account_from_row(sqlite3_stmt *s, struct account *a)
{
	a->id = sqlite3_column_int64(s, 0);
	a->name = store_col_text(s, 1);
	a->role = store_col_text(s, 2);
	a->specialty = store_col_text(s, 3);
	a->status = store_col_text(s, 4);
	a->probation = sqlite3_column_int(s, 5);
	a->created = sqlite3_column_int64(s, 6);
}

void
account_clear(struct account *a)
{
	free(a->name);
	free(a->role);
	free(a->specialty);
	free(a->status);
	memset(a, 0, sizeof *a);
}

/*
 * Look an account up by name.  A (may be NULL) and PWHASH (may be NULL)
 * are filled on STORE_OK; the caller frees them (account_clear, free).
 */
int
store_account_get(struct store *st, const char *name, struct account *a,
    char **pwhash)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_ACCOUNT_GET]);
	int		 rc;

	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		if (a != NULL)
			account_from_row(s, a);
		if (pwhash != NULL)
			*pwhash = store_col_text(s, 7);
		sqlite3_reset(s);
		return STORE_OK;
	}
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	store_log_error(st, "account get");
	return STORE_ERROR;
}

int
store_step_changes(struct store *st, sqlite3_stmt *s, const char *what)
{
	int	rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_log_error(st, what);
		return STORE_ERROR;
	}
	return sqlite3_changes(st->db) > 0 ? STORE_OK : STORE_NOTFOUND;
}

int
store_account_set_password(struct store *st, const char *name,
    const char *pwhash)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_ACCOUNT_SET_PW]);

	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, pwhash, -1, SQLITE_STATIC);
	return store_step_changes(st, s, "account set password");
}

/*
 * The SCRAM keys of account NAME into K: STORE_OK, STORE_NOTFOUND (no
 * such account, or none made yet) or STORE_ERROR.
 */
int
store_scram_get(struct store *st, const char *name, struct scram_keys *k)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_SCRAM_GET]);
	const void	*b;
	int		 rc, n;

	memset(k, 0, sizeof *k);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(s);
		return STORE_NOTFOUND;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		store_log_error(st, "scram get");
		return STORE_ERROR;
	}
	rc = STORE_OK;
	b = sqlite3_column_blob(s, 0);
	n = sqlite3_column_bytes(s, 0);
	if (b == NULL || n < 1 || n > (int)sizeof k->salt)
		rc = STORE_NOTFOUND;
	else {
		memcpy(k->salt, b, (size_t)n);
		k->saltlen = (size_t)n;
	}
	k->iterations = sqlite3_column_int(s, 1);
	b = sqlite3_column_blob(s, 2);
	if (b == NULL || sqlite3_column_bytes(s, 2) != SCRAM_KEY_LEN)
		rc = STORE_NOTFOUND;
	else
		memcpy(k->stored_key, b, SCRAM_KEY_LEN);
	b = sqlite3_column_blob(s, 3);
	if (b == NULL || sqlite3_column_bytes(s, 3) != SCRAM_KEY_LEN)
		rc = STORE_NOTFOUND;
	else
		memcpy(k->server_key, b, SCRAM_KEY_LEN);
	sqlite3_reset(s);
	if (rc != STORE_OK)
		memset(k, 0, sizeof *k);
	return rc;
}

/* Store (or replace) K as the SCRAM keys of account NAME. */
int
store_scram_set(struct store *st, const char *name,
    const struct scram_keys *k)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_SCRAM_SET]);

	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, k->salt, (int)k->saltlen, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, k->iterations);
	sqlite3_bind_blob(s, 4, k->stored_key, SCRAM_KEY_LEN, SQLITE_STATIC);
	sqlite3_bind_blob(s, 5, k->server_key, SCRAM_KEY_LEN, SQLITE_STATIC);
	return store_step_changes(st, s, "scram set");
}

/* Forget the SCRAM keys of NAME (STORE_NOTFOUND: there were none). */
int
store_scram_del(struct store *st, const char *name)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_SCRAM_DEL]);

	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	return store_step_changes(st, s, "scram del");
}

int
store_account_set_role(struct store *st, const char *name, const char *role,
    const char *specialty)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_ACCOUNT_SET_ROLE]);

	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, role, -1, SQLITE_STATIC);
	if (specialty != NULL)
		sqlite3_bind_text(s, 3, specialty, -1, SQLITE_STATIC);
	return store_step_changes(st, s, "account set role");
}

int
store_account_list(struct store *st, store_account_cb cb, void *arg)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_ACCOUNT_LIST]);
	struct account	 a;
	int		 rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		account_from_row(s, &a);
		cb(&a, arg);
		account_clear(&a);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_log_error(st, "account list");
		return STORE_ERROR;
	}
	return STORE_OK;
}

int
store_account_lookalike(struct store *st, const char *name, char *who,
    size_t wholen)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_ACCOUNT_LOOKALIKE]);
	int		 rc;

	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		snprintf(who, wholen, "%s", (const char *)sqlite3_column_text(s,
		    0));
		sqlite3_reset(s);
		return STORE_OK;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_log_error(st, "account lookalike");
		return STORE_ERROR;
	}
	return STORE_NOTFOUND;
}

/*
 * Step the bound statement S, handing the two text columns of each row
 * to CB; reset it after.  WHAT names it in the log on failure.
 */
int
store_step_pairs(struct store *st, sqlite3_stmt *s,
    void (*cb)(const char *, const char *, void *), void *arg,
    const char *what)
{
	int	rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		cb((const char *)sqlite3_column_text(s, 0),
		    (const char *)sqlite3_column_text(s, 1), arg);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_log_error(st, what);
		return STORE_ERROR;
	}
	return STORE_OK;
}

int
store_doctor_names(struct store *st, store_name_cb cb, void *arg)
{
	return store_step_pairs(st, store_reset(st->stmts[S_DOCTOR_NAMES]),
	    cb, arg, "doctor names");
}

int
store_group_seed(struct store *st, const char *name, const char *status,
    const char *visibility, const char *description)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_GROUP_SEED]);

	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, visibility, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, description, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)time(NULL));
	return step_done(st, s, "group seed");
}

int
store_group_list(struct store *st, store_group_cb cb, void *arg)
{
	sqlite3_stmt		*s = store_reset(st->stmts[S_GROUP_LIST]);
	struct group_info	 g;
	int			 rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		g.id = sqlite3_column_int64(s, 0);
		g.name = store_col_text(s, 1);
		g.description = store_col_text(s, 2);
		g.status = store_col_text(s, 3);
		g.visibility = store_col_text(s, 4);
		g.created = sqlite3_column_int64(s, 5);
		cb(&g, arg);
		free(g.name);
		free(g.description);
		free(g.status);
		free(g.visibility);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_log_error(st, "group list");
		return STORE_ERROR;
	}
	return STORE_OK;
}

int
store_room_seed(struct store *st, const char *name, int history,
    const char *modes, const char *topic)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_ROOM_SEED]);

	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, history);
	sqlite3_bind_text(s, 3, modes, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, topic, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)time(NULL));
	return step_done(st, s, "room seed");
}

int
store_room_list(struct store *st, store_room_cb cb, void *arg)
{
	sqlite3_stmt		*s = store_reset(st->stmts[S_ROOM_LIST]);
	struct room_info	 r;
	int			 rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		r.id = sqlite3_column_int64(s, 0);
		r.name = store_col_text(s, 1);
		r.topic = store_col_text(s, 2);
		r.modes = store_col_text(s, 3);
		r.history = sqlite3_column_int(s, 4);
		r.created = sqlite3_column_int64(s, 5);
		cb(&r, arg);
		free(r.name);
		free(r.topic);
		free(r.modes);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_log_error(st, "room list");
		return STORE_ERROR;
	}
	return STORE_OK;
}

int
store_audit(struct store *st, const char *actor, const char *action,
    const char *target, const char *reason)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_AUDIT_INSERT]);

	sqlite3_bind_int64(s, 1, (sqlite3_int64)time(NULL));
	if (actor != NULL)
		sqlite3_bind_text(s, 2, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, action, -1, SQLITE_STATIC);
	if (target != NULL)
		sqlite3_bind_text(s, 4, target, -1, SQLITE_STATIC);
	if (reason != NULL)
		sqlite3_bind_text(s, 5, reason, -1, SQLITE_STATIC);
	return step_done(st, s, "audit");
}

int
store_event_add(struct store *st, struct event_info *ev)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_EVENT_INSERT]);
	time_t		 now = time(NULL);

	sqlite3_bind_text(s, 1, ev->uid, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, ev->title, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, ev->description != NULL ? ev->description :
	    "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)ev->starts);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)ev->duration);
	sqlite3_bind_text(s, 6, ev->room, -1, SQLITE_STATIC);
	if (ev->group != NULL)
		sqlite3_bind_text(s, 7, ev->group, -1, SQLITE_STATIC);
	if (ev->capacity > 0)
		sqlite3_bind_int(s, 8, ev->capacity);
	if (ev->facilitator != NULL)
		sqlite3_bind_text(s, 9, ev->facilitator, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 10, (sqlite3_int64)now);
	if (step_done(st, s, "event add") != STORE_OK)
		return STORE_ERROR;
	ev->id = sqlite3_last_insert_rowid(st->db);
	ev->created = ev->updated = now;
	return STORE_OK;
}

void
event_info_clear(struct event_info *ev)
{
	free(ev->uid);
	free(ev->title);
	free(ev->description);
	free(ev->room);
	free(ev->group);
	free(ev->facilitator);
	memset(ev, 0, sizeof *ev);
}

/*
 * Events that have not ended by FROM, soonest first, at most LIMIT;
 * cancelled ones too when WITH_CANCELLED (feeds show them as such).
 */
int
store_event_list(struct store *st, time_t from, int limit, int with_cancelled,
    store_event_cb cb, void *arg)
{
	sqlite3_stmt		*s = store_reset(st->stmts[S_EVENT_LIST]);
	struct event_info	 ev;
	int			 rc;

	sqlite3_bind_int64(s, 1, (sqlite3_int64)from);
	sqlite3_bind_int(s, 2, limit);
	sqlite3_bind_int(s, 3, with_cancelled);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&ev, 0, sizeof ev);
		ev.id = sqlite3_column_int64(s, 0);
		ev.uid = store_col_text(s, 1);
		ev.title = store_col_text(s, 2);
		ev.description = store_col_text(s, 3);
		ev.starts = (time_t)sqlite3_column_int64(s, 4);
		ev.duration = (int)sqlite3_column_int64(s, 5);
		ev.room = store_col_text(s, 6);
		ev.group = store_col_text(s, 7);
		ev.capacity = sqlite3_column_int(s, 8);
		ev.facilitator = store_col_text(s, 9);
		ev.created = (time_t)sqlite3_column_int64(s, 10);
		ev.updated = (time_t)sqlite3_column_int64(s, 11);
		ev.cancelled = sqlite3_column_int(s, 12);
		cb(&ev, arg);
		event_info_clear(&ev);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_log_error(st, "event list");
		return STORE_ERROR;
	}
	return STORE_OK;
}

static void
event_from_row(sqlite3_stmt *s, struct event_info *ev)
{
	memset(ev, 0, sizeof *ev);
	ev->id = sqlite3_column_int64(s, 0);
	ev->uid = store_col_text(s, 1);
	ev->title = store_col_text(s, 2);
	ev->description = store_col_text(s, 3);
	ev->starts = (time_t)sqlite3_column_int64(s, 4);
	ev->duration = (int)sqlite3_column_int64(s, 5);
	ev->room = store_col_text(s, 6);
	ev->group = store_col_text(s, 7);
	ev->capacity = sqlite3_column_int(s, 8);
	ev->facilitator = store_col_text(s, 9);
	ev->created = (time_t)sqlite3_column_int64(s, 10);
	ev->updated = (time_t)sqlite3_column_int64(s, 11);
	ev->cancelled = sqlite3_column_int(s, 12);
}

int
store_event_get(struct store *st, int64_t id, struct event_info *ev)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_EVENT_GET]);
	int		 rc;

	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		event_from_row(s, ev);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

/*
 * Events starting by SOON that have not ended by NOW and whose reminder
 * has not gone out; each is marked reminded after CB.
 */
int
store_event_due(struct store *st, time_t soon, time_t now, store_event_cb cb,
    void *arg)
{
	sqlite3_stmt		*s = store_reset(st->stmts[S_EVENT_DUE]);
	struct event_info	*evs = NULL;
	size_t			 n = 0, i;
	int			 rc;

	sqlite3_bind_int64(s, 1, (sqlite3_int64)soon);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)now);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		evs = xreallocarray(evs, n + 1, sizeof *evs);
		event_from_row(s, &evs[n++]);
	}
	sqlite3_reset(s);
	for (i = 0; i < n; i++) {
		sqlite3_stmt	*u = store_reset(st->stmts[S_EVENT_REMINDED]);

		sqlite3_bind_int64(u, 1, evs[i].id);
		if (step_done(st, u, "event reminded") == STORE_OK)
			cb(&evs[i], arg);
		event_info_clear(&evs[i]);
	}
	free(evs);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int
store_event_cancel(struct store *st, int64_t id)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_EVENT_CANCEL]);

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)time(NULL));
	return store_step_changes(st, s, "event cancel");
}

/* When the events last changed (0 when there are none). */
time_t
store_event_last_change(struct store *st)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_EVENT_LAST_CHANGE]);
	time_t		 t = 0;

	if (sqlite3_step(s) == SQLITE_ROW)
		t = (time_t)sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	return t;
}

int
store_login_record(struct store *st, const char *account, const char *proto,
    const char *ip_hash)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_LOGIN_INSERT]);

	sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, proto, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, ip_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)time(NULL));
	return step_done(st, s, "login record");
}

/* Drop login records older than BEFORE (the retention period). */
int
store_login_expire(struct store *st, time_t before)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_LOGIN_EXPIRE]);

	sqlite3_bind_int64(s, 1, (sqlite3_int64)before);
	return step_done(st, s, "login expire");
}

int
store_account_by_id(struct store *st, int64_t id, struct account *a)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_ACCOUNT_BY_ID]);
	int		 rc;

	sqlite3_bind_int64(s, 1, id);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		account_from_row(s, a);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	return rc == SQLITE_DONE ? STORE_NOTFOUND : STORE_ERROR;
}

/*
 * The language NAME reads into OUT ("" when unset: the operator's
 * default).  STORE_NOTFOUND when there is no such account.
 */
int
store_account_lang_get(struct store *st, const char *name, char *out,
    size_t outlen)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_ACCOUNT_LANG_GET]);
	const char	*v;
	int		 rc;

	if (outlen > 0)
		out[0] = '\0';
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		v = (const char *)sqlite3_column_text(s, 0);
		if (v != NULL && outlen > 0)
			snprintf(out, outlen, "%s", v);
		sqlite3_reset(s);
		return STORE_OK;
	}
	sqlite3_reset(s);
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	store_log_error(st, "account lang");
	return STORE_ERROR;
}

/* NAME reads LANG from now on (NULL: the operator's default). */
int
store_account_lang_set(struct store *st, const char *name, const char *lang)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_ACCOUNT_LANG_SET]);

	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (lang != NULL)
		sqlite3_bind_text(s, 2, lang, -1, SQLITE_STATIC);
	return store_step_changes(st, s, "account set lang");
}

/* Hold the next N posts and messages of NAME for approval (0: none). */
int
store_account_set_probation(struct store *st, const char *name, int n)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_ACCOUNT_PROBATION]);

	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, n);
	return store_step_changes(st, s, "account probation");
}

/* One approved post counts down the probation of NAME. */
int
store_account_probation_done(struct store *st, const char *name)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_ACCOUNT_PROBATION_DEC]);

	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	return store_step_changes(st, s, "account probation count");
}

/*
 * Move NAME from status FROM to status TO (a sign-up waiting for
 * approval is "pending"); STORE_NOTFOUND when NAME is not in FROM.
 */
int
store_account_set_status(struct store *st, const char *name,
    const char *from, const char *to)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_ACCOUNT_SET_STATUS]);

	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, from, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, to, -1, SQLITE_STATIC);
	return store_step_changes(st, s, "account status");
}

/* A refused sign-up: the pending account goes (nothing else has it). */
int
store_account_delete_pending(struct store *st, const char *name)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_ACCOUNT_DELETE_PENDING]);

	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	return store_step_changes(st, s, "account delete pending");
}

/* ACCOUNT wants a reminder of event ID; STORE_NOTFOUND: no such event. */
int
store_event_remind_add(struct store *st, int64_t id, const char *account)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_REMINDER_ADD]);

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, account, -1, SQLITE_STATIC);
	return store_step_changes(st, s, "reminder add");
}

/* The accounts that asked to be reminded of event ID. */
int
store_event_reminders(struct store *st, int64_t id,
    void (*cb)(const char *, void *), void *arg)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_REMINDERS]);
	char		**names = NULL;
	size_t		 n = 0, i;
	int		 rc;

	sqlite3_bind_int64(s, 1, id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		names = xreallocarray(names, n + 1, sizeof *names);
		names[n++] = store_col_text(s, 0);
	}
	sqlite3_reset(s);
	for (i = 0; i < n; i++) {
		cb(names[i], arg);
		free(names[i]);
	}
	free(names);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

/* Step S for one text column: *OUT (caller frees) or STORE_NOTFOUND. */
int
store_one_text(struct store *st, sqlite3_stmt *s, char **out, const char *what)
{
	int	rc = sqlite3_step(s);

	if (rc == SQLITE_ROW)
		*out = store_col_text(s, 0);
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return STORE_OK;
	if (rc == SQLITE_DONE)
		return STORE_NOTFOUND;
	store_log_error(st, what);
	return STORE_ERROR;
}

/* Client certificates for SASL EXTERNAL: account_certs. */
int
store_cert_account(struct store *st, const char *fp, char **account)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_CERT_ACCOUNT]);

	*account = NULL;
	sqlite3_bind_text(s, 1, fp, -1, SQLITE_STATIC);
	return store_one_text(st, s, account, "cert account");
}

int
store_cert_add(struct store *st, const char *account, const char *fp)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_CERT_ADD]);

	sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, fp, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)time(NULL));
	return store_step_changes(st, s, "cert add");
}

int
store_cert_list(struct store *st, const char *account, store_cert_cb cb,
    void *arg)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_CERT_LIST]);
	int		 rc, n = 0;

	sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		n++;
		cb((const char *)sqlite3_column_text(s, 0),
		    sqlite3_column_int64(s, 1), arg);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		store_log_error(st, "cert list");
		return STORE_ERROR;
	}
	return n;
}

int
store_cert_del(struct store *st, const char *account, const char *fp)
{
	sqlite3_stmt	*s = store_reset(st->stmts[S_CERT_DEL]);

	sqlite3_bind_text(s, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, fp, -1, SQLITE_STATIC);
	return store_step_changes(st, s, "cert del");
}

/*
 * Copy the database as of its last commit to DEST, a new file, with
 * SQLite's online backup API.  The copy is read through a connection
 * of its own (read-only): in WAL mode it sees one committed snapshot
 * while writers go on, and an open group commit on the loop's
 * connection is neither included nor disturbed.  The whole copy is one
 * step, so it is consistent.
 */
int
store_backup(struct store *st, const char *dest, char *err, size_t errlen)
{
	sqlite3		*src = NULL, *dst = NULL;
	sqlite3_backup	*b;
	int		 rc, tries;

	rc = sqlite3_open_v2(st->path, &src, SQLITE_OPEN_READONLY, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", st->path,
		    src != NULL ? sqlite3_errmsg(src) : "cannot open");
		goto out;
	}
	sqlite3_busy_timeout(src, 5000);
	rc = sqlite3_open_v2(dest, &dst, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_EXCLUSIVE, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", dest,
		    dst != NULL ? sqlite3_errmsg(dst) : "cannot create");
		goto out;
	}
	if ((b = sqlite3_backup_init(dst, "main", src, "main")) == NULL) {
		snprintf(err, errlen, "backup: %s", sqlite3_errmsg(dst));
		rc = SQLITE_ERROR;
		goto out;
	}
	for (tries = 0; tries < 100; tries++) {
		rc = sqlite3_backup_step(b, -1);
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			break;
		sqlite3_sleep(50);
	}
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		snprintf(err, errlen, "backup: %s", sqlite3_errstr(rc));
		goto out;
	}
	/* A copy that stands alone: no -wal beside it. */
	rc = sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL,
	    NULL);
	if (rc != SQLITE_OK)
		snprintf(err, errlen, "backup: %s", sqlite3_errmsg(dst));
out:
	sqlite3_close(dst);
	sqlite3_close(src);
	return rc == SQLITE_OK || rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}
