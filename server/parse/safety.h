/*
 * safety.h -- the crisis-phrase safety net.
 *
 * A list of phrases per language is matched against every post and chat
 * message.  A match never deletes anything: the caller shows the author
 * the hotline text and puts the item at the top of the moderators' queue.
 *
 * Matching is on whole words after folding case (ASCII, Latin-1 and
 * Cyrillic, with ё read as е) and turning every run of spaces and
 * punctuation into one space, so "I want to DIE..." matches "want to
 * die" but "diet" does not match "die".
 */
#ifndef HEARTH_SAFETY_H
#define HEARTH_SAFETY_H

#include <stddef.h>

struct safety;

/*
 * Load FILE: one "LANG phrase words" a line ("# " starts a comment).
 * NULL with "file:line: why" in ERR on failure.
 */
struct safety	*safety_load(const char *file, char *err, size_t errlen);
/* An empty list (matches nothing). */
struct safety	*safety_empty(void);
void		 safety_free(struct safety *);
size_t		 safety_count(const struct safety *);
/*
 * The first phrase found in TEXT (LEN bytes) as "lang:phrase", or NULL.
 * The pointer lives as long as the list.
 */
const char	*safety_match(const struct safety *, const char *text,
		    size_t len);
/*
 * Links (scheme://... or www....) and e-mail addresses (local@domain.tld
 * or mailto:) in TEXT (LEN bytes), counted per word; lines quoted with
 * ">" are skipped (they are someone else's words).
 */
void		 safety_count_links(const char *text, size_t len, int *links,
		    int *emails);
/* Fold TEXT as the matcher does (xmalloc'd), for tests and tools. */
char		*safety_fold(const char *text, size_t len);

#endif
