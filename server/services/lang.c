/*
 * lang.c -- which language a member reads (see lang.h).
 */
#include <string.h>

#include "i18n.h"
#include "lang.h"
#include "store.h"

const char *
member_lang(struct server *srv, const char *account)
{
	char	tag[32];

	if (account == NULL || *account == '\0' || srv == NULL ||
	    srv->store == NULL)
		return NULL;
	if (store_account_lang_get(srv->store, account, tag, sizeof tag) !=
	    STORE_OK || tag[0] == '\0')
		return NULL;
	return i18n_lang(tag);
}

int
member_lang_set(struct server *srv, const char *account, const char *tag,
    const char *actor)
{
	const char	*lang = NULL;
	int		 rc;

	if (tag != NULL && strcmp(tag, "default") != 0 &&
	    (lang = i18n_lang(tag)) == NULL)
		return -1;
	if (store_begin(srv->store) != STORE_OK)
		return -3;
	rc = store_account_lang_set(srv->store, account, lang);
	if (rc == STORE_OK)
		rc = store_audit(srv->store, actor, "language", account,
		    lang != NULL ? lang : "default");
	if (rc != STORE_OK || store_commit(srv->store) != STORE_OK) {
		store_rollback(srv->store);
		return rc == STORE_NOTFOUND ? -2 : -3;
	}
	return 0;
}
