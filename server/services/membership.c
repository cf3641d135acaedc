/*
 * membership.c -- visibility and access lists (see membership.h): the
 * one place NNTP, HTTP and the admin socket ask who may see a group.
 */
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "log.h"
#include "membership.h"
#include "notify.h"
#include "store-access.h"
#include "store-news.h"

int
membership_reader_level(struct server *srv, const char *role)
{
	if (role == NULL)
		return srv->cf->anonymous_read ? NG_PUBLIC : -1;
	if (strcmp(role, "moderator") == 0 || strcmp(role, "admin") == 0)
		return NG_PRIVATE;
	return NG_MEMBERS;
}

int
membership_can_list(struct server *srv, int reader_level, const char *name,
    int group_level)
{
	if (group_level == NG_PUBLIC)
		return 1;
	if (reader_level < NG_MEMBERS)
		return 0;
	if (group_level <= NG_MEMBERS || reader_level >= NG_PRIVATE)
		return 1;
	return strcmp(name, srv->cf->report_group) == 0;
}

struct group_pick {
	int	found;
	int64_t	id;
	int	visibility;
};

static int
group_pick_cb(const struct news_group *g, void *arg)
{
	struct group_pick	*gp = arg;

	gp->found = 1;
	gp->id = g->id;
	gp->visibility = g->visibility;
	return 0;
}

int
membership_private_group(struct server *srv, const char *name, int64_t *id,
    char *msg, size_t msglen)
{
	struct group_pick	gp;

	memset(&gp, 0, sizeof gp);
	if (store_news_group_get(srv->store, name, group_pick_cb, &gp) ==
	    STORE_ERROR) {
		snprintf(msg, msglen, "Database error");
		return 500;
	}
	if (!gp.found) {
		snprintf(msg, msglen, "No such group: %s", name);
		return 404;
	}
	if (gp.visibility != NG_PRIVATE) {
		snprintf(msg, msglen, "%s is not private: only private groups "
		    "have an access list", name);
		return 401;
	}
	*id = gp.id;
	return 0;
}

int
membership_access(struct server *srv, const char *actor, const char *group,
    const char *account, int add, char *msg, size_t msglen)
{
	struct account	a;
	int64_t		gid;
	int		code, rc;

	if ((code = membership_private_group(srv, group, &gid, msg,
	    msglen)) != 0)
		return code;
	if (store_account_get(srv->store, account, &a, NULL) != STORE_OK) {
		snprintf(msg, msglen, "No such account: %s", account);
		return 404;
	}
	if (store_begin(srv->store) != STORE_OK) {
		account_clear(&a);
		snprintf(msg, msglen, "Database error");
		return 500;
	}
	rc = add ? store_group_access_add(srv->store, gid, a.id, actor) :
	    store_group_access_remove(srv->store, gid, a.id);
	if (rc == STORE_OK)
		rc = store_audit(srv->store, actor, add ? "group.access.add" :
		    "group.access.remove", a.name, group) == STORE_OK ?
		    STORE_OK : STORE_ERROR;
	if (rc != STORE_OK) {
		store_rollback(srv->store);
		code = rc == STORE_EXISTS || rc == STORE_NOTFOUND ? 1 : 500;
		if (rc == STORE_EXISTS)
			snprintf(msg, msglen, "%s is already on the access "
			    "list of %s", a.name, group);
		else if (rc == STORE_NOTFOUND) {
			snprintf(msg, msglen, "%s is not on the access list of "
			    "%s", a.name, group);
			code = 404;
		} else
			snprintf(msg, msglen, "Database error");
		account_clear(&a);
		return code;
	}
	if (store_commit(srv->store) != STORE_OK) {
		account_clear(&a);
		snprintf(msg, msglen, "Database error");
		return 500;
	}
	notify_content_changed(srv);
	log_info("membership: group access %s group=%s account=%s",
	    add ? "add" : "remove", group, a.name);
	snprintf(msg, msglen, "%s %s the access list of %s", a.name,
	    add ? "is now on" : "is no longer on", group);
	account_clear(&a);
	return 0;
}
