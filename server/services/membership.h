/*
 * membership.h -- who may see which groups: reader levels, the listing
 * rule every door follows, and private groups' access lists.
 */
#ifndef HEARTH_MEMBERSHIP_H
#define HEARTH_MEMBERSHIP_H

#include <stddef.h>
#include <stdint.h>

#include "hearth.h"

/*
 * The level a reader reads at (NG_* of store-news.h): not signed in
 * (ROLE NULL) NG_PUBLIC, or -1 when the operator turned anonymous
 * reading off; a member or doctor NG_MEMBERS; moderators and admins
 * NG_PRIVATE (they read every private group).
 */
int	 membership_reader_level(struct server *, const char *role);
/*
 * May a reader at READER_LEVEL see group NAME, whose level for them is
 * GROUP_LEVEL, in lists and by name?  Public groups: everyone;
 * members-only groups: members; a private group: those on its access
 * list (then GROUP_LEVEL is NG_MEMBERS for them) and moderators -- and
 * the report group, which every member sees so as to post to it.
 */
int	 membership_can_list(struct server *, int reader_level,
	    const char *name, int group_level);
/*
 * Put ACCOUNT on (ADD) or take it off the access list of private group
 * GROUP as ACTOR; stored and audited in one transaction.  0, 1 when
 * nothing changed (MSG says why), or a reply code (401, 404, 500) with
 * the reason in MSG.
 */
int	 membership_access(struct server *, const char *actor,
	    const char *group, const char *account, int add, char *msg,
	    size_t msglen);
/*
 * The private group NAME's id in *ID: 0, or a reply code (401 not
 * private, 404 none, 500) with the reason in MSG.
 */
int	 membership_private_group(struct server *, const char *name,
	    int64_t *id, char *msg, size_t msglen);

#endif
