/*
 * modexec.h -- performs a moderation command, whoever asked.
 *
 * The admin socket, hearthmod through it, the Helper service and the
 * hearth.queue follow-ups parse their own wire syntax into a struct
 * modcmd_call (modcmd.h) and hand it here: every decision, sanction and
 * listing of the moderators goes down this one path into the engine
 * (modq.h), which writes the audit log.
 */
#ifndef HEARTH_MODEXEC_H
#define HEARTH_MODEXEC_H

#include <stddef.h>

#include "hearth.h"
#include "modcmd.h"

/*
 * Where a listing goes (queue, show, sanctions, notes, log).  BEGIN and
 * END frame it.  ROW gets each row; SECTION is NULL for a plain list, ""
 * for the fields of the entry a show is about, else the title of a part
 * of the show ("context", "reports", "seen by", "author history",
 * "moderator notes on author").  A sink with LINE gets a show written
 * for people instead (modq_render()).  A limit of 0 in the call means
 * QUEUE_LIMIT or LOG_LIMIT.
 */
struct modexec_sink {
	void	(*begin)(void *, const struct modcmd_call *);
	void	(*row)(void *, const char *section, int,
		    const char *const *, const char *const *);
	void	(*line)(void *, const char *);
	void	(*end)(void *, const struct modcmd_call *);
	void	 *arg;
	int	  queue_limit;
	int	  log_limit;
};

#define MODEXEC_OK	0	/* done; MSG says what, or the sink had it */
#define MODEXEC_FAIL	(-1)	/* refused or not found; MSG says why */
#define MODEXEC_ERROR	(-2)	/* the server failed; MSG says so */

/*
 * Perform MC as ACTOR (an account, or "operator").  Actions answer in
 * MSG; listings go to SINK (which may be NULL for a front end that only
 * decides).  Whether ACTOR may run it is the front end's check.
 */
int	 modq_exec(struct server *, const char *actor,
	    const struct modcmd_call *, const struct modexec_sink *,
	    char *msg, size_t msglen);

#endif
