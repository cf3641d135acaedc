/*
 * workq.c -- worker threads with a bounded queue; results come back to
 * the loop through a pipe (one byte per finished job), so libevent
 * itself needs no locking.
 */
#include <sys/queue.h>
#include <errno.h>
#ifdef __linux__
#include <sched.h>
#endif
#include <fcntl.h>
#include <pthread.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#endif
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "workq.h"
#include "xmalloc.h"

#define WORKQ_AHEAD_MAX	8	/* first jobs ahead of a waiting one */

struct job {
	TAILQ_ENTRY(job)	 entry;
	workq_fn		 work;
	workq_fn		 done;
	void			*arg;
};
TAILQ_HEAD(jobq, job);

struct workq {
	pthread_mutex_t	 mtx;
	pthread_cond_t	 cond;
	struct jobq	 todo;		/* waiting for a worker */
	struct job	*last_first;	/* the last workq_submit_first() job
					   still in TODO, or NULL */
	int		 ahead;		/* first jobs taken in a row while
					   an ordinary one waited */
	struct jobq	 finished;	/* waiting for the loop */
	int		 inflight;	/* todo + running + finished */
	int		 queue_max;
	int		 stopping;
	int		 nthreads;
	int		 started;	/* threads running (workq_start) */
	pthread_t	*threads;
	int		 pipefd[2];
	struct event	*ev;
};

/*
 * Give the calling worker thread way to the event loop: a worker that
 * hashes for tens of milliseconds must not keep the loop thread waiting
 * for a CPU, or every reader's latency grows by a scheduler slice during
 * a sign-in storm (issue 20).  Nice 19 rather than SCHED_IDLE: the
 * scheduler then lets the loop in as soon as it wakes, yet a worker is
 * never starved outright on a busy machine.  Linux only: there
 * setpriority() on a thread id lowers that thread alone; elsewhere it
 * would lower the whole process.
 */
static void
worker_yield_priority(void)
{
#ifdef __linux__
	(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);
#endif
}

/*
 * How many workers by default: one fewer than the CPUs this process may
 * run on (its affinity mask, else the CPUs online), at least 1 and at
 * most WORKQ_AUTO_MAX.  One CPU is always left to the event loop: with
 * a worker hashing on every CPU, a reader's request waited for a
 * worker's time slice to end whenever other processes kept the machine
 * busy, whatever the workers' priority (issue 20, the sign-in storm:
 * the loop's run-queue wait fell from about 1.1 s to 0.3 s in 10 s on
 * two CPUs with one worker instead of two).
 */
int
workq_spare_cpus(void)
{
	long	n = -1;

#ifdef __linux__
	cpu_set_t	set;

	if (sched_getaffinity(0, sizeof set, &set) == 0)
		n = CPU_COUNT(&set);
#endif
	if (n < 1)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	n--;
	if (n < 1)
		n = 1;
	return n > WORKQ_AUTO_MAX ? WORKQ_AUTO_MAX : (int)n;
}

/*
 * The job a worker takes next: the queue's head, except that after
 * WORKQ_AHEAD_MAX workq_submit_first() jobs in a row went ahead of a
 * waiting ordinary job, the oldest ordinary job, so a steady stream of
 * first jobs cannot hold the others back for ever.  Q is locked.
 */
static struct job *
next_job(struct workq *q)
{
	struct job	*behind;

	if (q->last_first == NULL ||
	    (behind = TAILQ_NEXT(q->last_first, entry)) == NULL) {
		q->ahead = 0;
		return TAILQ_FIRST(&q->todo);
	}
	if (q->ahead >= WORKQ_AHEAD_MAX) {
		q->ahead = 0;
		return behind;
	}
	q->ahead++;
	return TAILQ_FIRST(&q->todo);
}

static void *
worker_main(void *arg)
{
	struct workq	*q = arg;
	struct job	*j;
	char		 b = 0;

	worker_yield_priority();
	pthread_mutex_lock(&q->mtx);
	for (;;) {
		while (!q->stopping && TAILQ_EMPTY(&q->todo))
			pthread_cond_wait(&q->cond, &q->mtx);
		if (q->stopping)
			break;
		j = next_job(q);
		TAILQ_REMOVE(&q->todo, j, entry);
		if (j == q->last_first)
			q->last_first = NULL;
		pthread_mutex_unlock(&q->mtx);
		j->work(j->arg);
		pthread_mutex_lock(&q->mtx);
		TAILQ_INSERT_TAIL(&q->finished, j, entry);
		/* The pipe is non-blocking; a full pipe is woken already. */
		while (write(q->pipefd[1], &b, 1) == -1 && errno == EINTR)
			;
	}
	pthread_mutex_unlock(&q->mtx);
	return NULL;
}

/* Run DONE for every finished job (on the loop). */
static void
workq_drain(struct workq *q)
{
	struct jobq	 list;
	struct job	*j;

	TAILQ_INIT(&list);
	pthread_mutex_lock(&q->mtx);
	while ((j = TAILQ_FIRST(&q->finished)) != NULL) {
		TAILQ_REMOVE(&q->finished, j, entry);
		TAILQ_INSERT_TAIL(&list, j, entry);
		q->inflight--;
	}
	pthread_mutex_unlock(&q->mtx);
	while ((j = TAILQ_FIRST(&list)) != NULL) {
		TAILQ_REMOVE(&list, j, entry);
		j->done(j->arg);
		free(j);
	}
}

static void
wake_cb(evutil_socket_t fd, short what, void *arg)
{
	char	buf[256];

	(void)what;
	while (read(fd, buf, sizeof buf) > 0)
		;
	workq_drain(arg);
}

struct workq *
workq_create(struct event_base *base, int threads, int queue_max)
{
	struct workq	*q;

	q = xcalloc(1, sizeof *q);
	pthread_mutex_init(&q->mtx, NULL);
	pthread_cond_init(&q->cond, NULL);
	TAILQ_INIT(&q->todo);
	TAILQ_INIT(&q->finished);
	q->queue_max = queue_max < 1 ? 1 : queue_max;
	if (pipe2(q->pipefd, O_NONBLOCK | O_CLOEXEC) == -1)
		fatal("workq pipe");
	q->ev = event_new(base, q->pipefd[0], EV_READ | EV_PERSIST, wake_cb,
	    q);
	event_add(q->ev, NULL);
	q->nthreads = threads < 1 ? workq_spare_cpus() : threads;
	q->threads = xcalloc((size_t)q->nthreads, sizeof *q->threads);
	return q;
}

/*
 * Start the worker threads.  Separate from workq_create() because a
 * thread does not survive fork(): the server starts them once it has
 * gone to the background.  Jobs submitted before wait in the queue.
 */
void
workq_start(struct workq *q)
{
	int	i;

	if (q == NULL || q->started > 0)
		return;
	for (i = 0; i < q->nthreads; i++) {
		if ((errno = pthread_create(&q->threads[i], NULL,
		    worker_main, q)) != 0)
			fatal("workq thread");
		q->started++;
	}
}

/*
 * Queue a job: at the tail, or with FIRST behind the other FIRST jobs
 * but ahead of every other waiting job.
 */
static int
submit(struct workq *q, workq_fn work, workq_fn done, void *arg, int first)
{
	struct job	*j;

	pthread_mutex_lock(&q->mtx);
	if (q->inflight >= q->queue_max || q->stopping) {
		pthread_mutex_unlock(&q->mtx);
		return -1;
	}
	j = xcalloc(1, sizeof *j);
	j->work = work;
	j->done = done;
	j->arg = arg;
	if (!first)
		TAILQ_INSERT_TAIL(&q->todo, j, entry);
	else {
		if (q->last_first == NULL)
			TAILQ_INSERT_HEAD(&q->todo, j, entry);
		else
			TAILQ_INSERT_AFTER(&q->todo, q->last_first, j, entry);
		q->last_first = j;
	}
	q->inflight++;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->mtx);
	return 0;
}

int
workq_submit(struct workq *q, workq_fn work, workq_fn done, void *arg)
{
	return submit(q, work, done, arg, 0);
}

int
workq_submit_first(struct workq *q, workq_fn work, workq_fn done,
    void *arg)
{
	return submit(q, work, done, arg, 1);
}

int
workq_pending(struct workq *q)
{
	int	n;

	pthread_mutex_lock(&q->mtx);
	n = q->inflight;
	pthread_mutex_unlock(&q->mtx);
	return n;
}

void
workq_free(struct workq *q)
{
	struct job	*j;
	int		 i;

	if (q == NULL)
		return;
	pthread_mutex_lock(&q->mtx);
	q->stopping = 1;
	pthread_cond_broadcast(&q->cond);
	pthread_mutex_unlock(&q->mtx);
	for (i = 0; i < q->started; i++)
		pthread_join(q->threads[i], NULL);
	workq_drain(q);
	q->last_first = NULL;
	while ((j = TAILQ_FIRST(&q->todo)) != NULL) {
		TAILQ_REMOVE(&q->todo, j, entry);
		j->done(j->arg);
		free(j);
	}
	event_free(q->ev);
	close(q->pipefd[0]);
	close(q->pipefd[1]);
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->mtx);
	free(q->threads);
	free(q);
}

int
workq_threads(const struct workq *q)
{
	return q->nthreads;
}
