/*
 * workq.h -- a small pool of worker threads for CPU-bound work (password
 * hashing) that must not run on the event loop.
 *
 * A job's WORK runs on a worker thread and must touch nothing the loop
 * owns (no SQLite, no connection, no libevent); its DONE runs afterwards
 * on the loop.  The queue is bounded: workq_submit() refuses a job when
 * QUEUE_MAX jobs are already waiting or running, so a storm is refused
 * early instead of slowing every connection down.
 */
#ifndef HEARTH_WORKQ_H
#define HEARTH_WORKQ_H

#include <event2/event.h>

struct workq;

typedef void	(*workq_fn)(void *arg);

/* The most workers workq_spare_cpus() gives. */
#define WORKQ_AUTO_MAX	8

/*
 * THREADS workers (0: workq_spare_cpus()), at most QUEUE_MAX jobs in
 * flight.
 */
struct workq	*workq_create(struct event_base *, int threads,
		    int queue_max);
/* The CPUs this process may use less one (for the loop), 1 to 8. */
int		 workq_spare_cpus(void);
/* Worker threads of Q. */
int		 workq_threads(const struct workq *);
/* 0 when queued, -1 when the queue is full (nothing runs). */
/* Start the threads (after any fork); until then jobs wait. */
void		 workq_start(struct workq *);
int		 workq_submit(struct workq *, workq_fn work, workq_fn done,
		    void *arg);
/*
 * The same, ahead of every job queued by workq_submit() still waiting
 * (yet after eight such in a row, one of those goes first).
 */
int		 workq_submit_first(struct workq *, workq_fn work,
		    workq_fn done, void *arg);
/* Jobs waiting or running now. */
int		 workq_pending(struct workq *);
/*
 * Stop the workers (a job already running finishes) and run DONE for
 * every finished job still waiting for the loop, so callers free them;
 * jobs never started get DONE too, without WORK.
 */
void		 workq_free(struct workq *);

#endif
