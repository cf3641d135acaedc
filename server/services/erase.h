/*
 * erase.h -- a member deletes their account.
 *
 * Two modes (config erasure_mode, or the operator's choice):
 *	remove		their articles and chat messages are taken out of
 *			every group, overview, history and feed, and their
 *			text is deleted (feeds keep a tombstone by id);
 *	pseudonymize	their words stay, but the author becomes an
 *			anonymous "former member" everywhere.
 * Either way the account, their sign-in records, certificates and the
 * moderators' notes about them are deleted, and every log row that named
 * them names a placeholder instead.  The audit log records that an
 * erasure happened (account number and mode), not what was erased.
 */
#ifndef HEARTH_ERASE_H
#define HEARTH_ERASE_H

#include <stddef.h>

#include "hearth.h"

#define ERASE_REMOVE		0
#define ERASE_PSEUDONYMIZE	1

int	 erase_mode_parse(const char *, int *);
/* 0, or -1 with a reason in MSG. */
int	 member_erase(struct server *, const char *name, int mode,
	    const char *actor, char *msg, size_t msglen);

#endif
