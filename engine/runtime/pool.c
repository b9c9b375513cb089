/* pool.c — worker threads for batch-parallel passes.
 *
 * Jobs are rare (two per training step) and sleep on a condition variable.
 * Barriers inside a pass are frequent and short, so they spin a little before
 * yielding the CPU: sleeping there would cost more than the work between. */
#include "runtime/pool.h"

#include "tsu-internal.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#define SPINS_BEFORE_YIELD 4000

struct tsu_pool {
    int n_threads;
    pthread_t *threads;
    pthread_mutex_t lock;
    pthread_cond_t job_ready, job_done;
    unsigned long generation; /* advances once per job */
    int running;              /* workers still in the current job */
    bool quit;
    tsu_pool_fn fn;
    void *arg;
    atomic_int barrier_count;
    atomic_uint barrier_phase;
};

typedef struct {
    tsu_pool *pool;
    int index;
} worker_start;

static void *worker_main(void *data)
{
    worker_start start = *(worker_start *)data;
    free(data);
    tsu_pool *pool = start.pool;
    unsigned long seen = 0;
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        while (pool->generation == seen && !pool->quit)
            pthread_cond_wait(&pool->job_ready, &pool->lock);
        if (pool->quit) {
            pthread_mutex_unlock(&pool->lock);
            return NULL;
        }
        seen = pool->generation;
        tsu_pool_fn fn = pool->fn;
        void *arg = pool->arg;
        pthread_mutex_unlock(&pool->lock);

        fn(arg, start.index);

        pthread_mutex_lock(&pool->lock);
        if (--pool->running == 0) pthread_cond_signal(&pool->job_done);
        pthread_mutex_unlock(&pool->lock);
    }
}

tsu_pool *tsu_pool_new(int n_threads)
{
    tsu_assert(n_threads >= 1);
    tsu_pool *pool = tsu_xcalloc(1, sizeof *pool);
    pool->n_threads = n_threads;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->job_ready, NULL);
    pthread_cond_init(&pool->job_done, NULL);
    atomic_init(&pool->barrier_count, 0);
    atomic_init(&pool->barrier_phase, 0);
    pool->threads = tsu_xcalloc((size_t)n_threads, sizeof *pool->threads);
    for (int t = 1; t < n_threads; t++) {
        worker_start *start = tsu_xmalloc(sizeof *start);
        start->pool = pool;
        start->index = t;
        if (pthread_create(&pool->threads[t], NULL, worker_main, start) != 0)
            tsu_abort_at(__FILE__, __LINE__, "cannot create a worker thread");
    }
    return pool;
}

void tsu_pool_free(tsu_pool *pool)
{
    if (!pool) return;
    pthread_mutex_lock(&pool->lock);
    pool->quit = true;
    pthread_cond_broadcast(&pool->job_ready);
    pthread_mutex_unlock(&pool->lock);
    for (int t = 1; t < pool->n_threads; t++) pthread_join(pool->threads[t], NULL);
    pthread_cond_destroy(&pool->job_ready);
    pthread_cond_destroy(&pool->job_done);
    pthread_mutex_destroy(&pool->lock);
    free(pool->threads);
    free(pool);
}

int tsu_pool_size(const tsu_pool *pool)
{
    return pool->n_threads;
}

void tsu_pool_run(tsu_pool *pool, tsu_pool_fn fn, void *arg)
{
    if (pool->n_threads == 1) {
        fn(arg, 0);
        return;
    }
    pthread_mutex_lock(&pool->lock);
    pool->fn = fn;
    pool->arg = arg;
    pool->running = pool->n_threads - 1;
    pool->generation++;
    pthread_cond_broadcast(&pool->job_ready);
    pthread_mutex_unlock(&pool->lock);

    fn(arg, 0);

    pthread_mutex_lock(&pool->lock);
    while (pool->running > 0) pthread_cond_wait(&pool->job_done, &pool->lock);
    pthread_mutex_unlock(&pool->lock);
}

void tsu_pool_barrier(tsu_pool *pool)
{
    if (pool->n_threads == 1) return;
    unsigned phase = atomic_load_explicit(&pool->barrier_phase, memory_order_acquire);
    if (atomic_fetch_add_explicit(&pool->barrier_count, 1, memory_order_acq_rel) ==
        pool->n_threads - 1) {
        atomic_store_explicit(&pool->barrier_count, 0, memory_order_relaxed);
        atomic_fetch_add_explicit(&pool->barrier_phase, 1, memory_order_acq_rel);
        return;
    }
    for (int spins = 0;
         atomic_load_explicit(&pool->barrier_phase, memory_order_acquire) == phase; spins++)
        if (spins > SPINS_BEFORE_YIELD) sched_yield();
}
