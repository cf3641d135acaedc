/*
 * store-int.h -- internals shared by the store*.c files only.
 */
#ifndef HEARTH_STORE_INT_H
#define HEARTH_STORE_INT_H

#include <sqlite3.h>

#include "store.h"

struct store_sql {
	int		 id;
	const char	*sql;
};

struct store {
	sqlite3		 *db;
	char		 *path;
	sqlite3_stmt	**stmts;	/* indexed by the core ids */
	size_t		  nstmts;
	sqlite3_stmt	**modq_stmts;	/* store-modq.c */
	sqlite3_stmt	**nntp;		/* store-news.c's own table */
	sqlite3_stmt	**members;	/* store-access.c */
	sqlite3_stmt	**notices;	/* store-notice.c */
	sqlite3_stmt	**history;	/* store-history.c */
	sqlite3_stmt	**webpush;	/* store-webpush.c */
	sqlite3_stmt	**ircv3;	/* store-ircv3.c */
	sqlite3_stmt	**peer;		/* store-peer.c */
	sqlite3_stmt	**web;		/* store-web.c */
	sqlite3_stmt	**chat_stmts;	/* store-chat.c */
	size_t		  nchat_stmts;
	int		  batch;	/* a group commit is open */
	int		  sync_full;
	int		  chat_sync_full;	/* store_chat_sync() */
	int		  batch_relaxed;	/* ... open with NORMAL */
	int		  wal_normal;	/* NORMAL while the sync thread runs */
	int		  batch_committing;	/* its COMMIT is running */
	int		  batch_synced;	/* ... and an fdatasync follows it */
	int		  item;		/* outermost txn: store_batch_begin() */
	sqlite3_int64	  batch_start;	/* total changes at its BEGIN */
	sqlite3_int64	  batch_chat;	/* ... of them chat lines */
	struct ckpt	 *ckpt;		/* the checkpointer thread */
	struct syncer	 *syncer;	/* the WAL sync thread */
	uint64_t	  sync_seq;	/* group commits that await a sync */
	int		  batch_failed;	/* ... and committing it failed */
	int		  txn_depth;	/* store_begin() nesting */
	int		  txn_failed;	/* an inner level rolled back */
	char		 *ovbuf;	/* store-news.c: overview scratch */
	size_t		  ovcap;
};

int		 store_batch_step_chat(struct store *, sqlite3_stmt *,
		    const char *);
int		 store_modq_prepare(struct store *);
void		 store_modq_finalize(struct store *);
int		 store_members_prepare(struct store *);
void		 store_members_finalize(struct store *);
int		 store_notice_prepare(struct store *);
void		 store_notice_finalize(struct store *);
int		 store_history_prepare(struct store *);
void		 store_history_finalize(struct store *);
int		 store_webpush_prepare(struct store *);
void		 store_webpush_finalize(struct store *);
int		 store_ircv3_prepare(struct store *);
void		 store_ircv3_finalize(struct store *);
int		 store_peer_prepare(struct store *);
void		 store_peer_finalize(struct store *);
int		 store_web_prepare(struct store *);
void		 store_web_finalize(struct store *);

/* Prepare N statements of DEFS into OUT (indexed by def id). */
int		 store_prepare(struct store *, const struct store_sql *,
		    size_t n, sqlite3_stmt **out);
void		 store_finalize(sqlite3_stmt **, size_t n);
/* Reset and clear a statement so it can be bound afresh. */
sqlite3_stmt	*store_reset(sqlite3_stmt *);
char		*store_col_text(sqlite3_stmt *, int col);
/* Step S once (an INSERT/UPDATE/DELETE), reset it; STORE_OK or STORE_ERROR. */
int		 store_step_done(struct store *, sqlite3_stmt *, const char *what);
/* The same, then STORE_NOTFOUND when no row changed. */
/* Step S for one text column: *OUT (caller frees) or STORE_NOTFOUND. */
int		 store_one_text(struct store *, sqlite3_stmt *, char **,
		    const char *what);
int		 store_step_changes(struct store *, sqlite3_stmt *,
		    const char *what);
typedef void	(*store_rows_cb)(int n, const char *const *names,
		    const char *const *vals, void *);
/* Step a SELECT and hand every row (at most 16 columns) to CB. */
int		 store_rows(struct store *, sqlite3_stmt *, store_rows_cb,
		    void *, const char *what);
void		 store_log_error(struct store *, const char *what);
/* Each row of bound S as its two text columns to CB (store.c). */
int		 store_step_pairs(struct store *, sqlite3_stmt *,
		    void (*)(const char *, const char *, void *), void *,
		    const char *what);

#endif
