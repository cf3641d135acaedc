/*
 * lang.c -- which language a member reads (see lang.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "i18n.h"
#include "lang.h"
#include "notify.h"
#include "store.h"
#include "store-web.h"
#include "tz.h"

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
	struct notify_msg	 m;
	const char		*lang = NULL;
	int			 rc;

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
	/* Sessions of the account speak the new language at once. */
	memset(&m, 0, sizeof m);
	m.kind = NOTIFY_ACCOUNT_CHANGED;
	m.account = account;
	m.action = "language";
	notify_publish(srv, &m);
	return 0;
}

void
member_tz(struct server *srv, int64_t account_id, char *buf, size_t len)
{
	buf[0] = '\0';
	if (account_id == 0 || srv == NULL || srv->store == NULL ||
	    store_account_tz_get(srv->store, account_id, buf, len) !=
	    STORE_OK)
		buf[0] = '\0';
}

void
member_tz_use(struct server *srv, int64_t account_id)
{
	char	zone[256];

	member_tz(srv, account_id, zone, sizeof zone);
	if (zone[0] != '\0')
		tz_use(zone);
}

int
member_tz_set(struct server *srv, const char *account, int64_t account_id,
    const char *zone, const char *actor)
{
	char	why[256];
	int	rc;

	if (zone != NULL && (*zone == '\0' || strcmp(zone, "default") ==
	    0))
		zone = NULL;
	if (zone != NULL && tz_check(zone, why, sizeof why) != 0)
		return -1;
	if (store_begin(srv->store) != STORE_OK)
		return -3;
	rc = store_account_tz_set(srv->store, account_id, zone);
	if (rc == STORE_OK)
		rc = store_audit(srv->store, actor, "timezone", account,
		    zone != NULL ? zone : "default");
	if (rc != STORE_OK || store_commit(srv->store) != STORE_OK) {
		store_rollback(srv->store);
		return rc == STORE_NOTFOUND ? -2 : -3;
	}
	return 0;
}

/* The specialties doctors are verified in, as hearthmod sets them. */
static const char *const specialties[] = {
	N_("oncology"), N_("hematology"), N_("neurology"),
	N_("endocrinology"), N_("diabetology"), N_("cardiology"),
	N_("psychiatry"), N_("psychology"), N_("psychotherapy"),
	N_("pediatrics"), N_("rehabilitation"), N_("palliative-care"),
	N_("general-practice"), N_("surgery"), N_("radiology"),
	N_("nutrition"), N_("speech-therapy"), N_("immunology"),
	N_("rheumatology"), N_("nephrology"), N_("gastroenterology"),
	N_("pulmonology"), N_("dermatology"), N_("gynecology"),
	N_("urology"), N_("ophthalmology"), N_("genetics"),
	N_("nursing"),
};

const char *
specialty_name(const char *lang, const char *specialty)
{
	size_t	i;

	if (specialty == NULL)
		return NULL;
	for (i = 0; i < sizeof specialties / sizeof specialties[0]; i++)
		if (strcasecmp(specialties[i], specialty) == 0) {
			const char *t = i18n(lang, specialties[i]);

			/* Untranslated: as the operator wrote it. */
			return strcmp(t, specialties[i]) != 0 ? t : specialty;
		}
	return specialty;
}

void
doctor_badge(const char *lang, const char *specialty, char *buf,
    size_t len)
{
	if (specialty != NULL && *specialty != '\0')
		snprintf(buf, len, i18n(lang, "verified doctor (%s)"),
		    specialty_name(lang, specialty));
	else
		snprintf(buf, len, "%s", i18n(lang, "verified doctor"));
}
