/* strmap.c: open-addressing (linear probing) hash map from borrowed string
 * keys to int64 values, FNV-1a hashed.  Load factor kept under 1/2. */
#include "tg_core.h"

#include <string.h>

typedef struct slot { const char *key; uint32_t len; uint32_t hash; int64_t value; } slot;

struct tg_strmap {
    slot *slots;
    size_t cap;     /* power of two */
    size_t count;
};

static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

tg_status tg_strmap_new(tg_strmap **m, size_t expected)
{
    *m = NULL;
    tg_strmap *map = tg_calloc(1, sizeof *map);
    if (!map) return TG_ERR_NOMEM;
    size_t cap = 16;
    while (cap < 2 * expected + 2) cap *= 2;
    map->slots = tg_calloc(cap, sizeof *map->slots);
    if (!map->slots) {
        tg_free(map);
        return TG_ERR_NOMEM;
    }
    map->cap = cap;
    *m = map;
    return TG_OK;
}

void tg_strmap_free(tg_strmap **m)
{
    if (!m || !*m) return;
    tg_free((*m)->slots);
    tg_free(*m);
    *m = NULL;
}

void tg_strmap_clear(tg_strmap *m)
{
    memset(m->slots, 0, m->cap * sizeof *m->slots);
    m->count = 0;
}

size_t tg_strmap_count(const tg_strmap *m) { return m->count; }

static slot *find(slot *slots, size_t cap, const char *key, size_t len, uint32_t h)
{
    size_t i = h & (cap - 1);
    for (;;) {
        slot *s = &slots[i];
        if (!s->key) return s;
        if (s->hash == h && s->len == len && memcmp(s->key, key, len) == 0) return s;
        i = (i + 1) & (cap - 1);
    }
}

static tg_status rehash(tg_strmap *m)
{
    size_t ncap = m->cap * 2;
    slot *ns = tg_calloc(ncap, sizeof *ns);
    if (!ns) return TG_ERR_NOMEM;
    for (size_t i = 0; i < m->cap; i++) {
        slot *s = &m->slots[i];
        if (s->key) *find(ns, ncap, s->key, s->len, s->hash) = *s;
    }
    tg_free(m->slots);
    m->slots = ns;
    m->cap = ncap;
    return TG_OK;
}

tg_status tg_strmap_put(tg_strmap *m, const char *key, int64_t value, int64_t *old)
{
    size_t len = strlen(key);
    if (len > UINT32_MAX) return TG_ERR_LIMIT;
    if (2 * (m->count + 1) > m->cap && rehash(m) != TG_OK) return TG_ERR_NOMEM;
    uint32_t h = hash_bytes(key, len);
    slot *s = find(m->slots, m->cap, key, len, h);
    if (s->key) {
        if (old) *old = s->value;
        return TG_ERR_ID;
    }
    s->key = key;
    s->len = (uint32_t)len;
    s->hash = h;
    s->value = value;
    m->count++;
    return TG_OK;
}

int64_t tg_strmap_getn(const tg_strmap *m, const char *key, size_t len)
{
    slot *s = find(m->slots, m->cap, key, len, hash_bytes(key, len));
    return s->key ? s->value : -1;
}

int64_t tg_strmap_get(const tg_strmap *m, const char *key)
{
    return tg_strmap_getn(m, key, strlen(key));
}
