/*
 * strmap.h -- a string-keyed hash table; keys are copied, values belong
 * to the caller.
 */
#ifndef HEARTH_STRMAP_H
#define HEARTH_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap;

struct strmap	*strmap_create(void);
void		 strmap_free(struct strmap *);
void		*strmap_get(struct strmap *, const char *);
void		 strmap_put(struct strmap *, const char *, void *);
void		*strmap_del(struct strmap *, const char *);
size_t		 strmap_count(struct strmap *);
typedef void (*strmap_cb)(const char *, void *, void *);
void		 strmap_foreach(struct strmap *, strmap_cb, void *);
/* The table's hash of a key (FNV-1a), for callers keeping their own. */
uint32_t	 strmap_hash(const char *);

#endif
