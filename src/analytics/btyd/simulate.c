/* Simulates customer histories from the BTYD generative stories with known parameters, for the
 * recovery tests, the benchmarks and the demo data. A splitmix64 stream seeded by the caller makes
 * runs reproducible; gamma variates by Marsaglia & Tsang (2000), with the U^(1/k) boost for
 * shape < 1; beta variates as a ratio of gammas. */
#include <math.h>
#include <string.h>

#include "analytics/btyd/btyd_internal.h"

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next64(rng *g)
{
    uint64_t z = (g->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* uniform on (0, 1) */
static double unif(rng *g)
{
    return ((double)(next64(g) >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

static double normal(rng *g)
{
    double u = unif(g), v = unif(g);
    return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* Gamma(shape, rate) */
static double gamma_var(rng *g, double shape, double rate)
{
    double boost = 1.0;
    if (shape < 1.0) {
        boost = pow(unif(g), 1.0 / shape);
        shape += 1.0;
    }
    double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double z = normal(g), v = 1.0 + c * z;
        if (v <= 0)
            continue;
        v = v * v * v;
        double u = unif(g);
        if (log(u) < 0.5 * z * z + d - d * v + d * log(v))
            return boost * d * v / rate;
    }
}

static double beta_var(rng *g, double a, double b)
{
    double x = gamma_var(g, a, 1.0), y = gamma_var(g, b, 1.0);
    return x / (x + y);
}

int dg_btyd_simulate(const dg_btyd_params *params, const dg_gg_params *spend, size_t n,
                     double T_min, double T_max, uint64_t seed, double *frequency,
                     double *recency, double *T_out, double *monetary, dg_error *err)
{
    const double *p = params->p;
    rng g = {seed};
    if (!(T_min >= 0) || !(T_max >= T_min))
        return dg_error_set(err, DG_EINVAL, "need 0 <= T_min <= T_max");
    for (int i = 0; i < 4; i++)
        if (!(p[i] > 0) || !isfinite(p[i]))
            return dg_error_set(err, DG_EINVAL, "parameters must be positive and finite");
    for (size_t i = 0; i < n; i++) {
        double T = T_min + (T_max - T_min) * unif(&g);
        double x = 0, t_x = 0;
        switch (params->model) {
        case DG_BTYD_BGNBD:
        case DG_BTYD_MBGNBD: {
            /* FHL (2005) assumptions (i)-(v); MBG/NBD also drops out at time 0 */
            double lambda = gamma_var(&g, p[0], p[1]), drop = beta_var(&g, p[2], p[3]);
            double t = 0;
            if (params->model == DG_BTYD_MBGNBD && unif(&g) < drop)
                break;
            for (;;) {
                t += -log(unif(&g)) / lambda;
                if (t > T)
                    break;
                x += 1;
                t_x = t;
                if (unif(&g) < drop)
                    break;
            }
            break;
        }
        case DG_BTYD_PARETONBD: {
            double lambda = gamma_var(&g, p[0], p[1]), mu = gamma_var(&g, p[2], p[3]);
            double death = -log(unif(&g)) / mu, end = death < T ? death : T, t = 0;
            for (;;) {
                t += -log(unif(&g)) / lambda;
                if (t > end)
                    break;
                x += 1;
                t_x = t;
            }
            break;
        }
        case DG_BTYD_BGBB: {
            T = floor(T);
            double buy = beta_var(&g, p[0], p[1]), die = beta_var(&g, p[2], p[3]);
            for (double t = 1; t <= T; t += 1) {
                if (unif(&g) < die)
                    break;
                if (unif(&g) < buy) {
                    x += 1;
                    t_x = t;
                }
            }
            break;
        }
        }
        frequency[i] = x;
        recency[i] = t_x;
        T_out[i] = T;
        if (monetary) {
            monetary[i] = 0.0;
            if (spend && x > 0) {
                /* FHL (2005) "RFM and CLV": z ~ Gamma(p, nu), nu ~ Gamma(q, gamma) */
                double nu = gamma_var(&g, spend->q, spend->gamma), sum = 0;
                for (double k = 0; k < x; k++)
                    sum += gamma_var(&g, spend->p, nu);
                monetary[i] = sum / x;
            }
        }
    }
    return 0;
}
