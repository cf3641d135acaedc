/*
 * store-peer.c -- SQL of the outgoing feeds (see store-peer.h).
 */
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "store-int.h"
#include "store-peer.h"
#include "xmalloc.h"

enum {
	P_PUT,
	P_DELETE,
	P_DELETE_QUEUE,
	P_PAUSE,
	P_LIST,
	P_ENQUEUE,
	P_NEXT,
	P_DONE,
	P_ART_PEERS,
	P_ART_DROP,
	P_STATS,
	P_STATS_ALL,
	P_COUNT
};

#define STATS_COLS "coalesce(sum(state = 'queued'), 0), " \
	"coalesce(sum(state = 'accepted'), 0), " \
	"coalesce(sum(state = 'duplicate'), 0), " \
	"coalesce(sum(state = 'refused'), 0), " \
	"coalesce(sum(state = 'dropped'), 0), " \
	"coalesce(max(CASE WHEN state = 'accepted' THEN done END), 0) " \
	"FROM peer_queue"

static const struct store_sql peer_sql[] = {
	{ P_PUT, "INSERT INTO peers (name, host, port, tls, path_id, groups, "
	  "user, pass, max_size, paused, source, created) VALUES (?1, ?2, ?3, "
	  "?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, strftime('%s', 'now')) "
	  "ON CONFLICT (name) DO UPDATE SET host = ?2, port = ?3, tls = ?4, "
	  "path_id = ?5, groups = ?6, user = ?7, pass = ?8, max_size = ?9, "
	  "source = ?11" },
	{ P_DELETE, "DELETE FROM peers WHERE name = ?1" },
	{ P_DELETE_QUEUE, "DELETE FROM peer_queue WHERE peer = ?1" },
	{ P_PAUSE, "UPDATE peers SET paused = ?2 WHERE name = ?1" },
	{ P_LIST, "SELECT name, host, port, tls, path_id, groups, user, pass, "
	  "max_size, paused, source FROM peers ORDER BY name" },
	{ P_ENQUEUE, "INSERT INTO peer_queue (peer, article_id, msgid, text, "
	  "queued) VALUES (?1, ?2, ?3, ?4, ?5)" },
	{ P_NEXT, "SELECT id, article_id, msgid, text FROM peer_queue "
	  "WHERE peer = ?1 AND state = 'queued' AND id > ?2 ORDER BY id "
	  "LIMIT ?3" },
	{ P_DONE, "UPDATE peer_queue SET state = ?2, done = ?3 WHERE id = ?1 "
	  "AND state = 'queued'" },
	{ P_ART_PEERS, "SELECT DISTINCT peer FROM peer_queue WHERE "
	  "article_id = ?1 AND state IN ('queued', 'accepted')" },
	{ P_ART_DROP, "UPDATE peer_queue SET state = 'dropped', done = ?2 "
	  "WHERE article_id = ?1 AND state = 'queued'" },
	{ P_STATS, "SELECT " STATS_COLS " WHERE peer = ?1" },
	{ P_STATS_ALL, "SELECT " STATS_COLS },
};

int
store_peer_prepare(struct store *st)
{
	st->peer = xcalloc(P_COUNT, sizeof *st->peer);
	return store_prepare(st, peer_sql, sizeof peer_sql /
	    sizeof peer_sql[0], st->peer);
}

void
store_peer_finalize(struct store *st)
{
	if (st->peer == NULL)
		return;
	store_finalize(st->peer, P_COUNT);
	free(st->peer);
	st->peer = NULL;
}

static void
bind_opt(sqlite3_stmt *s, int i, const char *v)
{
	if (v != NULL)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

int
store_peer_put(struct store *st, const struct peer_row *p)
{
	sqlite3_stmt	*s = store_reset(st->peer[P_PUT]);

	sqlite3_bind_text(s, 1, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, p->host, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, p->port);
	sqlite3_bind_int(s, 4, p->tls);
	sqlite3_bind_text(s, 5, p->path_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, p->groups, -1, SQLITE_STATIC);
	bind_opt(s, 7, p->user);
	bind_opt(s, 8, p->pass);
	sqlite3_bind_int64(s, 9, p->max_size);
	sqlite3_bind_int(s, 10, p->paused);
	sqlite3_bind_text(s, 11, p->source != NULL ? p->source : "admin", -1,
	    SQLITE_STATIC);
	return store_step_done(st, s, "peer put");
}

int
store_peer_delete(struct store *st, const char *name)
{
	sqlite3_stmt	*s;
	int		 rc;

	if (store_begin(st) != STORE_OK)
		return STORE_ERROR;
	s = store_reset(st->peer[P_DELETE]);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if ((rc = store_step_changes(st, s, "peer delete")) != STORE_OK) {
		store_rollback(st);
		return rc;
	}
	s = store_reset(st->peer[P_DELETE_QUEUE]);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	if (store_step_done(st, s, "peer queue delete") != STORE_OK ||
	    store_commit(st) != STORE_OK) {
		store_rollback(st);
		return STORE_ERROR;
	}
	return STORE_OK;
}

int
store_peer_set_paused(struct store *st, const char *name, int paused)
{
	sqlite3_stmt	*s = store_reset(st->peer[P_PAUSE]);

	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 2, paused);
	return store_step_changes(st, s, "peer pause");
}

static const char *
col(sqlite3_stmt *s, int i)
{
	return (const char *)sqlite3_column_text(s, i);
}

int
store_peer_list(struct store *st, store_peer_cb cb, void *arg)
{
	sqlite3_stmt	*s = store_reset(st->peer[P_LIST]);
	struct peer_row	 p;
	int		 rc;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&p, 0, sizeof p);
		p.name = col(s, 0);
		p.host = col(s, 1);
		p.port = sqlite3_column_int(s, 2);
		p.tls = sqlite3_column_int(s, 3);
		p.path_id = col(s, 4);
		p.groups = col(s, 5);
		p.user = col(s, 6);
		p.pass = col(s, 7);
		p.max_size = sqlite3_column_int64(s, 8);
		p.paused = sqlite3_column_int(s, 9);
		p.source = col(s, 10);
		if (cb(&p, arg) != 0)
			break;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		store_log_error(st, "peer list");
		return STORE_ERROR;
	}
	return STORE_OK;
}

int
store_peer_enqueue(struct store *st, const char *peer, int64_t article_id,
    const char *msgid, const char *text, size_t len, int64_t now)
{
	sqlite3_stmt	*s = store_reset(st->peer[P_ENQUEUE]);

	sqlite3_bind_text(s, 1, peer, -1, SQLITE_STATIC);
	if (article_id != 0)
		sqlite3_bind_int64(s, 2, article_id);
	sqlite3_bind_text(s, 3, msgid, -1, SQLITE_STATIC);
	if (text != NULL)
		sqlite3_bind_blob(s, 4, text, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, now);
	return store_step_done(st, s, "peer enqueue");
}

struct qcopy {
	int64_t	 id, article_id;
	char	*msgid, *text;
	size_t	 len;
};

/*
 * The rows are copied before any is handed over: the callback may run
 * other statements (the article's text, the row's end).
 */
int
store_peer_next(struct store *st, const char *peer, int64_t after,
    int limit, store_peer_q_cb cb, void *arg)
{
	sqlite3_stmt		*s = store_reset(st->peer[P_NEXT]);
	struct qcopy		*v = NULL;
	struct peer_qrow	 r;
	size_t			 n = 0, i;
	int			 rc, stop = 0;
	const void		*b;

	sqlite3_bind_text(s, 1, peer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, after);
	sqlite3_bind_int(s, 3, limit);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n].id = sqlite3_column_int64(s, 0);
		v[n].article_id = sqlite3_column_int64(s, 1);
		v[n].msgid = xstrdup(col(s, 2));
		v[n].text = NULL;
		v[n].len = 0;
		if ((b = sqlite3_column_blob(s, 3)) != NULL) {
			v[n].len = (size_t)sqlite3_column_bytes(s, 3);
			v[n].text = xmalloc(v[n].len + 1);
			memcpy(v[n].text, b, v[n].len);
			v[n].text[v[n].len] = '\0';
		}
		n++;
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		store_log_error(st, "peer queue next");
	for (i = 0; i < n; i++) {
		if (!stop && rc == SQLITE_DONE) {
			r.id = v[i].id;
			r.article_id = v[i].article_id;
			r.msgid = v[i].msgid;
			r.text = v[i].text;
			r.len = v[i].len;
			stop = cb(&r, arg);
		}
		free(v[i].msgid);
		free(v[i].text);
	}
	free(v);
	return rc == SQLITE_DONE ? (int)n : STORE_ERROR;
}

int
store_peer_done(struct store *st, int64_t id, const char *state,
    int64_t now)
{
	sqlite3_stmt	*s = store_reset(st->peer[P_DONE]);

	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, now);
	return store_step_done(st, s, "peer queue done");
}

int
store_peer_article_peers(struct store *st, int64_t article_id,
    store_peer_name_cb cb, void *arg)
{
	sqlite3_stmt	*s = store_reset(st->peer[P_ART_PEERS]);
	char		**v = NULL;
	size_t		 n = 0, i;
	int		 rc, stop = 0;

	sqlite3_bind_int64(s, 1, article_id);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n++] = xstrdup(col(s, 0));
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		store_log_error(st, "peer article peers");
	for (i = 0; i < n; i++) {
		if (!stop && rc == SQLITE_DONE)
			stop = cb(v[i], arg);
		free(v[i]);
	}
	free(v);
	return rc == SQLITE_DONE ? STORE_OK : STORE_ERROR;
}

int
store_peer_drop_article(struct store *st, int64_t article_id, int64_t now)
{
	sqlite3_stmt	*s = store_reset(st->peer[P_ART_DROP]);

	sqlite3_bind_int64(s, 1, article_id);
	sqlite3_bind_int64(s, 2, now);
	return store_step_done(st, s, "peer article drop");
}

int
store_peer_stats(struct store *st, const char *peer, struct peer_stats *ps)
{
	sqlite3_stmt	*s;
	int		 rc;

	s = store_reset(st->peer[peer != NULL ? P_STATS : P_STATS_ALL]);
	if (peer != NULL)
		sqlite3_bind_text(s, 1, peer, -1, SQLITE_STATIC);
	memset(ps, 0, sizeof *ps);
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		ps->queued = sqlite3_column_int64(s, 0);
		ps->accepted = sqlite3_column_int64(s, 1);
		ps->duplicate = sqlite3_column_int64(s, 2);
		ps->refused = sqlite3_column_int64(s, 3);
		ps->dropped = sqlite3_column_int64(s, 4);
		ps->last_success = sqlite3_column_int64(s, 5);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW) {
		store_log_error(st, "peer stats");
		return STORE_ERROR;
	}
	return STORE_OK;
}
