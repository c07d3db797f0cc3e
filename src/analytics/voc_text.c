/* The pure helpers of VOC analytics (include/dangol/voc.h): the percentile of response times,
 * the Wilson interval of a rate, and ticket text split into terms. Debian ships no Korean
 * morphological dictionary, so a Hangul word loses its trailing particle (josa) from the list
 * below, and may also give its syllable bigrams as Lucene's CJK analyser does. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dangol/voc.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double dg_voc_percentile(double *v, size_t n, double p)
{
    if (n == 0)
        return 0.0;
    qsort(v, n, sizeof *v, cmp_double);
    p = p < 0 ? 0 : p > 1 ? 1 : p;
    /* Hyndman & Fan (1996), Sample quantiles in statistical packages, Am. Stat. 50:361-365,
     * definition 7: h = (n - 1) p, Q = x[h_lo] + (h - h_lo)(x[h_lo + 1] - x[h_lo]) */
    double h = (double)(n - 1) * p, lo = floor(h);
    size_t i = (size_t)lo;
    return i + 1 < n ? v[i] + (h - lo) * (v[i + 1] - v[i]) : v[n - 1];
}

void dg_voc_wilson(double *low, double *high, long k, long n)
{
    *low = *high = 0.0;
    if (n <= 0)
        return;
    /* Wilson (1927), Probable inference, the law of succession, and statistical inference,
     * JASA 22:209-212: centre (p + z^2/2n)/(1 + z^2/n), half-width
     * z sqrt(p(1-p)/n + z^2/4n^2)/(1 + z^2/n) */
    const double z = 1.959963984540054;
    double nn = (double)n, p = (double)k / nn, z2 = z * z, d = 1.0 + z2 / nn;
    double centre = (p + z2 / (2 * nn)) / d;
    double half = z * sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn)) / d;
    *low = centre - half < 0 ? 0 : centre - half;
    *high = centre + half > 1 ? 1 : centre + half;
}

/* Korean particles (josa), longest first where one ends another: the data of the stripping. */
static const char *const josa[] = {
    "에서부터", "으로부터", "에게서는", "로부터", "에게서", "한테서", "에서는", "에서도", "으로는",
    "으로도", "이라고", "에게는", "까지", "부터", "에서", "에게", "한테", "께서", "으로", "보다",
    "처럼", "만큼", "이나", "이랑", "하고", "마저", "조차", "밖에", "에는", "에도", "이며", "이고",
    "은", "는", "이", "가", "을", "를", "에", "의", "도", "만", "로", "와", "과", "랑", NULL,
};

/* Words too common to tell categories apart. */
static const char *const stop_words[] = {
    "너무", "정말", "진짜", "있습니다", "없습니다", "합니다", "했습니다", "주세요", "있어요", "없어요",
    "the", "and", "for", "was", "not", "with", "this", "that", NULL,
};

#define SYLLABLE_BYTES 3   /* a Hangul syllable, U+AC00..U+D7A3, in UTF-8 */

static bool is_syllable(const unsigned char *s)
{
    if (s[0] < 0xEA || s[0] > 0xED || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
        return false;
    unsigned cp = ((unsigned)(s[0] & 0x0F) << 12) | ((unsigned)(s[1] & 0x3F) << 6) |
                  (unsigned)(s[2] & 0x3F);
    return cp >= 0xAC00 && cp <= 0xD7A3;
}

static bool is_stop(const char *w, size_t len)
{
    for (size_t i = 0; stop_words[i]; i++)
        if (strlen(stop_words[i]) == len && memcmp(stop_words[i], w, len) == 0)
            return true;
    return false;
}

/* The length of a Hangul word once its longest particle is gone: a particle of one syllable
 * only when two stay (고객이 -> 고객, but 맛이 stays), a longer one when one stays. */
static size_t strip_josa(const char *w, size_t len)
{
    for (size_t i = 0; josa[i]; i++) {
        size_t j = strlen(josa[i]);
        size_t keep = j == SYLLABLE_BYTES ? 2 * SYLLABLE_BYTES : SYLLABLE_BYTES;
        if (len >= j + keep && memcmp(w + len - j, josa[i], j) == 0)
            return len - j;
    }
    return len;
}

static int emit(dg_voc_term_fn fn, void *ctx, const char *w, size_t len, size_t chars)
{
    if (chars < 2 || is_stop(w, len))
        return 0;
    return fn(ctx, w, len);
}

/* One word: Hangul syllables only, or ASCII letters and digits (lower-cased in buf). */
static int word(const char *w, size_t len, bool hangul, bool bigrams, dg_voc_term_fn fn,
                void *ctx)
{
    if (!hangul) {
        char buf[64];
        if (len >= sizeof buf)
            return 0;
        for (size_t i = 0; i < len; i++)
            buf[i] = (char)(w[i] >= 'A' && w[i] <= 'Z' ? w[i] - 'A' + 'a' : w[i]);
        return emit(fn, ctx, buf, len, len);
    }
    len = strip_josa(w, len);
    size_t syllables = len / SYLLABLE_BYTES;
    int rc = emit(fn, ctx, w, len, syllables);
    if (rc == 0 && bigrams && syllables >= 3)
        for (size_t i = 0; rc == 0 && i + 1 < syllables; i++)
            rc = fn(ctx, w + i * SYLLABLE_BYTES, 2 * SYLLABLE_BYTES);
    return rc;
}

int dg_voc_terms(const char *text, bool bigrams, dg_voc_term_fn fn, void *ctx)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    while (*s) {
        const unsigned char *start = s;
        bool hangul = is_syllable(s);
        if (hangul)
            while (*s && is_syllable(s))
                s += SYLLABLE_BYTES;
        else
            while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
                   (*s >= '0' && *s <= '9'))
                s++;
        if (s == start) {   /* a separator: skip one character */
            s++;
            while ((*s & 0xC0) == 0x80)
                s++;
            continue;
        }
        int rc = word((const char *)start, (size_t)(s - start), hangul, bigrams, fn, ctx);
        if (rc != 0)
            return rc;
    }
    return 0;
}
