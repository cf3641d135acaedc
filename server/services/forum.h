/*
 * forum.h -- the web reader's thread index kept up with the articles.
 *
 * Posting does not write the index (article_threads, group_threads:
 * migration 23): it is caught up from the articles stored since, off
 * the posting path: on a timer once a second passes with no new
 * article (or while it is more than 20,000 behind; a bounded batch a
 * transaction, again at once while behind), and in full before a web
 * page reads it.  Whatever way an article arrived (a reader's POST, the web form,
 * a peer's IHAVE or TAKETHIS, an inbox) it is indexed the same way,
 * from its stored header; hiding, cancelling, approving, unhiding and
 * erasing change the index through the store's triggers.
 */
#ifndef HEARTH_FORUM_H
#define HEARTH_FORUM_H

#include "hearth.h"

/* Start the catch-up timer; and stop it. */
void	 forum_init(struct server *);
void	 forum_free(struct server *);

/*
 * Index every article stored so far, before a page reads the index.
 * 0, or -1 on a storage error (the page then shows what is indexed).
 */
int	 forum_index_sync(struct server *);

#endif
