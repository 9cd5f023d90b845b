/* bench_load_csv.c: time tg_graph_read on a large CSV edge list, and take
 * the load apart into its unavoidable pieces to show where the time goes.
 *
 * The timed load is tg_graph_read followed by tg_graph_topology: the graph
 * may keep new edges pending and build igraph's indexed edge list lazily,
 * and igraph's Read_Ncol (the peer) returns a fully indexed graph, so the
 * flush belongs in the measurement.
 *
 * The breakdown passes, each on the same file and each best of REPS:
 *   read    the file into memory (page cache -> buffer)
 *   scan    memchr over the buffer for newlines: the memory-bandwidth floor
 *   parse   split every line into its three fields and strtod the weight
 *   hash    parse + map both names to node numbers (tg_strmap + tg_pool)
 *   create  igraph_create from the finished edge vector: igraph's own
 *           index build, which any loader that ends in an igraph_t pays
 *
 * Output: human-readable lines plus `RESULT key value` lines for run.sh.
 * Usage: bench_load_csv file.csv [reps]
 */
#include "graph/tg_graph.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static double best(double a, double b) { return a < b ? a : b; }

static char *slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        fprintf(stderr, "bench_load_csv: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    size_t size = (size_t)st.st_size, got = 0;
    char *b = malloc(size + 1);
    if (!b) {
        fprintf(stderr, "bench_load_csv: out of memory\n");
        exit(1);
    }
    while (got < size) {
        ssize_t r = read(fd, b + got, size - got);
        if (r <= 0) break;
        got += (size_t)r;
    }
    close(fd);
    b[got] = '\0';
    *len = got;
    return b;
}

/* Start of the line after the header. */
static const char *body(const char *buf) { return strchr(buf, '\n') + 1; }

static size_t count_lines(const char *buf, size_t len)
{
    size_t k = 0;
    const char *p = buf, *end = buf + len;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        k++;
        p++;
    }
    return k;
}

/* Fields of every data line; the weights' sum keeps the work observable. */
static double parse_pass(const char *buf, const char *end, size_t *lines)
{
    double sum = 0;
    size_t k = 0;
    const char *p = body(buf);
    while (p < end) {
        const char *c1 = memchr(p, ',', (size_t)(end - p));
        const char *c2 = memchr(c1 + 1, ',', (size_t)(end - c1 - 1));
        char *stop;
        sum += strtod(c2 + 1, &stop);
        p = memchr(stop, '\n', (size_t)(end - stop)) + 1;
        k++;
    }
    *lines = k;
    return sum;
}

/* parse_pass plus name -> node number; ends[2k], ends[2k+1] per edge. */
static int64_t hash_pass(const char *buf, const char *end, int64_t *ends, double *w)
{
    tg_strmap *map = NULL;
    tg_pool *pool = NULL;
    if (tg_strmap_new(&map, 1 << 20) != TG_OK || tg_pool_new(&pool) != TG_OK) exit(1);
    int64_t nodes = 0, k = 0;
    const char *p = body(buf);
    while (p < end) {
        const char *f[2], *c[2];
        f[0] = p;
        c[0] = memchr(p, ',', (size_t)(end - p));
        f[1] = c[0] + 1;
        c[1] = memchr(f[1], ',', (size_t)(end - f[1]));
        for (int j = 0; j < 2; j++) {
            size_t n = (size_t)(c[j] - f[j]);
            int64_t v = tg_strmap_getn(map, f[j], n);
            if (v < 0) {
                const char *id = tg_pool_add(pool, f[j], n);
                if (!id || tg_strmap_put(map, id, nodes, NULL) != TG_OK) exit(1);
                v = nodes++;
            }
            ends[2 * k + j] = v;
        }
        char *stop;
        w[k] = strtod(c[1] + 1, &stop);
        p = memchr(stop, '\n', (size_t)(end - stop)) + 1;
        k++;
    }
    tg_strmap_free(&map);
    tg_pool_free(&pool);
    return nodes;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: bench_load_csv file.csv [reps]\n");
        return 2;
    }
    const char *path = argv[1];
    int reps = argc > 2 ? atoi(argv[2]) : 3;
    if (reps < 1) reps = 1;
    char msg[TG_MSG_LEN];

    /* ---- the real load ---- */
    double t_load = 1e300, t_read_only = 1e300;
    int64_t nn = 0, ne = 0;
    int wcol = -1;
    for (int r = 0; r < reps; r++) {
        tg_graph *g = NULL;
        double t0 = tg_now();
        tg_status s = tg_graph_read(path, NULL, &g, msg);
        double t1 = tg_now();
        if (s != TG_OK) {
            fprintf(stderr, "bench_load_csv: %s\n", msg);
            return 1;
        }
        const igraph_t *ig = NULL;
        if (tg_graph_topology(g, &ig, msg) != TG_OK) {
            fprintf(stderr, "bench_load_csv: %s\n", msg);
            return 1;
        }
        double t2 = tg_now();
        t_load = best(t_load, t2 - t0);
        t_read_only = best(t_read_only, t1 - t0);
        nn = tg_graph_node_count(g);
        ne = tg_graph_edge_count(g);
        wcol = tg_graph_attr_find(g, TG_EDGES, "weight");
        printf("  ours run %d: %.3f s (read %.3f + topology flush %.3f)\n", r + 1, t2 - t0,
               t1 - t0, t2 - t1);
        tg_graph_free(&g);
    }
    printf("ours: %lld nodes, %lld edges, weight column %s; best %.3f s\n", (long long)nn,
           (long long)ne, wcol >= 0 ? "present" : "MISSING", t_load);

    /* ---- breakdown ---- */
    double t_slurp = 1e300, t_scan = 1e300, t_parse = 1e300, t_hash = 1e300, t_create = 1e300;
    size_t len = 0, lines = 0;
    int64_t nodes = 0;
    for (int r = 0; r < reps; r++) {
        double t0 = tg_now();
        char *buf = slurp(path, &len);
        double t1 = tg_now();
        t_slurp = best(t_slurp, t1 - t0);
        const char *end = buf + len;

        t0 = tg_now();
        size_t nl = count_lines(buf, len);
        t_scan = best(t_scan, tg_now() - t0);

        t0 = tg_now();
        double sum = parse_pass(buf, end, &lines);
        t_parse = best(t_parse, tg_now() - t0);
        if (lines + 1 != nl) fprintf(stderr, "bench_load_csv: line count mismatch\n");

        int64_t *ends = malloc(sizeof *ends * 2 * (lines ? lines : 1));
        double *w = malloc(sizeof *w * (lines ? lines : 1));
        if (!ends || !w) return 1;
        t0 = tg_now();
        nodes = hash_pass(buf, end, ends, w);
        t_hash = best(t_hash, tg_now() - t0);
        free(buf);

        igraph_vector_int_t ev;
        igraph_vector_int_view(&ev, ends, 2 * (igraph_integer_t)lines);
        igraph_t ig;
        t0 = tg_now();
        if (igraph_create(&ig, &ev, nodes, IGRAPH_UNDIRECTED) != IGRAPH_SUCCESS) return 1;
        t_create = best(t_create, tg_now() - t0);
        igraph_destroy(&ig);
        free(ends);
        free(w);
        if (sum < 0) printf("impossible\n");
    }
    double mb = (double)len / 1e6;
    printf("breakdown (best of %d, %.0f MB, %zu lines, %lld nodes):\n", reps, mb, lines,
           (long long)nodes);
    printf("  read file   %.3f s  (%.0f MB/s)\n", t_slurp, mb / t_slurp);
    printf("  newline scan %.3f s  (%.0f MB/s)\n", t_scan, mb / t_scan);
    printf("  parse       %.3f s  (split + strtod)\n", t_parse);
    printf("  parse+hash  %.3f s  (hash alone ~%.3f s)\n", t_hash, t_hash - t_parse);
    printf("  igraph_create %.3f s\n", t_create);
    printf("  reference pipeline read + parse+hash + create = %.3f s; ours is %.2fx it\n",
           t_slurp + t_hash + t_create, t_load / (t_slurp + t_hash + t_create));

    printf("RESULT load_csv_ours %.6f\n", t_load);
    printf("RESULT load_csv_ours_read %.6f\n", t_read_only);
    printf("RESULT load_csv_nodes %lld\n", (long long)nn);
    printf("RESULT load_csv_edges %lld\n", (long long)ne);
    printf("RESULT load_csv_slurp %.6f\n", t_slurp);
    printf("RESULT load_csv_scan %.6f\n", t_scan);
    printf("RESULT load_csv_parse %.6f\n", t_parse);
    printf("RESULT load_csv_hash %.6f\n", t_hash);
    printf("RESULT load_csv_create %.6f\n", t_create);
    return 0;
}
