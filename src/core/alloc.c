/* alloc.c: the one replaceable allocator (shaped like lua_Alloc) and the
 * pooled strings built on it. */
#include "tg_core.h"

#include <stdlib.h>
#include <string.h>

static void *default_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    (void)ud;
    (void)osize;
    if (nsize == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, nsize);
}

static tg_alloc_fn alloc_fn = default_alloc;
static void *alloc_ud = NULL;

void tg_set_allocator(tg_alloc_fn fn, void *ud)
{
    alloc_fn = fn ? fn : default_alloc;
    alloc_ud = fn ? ud : NULL;
}

void *tg_malloc(size_t n) { return alloc_fn(alloc_ud, NULL, 0, n ? n : 1); }

void *tg_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) return NULL;
    size_t n = count * size;
    void *p = tg_malloc(n);
    if (p) memset(p, 0, n ? n : 1);
    return p;
}

void *tg_realloc(void *p, size_t n) { return alloc_fn(alloc_ud, p, 0, n ? n : 1); }

void tg_free(void *p)
{
    if (p) alloc_fn(alloc_ud, p, 0, 0);
}

char *tg_strndup(const char *s, size_t n)
{
    char *d = tg_malloc(n + 1);
    if (!d) return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

char *tg_strdup(const char *s) { return tg_strndup(s, strlen(s)); }

tg_status tg_grow(void **p, size_t *cap, size_t need, size_t sz)
{
    if (need <= *cap) return TG_OK;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2 / sz) return TG_ERR_NOMEM;
        ncap *= 2;
    }
    void *q = tg_realloc(*p, ncap * sz);
    if (!q) return TG_ERR_NOMEM;
    *p = q;
    *cap = ncap;
    return TG_OK;
}

/* ---- string pool ---- */

enum { POOL_BLOCK = 64 * 1024 };

typedef struct pool_block {
    struct pool_block *next;
    size_t used, size;
    char data[];
} pool_block;

struct tg_pool { pool_block *head; };

tg_status tg_pool_new(tg_pool **p)
{
    *p = tg_calloc(1, sizeof **p);
    return *p ? TG_OK : TG_ERR_NOMEM;
}

void tg_pool_free(tg_pool **p)
{
    if (!p || !*p) return;
    pool_block *b = (*p)->head;
    while (b) {
        pool_block *n = b->next;
        tg_free(b);
        b = n;
    }
    tg_free(*p);
    *p = NULL;
}

const char *tg_pool_add(tg_pool *p, const char *s, size_t len)
{
    pool_block *b = p->head;
    if (!b || b->size - b->used < len + 1) {
        size_t size = len + 1 > POOL_BLOCK ? len + 1 : POOL_BLOCK;
        pool_block *nb = tg_malloc(sizeof *nb + size);
        if (!nb) return NULL;
        nb->next = b;
        nb->used = 0;
        nb->size = size;
        p->head = b = nb;
    }
    char *d = b->data + b->used;
    memcpy(d, s, len);
    d[len] = '\0';
    b->used += len + 1;
    return d;
}
