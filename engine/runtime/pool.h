/* pool.h — a fixed set of worker threads that all run the same function,
 * with a barrier they can meet at. The caller is worker 0. */
#ifndef TSU_POOL_H
#define TSU_POOL_H

typedef struct tsu_pool tsu_pool;
typedef void (*tsu_pool_fn)(void *arg, int thread);

tsu_pool *tsu_pool_new(int n_threads);
void tsu_pool_free(tsu_pool *pool);
int tsu_pool_size(const tsu_pool *pool);
/* Runs fn(arg, t) on every thread t and returns when all have finished. */
void tsu_pool_run(tsu_pool *pool, tsu_pool_fn fn, void *arg);
/* Called by every thread inside fn: returns once all threads have arrived. */
void tsu_pool_barrier(tsu_pool *pool);

#endif
