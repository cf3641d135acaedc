/*
 * store-modq.h -- storage of the moderation queue, reports, sanctions,
 * moderator notes and audit log queries (SQL in store-modq.c).
 */
#ifndef HEARTH_STORE_MODQ_H
#define HEARTH_STORE_MODQ_H

#include <stdint.h>
#include <time.h>

#include "store.h"

/* A row: N columns, their names and text values (NULL for SQL NULL). */
typedef void (*store_row_cb)(int n, const char *const *names,
    const char *const *values, void *arg);

int	 store_modq_upsert(struct store *, const char *kind,
	    const char *item_type, const char *item_ref, const char *author,
	    const char *location, const char *excerpt, int64_t *id,
	    int *isnew);
int	 store_modq_report(struct store *, int64_t id, const char *reporter,
	    const char *reason, const char *via);
int	 store_modq_report_count(struct store *, const char *item_type,
	    const char *item_ref, time_t since);
int	 store_modq_list_open(struct store *, int limit, store_row_cb, void *);
int	 store_modq_get(struct store *, int64_t id, store_row_cb, void *);
int	 store_modq_item(struct store *, int64_t id, char **kind,
	    char **item_type, char **item_ref, char **author, int *open);
int	 store_modq_reports(struct store *, int64_t id, store_row_cb, void *);
int	 store_modq_view(struct store *, int64_t id, const char *moderator);
int	 store_modq_viewers(struct store *, int64_t id, store_row_cb, void *);
int	 store_modq_author_history(struct store *, const char *author,
	    store_row_cb, void *);
int	 store_modq_open_stats(struct store *, int64_t *count, int64_t *low,
	    int64_t *high, int64_t *first);
int	 store_modq_open_ids(struct store *, int64_t lo, int64_t hi,
	    int limit, int (*)(int64_t, void *), void *);
int64_t	 store_modq_open_prev(struct store *, int64_t num);
int	 store_modq_close(struct store *, int64_t id, const char *resolution,
	    const char *actor);
int	 store_modq_close_item(struct store *, const char *item_type,
	    const char *item_ref, const char *resolution, const char *actor);

int	 store_sanction_add(struct store *, const char *kind,
	    const char *target_type, const char *target, const char *scope,
	    const char *reason, const char *actor, time_t expires,
	    int64_t *id);
int	 store_sanction_lift(struct store *, const char *kind,
	    const char *target_type, const char *target, const char *scope,
	    const char *actor);
int	 store_sanction_active(struct store *, time_t now, store_row_cb,
	    void *);
int	 store_sanction_rescope(struct store *, const char *old,
	    const char *new);
int	 store_sanction_expire(struct store *, time_t now, store_row_cb,
	    void *);

int	 store_note_add(struct store *, const char *account,
	    const char *author, const char *note);
int	 store_notes(struct store *, const char *account, store_row_cb,
	    void *);

int	 store_actions_about(struct store *, const char *name, store_row_cb,
	    void *);
int	 store_reports_by(struct store *, const char *name, store_row_cb,
	    void *);
int	 store_logins_of(struct store *, const char *name, store_row_cb,
	    void *);
int	 store_audit_query(struct store *, const char *actor,
	    const char *target, const char *action, time_t since,
	    time_t until, int limit, store_row_cb, void *);

#endif
