/* gen_edges.c: deterministic random edge list for the CSV load benchmark.
 *
 * Writes the same undirected, weighted multigraph twice: as CSV with a
 * `source,target,weight` header (our reader) and as NCOL, `a b w` per line
 * without a header (igraph's Graph.Read_Ncol).  Both files hold byte-for-
 * byte the same names and weights, so the two loaders parse identical data.
 *
 * Endpoints: the source is uniform over the n nodes; the target is drawn
 * with density ~ 1/sqrt(x) (u^2 scaled to n) and then scattered by an
 * odd-multiplier permutation, so degrees are skewed (a few hubs with
 * thousands of edges) without the hubs all having small names.  Self-loops
 * are redrawn.  Weights are uniform in (0, 1) with six decimals.  The
 * stream comes from tg_rng (xoshiro256**), so a seed gives the same files
 * on every machine.
 *
 * Usage: gen_edges NODES EDGES SEED out.csv out.ncol
 */
#include "graph/tg_graph.h"

#include <stdlib.h>
#include <string.h>

/* Append the decimal digits of v to p; returns the new end. */
static char *put_u64(char *p, uint64_t v)
{
    char tmp[24];
    int k = 0;
    do {
        tmp[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (k) *p++ = tmp[--k];
    return p;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: gen_edges NODES EDGES SEED out.csv out.ncol\n");
        return 2;
    }
    uint64_t n = strtoull(argv[1], NULL, 10), m = strtoull(argv[2], NULL, 10);
    uint64_t seed = strtoull(argv[3], NULL, 10);
    if (n < 2) {
        fprintf(stderr, "gen_edges: need at least 2 nodes\n");
        return 2;
    }
    FILE *fc = fopen(argv[4], "wb"), *fn = fopen(argv[5], "wb");
    if (!fc || !fn) {
        perror("gen_edges: cannot open output");
        return 1;
    }
    static char bc[1 << 20], bn[1 << 20];
    setvbuf(fc, bc, _IOFBF, sizeof bc);
    setvbuf(fn, bn, _IOFBF, sizeof bn);
    fputs("source,target,weight\n", fc);

    /* An odd multiplier coprime with n scatters hub targets over the names. */
    uint64_t mult = 2654435761u % n;
    while (mult < 2) mult++;
    for (;;) {
        uint64_t a = n, b = mult;
        while (b) {
            uint64_t t = a % b;
            a = b;
            b = t;
        }
        if (a == 1) break;
        mult++;
    }

    tg_rng r;
    tg_rng_seed(&r, seed);
    for (uint64_t e = 0; e < m; e++) {
        uint64_t s, t;
        do {
            s = tg_rng_below(&r, n);
            double u = tg_rng_uniform(&r);
            uint64_t x = (uint64_t)(u * u * (double)n);
            if (x >= n) x = n - 1;
            t = (x * mult) % n;
        } while (s == t);
        uint64_t w = 1 + tg_rng_below(&r, 999999);     /* 0.000001 .. 0.999999 */

        char line[96], *p = line;
        *p++ = 'n';
        p = put_u64(p, s);
        char *sep1 = p;
        *p++ = ',';
        *p++ = 'n';
        p = put_u64(p, t);
        char *sep2 = p;
        *p++ = ',';
        *p++ = '0';
        *p++ = '.';
        char frac[8];
        for (int k = 5; k >= 0; k--) {
            frac[k] = (char)('0' + w % 10);
            w /= 10;
        }
        memcpy(p, frac, 6);
        p += 6;
        *p++ = '\n';
        size_t len = (size_t)(p - line);
        fwrite(line, 1, len, fc);
        *sep1 = ' ';
        *sep2 = ' ';
        fwrite(line, 1, len, fn);
    }
    if (fclose(fc) != 0 || fclose(fn) != 0) {
        perror("gen_edges: write failed");
        return 1;
    }
    return 0;
}
