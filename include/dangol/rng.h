/* A small, fast, reproducible pseudo-random generator and the samplers built on it: xoshiro256**
 * (Blackman & Vigna 2018) seeded through splitmix64, with uniform, normal, exponential, gamma
 * (Marsaglia & Tsang 2000), beta, Poisson (inversion for small means, Hörmann's PTRS for large)
 * and weighted choice. The same seed gives the same sequence on every run of the same build; it
 * is used wherever dangol needs randomness that must be repeatable (demo data, sampling). */
#ifndef DANGOL_RNG_H
#define DANGOL_RNG_H

#include <stddef.h>
#include <stdint.h>

#include "dangol/export.h"

DG_API_BEGIN

typedef struct dg_rng {
    uint64_t s[4];
} dg_rng;

/* One step of splitmix64 (Steele, Lea & Flood 2014): advances *state, returns a mixed value. */
uint64_t dg_splitmix64(uint64_t *state);

/* Seeds rng from seed; dg_rng_seed_stream gives stream-th independent-looking stream of a seed
 * (used to give every customer its own stream, so one customer's draws never shift another's). */
void dg_rng_seed(dg_rng *rng, uint64_t seed);
/* Seeds rng with the stream-th stream of seed. */
void dg_rng_seed_stream(dg_rng *rng, uint64_t seed, uint64_t stream);

uint64_t dg_rng_next(dg_rng *rng);                   /* 64 random bits */
double dg_rng_uniform(dg_rng *rng);                  /* in the open interval (0, 1) */
uint64_t dg_rng_below(dg_rng *rng, uint64_t n);      /* uniform in [0, n), unbiased; n > 0 */
double dg_rng_normal(dg_rng *rng);                   /* standard normal */
double dg_rng_exponential(dg_rng *rng, double rate); /* mean 1/rate */
/* Gamma with the given shape and rate (mean shape/rate); shape, rate > 0. */
double dg_rng_gamma(dg_rng *rng, double shape, double rate);
double dg_rng_beta(dg_rng *rng, double a, double b); /* mean a/(a+b); a, b > 0 */
int64_t dg_rng_poisson(dg_rng *rng, double mean);    /* mean >= 0 */
/* Index i with probability weights[i] / sum(weights); n > 0, weights >= 0, sum > 0. */
size_t dg_rng_choose(dg_rng *rng, const double *weights, size_t n);

DG_API_END

#endif
