/* safetensors.c: model weights as safetensors files.
 *
 * Layout (huggingface/safetensors): an 8-byte little-endian header length
 * N, N bytes of JSON (padded with spaces to a multiple of 8), then the raw
 * tensors.  The JSON maps each tensor name to {"dtype": "F32", "shape":
 * [r, c], "data_offsets": [begin, end]} (offsets into the data region) and
 * "__metadata__" to string pairs; ours carry the architecture
 * ("twingraph.arch", one layer per ';': "gcn out=16 bias=0 wd=0.0005"), the
 * input width and, once trained, the training configuration
 * ("twingraph.fit"), so a file alone rebuilds its model.  Loading checks
 * everything before it changes anything.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gnn_internal.h"

#define MAX_HEADER (64u << 20)

/* ---- writing ------------------------------------------------------------ */

typedef struct sbuf { char *p; size_t n, cap; bool oom; } sbuf;

static void put(sbuf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (tg_grow((void **)&b->p, &b->cap, b->n + n + 1, 1) != TG_OK) {
        b->oom = true;
        return;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void puts_(sbuf *b, const char *s) { put(b, s, strlen(s)); }

static void putf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(sbuf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k > 0) put(b, tmp, (size_t)k < sizeof tmp ? (size_t)k : sizeof tmp - 1);
}

/* True if s[0..n) is well-formed UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF): JSON readers such as Python's
 * json.loads refuse anything else. */
static bool utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len;
        uint32_t v;
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) len = 2, v = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF) len = 3, v = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4) len = 4, v = c & 0x07;
        else return false;
        if (n - i < len) return false;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return false;
            v = v << 6 | (s[i + k] & 0x3F);
        }
        if ((len == 3 && v < 0x800) || (len == 4 && (v < 0x10000 || v > 0x10FFFF)) || (v >= 0xD800 && v <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

/* A JSON string literal; the caller has checked that s is UTF-8. */
static void put_json_string(sbuf *b, const char *s)
{
    puts_(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            char e[2] = {'\\', (char)c};
            put(b, e, 2);
        } else if (c < 0x20) putf(b, "\\u%04x", c);
        else put(b, (const char *)&c, 1);
    }
    puts_(b, "\"");
}

/* The architecture as text: one layer per ';'. */
static void put_arch(sbuf *b, const tg_gnn_model *m)
{
    for (int k = 0; k < m->nl; k++) {
        const tg_gnn_layer_spec *s = &m->layers[k];
        if (k) puts_(b, ";");
        puts_(b, tg_gnn_layer_name(s->kind));
        if (s->kind <= TG_GNN_GAT || s->kind == TG_GNN_GINE || s->kind == TG_GNN_MPNN)
            putf(b, " out=%lld bias=%d wd=%.17g", (long long)s->out, s->bias ? 1 : 0, s->weight_decay);
        if (s->kind == TG_GNN_GAT)
            putf(b, " heads=%d concat=%d p=%.17g slope=%.17g", s->heads, s->concat ? 1 : 0, s->p, s->slope);
        if (s->kind == TG_GNN_DROPOUT) putf(b, " p=%.17g", s->p);
        if (s->kind == TG_GNN_LEAKY_RELU) putf(b, " slope=%.17g", s->slope);
        if (s->kind == TG_GNN_ELU) putf(b, " alpha=%.17g", s->alpha);
        if (s->kind == TG_GNN_GIN || s->kind == TG_GNN_GINE) putf(b, " eps=%.17g", s->eps);
        if (s->kind == TG_GNN_GINE || s->kind == TG_GNN_MPNN || s->kind == TG_GNN_EDGE_READOUT)
            putf(b, " edge_dim=%lld", (long long)s->edge_dim);
    }
}

/* The file of tg_gnn_model_save; ae, when not NULL, is the autoencoder's
 * standardisation written under the reserved key twingraph.autoencoder. */
static tg_status save_model(const tg_gnn_model *m, const char *path, int n_meta, const char *const *keys,
                            const char *const *values, const char *ae, char *msg)
{
    tg_msg_clear(msg);
    if (!m || !path || n_meta < 0 || (n_meta > 0 && (!keys || !values)))
        return tg_msg(msg, TG_ERR_ARG, "gnn.save: bad arguments");
    sbuf h = {0}, arch = {0};
    put_arch(&arch, m);
    puts_(&h, "{\"__metadata__\":{\"format\":\"pt\",\"twingraph.arch\":");
    put_json_string(&h, arch.p ? arch.p : "");
    putf(&h, ",\"twingraph.in_features\":\"%lld\"", (long long)m->in_f);
    if (m->fit[0]) {
        puts_(&h, ",\"twingraph.fit\":");
        put_json_string(&h, m->fit);
    }
    if (ae) {
        puts_(&h, ",\"twingraph.autoencoder\":");
        put_json_string(&h, ae);
    }
    for (int k = 0; k < n_meta; k++) {
        if (!keys[k] || !values[k] || strncmp(keys[k], "twingraph.", 10) == 0 || strcmp(keys[k], "format") == 0) {
            tg_free(h.p);
            tg_free(arch.p);
            return tg_msg(msg, TG_ERR_ARG, "gnn.save: metadata key %d is missing or reserved", k + 1);
        }
        if (!utf8_ok((const unsigned char *)keys[k], strlen(keys[k])) ||
            !utf8_ok((const unsigned char *)values[k], strlen(values[k]))) {
            tg_free(h.p);
            tg_free(arch.p);
            return tg_msg(msg, TG_ERR_ARG, "gnn.save: metadata entry %d is not valid UTF-8", k + 1);
        }
        puts_(&h, ",");
        put_json_string(&h, keys[k]);
        puts_(&h, ":");
        put_json_string(&h, values[k]);
    }
    puts_(&h, "}");
    uint64_t off = 0;
    for (int k = 0; k < m->np; k++) {
        const gnn_param *p = &m->params[k];
        uint64_t bytes = (uint64_t)(p->rows * p->cols) * 4;
        putf(&h, ",\"%s\":{\"dtype\":\"F32\",\"shape\":[%lld,%lld],\"data_offsets\":[%llu,%llu]}", p->name,
             (long long)p->rows, (long long)p->cols, (unsigned long long)off, (unsigned long long)(off + bytes));
        off += bytes;
    }
    puts_(&h, "}");
    while (!h.oom && h.n % 8) puts_(&h, " ");
    tg_free(arch.p);
    if (h.oom || arch.oom) {
        tg_free(h.p);
        return tg_msg(msg, TG_ERR_NOMEM, "gnn.save: out of memory");
    }
    /* Written to PATH.tmp and renamed: a failed save leaves any old file whole. */
    size_t plen = strlen(path);
    char *tmp = tg_malloc(plen + 5);
    if (!tmp) {
        tg_free(h.p);
        return tg_msg(msg, TG_ERR_NOMEM, "gnn.save: out of memory");
    }
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp", 5);
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        tg_free(h.p);
        tg_status e = tg_msg(msg, TG_ERR_IO, "%s: cannot open for writing: %s", tmp, strerror(errno));
        tg_free(tmp);
        return e;
    }
    unsigned char len8[8];
    for (int i = 0; i < 8; i++) len8[i] = (unsigned char)((uint64_t)h.n >> (8 * i));
    bool ok = fwrite(len8, 1, 8, f) == 8 && fwrite(h.p, 1, h.n, f) == h.n;
    tg_free(h.p);
    /* Little-endian bytes whatever the host order. */
    unsigned char buf[4096];
    size_t nb = 0;
    for (int k = 0; k < m->np && ok; k++) {
        const gnn_param *p = &m->params[k];
        for (int64_t i = 0; i < p->rows * p->cols && ok; i++) {
            uint32_t u;
            memcpy(&u, &p->val[i], 4);
            for (int j = 0; j < 4; j++) buf[nb++] = (unsigned char)(u >> (8 * j));
            if (nb == sizeof buf) {
                ok = fwrite(buf, 1, nb, f) == nb;
                nb = 0;
            }
        }
    }
    if (ok && nb) ok = fwrite(buf, 1, nb, f) == nb;
    if (fclose(f) != 0) ok = false;
    tg_status st = TG_OK;
    if (!ok) st = tg_msg(msg, TG_ERR_IO, "%s: write failed", tmp);
    else if (rename(tmp, path) != 0) st = tg_msg(msg, TG_ERR_IO, "%s: cannot rename to %s: %s", tmp, path, strerror(errno));
    if (st != TG_OK) remove(tmp);
    tg_free(tmp);
    return st;
}

tg_status tg_gnn_model_save(const tg_gnn_model *m, const char *path, int n_meta, const char *const *keys,
                            const char *const *values, char *msg)
{
    return save_model(m, path, n_meta, keys, values, NULL, msg);
}

tg_status tg_gnn_i_model_save_ae(const tg_gnn_model *m, const char *path, const char *ae, char *msg)
{
    return save_model(m, path, 0, NULL, NULL, ae, msg);
}

/* ---- a small JSON reader for the header ----------------------------------- */

typedef struct jp { const char *p, *end, *start, *path; char *msg; tg_status err; } jp;

static void jfail(jp *j, const char *what)
{
    if (j->err == TG_OK)
        j->err = tg_msg(j->msg, TG_ERR_PARSE, "%s: bad safetensors header: %s at header byte %ld", j->path, what,
                        (long)(j->p - j->start));
}

static void ws(jp *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}

static bool lit(jp *j, char c)
{
    ws(j);
    if (j->p < j->end && *j->p == c) {
        j->p++;
        return true;
    }
    return false;
}

/* A string into a tg_malloc'd buffer (escapes decoded; \u to UTF-8 for the BMP). */
/* Four hex digits after "\u" (strtol would also take a sign, spaces or 0x). */
static long hex4(jp *j)
{
    long v = 0;
    if (j->end - j->p < 4) {
        jfail(j, "bad \\u escape");
        return -1;
    }
    for (int k = 0; k < 4; k++) {
        char c = *j->p++;
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) {
            jfail(j, "bad \\u escape");
            return -1;
        }
        v = v << 4 | d;
    }
    return v;
}

static char *jstring(jp *j)
{
    if (!lit(j, '"')) {
        jfail(j, "expected a string");
        return NULL;
    }
    sbuf b = {0};
    puts_(&b, "");
    while (j->p < j->end && *j->p != '"') {
        char c = *j->p++;
        if ((unsigned char)c < 0x20) {
            jfail(j, "control character in a string");
            break;
        }
        if (c != '\\') {
            put(&b, &c, 1);
            continue;
        }
        if (j->p >= j->end) break;
        c = *j->p++;
        const char *map = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
        const char *q = strchr(map, c);
        if (c && q) put(&b, &to[q - map], 1);
        else if (c == 'u') {
            long v = hex4(j);
            if (v < 0) break;
            if (v == 0) {
                /* Names are C strings: a NUL would cut them short. */
                jfail(j, "\\u0000 in a string");
                break;
            }
            if (v >= 0xDC00 && v <= 0xDFFF) {
                jfail(j, "lone low surrogate in a \\u escape");
                break;
            }
            if (v >= 0xD800 && v <= 0xDBFF) {
                /* A pair encodes one code point above U+FFFF: 4 bytes of UTF-8. */
                long lo = -1;
                if (j->end - j->p >= 2 && j->p[0] == '\\' && j->p[1] == 'u') {
                    j->p += 2;
                    lo = hex4(j);
                    if (lo < 0) break;
                }
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    jfail(j, "unpaired high surrogate in a \\u escape");
                    break;
                }
                long cp = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
                char u4[4] = {(char)(0xF0 | (cp >> 18)), (char)(0x80 | ((cp >> 12) & 0x3F)),
                              (char)(0x80 | ((cp >> 6) & 0x3F)), (char)(0x80 | (cp & 0x3F))};
                put(&b, u4, 4);
                continue;
            }
            char u[3];
            if (v < 0x80) put(&b, (u[0] = (char)v, u), 1);
            else if (v < 0x800) {
                u[0] = (char)(0xC0 | (v >> 6));
                u[1] = (char)(0x80 | (v & 0x3F));
                put(&b, u, 2);
            } else {
                u[0] = (char)(0xE0 | (v >> 12));
                u[1] = (char)(0x80 | ((v >> 6) & 0x3F));
                u[2] = (char)(0x80 | (v & 0x3F));
                put(&b, u, 3);
            }
        } else {
            jfail(j, "bad escape");
            break;
        }
    }
    if (j->err == TG_OK && !lit(j, '"')) jfail(j, "unterminated string");
    if (j->err == TG_OK && !b.oom && !utf8_ok((const unsigned char *)b.p, b.n)) jfail(j, "a string is not valid UTF-8");
    if (b.oom && j->err == TG_OK) j->err = tg_msg(j->msg, TG_ERR_NOMEM, "%s: out of memory", j->path);
    if (j->err != TG_OK) {
        tg_free(b.p);
        return NULL;
    }
    return b.p;
}

static bool juint(jp *j, uint64_t *v)
{
    ws(j);
    if (j->p >= j->end || *j->p < '0' || *j->p > '9') {
        jfail(j, "expected a non-negative integer");
        return false;
    }
    uint64_t x = 0;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
        if (x > (UINT64_MAX - 9) / 10) {
            jfail(j, "integer too large");
            return false;
        }
        x = x * 10 + (uint64_t)(*j->p++ - '0');
    }
    *v = x;
    return true;
}

/* [a, b, ...] of at most max unsigned integers. */
static int juints(jp *j, uint64_t *v, int max)
{
    if (!lit(j, '[')) {
        jfail(j, "expected '['");
        return -1;
    }
    int n = 0;
    if (lit(j, ']')) return 0;
    do {
        uint64_t x;
        if (!juint(j, &x)) return -1;
        if (n == max) {
            jfail(j, "array too long");
            return -1;
        }
        v[n++] = x;
    } while (lit(j, ','));
    if (!lit(j, ']')) {
        jfail(j, "expected ']'");
        return -1;
    }
    return n;
}

typedef struct st_tensor {
    char *name;
    int rank;
    uint64_t shape[4], begin, end;
} st_tensor;

typedef struct st_file {
    st_tensor *t;
    size_t nt, cap;
    char *arch, *in_f, *fit, *ae;
    unsigned char *data;
    uint64_t data_len;
} st_file;

static int by_name(const void *a, const void *b)
{
    return strcmp(((const st_tensor *)a)->name, ((const st_tensor *)b)->name);
}

/* By begin, then end, so an empty tensor comes before one starting at the same byte. */
static int by_offset(const void *a, const void *b)
{
    const st_tensor *x = a, *y = b;
    if (x->begin != y->begin) return x->begin < y->begin ? -1 : 1;
    return (x->end > y->end) - (x->end < y->end);
}

static void st_free(st_file *f)
{
    for (size_t k = 0; k < f->nt; k++) tg_free(f->t[k].name);
    tg_free(f->t);
    tg_free(f->arch);
    tg_free(f->in_f);
    tg_free(f->fit);
    tg_free(f->ae);
    tg_free(f->data);
    memset(f, 0, sizeof *f);
}

static void parse_meta(jp *j, st_file *f)
{
    if (!lit(j, '{')) return jfail(j, "__metadata__ must be an object");
    if (lit(j, '}')) return;
    do {
        char *k = jstring(j);
        if (!k) return;
        if (!lit(j, ':')) {
            tg_free(k);
            return jfail(j, "expected ':'");
        }
        char *v = jstring(j);
        if (!v) {
            tg_free(k);
            return;
        }
        if (strcmp(k, "twingraph.arch") == 0 && !f->arch) f->arch = v;
        else if (strcmp(k, "twingraph.in_features") == 0 && !f->in_f) f->in_f = v;
        else if (strcmp(k, "twingraph.fit") == 0 && !f->fit) f->fit = v;
        else if (strcmp(k, "twingraph.autoencoder") == 0 && !f->ae) f->ae = v;
        else tg_free(v);
        tg_free(k);
    } while (lit(j, ','));
    if (!lit(j, '}')) jfail(j, "expected '}' after __metadata__");
}

static void parse_tensor(jp *j, st_tensor *t)
{
    bool dtype = false, shape = false, offs = false;
    if (!lit(j, '{')) return jfail(j, "a tensor entry must be an object");
    do {
        char *k = jstring(j);
        if (!k) return;
        if (!lit(j, ':')) {
            tg_free(k);
            return jfail(j, "expected ':'");
        }
        if (strcmp(k, "dtype") == 0) {
            char *v = jstring(j);
            if (v && strcmp(v, "F32") != 0) {
                if (j->err == TG_OK)
                    j->err = tg_msg(j->msg, TG_ERR_PARSE, "%s: tensor %s has dtype %s; only F32 is supported", j->path,
                                    t->name, v);
            }
            tg_free(v);
            dtype = true;
        } else if (strcmp(k, "shape") == 0) {
            t->rank = juints(j, t->shape, 4);
            shape = true;
        } else if (strcmp(k, "data_offsets") == 0) {
            uint64_t o[2];
            if (juints(j, o, 2) == 2) {
                t->begin = o[0];
                t->end = o[1];
            } else jfail(j, "data_offsets needs two integers");
            offs = true;
        } else jfail(j, "unknown field in a tensor entry");
        tg_free(k);
        if (j->err != TG_OK) return;
    } while (lit(j, ','));
    if (!lit(j, '}')) return jfail(j, "expected '}' after a tensor entry");
    if (!dtype || !shape || !offs) jfail(j, "a tensor entry lacks dtype, shape or data_offsets");
}

/* Read and check the whole file: header, entries, data bounds. */
static tg_status st_read(const char *path, st_file *f, char *msg)
{
    memset(f, 0, sizeof *f);
    FILE *fp = fopen(path, "rb");
    if (!fp) return tg_msg(msg, TG_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    unsigned char len8[8];
    char *hdr = NULL;
    tg_status s = TG_OK;
    long size = -1;
    if (fseek(fp, 0, SEEK_END) == 0) size = ftell(fp);
    rewind(fp);
    if (size < 8 || fread(len8, 1, 8, fp) != 8) {
        fclose(fp);
        return tg_msg(msg, TG_ERR_PARSE, "%s: not a safetensors file (shorter than 8 bytes)", path);
    }
    uint64_t n = 0;
    for (int i = 0; i < 8; i++) n |= (uint64_t)len8[i] << (8 * i);
    if (n < 2 || n > MAX_HEADER || n > (uint64_t)size - 8) {
        fclose(fp);
        return tg_msg(msg, TG_ERR_PARSE, "%s: bad safetensors header: length %llu does not fit the file (%ld bytes)",
                      path, (unsigned long long)n, size);
    }
    f->data_len = (uint64_t)size - 8 - n;
    if (!(hdr = tg_malloc(n + 1)) || !(f->data = tg_malloc(f->data_len ? f->data_len : 1))) {
        s = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path);
        goto done;
    }
    if (fread(hdr, 1, n, fp) != n || (f->data_len && fread(f->data, 1, f->data_len, fp) != f->data_len)) {
        s = tg_msg(msg, TG_ERR_IO, "%s: read failed", path);
        goto done;
    }
    hdr[n] = '\0';
    if (strlen(hdr) != n) {
        s = tg_msg(msg, TG_ERR_PARSE, "%s: bad safetensors header: NUL byte in the JSON", path);
        goto done;
    }
    jp j = {hdr, hdr + n, hdr, path, msg, TG_OK};
    if (!lit(&j, '{')) jfail(&j, "expected '{'");
    if (j.err == TG_OK && !lit(&j, '}')) {
        do {
            char *k = jstring(&j);
            if (!k) break;
            if (!lit(&j, ':')) {
                tg_free(k);
                jfail(&j, "expected ':'");
                break;
            }
            if (strcmp(k, "__metadata__") == 0) {
                tg_free(k);
                parse_meta(&j, f);
                continue;
            }
            if (tg_grow((void **)&f->t, &f->cap, f->nt + 1, sizeof *f->t) != TG_OK) {
                tg_free(k);
                j.err = tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path);
                break;
            }
            st_tensor *t = &f->t[f->nt++];
            memset(t, 0, sizeof *t);
            t->name = k;
            parse_tensor(&j, t);
        } while (j.err == TG_OK && lit(&j, ','));
        if (j.err == TG_OK && !lit(&j, '}')) jfail(&j, "expected '}' at the end");
    }
    ws(&j);
    if (j.err == TG_OK && j.p != j.end) jfail(&j, "trailing bytes after the JSON object");
    if ((s = j.err) != TG_OK) goto done;
    for (size_t k = 0; k < f->nt; k++) {
        st_tensor *t = &f->t[k];
        uint64_t cnt = 1;
        bool wrap = false;
        for (int r = 0; r < t->rank; r++) {
            if (t->shape[r] && cnt > UINT64_MAX / 4 / t->shape[r]) wrap = true;
            cnt *= t->shape[r];
        }
        if (wrap) {
            s = tg_msg(msg, TG_ERR_PARSE, "%s: tensor %s: the shape's size overflows", path, t->name);
            goto done;
        }
        if (t->end < t->begin || t->end - t->begin != cnt * 4) {
            s = tg_msg(msg, TG_ERR_PARSE, "%s: tensor %s: data_offsets [%llu, %llu] do not match its shape (%llu floats)",
                       path, t->name, (unsigned long long)t->begin, (unsigned long long)t->end, (unsigned long long)cnt);
            goto done;
        }
        if (t->end > f->data_len) {
            s = tg_msg(msg, TG_ERR_PARSE, "%s: truncated tensor %s: needs bytes %llu..%llu of the data, the file has %llu",
                       path, t->name, (unsigned long long)t->begin, (unsigned long long)t->end,
                       (unsigned long long)f->data_len);
            goto done;
        }
    }
    /* The format wants each name once and the tensors to tile the data
     * exactly: from byte 0, each starting where the previous one ends, the
     * last ending at the end of the file. */
    qsort(f->t, f->nt, sizeof *f->t, by_name);
    for (size_t k = 1; k < f->nt; k++)
        if (strcmp(f->t[k - 1].name, f->t[k].name) == 0) {
            s = tg_msg(msg, TG_ERR_PARSE, "%s: tensor %s appears twice in the header", path, f->t[k].name);
            goto done;
        }
    qsort(f->t, f->nt, sizeof *f->t, by_offset);
    uint64_t at = 0;
    for (size_t k = 0; k < f->nt; k++) {
        if (f->t[k].begin != at) {
            s = tg_msg(msg, TG_ERR_PARSE, "%s: tensor %s starts at data byte %llu, expected %llu "
                       "(tensors must be contiguous, without overlaps or gaps)", path, f->t[k].name,
                       (unsigned long long)f->t[k].begin, (unsigned long long)at);
            goto done;
        }
        at = f->t[k].end;
    }
    if (at != f->data_len) {
        s = tg_msg(msg, TG_ERR_PARSE, "%s: %llu bytes after the last tensor's data", path,
                   (unsigned long long)(f->data_len - at));
        goto done;
    }
done:
    fclose(fp);
    tg_free(hdr);
    if (s != TG_OK) st_free(f);
    return s;
}

/* Copy f's tensors into m after checking names and shapes of all. */
static tg_status st_apply(const st_file *f, tg_gnn_model *m, const char *path, char *msg)
{
    for (int k = 0; k < m->np; k++) {
        const gnn_param *p = &m->params[k];
        const st_tensor *t = NULL;
        for (size_t q = 0; q < f->nt && !t; q++)
            if (strcmp(f->t[q].name, p->name) == 0) t = &f->t[q];
        if (!t) return tg_msg(msg, TG_ERR_PARSE, "%s: tensor %s is missing", path, p->name);
        uint64_t r = t->rank >= 1 ? t->shape[0] : 1, c = t->rank == 2 ? t->shape[1] : 1;
        if (t->rank == 1) {
            c = r;
            r = 1;
        }
        if (t->rank > 2 || r != (uint64_t)p->rows || c != (uint64_t)p->cols)
            return tg_msg(msg, TG_ERR_PARSE, "%s: shape mismatch: tensor %s is [%llu, %llu] in the file, the model needs [%lld, %lld]",
                          path, p->name, (unsigned long long)r, (unsigned long long)c, (long long)p->rows,
                          (long long)p->cols);
    }
    if (f->nt != (size_t)m->np)
        return tg_msg(msg, TG_ERR_PARSE, "%s: the file has %zu tensors, the model %d", path, f->nt, m->np);
    for (int k = 0; k < m->np; k++) {
        const gnn_param *p = &m->params[k];
        for (size_t q = 0; q < f->nt; q++)
            if (strcmp(f->t[q].name, p->name) == 0) {
                const unsigned char *b = f->data + f->t[q].begin;
                for (int64_t i = 0; i < p->rows * p->cols; i++, b += 4) {
                    uint32_t u = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
                    memcpy(&p->val[i], &u, 4);
                }
            }
    }
    return TG_OK;
}

tg_status tg_gnn_model_load_weights(tg_gnn_model *m, const char *path, char *msg)
{
    tg_msg_clear(msg);
    if (!m || !path) return tg_msg(msg, TG_ERR_ARG, "gnn.load_weights: bad arguments");
    st_file f;
    tg_status s = st_read(path, &f, msg);
    if (s == TG_OK) s = st_apply(&f, m, path, msg);
    st_free(&f);
    return s;
}

/* Parse "gcn out=16 bias=0 wd=0.0005;relu;..." into specs. */
static tg_status parse_arch(const char *arch, const char *path, tg_gnn_layer_spec **out, int *nl, char *msg)
{
    *out = NULL;
    *nl = 0;
    int cnt = 1;
    for (const char *p = arch; *p; p++) cnt += *p == ';';
    tg_gnn_layer_spec *L = tg_calloc((size_t)cnt, sizeof *L);
    char *copy = tg_strdup(arch);
    if (!L || !copy) {
        tg_free(L);
        tg_free(copy);
        return tg_msg(msg, TG_ERR_NOMEM, "%s: out of memory", path);
    }
    tg_status s = TG_OK;
    int k = 0;
    char *save1 = NULL;
    for (char *lay = strtok_r(copy, ";", &save1); lay && s == TG_OK; lay = strtok_r(NULL, ";", &save1), k++) {
        char *save2 = NULL, *name = strtok_r(lay, " ", &save2);
        int kind = tg_gnn_layer_kind_from_name(name);
        if (kind < 0) {
            s = tg_msg(msg, TG_ERR_PARSE, "%s: architecture layer %d: unknown kind '%s'", path, k + 1, name ? name : "");
            break;
        }
        L[k] = tg_gnn_layer_default((tg_gnn_layer_kind)kind);
        for (char *kv = strtok_r(NULL, " ", &save2); kv; kv = strtok_r(NULL, " ", &save2)) {
            char *eq = strchr(kv, '='), *e;
            if (!eq) {
                s = tg_msg(msg, TG_ERR_PARSE, "%s: architecture layer %d: '%s' is not key=value", path, k + 1, kv);
                break;
            }
            *eq = '\0';
            double v = strtod(eq + 1, &e);
            if (*e || e == eq + 1 || !isfinite(v)) {
                s = tg_msg(msg, TG_ERR_PARSE, "%s: architecture layer %d: bad number for %s", path, k + 1, kv);
                break;
            }
            /* Integer fields: range-check before the cast (a double beyond
             * the target type is undefined behaviour); tg_gnn_model_new
             * checks the exact limits. */
            bool int_key = strcmp(kv, "out") == 0 || strcmp(kv, "heads") == 0 || strcmp(kv, "edge_dim") == 0;
            if (int_key && !(v == floor(v) && v >= 0 && v <= 2147483647.0)) {
                s = tg_msg(msg, TG_ERR_PARSE, "%s: architecture layer %d: %s=%s is not an integer in 0..2^31-1",
                           path, k + 1, kv, eq + 1);
                break;
            }
            if (strcmp(kv, "out") == 0) L[k].out = (int64_t)v;
            else if (strcmp(kv, "bias") == 0) L[k].bias = v != 0;
            else if (strcmp(kv, "wd") == 0) L[k].weight_decay = v;
            else if (strcmp(kv, "heads") == 0) L[k].heads = (int)v;
            else if (strcmp(kv, "concat") == 0) L[k].concat = v != 0;
            else if (strcmp(kv, "p") == 0) L[k].p = v;
            else if (strcmp(kv, "slope") == 0) L[k].slope = v;
            else if (strcmp(kv, "alpha") == 0) L[k].alpha = v;
            else if (strcmp(kv, "eps") == 0) L[k].eps = v;
            else if (strcmp(kv, "edge_dim") == 0) L[k].edge_dim = (int64_t)v;
            else {
                s = tg_msg(msg, TG_ERR_PARSE, "%s: architecture layer %d: unknown key '%s'", path, k + 1, kv);
                break;
            }
        }
    }
    tg_free(copy);
    if (s != TG_OK || k == 0) {
        tg_free(L);
        return s != TG_OK ? s : tg_msg(msg, TG_ERR_PARSE, "%s: empty architecture", path);
    }
    *out = L;
    *nl = k;
    return TG_OK;
}

/* tg_gnn_model_load; ae (may be NULL) receives the twingraph.autoencoder
 * entry (NULL when the file has none), owned by the caller. */
static tg_status load_model(const char *path, tg_gnn_model **out, char **ae, char *msg)
{
    tg_msg_clear(msg);
    if (!path || !out) return tg_msg(msg, TG_ERR_ARG, "gnn.load: bad arguments");
    *out = NULL;
    if (ae) *ae = NULL;
    st_file f;
    tg_gnn_layer_spec *L = NULL;
    tg_gnn_model *m = NULL;
    int nl = 0;
    tg_status s = st_read(path, &f, msg);
    if (s != TG_OK) return s;
    if (!f.arch || !f.in_f) {
        s = tg_msg(msg, TG_ERR_PARSE, "%s: no twingraph.arch / twingraph.in_features in the metadata "
                                      "(use load_weights into a model built by hand)", path);
        goto done;
    }
    char *e;
    long long inf = strtoll(f.in_f, &e, 10);
    if (*e || inf <= 0 || inf > TG_GNN_MAX_IN_FEATURES) {
        s = tg_msg(msg, TG_ERR_PARSE, "%s: bad twingraph.in_features '%s'", path, f.in_f);
        goto done;
    }
    if ((s = parse_arch(f.arch, path, &L, &nl, msg)) != TG_OK) goto done;
    if ((s = tg_gnn_model_new(&m, nl, L, inf, 0, msg)) != TG_OK) goto done;
    if ((s = st_apply(&f, m, path, msg)) != TG_OK) goto done;
    if (f.fit) snprintf(m->fit, sizeof m->fit, "%s", f.fit);
    *out = m;
    m = NULL;
    if (ae) {
        *ae = f.ae;
        f.ae = NULL;
    }
done:
    tg_gnn_model_free(&m);
    tg_free(L);
    st_free(&f);
    return s;
}

tg_status tg_gnn_model_load(const char *path, tg_gnn_model **out, char *msg)
{
    return load_model(path, out, NULL, msg);
}

tg_status tg_gnn_i_model_load_ae(const char *path, tg_gnn_model **out, char **ae, char *msg)
{
    return load_model(path, out, ae, msg);
}
