/* The pure helpers of VOC analytics (include/dangol/voc.h): the percentile of response times,
 * the Wilson interval of a rate, and ticket text split into terms. Debian ships no Korean
 * morphological dictionary, so a Hangul word loses its trailing particle (josa) from the list
 * below, and may also give its syllable bigrams as Lucene's CJK analyser does. */
#include <math.h>
#include <string.h>

#include "dangol/voc.h"

static void swap(double *a, double *b)
{
    double t = *a;
    *a = *b;
    *b = t;
}

/* Moves the k-th smallest of v[0..n) to v[k], the smaller before it and the larger after
 * (Hoare's selection, median-of-three pivot): O(n) on average, no full sort. */
static void select_kth(double *v, size_t n, size_t k)
{
    size_t lo = 0, hi = n - 1;
    while (hi > lo) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < v[lo])
            swap(&v[mid], &v[lo]);
        if (v[hi] < v[lo])
            swap(&v[hi], &v[lo]);
        if (v[hi] < v[mid])
            swap(&v[hi], &v[mid]);
        double pivot = v[mid];
        size_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                swap(&v[i], &v[j]);
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return;
    }
}

double dg_voc_percentile(double *v, size_t n, double p)
{
    if (n == 0)
        return 0.0;
    p = p < 0 ? 0 : p > 1 ? 1 : p;
    /* Hyndman & Fan (1996), Sample quantiles in statistical packages, Am. Stat. 50:361-365,
     * definition 7: h = (n - 1) p, Q = x[h_lo] + (h - h_lo)(x[h_lo + 1] - x[h_lo]) */
    double h = (double)(n - 1) * p, lo = floor(h);
    size_t i = (size_t)lo;
    select_kth(v, n, i);
    if (i + 1 >= n)
        return v[i];
    double next = v[i + 1];   /* the (i+1)-th smallest: the least of those after v[i] */
    for (size_t j = i + 2; j < n; j++)
        if (v[j] < next)
            next = v[j];
    return v[i] + (h - lo) * (next - v[i]);
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

/* A listed word (a particle, a stop word) with its length in bytes. */
typedef struct listed {
    const char *text;
    size_t len;
} listed;
#define W(s) { s, sizeof s - 1 }

/* Korean particles (josa), longest first where one ends another: the data of the stripping. */
static const listed josa[] = {
    W("에서부터"), W("으로부터"), W("에게서는"), W("로부터"), W("에게서"), W("한테서"), W("에서는"), W("에서도"), W("으로는"),
    W("으로도"), W("이라고"), W("에게는"), W("까지"), W("부터"), W("에서"), W("에게"), W("한테"), W("께서"), W("으로"),
    W("보다"), W("처럼"), W("만큼"), W("이나"), W("이랑"), W("하고"), W("마저"), W("조차"), W("밖에"), W("에는"),
    W("에도"), W("이며"), W("이고"), W("은"), W("는"), W("이"), W("가"), W("을"), W("를"), W("에"), W("의"),
    W("도"), W("만"), W("로"), W("와"), W("과"), W("랑"),
    { NULL, 0 },
};

/* Words too common to tell categories apart. */
static const listed stop_words[] = {
    W("너무"), W("정말"), W("진짜"), W("있습니다"), W("없습니다"), W("합니다"), W("했습니다"), W("주세요"), W("있어요"),
    W("없어요"), W("the"), W("and"), W("for"), W("was"), W("not"), W("with"), W("this"), W("that"),
    { NULL, 0 },
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
    for (size_t i = 0; stop_words[i].text; i++)
        if (stop_words[i].len == len && memcmp(stop_words[i].text, w, len) == 0)
            return true;
    return false;
}

/* The length of a Hangul word once its longest particle is gone: a particle of one syllable
 * only when two stay (고객이 -> 고객, but 맛이 stays), a longer one when one stays. */
static size_t strip_josa(const char *w, size_t len)
{
    for (size_t i = 0; josa[i].text; i++) {
        size_t j = josa[i].len;
        size_t keep = j == SYLLABLE_BYTES ? 2 * SYLLABLE_BYTES : SYLLABLE_BYTES;
        /* compare the last syllable's bytes first: most words end in no particle */
        if (len >= j + keep && w[len - 1] == josa[i].text[j - 1] &&
            memcmp(w + len - j, josa[i].text, j) == 0)
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
