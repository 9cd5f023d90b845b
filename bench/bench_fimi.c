/* bench_fimi.c: frequent-itemset mining on the FIMI data, itemsets written
 * to a file, against Borgelt's programs.  Borgelt's apriori, eclat and
 * fpgrowth are not packaged in Debian, so the peer figures are those the
 * issue gives, measured on this kind of machine (fastest of the three per
 * run); each of our runs is read + mine + write, best of N.
 *
 * usage: bench_fimi DATA_DIR OUT_FILE [N]
 * prints lines "RESULT fimi_<name>_ours <s>", "..._peer", "..._count". */
#include <stdio.h>
#include <stdlib.h>

#include "mining/tg_mining.h"

typedef struct run { const char *file, *name; double pct; int64_t want; double borgelt; } run;

/* Counts and the fastest of Borgelt's apriori/eclat/fpgrowth from the issue. */
static const run RUNS[] = {
    {"retail.dat.gz", "retail_0.01", 0.01, 240852, 0.38},
    {"T10I4D100K.dat.gz", "t10i4d100k_0.01", 0.01, 411365, 0.39},
    {"mushroom.dat.gz", "mushroom_5", 5, 3755510, 0.27},
    {"chess.dat.gz", "chess_60", 60, 254944, 0.03},
};

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_fimi DATA_DIR OUT_FILE [N]\n");
        return 2;
    }
    int reps = argc > 3 ? atoi(argv[3]) : 3;
    char msg[TG_MSG_LEN];
    for (size_t r = 0; r < sizeof RUNS / sizeof *RUNS; r++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", argv[1], RUNS[r].file);
        double best = 1e30;
        int64_t n = 0;
        for (int k = 0; k < reps; k++) {
            double t0 = tg_now();
            tg_txdb *db = NULL;
            if (tg_txdb_read_fimi(path, &db, msg) != TG_OK) {
                fprintf(stderr, "bench_fimi: %s\n", msg);
                return 1;
            }
            tg_itemset_opts o = {tg_mining_min_count(RUNS[r].pct, tg_txdb_count(db)), 0};
            FILE *f = fopen(argv[2], "w");
            if (!f || tg_mining_write_itemsets(db, &o, f, &n, msg) != TG_OK || fclose(f) != 0) {
                fprintf(stderr, "bench_fimi: %s: %s\n", RUNS[r].name, msg);
                return 1;
            }
            double t = tg_now() - t0;
            if (t < best) best = t;
            tg_txdb_free(&db);
        }
        printf("%s at %g %%: %lld itemsets (issue: %lld), best %.4f s; Borgelt fastest %.2f s\n",
               RUNS[r].file, RUNS[r].pct, (long long)n, (long long)RUNS[r].want, best, RUNS[r].borgelt);
        printf("RESULT fimi_%s_ours %.6f\nRESULT fimi_%s_peer %.6f\nRESULT fimi_%s_count %lld\n",
               RUNS[r].name, best, RUNS[r].name, RUNS[r].borgelt, RUNS[r].name, (long long)n);
    }
    remove(argv[2]);
    return 0;
}
