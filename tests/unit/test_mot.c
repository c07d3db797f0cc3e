/* Moments of truth: the cycle file (the built-in text is config/mot.conf; Korean names and
 * elements; bad files refused at file:line:column, leaving the cycle as it was), normalisation
 * onto each moment's scale, the cycle score of hand-worked visits (product against mean, one
 * moment at the bottom making the whole cycle zero, unrated moments left out), Spearman's rho
 * and its interval against scipy, the analysis of a tiny data set worked by hand, and the visit
 * write (one transaction, idempotency key, a second writer of one visit refused, in processes
 * released together: none lost, none doubled). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dangol/mot.h"
#include "dangol/store.h"
#include "dangol/text.h"
#include "support.h"

static dg_error err;

static void builtin(dg_mot_cycle *c)
{
    dg_mot_cycle_default(c);
    cr_assert_eq(c->n_moments, 8);
}

Test(mot, builtin_cycle_is_the_shipped_file)
{
    char *file = test_file_text("config/mot.conf");
    cr_assert_str_eq(file, dg_mot_cycle_default_text());
    free(file);
    dg_mot_cycle c;
    builtin(&c);
    cr_assert_str_eq(c.moments[0].code, "booking_call");
    cr_assert_str_eq(c.moments[3].code, "waiting");
    cr_assert_eq(c.moments[3].element, DG_MOT_SOFTWARE);
    cr_assert_eq(c.moments[1].element, DG_MOT_HARDWARE);
    cr_assert_eq(c.moments[0].element, DG_MOT_HUMANWARE);
    cr_assert_eq(c.moments[3].scale_min, 1);
    cr_assert_eq(c.moments[3].scale_max, 5);
    cr_assert_eq(c.repurchase_days, 90);
    /* Korean names work wherever English ones do */
    cr_assert_eq(dg_mot_moment_find(&c, "대기"), 3);
    cr_assert_eq(dg_mot_moment_find(&c, "WAITING"), 3);
    cr_assert_eq(dg_mot_moment_find(&c, "waiting"), 3);
    cr_assert_eq(dg_mot_moment_find(&c, "사후 관리 전화"), 7);
    cr_assert_eq(dg_mot_moment_find(&c, "nowhere"), -1);
}

Test(mot, a_cycle_file_of_ones_own_with_korean_elements_and_scales)
{
    dg_mot_cycle c;
    builtin(&c);
    const char *text =
        "name_en = Cafe\nname_ko = 카페\nscale_min = 0\nscale_max = 10\n"
        "moment.door.name_en = Door\nmoment.door.name_ko = 출입문\n"
        "moment.door.element = 하드웨어\n"
        "moment.order.name_en = Order\nmoment.order.name_ko = 주문\n"
        "moment.order.element = 휴먼웨어\nmoment.order.scale_min = 1\n"
        "moment.order.scale_max = 5\n";
    cr_assert_eq(dg_mot_cycle_parse(&c, text, "cafe.conf", &err), 0, "%s", err.message);
    cr_assert_eq(c.n_moments, 2);
    cr_assert_eq(c.moments[0].element, DG_MOT_HARDWARE);
    cr_assert_eq(c.moments[1].element, DG_MOT_HUMANWARE);
    cr_assert_eq(c.moments[0].scale_min, 0);   /* the cycle's scale */
    cr_assert_eq(c.moments[0].scale_max, 10);
    cr_assert_eq(c.moments[1].scale_min, 1);   /* its own */
    cr_assert_eq(c.moments[1].scale_max, 5);
    cr_assert_eq(c.repurchase_days, 90);       /* kept */
}

static void refused(const char *text, const char *where, const char *what)
{
    dg_mot_cycle c, before;
    builtin(&c);
    before = c;
    dg_error_clear(&err);
    cr_assert_neq(dg_mot_cycle_parse(&c, text, "mot.conf", &err), 0, "accepted: %s", text);
    cr_assert(strstr(err.message, where) == err.message, "\"%s\" does not start with %s",
              err.message, where);
    cr_assert(strstr(err.message, what), "\"%s\" does not say %s", err.message, what);
    cr_assert(memcmp(&c, &before, sizeof c) == 0, "a bad file changed the cycle");
}

Test(mot, bad_cycle_files_name_file_line_column)
{
    refused("name_en = A\nbogus = 1\n", "mot.conf:2:9:", "unknown key \"bogus\"");
    refused("\n\nmoment.x.element = woodware\n", "mot.conf:3:20:", "unknown element");
    refused("scale_max = 101\n", "mot.conf:1:13:", "scale_max");
    refused("just words\n", "mot.conf:1:1:", "key = value");
    refused("moment.X.name_en = A\n", "mot.conf:1:20:", "moment.CODE.KEY");
    /* checks that need the whole file: at the moment's first line */
    refused("moment.a.name_en = A\nmoment.a.name_ko = 가\n", "mot.conf:1:1:",
            "moment \"a\" has no element");
    refused("moment.a.name_en = A\nmoment.a.name_ko = 가\nmoment.a.element = software\n"
            "moment.b.name_en = a\nmoment.b.name_ko = 나\nmoment.b.element = software\n",
            "mot.conf:4:1:", "the same name");
    refused("moment.a.name_en = A\nmoment.a.name_ko = 가\nmoment.a.element = software\n"
            "moment.a.scale_min = 5\nmoment.a.scale_max = 5\n", "mot.conf:1:1:",
            "scale_min 5 must be below scale_max 5");
}

Test(mot, normalisation_onto_each_scale)
{
    dg_mot_moment five = { .code = "a", .scale_min = 1, .scale_max = 5 };
    dg_mot_moment ten = { .code = "b", .scale_min = 0, .scale_max = 10 };
    double x;
    cr_assert_eq(dg_mot_normalise(&x, &five, 1, &err), 0);
    cr_assert_float_eq(x, 0.0, 1e-15);
    cr_assert_eq(dg_mot_normalise(&x, &five, 4, &err), 0);
    cr_assert_float_eq(x, 0.75, 1e-15);
    cr_assert_eq(dg_mot_normalise(&x, &five, 5, &err), 0);
    cr_assert_float_eq(x, 1.0, 1e-15);
    cr_assert_eq(dg_mot_normalise(&x, &ten, 7, &err), 0);
    cr_assert_float_eq(x, 0.7, 1e-15);
    cr_assert_eq(dg_mot_normalise(&x, &five, 0, &err), DG_ERANGE);
    cr_assert(strstr(err.message, "outside its scale 1-5"), "%s", err.message);
    cr_assert_eq(dg_mot_normalise(&x, &ten, 11, &err), DG_ERANGE);
}

/* A three-moment cycle: scales 1-5, 1-5 and 0-10. */
static void small_cycle(dg_mot_cycle *c)
{
    builtin(c);
    const char *text =
        "moment.a.name_en = A\nmoment.a.name_ko = 가\nmoment.a.element = hardware\n"
        "moment.b.name_en = B\nmoment.b.name_ko = 나\nmoment.b.element = software\n"
        "moment.c.name_en = C\nmoment.c.name_ko = 다\nmoment.c.element = humanware\n"
        "moment.c.scale_min = 0\nmoment.c.scale_max = 10\n";
    cr_assert_eq(dg_mot_cycle_parse(c, text, "small", &err), 0, "%s", err.message);
}

Test(mot, product_against_mean_by_hand)
{
    dg_mot_cycle c;
    small_cycle(&c);
    dg_mot_visit_score s;
    /* 5, 4, 8 -> 1, 0.75, 0.8: product 0.6, mean 2.55 / 3 = 0.85 */
    int16_t good[] = { 5, 4, 8 };
    dg_mot_score_visit(&s, &c, good);
    cr_assert_float_eq(s.product, 0.6, 1e-12);
    cr_assert_float_eq(s.mean, 0.85, 1e-12);
    cr_assert_eq(s.weakest, 1);
    cr_assert_eq(s.n_rated, 3);
    /* one moment at the bottom: the mean stays high, the cycle is zero */
    int16_t one_failed[] = { 5, 5, 0 };
    dg_mot_score_visit(&s, &c, one_failed);
    cr_assert_eq(s.product, 0.0);
    cr_assert_float_eq(s.mean, 2.0 / 3.0, 1e-12);
    cr_assert_eq(s.weakest, 2);
    /* an unrated moment is left out, not a zero: 3 -> 0.5, 5 -> 0.5 */
    int16_t unrated[] = { 3, DG_MOT_UNRATED, 5 };
    dg_mot_score_visit(&s, &c, unrated);
    cr_assert_float_eq(s.product, 0.25, 1e-12);
    cr_assert_float_eq(s.mean, 0.5, 1e-12);
    cr_assert_eq(s.n_rated, 2);
    cr_assert_eq(s.n_tied, 2);
    cr_assert_eq(s.weakest, 0);   /* a tie: the earlier moment */
    int16_t nothing[] = { DG_MOT_UNRATED, DG_MOT_UNRATED, DG_MOT_UNRATED };
    dg_mot_score_visit(&s, &c, nothing);
    cr_assert_eq(s.n_rated, 0);
    cr_assert_eq(s.weakest, -1);
}

/* The value scipy gives, hard-coded: computed once with Debian's python3-scipy 1.x,
 *   import scipy.stats as st, numpy as np
 *   x = [3,1,4,1,5,9,2,6,5,3,5,8,9,7,9]; y = [2,7,1,8,2,8,1,8,2,8,4,5,9,0,4]
 *   r = st.spearmanr(x, y).statistic                     # 0.17916174391114706
 *   se = np.sqrt(1.06 / (len(x) - 3)); z = np.arctanh(r)
 *   np.tanh(z - 1.959963984540054 * se), np.tanh(z + 1.959963984540054 * se)
 *                                                   # -0.3811487071185747, 0.6432135952143145 */
Test(mot, spearman_against_scipy)
{
    double x[] = { 3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9 };
    double y[] = { 2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4, 5, 9, 0, 4 };
    dg_mot_corr c;
    cr_assert_eq(dg_mot_spearman(&c, x, y, 15, &err), 0);
    cr_assert(c.defined && c.has_interval);
    cr_assert_float_eq(c.rho, 0.17916174391114706, 1e-12);
    cr_assert_float_eq(c.lo, -0.3811487071185747, 1e-12);
    cr_assert_float_eq(c.hi, 0.6432135952143145, 1e-12);
    cr_assert_eq(c.n, 15);
    /* no spread: undefined, never NaN */
    double flat[] = { 1, 1, 1, 1 };
    cr_assert_eq(dg_mot_spearman(&c, flat, y, 4, &err), 0);
    cr_assert(!c.defined);
    cr_assert_eq(c.rho, 0.0);
    /* a perfect rank order: 1, with the interval closed on it */
    double up[] = { 1, 2, 3, 4, 5 }, squares[] = { 1, 4, 9, 16, 25 };
    cr_assert_eq(dg_mot_spearman(&c, up, squares, 5, &err), 0);
    cr_assert_float_eq(c.rho, 1.0, 1e-15);
    cr_assert_float_eq(c.lo, 1.0, 1e-15);
}

/* Four visits of the small cycle, worked by hand:
 *   v0: 5 5 10, nps 10, back     -> product 1,    mean 1
 *   v1: 1 5 10, nps 2,  not back -> product 0,    mean 2/3 (weakest a)
 *   v2: 3 3 5,  nps 7,  back     -> product 0.125, mean 0.5 (a, b, c tied: 1/3 each)
 *   v3: -  2 -, no nps, unknown  -> product 0.25, mean 0.25 (weakest b) */
Test(mot, analysis_by_hand)
{
    dg_mot_cycle c;
    small_cycle(&c);
    int16_t scores[] = { 5, 5, 10, 1, 5, 10, 3, 3, 5, DG_MOT_UNRATED, 2, DG_MOT_UNRATED };
    int8_t nps[] = { 10, 2, 7, -1 }, back[] = { 1, 0, 1, -1 };
    dg_mot_data d = { 4, 3, scores, nps, back };
    dg_mot_result *r;
    cr_assert_eq(dg_mot_analyse(&r, &c, &d, &err), 0, "%s", err.message);
    cr_assert_eq(r->n_scored, 4);
    cr_assert_eq(r->n_zero_cycle, 1);
    cr_assert_float_eq(r->mean_product, (1.0 + 0.0 + 0.125 + 0.25) / 4, 1e-12);
    cr_assert_float_eq(r->mean_mean, (1.0 + 2.0 / 3.0 + 0.5 + 0.25) / 4, 1e-12);
    cr_assert_eq(r->n_nps, 3);
    cr_assert_eq(r->n_detractors, 1);
    cr_assert_eq(r->n_promoters, 1);
    cr_assert_eq(r->n_zero_nps, 1);
    cr_assert_eq(r->n_zero_detractors, 1);
    /* a: 1, 0, 0.5 -> mean 0.5; b: 1, 1, 0.5, 0.25 -> 0.6875; c: 1, 1, 0.5 -> 0.8333 */
    cr_assert_float_eq(r->moments[0].mean, 0.5, 1e-12);
    cr_assert_float_eq(r->moments[1].mean, 0.6875, 1e-12);
    cr_assert_float_eq(r->moments[2].mean, 2.5 / 3.0, 1e-12);
    cr_assert_eq(r->weakest, 0);
    cr_assert_eq(r->moments[0].n_zero, 1);
    /* weakest shares: v0 ties all three (1/3 each), v1 a, v2 all three, v3 b */
    cr_assert_float_eq(r->moments[0].weakest_visits, 1.0 / 3 + 1 + 1.0 / 3, 1e-12);
    cr_assert_float_eq(r->moments[1].weakest_visits, 1.0 / 3 + 1.0 / 3 + 1, 1e-12);
    cr_assert_float_eq(r->moments[2].weakest_visits, 2.0 / 3, 1e-12);
    /* a against NPS over v0..v2: scores 5, 1, 3 against 10, 2, 7: the same order, rho 1 */
    cr_assert(r->moments[0].nps.defined);
    cr_assert_float_eq(r->moments[0].nps.rho, 1.0, 1e-12);
    cr_assert_eq(r->moments[0].nps.n, 3);
    cr_assert(!r->moments[0].nps.has_interval);   /* n < 4 */
    /* a against repurchase over v0..v2: 5, 1, 3 against 1, 0, 1; ranks 3, 1, 2 and 2.5, 1,
     * 2.5: rho = 1.5 / sqrt(2 x 1.5) = 0.8660 */
    cr_assert_float_eq(r->moments[0].repurchase.rho, sqrt(3.0) / 2.0, 1e-12);
    cr_assert_eq(r->elements[DG_MOT_HARDWARE].n_ratings, 3);
    cr_assert_eq(r->elements[DG_MOT_SOFTWARE].n_ratings, 4);
    free(r);
    /* a score outside its scale is refused */
    scores[0] = 6;
    cr_assert_eq(dg_mot_analyse(&r, &c, &d, &err), DG_EINVAL);
    cr_assert(strstr(err.message, "outside its scale"), "%s", err.message);
}

static void add_customer(const char *path, const char *id)
{
    char sql[256];
    snprintf(sql, sizeof sql, "INSERT INTO customers (customer_id) VALUES ('%s')", id);
    test_sql(path, sql);
}

Test(mot, record_a_visit_in_one_transaction)
{
    char path[256];
    dg_store *s = test_store_create(path, sizeof path, "mot-record");
    add_customer(path, "C1");
    dg_mot_cycle c;
    builtin(&c);
    dg_mot_rating_in ratings[] = { { "대기", 2 }, { "consultation", 5 } };
    dg_mot_visit_request r = { .visit_id = "V1", .customer_id = "C1", .visited_on = 20000,
                               .nps = 6, .ratings = ratings, .n_ratings = 2,
                               .idempotency_key = "k1" };
    dg_mot_visit_result res;
    cr_assert_eq(dg_mot_visit_record(&res, s, &c, &r, &err), 0, "%s", err.message);
    cr_assert(!res.replayed);
    cr_assert_eq(test_sql_int(path, "SELECT count(*) FROM mot_ratings WHERE visit_id = 'V1' "
                              "AND moment IN ('waiting', 'consultation')"), 2);
    /* the same key and request: replayed, nothing written */
    cr_assert_eq(dg_mot_visit_record(&res, s, &c, &r, &err), 0, "%s", err.message);
    cr_assert(res.replayed);
    /* the same visit without the key: refused */
    r.idempotency_key = NULL;
    cr_assert_eq(dg_mot_visit_record(&res, s, &c, &r, &err), DG_ECONFLICT);
    /* a bad rating after a good one: nothing of the visit is written */
    dg_mot_rating_in bad[] = { { "waiting", 3 }, { "parking", 6 } };
    dg_mot_visit_request r2 = { .visit_id = "V2", .customer_id = "C1", .visited_on = 20000,
                                .nps = -1, .ratings = bad, .n_ratings = 2 };
    cr_assert_eq(dg_mot_visit_record(&res, s, &c, &r2, &err), DG_EINVAL);
    r2.customer_id = "nobody";
    bad[1].score = 3;
    cr_assert_eq(dg_mot_visit_record(&res, s, &c, &r2, &err), DG_ENOTFOUND);
    cr_assert_eq(test_sql_int(path, "SELECT count(*) FROM mot_visits"), 1);
    cr_assert_eq(test_sql_int(path, "SELECT count(*) FROM mot_ratings"), 2);
    dg_store_close(s);
    test_remove_store(path);
}

/* Processes released together each record the same 20 visits (and 20 of their own): every
 * visit is written exactly once, with all its ratings. */
Test(mot, concurrent_writers_lose_and_double_nothing)
{
    char path[256];
    dg_store *s = test_store_create(path, sizeof path, "mot-race");
    add_customer(path, "C1");
    dg_store_close(s);
    enum { WRITERS = 6, SHARED = 20, OWN = 20 };
    int gate[2];
    cr_assert_eq(pipe(gate), 0);
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        cr_assert_neq(pids[w], -1);
        if (pids[w] == 0) {
            close(gate[1]);
            char byte;
            if (read(gate[0], &byte, 1) < 0)
                _exit(9);
            dg_store *mine = NULL;
            dg_error e;
            if (dg_store_open(&mine, path, 0, &e) != 0)
                _exit(8);
            dg_mot_cycle c;
            dg_mot_cycle_default(&c);
            dg_mot_rating_in ratings[] = { { "waiting", 2 }, { "parking", 4 }, { "payment", 5 } };
            int failures = 0;
            for (int i = 0; i < SHARED + OWN; i++) {
                char id[32];
                if (i < SHARED)
                    snprintf(id, sizeof id, "S%02d", i);
                else
                    snprintf(id, sizeof id, "W%d-%02d", w, i);
                dg_mot_visit_request r = { .visit_id = id, .customer_id = "C1",
                                           .visited_on = 20000, .nps = 7, .ratings = ratings,
                                           .n_ratings = 3 };
                dg_mot_visit_result res;
                int rc = dg_mot_visit_record(&res, mine, &c, &r, &e);
                failures += rc != 0 && !(rc == DG_ECONFLICT && i < SHARED);
            }
            dg_store_close(mine);
            _exit(failures ? 1 : 0);
        }
    }
    close(gate[0]);
    close(gate[1]);   /* releases them all at once */
    for (int w = 0; w < WRITERS; w++) {
        int status;
        waitpid(pids[w], &status, 0);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "writer %d failed", w);
    }
    cr_assert_eq(test_sql_int(path, "SELECT count(*) FROM mot_visits WHERE visit_id LIKE 'S%'"),
                 SHARED);
    cr_assert_eq(test_sql_int(path, "SELECT count(*) FROM mot_visits WHERE visit_id LIKE 'W%'"),
                 WRITERS * OWN);
    cr_assert_eq(test_sql_int(path, "SELECT count(*) FROM mot_ratings"),
                 3 * (SHARED + WRITERS * OWN));
    test_remove_store(path);
}
