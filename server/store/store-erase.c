/*
 * store-erase.c -- SQL of a member's erasure: every row that names them,
 * in one transaction with the article changes erase.c makes.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "store-int.h"
#include "store-erase.h"

/*
 * Statements run in order by store_erase_refs(): ?1 the account name,
 * ?2 the placeholder that replaces it, ?3 the account id.
 */
static const char *const erase_sql[] = {
	"UPDATE modq SET excerpt = '' WHERE lower(author) = lower(?1)",
	"UPDATE modq SET author = ?2 WHERE lower(author) = lower(?1)",
	"UPDATE modq SET resolved_by = ?2 WHERE lower(resolved_by) = lower(?1)",
	"UPDATE modq_views SET moderator = ?2 WHERE lower(moderator) = "
	    "lower(?1)",
	"UPDATE reports SET reporter = ?2 || '-' || id WHERE "
	    "lower(reporter) = lower(?1)",
	"DELETE FROM mod_notes WHERE lower(account) = lower(?1)",
	"UPDATE mod_notes SET author = ?2 WHERE lower(author) = lower(?1)",
	"UPDATE sanctions SET target = ?2 WHERE target_type = 'account' AND "
	    "lower(target) = lower(?1)",
	"UPDATE sanctions SET actor = ?2 WHERE lower(actor) = lower(?1)",
	"UPDATE events SET facilitator = NULL WHERE lower(facilitator) = "
	    "lower(?1)",
	"DELETE FROM logins WHERE lower(account) = lower(?1)",
	"UPDATE audit_log SET actor = ?2 WHERE lower(actor) = lower(?1)",
	"UPDATE audit_log SET target = ?2 WHERE lower(target) = lower(?1)",
	"UPDATE audit_log SET reason = NULL WHERE lower(reason) = lower(?1)",
	"DELETE FROM account_certs WHERE account_id = ?3",
	"UPDATE group_access SET added_by = ?2 WHERE lower(added_by) = "
	    "lower(?1)",
	"DELETE FROM group_access WHERE account_id = ?3",
	"DELETE FROM feed_tokens WHERE account_id = ?3",
	"DELETE FROM notices WHERE account_id = ?3",
	"DELETE FROM webpush_subs WHERE account_id = ?3",
	"DELETE FROM read_markers WHERE account_id = ?3",
	"DELETE FROM account_metadata WHERE account_id = ?3",
	"DELETE FROM web_sessions WHERE account_id = ?3",
	"DELETE FROM web_group_read WHERE account_id = ?3",
	"DELETE FROM web_thread_read WHERE account_id = ?3",
	"UPDATE articles SET author_id = NULL WHERE author_id = ?3",
	"DELETE FROM accounts WHERE id = ?3",
};

/*
 * Replace NAME by PLACEHOLDER everywhere moderation and the logs keep it,
 * drop what is only about them (notes, sign-ins, certificates,
 * notices, push subscriptions), and delete the account.  Runs inside
 * the caller's transaction.
 */
int
store_erase_refs(struct store *st, const char *name, const char *placeholder,
    int64_t id)
{
	sqlite3_stmt	*s;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof erase_sql / sizeof erase_sql[0]; i++) {
		if (sqlite3_prepare_v2(st->db, erase_sql[i], -1, &s, NULL) !=
		    SQLITE_OK) {
			store_log_error(st, "erase prepare");
			return STORE_ERROR;
		}
		if (sqlite3_bind_parameter_count(s) >= 1)
			sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
		if (sqlite3_bind_parameter_count(s) >= 2)
			sqlite3_bind_text(s, 2, placeholder, -1,
			    SQLITE_STATIC);
		if (sqlite3_bind_parameter_count(s) >= 3)
			sqlite3_bind_int64(s, 3, id);
		rc = sqlite3_step(s);
		sqlite3_finalize(s);
		if (rc != SQLITE_DONE) {
			store_log_error(st, "erase");
			return STORE_ERROR;
		}
	}
	return STORE_OK;
}
