/*
 * i18n.c -- the texts members read, in their language (see i18n.h).
 *
 * Until the catalogues are loaded every text is its English msgid.
 */
#include "i18n.h"

const char *
i18n(const char *lang, const char *msgid)
{
	(void)lang;
	return msgid;
}
