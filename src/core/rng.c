/* Pseudo-random numbers (see include/dangol/rng.h). xoshiro256** is the generator of Blackman &
 * Vigna, "Scrambled linear pseudorandom number generators" (2018); its state is filled from the
 * seed by splitmix64 so that nearby seeds give unrelated streams. The samplers use only this
 * generator and libm, and each consumes a data-dependent but seed-determined number of draws, so
 * a sequence is reproducible for a given seed. */
#include <assert.h>
#include <math.h>

#include "dangol/rng.h"
#include "core/lgamma.h"

__extension__ typedef unsigned __int128 u128;  /* GCC/Clang: the full 64x64 product */

uint64_t dg_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

void dg_rng_seed(dg_rng *rng, uint64_t seed)
{
    uint64_t sm = seed;
    for (int i = 0; i < 4; i++)
        rng->s[i] = dg_splitmix64(&sm);
}

void dg_rng_seed_stream(dg_rng *rng, uint64_t seed, uint64_t stream)
{
    /* Mix the stream number through splitmix64 before combining, so stream k of seed s and
     * stream k+1 of seed s-1 do not collide. */
    uint64_t sm = stream;
    dg_rng_seed(rng, seed ^ dg_splitmix64(&sm));
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t dg_rng_next(dg_rng *rng)
{
    uint64_t *s = rng->s;
    const uint64_t result = rotl(s[1] * 5, 7) * 9;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double dg_rng_uniform(dg_rng *rng)
{
    /* 53 random bits, centred in their cell: never exactly 0 or 1, so log(u) is always finite. */
    return ((double)(dg_rng_next(rng) >> 11) + 0.5) * 0x1.0p-53;
}

uint64_t dg_rng_below(dg_rng *rng, uint64_t n)
{
    /* Lemire, "Fast random integer generation in an interval" (2019): multiply-shift with
     * rejection of the biased low products. */
    assert(n > 0);
    u128 m = (u128)dg_rng_next(rng) * n;
    uint64_t low = (uint64_t)m;
    if (low < n) {
        uint64_t threshold = (0 - n) % n;
        while (low < threshold) {
            m = (u128)dg_rng_next(rng) * n;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

double dg_rng_normal(dg_rng *rng)
{
    /* Marsaglia's polar method; the second variate is discarded so the generator needs no
     * state beyond the xoshiro words (a sequence depends only on the seed and the call order). */
    double u, v, s;
    do {
        u = 2.0 * dg_rng_uniform(rng) - 1.0;
        v = 2.0 * dg_rng_uniform(rng) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    return u * sqrt(-2.0 * log(s) / s);
}

double dg_rng_exponential(dg_rng *rng, double rate)
{
    assert(rate > 0);
    return -log(dg_rng_uniform(rng)) / rate;
}

double dg_rng_gamma(dg_rng *rng, double shape, double rate)
{
    assert(shape > 0 && rate > 0);
    if (shape < 1.0) {
        /* Marsaglia & Tsang (2000), section 6: Gamma(a) = Gamma(a+1) * U^(1/a), in log space so a
         * tiny shape gives a tiny positive number rather than an underflow surprise. */
        double g = dg_rng_gamma(rng, shape + 1.0, 1.0);
        double u = dg_rng_uniform(rng);
        return exp(log(g) + log(u) / shape) / rate;
    }
    /* Marsaglia & Tsang, "A simple method for generating gamma variables", ACM TOMS 26(3), 2000:
     * d = a - 1/3, c = 1/sqrt(9d); x ~ N(0,1), v = (1 + cx)^3; accept with the squeeze
     * u < 1 - 0.0331 x^4, else if log u < x^2/2 + d(1 - v + log v); the variate is d*v. */
    const double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x, v;
        do {
            x = dg_rng_normal(rng);
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        double u = dg_rng_uniform(rng), x2 = x * x;
        if (u < 1.0 - 0.0331 * x2 * x2)
            return d * v / rate;
        if (log(u) < 0.5 * x2 + d * (1.0 - v + log(v)))
            return d * v / rate;
    }
}

double dg_rng_beta(dg_rng *rng, double a, double b)
{
    /* X ~ Gamma(a), Y ~ Gamma(b) => X / (X + Y) ~ Beta(a, b). */
    double x = dg_rng_gamma(rng, a, 1.0), y = dg_rng_gamma(rng, b, 1.0);
    if (x + y <= 0.0)                       /* both underflowed: only for absurdly small a, b */
        return a / (a + b);
    return x / (x + y);
}

int64_t dg_rng_poisson(dg_rng *rng, double mean)
{
    assert(mean >= 0);
    if (mean <= 0.0)
        return 0;
    if (mean < 10.0) {
        /* Inversion by sequential search (Knuth, TAOCP vol. 2, 3.4.1): multiply uniforms until
         * the product falls below e^-mean; expected mean + 1 draws. */
        const double limit = exp(-mean);
        double prod = dg_rng_uniform(rng);
        int64_t k = 0;
        while (prod > limit) {
            prod *= dg_rng_uniform(rng);
            k++;
        }
        return k;
    }
    /* PTRS: Hörmann, "The transformed rejection method for generating Poisson random variables",
     * Insurance: Mathematics and Economics 12 (1993), with his constants for mean >= 10. */
    const double slam = sqrt(mean), loglam = log(mean);
    const double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
    const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2.0);
    for (;;) {
        double u = dg_rng_uniform(rng) - 0.5, v = dg_rng_uniform(rng);
        double us = 0.5 - fabs(u);
        double kd = floor((2.0 * a / us + b) * u + mean + 0.43);
        if (us >= 0.07 && v <= vr)
            return (int64_t)kd;
        if (kd < 0.0 || (us < 0.013 && v > us))
            continue;
        if (log(v) + log(inv_alpha) - log(a / (us * us) + b) <= -mean + kd * loglam - dg_lgamma(kd + 1.0))
            return (int64_t)kd;
    }
}

size_t dg_rng_choose(dg_rng *rng, const double *weights, size_t n)
{
    assert(n > 0);
    double total = 0.0;
    for (size_t i = 0; i < n; i++)
        total += weights[i];
    double x = dg_rng_uniform(rng) * total;
    for (size_t i = 0; i < n; i++) {
        if (x < weights[i])
            return i;
        x -= weights[i];
    }
    /* Rounding left x just above the last positive weight: return that one. */
    for (size_t i = n; i-- > 0;)
        if (weights[i] > 0.0)
            return i;
    return n - 1;
}
