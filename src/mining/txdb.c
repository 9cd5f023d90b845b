/* txdb.c: transaction databases: item names interned in a pool with a hash
 * map, transactions stored as one array of sorted item indices with
 * offsets (compressed sparse rows). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "tg_mining.h"
#include "mining_internal.h"

tg_status tg_txdb_new(tg_txdb **out, char *msg)
{
    tg_msg_clear(msg);
    *out = NULL;
    tg_txdb *db = tg_calloc(1, sizeof *db);
    if (!db || tg_pool_new(&db->pool) != TG_OK || tg_strmap_new(&db->map, 64) != TG_OK) {
        tg_txdb_free(&db);
        return tg_msg(msg, TG_ERR_NOMEM, "mining.txdb: out of memory");
    }
    db->off = tg_malloc(sizeof *db->off * 16);
    if (!db->off) {
        tg_txdb_free(&db);
        return tg_msg(msg, TG_ERR_NOMEM, "mining.txdb: out of memory");
    }
    db->off_cap = 16;
    db->off[0] = 0;
    *out = db;
    return TG_OK;
}

void tg_txdb_free(tg_txdb **db)
{
    if (!db || !*db) return;
    tg_pool_free(&(*db)->pool);
    tg_strmap_free(&(*db)->map);
    tg_free((*db)->names);
    tg_free((*db)->name_len);
    tg_free((*db)->off);
    tg_free((*db)->items);
    tg_free(*db);
    *db = NULL;
}

int64_t tg_txdb_count(const tg_txdb *db) { return db->ntx; }
int32_t tg_txdb_item_count(const tg_txdb *db) { return db->nitems; }

const char *tg_txdb_item_name(const tg_txdb *db, int32_t item)
{
    return item >= 0 && item < db->nitems ? db->names[item] : NULL;
}

int32_t tg_txdb_item_index(const tg_txdb *db, const char *name)
{
    return (int32_t)tg_strmap_get(db->map, name);
}

void tg_txdb_transaction(const tg_txdb *db, int64_t t, const int32_t **items, int32_t *n)
{
    *items = db->items + db->off[t];
    *n = (int32_t)(db->off[t + 1] - db->off[t]);
}

int64_t tg_mining_min_count(double pct, int64_t n)
{
    /* The relative slack keeps 0.1 % of 100000 at exactly 100, not 101,
     * when pct / 100 * n lands a rounding error above an integer. */
    double x = pct / 100.0 * (double)n;
    int64_t c = (int64_t)ceil(x - 1e-9 * (x > 1.0 ? x : 1.0));
    return c < 1 ? 1 : c;
}

/* Index of the item named by s[0..len), interned on first sight. */
static tg_status intern(tg_txdb *db, const char *s, size_t len, int32_t *out)
{
    int64_t k = tg_strmap_getn(db->map, s, len);
    if (k >= 0) {
        *out = (int32_t)k;
        return TG_OK;
    }
    if (db->nitems == INT32_MAX) return TG_ERR_LIMIT;
    if ((size_t)db->nitems == db->names_cap) {
        size_t cap = db->names_cap;
        void *p = db->names, *q = db->name_len;
        if (tg_grow(&p, &cap, cap + 1, sizeof *db->names) != TG_OK) return TG_ERR_NOMEM;
        db->names = p;
        cap = db->names_cap;
        if (tg_grow(&q, &cap, cap + 1, sizeof *db->name_len) != TG_OK) return TG_ERR_NOMEM;
        db->name_len = q;
        db->names_cap = cap;
    }
    const char *name = tg_pool_add(db->pool, s, len);
    if (!name || tg_strmap_put(db->map, name, db->nitems, NULL) != TG_OK) return TG_ERR_NOMEM;
    db->names[db->nitems] = name;
    db->name_len[db->nitems] = (uint32_t)len;
    *out = db->nitems++;
    return TG_OK;
}

int tg_mining_i_cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Close the transaction whose items were appended since off[ntx]: sort,
 * drop duplicates, record its end. */
static tg_status end_transaction(tg_txdb *db)
{
    int64_t start = db->off[db->ntx];
    int32_t *it = db->items + start;
    int64_t n = db->nitems_total - start;
    if (n > 1) qsort(it, (size_t)n, sizeof *it, tg_mining_i_cmp_i32);
    int64_t k = 0;
    for (int64_t i = 0; i < n; i++)
        if (k == 0 || it[i] != it[k - 1]) it[k++] = it[i];
    db->nitems_total = start + k;
    void *p = db->off;
    if (tg_grow(&p, &db->off_cap, (size_t)db->ntx + 2, sizeof *db->off) != TG_OK) return TG_ERR_NOMEM;
    db->off = p;
    db->off[++db->ntx] = db->nitems_total;
    return TG_OK;
}

static tg_status push_item(tg_txdb *db, int32_t item)
{
    if ((size_t)db->nitems_total == db->items_cap) {
        void *p = db->items;
        if (tg_grow(&p, &db->items_cap, db->items_cap + 1, sizeof *db->items) != TG_OK)
            return TG_ERR_NOMEM;
        db->items = p;
    }
    db->items[db->nitems_total++] = item;
    return TG_OK;
}

tg_status tg_txdb_add(tg_txdb *db, int n, const char *const *items, char *msg)
{
    tg_msg_clear(msg);
    if (!db || n < 0 || (n > 0 && !items)) return tg_msg(msg, TG_ERR_ARG, "mining.txdb_add: bad arguments");
    int64_t mark = db->nitems_total;
    for (int i = 0; i < n; i++) {
        int32_t it;
        tg_status s;
        if (!items[i] || !items[i][0]) {
            db->nitems_total = mark;
            return tg_msg(msg, TG_ERR_ARG, "mining.txdb_add: item %d is empty", i + 1);
        }
        if ((s = intern(db, items[i], strlen(items[i]), &it)) != TG_OK ||
            (s = push_item(db, it)) != TG_OK) {
            db->nitems_total = mark;
            return tg_msg(msg, s, "mining.txdb_add: out of memory");
        }
    }
    if (end_transaction(db) != TG_OK) {
        db->nitems_total = mark;
        return tg_msg(msg, TG_ERR_NOMEM, "mining.txdb_add: out of memory");
    }
    return TG_OK;
}

tg_status tg_mining_i_gz_check(gzFile z, const char *path, char *msg)
{
    int e;
    const char *why = gzerror(z, &e);
    if (e == Z_OK || e == Z_STREAM_END) return TG_OK;
    /* zlib's text may start with the path: do not say it twice. */
    size_t n = strlen(path);
    if (strncmp(why, path, n) == 0 && strncmp(why + n, ": ", 2) == 0) why += n + 2;
    return tg_msg(msg, TG_ERR_IO, "%s: corrupt or truncated compressed file: %s", path, why);
}

/* The whole (decompressed) file into a tg_malloc'd buffer. */
static tg_status slurp_gz(const char *path, char **out, size_t *len, char *msg)
{
    *out = NULL;
    gzFile z = gzopen(path, "rb");
    if (!z) return tg_msg(msg, TG_ERR_IO, "%s: cannot open: %s", path, strerror(errno ? errno : ENOENT));
    gzbuffer(z, 1 << 17);
    size_t cap = 1 << 20, n = 0;
    char *buf = tg_malloc(cap + 1);
    tg_status s = TG_OK;
    while (buf) {
        if (cap - n < (1 << 16)) {
            void *p = buf;
            if (tg_grow(&p, &cap, cap + (1 << 16) + 1, 1) != TG_OK) {
                s = TG_ERR_NOMEM;
                break;
            }
            buf = p;
        }
        size_t want = cap - n - 1 < (size_t)INT_MAX ? cap - n - 1 : (size_t)INT_MAX;   /* gzread returns an int */
        int got = gzread(z, buf + n, (unsigned)want);
        if (got < 0) {
            int e;
            const char *why = gzerror(z, &e);
            s = tg_msg(msg, TG_ERR_IO, "%s: read error: %s", path, why);
            break;
        }
        if (got == 0) {
            s = tg_mining_i_gz_check(z, path, msg);
            break;
        }
        n += (size_t)got;
    }
    gzclose(z);
    if (!buf || s == TG_ERR_NOMEM) {
        tg_free(buf);
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path);
    }
    if (s != TG_OK) {
        tg_free(buf);
        return s;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return TG_OK;
}

tg_status tg_txdb_read_fimi(const char *path, tg_txdb **out, char *msg)
{
    tg_msg_clear(msg);
    *out = NULL;
    char *buf = NULL;
    size_t len = 0;
    tg_txdb *db = NULL;
    tg_status s = slurp_gz(path, &buf, &len, msg);
    if (s != TG_OK) return s;
    if ((s = tg_txdb_new(&db, msg)) != TG_OK) goto done;
    /* Reserve for about one item per 3 bytes (FIMI's numbers and blanks). */
    db->items = tg_malloc(sizeof *db->items * (len / 3 + 16));
    if (!db->items) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path);
        goto done;
    }
    db->items_cap = len / 3 + 16;
    long line = 1;
    const char *p = buf, *end = buf + len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        const char *q = p;
        while (q < eol) {
            while (q < eol && (*q == ' ' || *q == '\t' || *q == '\r')) q++;
            const char *t = q;
            while (q < eol && *q != ' ' && *q != '\t' && *q != '\r') {
                if ((unsigned char)*q < 0x20) {
                    s = tg_msg(msg, TG_ERR_PARSE, "%s:%ld: control character 0x%02x in an item",
                               path, line, (unsigned char)*q);
                    goto done;
                }
                q++;
            }
            if (q > t) {
                int32_t it;
                if ((s = intern(db, t, (size_t)(q - t), &it)) != TG_OK ||
                    (s = push_item(db, it)) != TG_OK) {
                    s = tg_msg(msg, s, "%s:%ld: out of memory", path, line);
                    goto done;
                }
            }
        }
        if ((s = end_transaction(db)) != TG_OK) {
            s = tg_msg(msg, s, "%s:%ld: out of memory", path, line);
            goto done;
        }
        line++;
        p = eol + 1;
    }
    *out = db;
    db = NULL;
done:
    tg_free(buf);
    tg_txdb_free(&db);
    return s;
}

static int by_support_up(const void *a, const void *b)
{
    const tg_mining_i_freq *x = a, *y = b;
    if (x->supp != y->supp) return x->supp < y->supp ? -1 : 1;
    return (x->item > y->item) - (x->item < y->item);
}

static int by_support_down(const void *a, const void *b)
{
    const tg_mining_i_freq *x = a, *y = b;
    if (x->supp != y->supp) return x->supp > y->supp ? -1 : 1;
    return (x->item > y->item) - (x->item < y->item);
}

int32_t tg_mining_i_rank_items(const tg_txdb *db, int64_t min, bool descending, int64_t *supp,
                               tg_mining_i_freq *fi, int32_t *rank, int64_t *occ)
{
    for (int64_t k = 0; k < db->nitems_total; k++) supp[db->items[k]]++;
    int32_t nf = 0;
    *occ = 0;
    for (int32_t i = 0; i < db->nitems; i++) {
        rank[i] = -1;
        if (supp[i] >= min) {
            fi[nf++] = (tg_mining_i_freq){i, supp[i]};
            *occ += supp[i];
        }
    }
    qsort(fi, (size_t)nf, sizeof *fi, descending ? by_support_down : by_support_up);
    for (int32_t r = 0; r < nf; r++) rank[fi[r].item] = r;
    return nf;
}
