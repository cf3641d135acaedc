/*
 * strmap.c -- a string-keyed hash table (IRC keeps nicks, channels and
 * MONITOR watch lists in it).
 *
 * Chained buckets, a power of two of them, doubled when the table holds
 * more entries than buckets.  Keys are copied into the entry (one
 * allocation per entry); values belong to the caller.  Callers pass keys
 * already case-folded, so lookups are plain byte comparisons.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "xmalloc.h"

struct strmap_ent {
	struct strmap_ent	*next;
	void			*val;
	uint32_t		 hash;
	char			 key[];
};

struct strmap {
	struct strmap_ent	**b;
	size_t			  nb;
	size_t			  n;
};

/* FNV-1a of S. */
uint32_t
strmap_hash(const char *s)
{
	uint32_t	h = 2166136261u;

	while (*s != '\0')
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

struct strmap *
strmap_create(void)
{
	struct strmap	*m;

	m = xcalloc(1, sizeof *m);
	m->nb = 64;
	m->b = xcalloc(m->nb, sizeof *m->b);
	return m;
}

void
strmap_free(struct strmap *m)
{
	struct strmap_ent	*e, *n;
	size_t			 i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nb; i++) {
		for (e = m->b[i]; e != NULL; e = n) {
			n = e->next;
			free(e);
		}
	}
	free(m->b);
	free(m);
}

static struct strmap_ent **
map_slot(struct strmap *m, const char *key, uint32_t h)
{
	struct strmap_ent	**pp;

	for (pp = &m->b[h & (m->nb - 1)]; *pp != NULL; pp = &(*pp)->next)
		if ((*pp)->hash == h && strcmp((*pp)->key, key) == 0)
			break;
	return pp;
}

void *
strmap_get(struct strmap *m, const char *key)
{
	struct strmap_ent	*e = *map_slot(m, key, strmap_hash(key));

	return e != NULL ? e->val : NULL;
}

static void
map_grow(struct strmap *m)
{
	struct strmap_ent	**nb, *e, *n;
	size_t			  i, size = m->nb * 2;

	nb = xcalloc(size, sizeof *nb);
	for (i = 0; i < m->nb; i++) {
		for (e = m->b[i]; e != NULL; e = n) {
			n = e->next;
			e->next = nb[e->hash & (size - 1)];
			nb[e->hash & (size - 1)] = e;
		}
	}
	free(m->b);
	m->b = nb;
	m->nb = size;
}

/* Set KEY to VAL, replacing any value it had. */
void
strmap_put(struct strmap *m, const char *key, void *val)
{
	struct strmap_ent	**pp, *e;
	uint32_t		  h = strmap_hash(key);
	size_t			  len;

	pp = map_slot(m, key, h);
	if (*pp != NULL) {
		(*pp)->val = val;
		return;
	}
	len = strlen(key);
	e = xmalloc(sizeof *e + len + 1);
	memcpy(e->key, key, len + 1);
	e->hash = h;
	e->val = val;
	e->next = NULL;
	*pp = e;
	if (++m->n > m->nb)
		map_grow(m);
}

/* Remove KEY; returns its value, or NULL when it was not there. */
void *
strmap_del(struct strmap *m, const char *key)
{
	struct strmap_ent	**pp, *e;
	void			 *val;

	pp = map_slot(m, key, strmap_hash(key));
	if ((e = *pp) == NULL)
		return NULL;
	*pp = e->next;
	val = e->val;
	free(e);
	m->n--;
	return val;
}

size_t
strmap_count(struct strmap *m)
{
	return m->n;
}

/*
 * Call CB for every entry.  CB may delete the entry it is given, and no
 * other.
 */
void
strmap_foreach(struct strmap *m, strmap_cb cb, void *arg)
{
	struct strmap_ent	*e, *n;
	size_t			 i;

	for (i = 0; i < m->nb; i++) {
		for (e = m->b[i]; e != NULL; e = n) {
			n = e->next;
			cb(e->key, e->val, arg);
		}
	}
}
