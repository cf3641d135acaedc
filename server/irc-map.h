/*
 * irc-map.h -- a string-keyed hash table; keys are copied, values belong
 * to the caller.
 */
#ifndef HEARTH_IRC_MAP_H
#define HEARTH_IRC_MAP_H

#include <stddef.h>

struct irc_map;

struct irc_map	*irc_map_create(void);
void		 irc_map_free(struct irc_map *);
void		*irc_map_get(struct irc_map *, const char *);
void		 irc_map_put(struct irc_map *, const char *, void *);
void		*irc_map_del(struct irc_map *, const char *);
size_t		 irc_map_count(struct irc_map *);
typedef void (*irc_map_cb)(const char *, void *, void *);
void		 irc_map_foreach(struct irc_map *, irc_map_cb, void *);

#endif
