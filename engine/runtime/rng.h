/* rng.h — small deterministic random numbers: splitmix64 for hashing
 * counters (Dropout masks) and seeding, xoshiro-free streams for init. */
#ifndef TSU_RNG_H
#define TSU_RNG_H

#include <stdint.h>

static inline uint64_t tsu_mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* A uniform float in [0, 1) from a 64-bit hash. */
static inline float tsu_unit_float(uint64_t h)
{
    return (float)(h >> 40) * (1.0f / 16777216.0f);
}

/* A stream: splitmix64 over a counter. */
typedef struct {
    uint64_t state;
} tsu_rng;

static inline uint64_t tsu_rng_next(tsu_rng *rng)
{
    rng->state += 0x9e3779b97f4a7c15ull;
    return tsu_mix64(rng->state);
}

/* Uniform in (0, 1): never 0, so logarithms are safe. */
static inline double tsu_rng_open01(tsu_rng *rng)
{
    return ((double)(tsu_rng_next(rng) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

#endif
