/*
 * xmalloc.h -- allocation wrappers that never return NULL.
 *
 * On allocation failure they log and abort: a daemon that cannot allocate
 * a few bytes cannot keep its promises anyway (tmux xmalloc.c does the same).
 * The caller owns and frees (with free()) every pointer returned here.
 */
#ifndef HEARTH_XMALLOC_H
#define HEARTH_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
