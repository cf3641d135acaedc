/*
 * irc-casemap.h -- IRC case mapping, nick/channel validity, ban masks.
 *
 * Pure module.  Hearth folds with IRC_CASEMAP_PRECIS (names.h: the one
 * folding of nicks, accounts and rooms) and advertises CASEMAPPING=ascii
 * and CHANTYPES=#; the other mappings remain for clients' sake (tests).
 */
#ifndef HEARTH_IRC_CASEMAP_H
#define HEARTH_IRC_CASEMAP_H

#include <stddef.h>

#define IRC_CHANLEN_DEFAULT	50

enum irc_casemap {
	IRC_CASEMAP_ASCII,	/* A-Z -> a-z */
	IRC_CASEMAP_RFC1459,	/* A-Z -> a-z, []\~ -> {}|^ */
	IRC_CASEMAP_PRECIS	/* names_fold(): Latin, Greek, Cyrillic */
};

int	 irc_casefold_char(enum irc_casemap, int);
void	 irc_casefold(enum irc_casemap, const char *, char *, size_t);
char	*irc_casefold_dup(enum irc_casemap, const char *);
int	 irc_casecmp(enum irc_casemap, const char *, const char *);

/* A nick by names_check(NAMES_NICK): Latin or Cyrillic, not both. */
int	 irc_nick_valid(const char *, size_t);
int	 irc_channel_valid(const char *, size_t);

int	 irc_mask_match(enum irc_casemap, const char *, const char *);

#endif
