/* tape.c: the recording tape of reverse-mode differentiation and its arena.
 *
 * An epoch records the same operations with the same shapes every time, so
 * the arena that held the last epoch's tensors holds the next one's: reset
 * rewinds it, and if an epoch overflowed into extra blocks, reset replaces
 * everything by one block of the peak size.  From the second epoch on a
 * training step allocates nothing.
 */
#include <assert.h>
#include <string.h>

#include "gnn_internal.h"

#define ALIGN 64

void tg_gnn_i_tape_init(gnn_tape *t, uint64_t seed)
{
    memset(t, 0, sizeof *t);
    tg_rng_seed(&t->rng, seed);
}

static void free_extra(gnn_tape *t)
{
    while (t->extra) {
        gnn_block *b = t->extra;
        t->extra = b->next;
        tg_free(b);
    }
}

void tg_gnn_i_tape_free(gnn_tape *t)
{
    free_extra(t);
    tg_free(t->arena);
    tg_free(t->nodes);
    memset(t, 0, sizeof *t);
}

tg_status tg_gnn_i_tape_reset(gnn_tape *t, char *msg)
{
    t->n = 0;
    t->epoch_bytes = 0;
    t->nfreed = 0;
    t->err = TG_OK;
    t->msg[0] = '\0';
    if (t->extra) {
        free_extra(t);
        tg_free(t->arena);
        t->arena = NULL;
        t->arena_cap = 0;
        char *a = tg_malloc(t->peak + ALIGN);
        if (!a) {
            t->arena_used = 0;
            return tg_msg(msg, TG_ERR_NOMEM, "gnn: out of memory for the tensor arena (%zu bytes)", t->peak);
        }
        t->arena = a;
        t->arena_cap = t->peak + ALIGN;
    }
    t->arena_used = 0;
    return TG_OK;
}

static float *tape_alloc(gnn_tape *t, size_t n, bool zero);

float *tg_gnn_i_tape_floats(gnn_tape *t, size_t n) { return tape_alloc(t, n, true); }
float *tg_gnn_i_tape_floats_raw(gnn_tape *t, size_t n) { return tape_alloc(t, n, false); }

static size_t block_bytes(size_t n)
{
    size_t bytes = (n * sizeof(float) + ALIGN - 1) / ALIGN * ALIGN;
    return bytes ? bytes : ALIGN;
}

void tg_gnn_i_tape_release(gnn_tape *t, float *p, size_t n)
{
    if (!p || t->nfreed == (int)(sizeof t->freed / sizeof t->freed[0])) return;   /* full: kept until reset */
    t->freed[t->nfreed].p = (char *)p;
    t->freed[t->nfreed].bytes = block_bytes(n);
    t->nfreed++;
}

static float *tape_alloc(gnn_tape *t, size_t n, bool zero)
{
    size_t bytes = block_bytes(n);
    char *p = NULL;
    /* A given-back block first: the smallest that fits (the sequence of
     * requests is the same every epoch, so the choice is too). */
    int best = -1;
    for (int k = 0; k < t->nfreed; k++)
        if (t->freed[k].bytes >= bytes && (best < 0 || t->freed[k].bytes < t->freed[best].bytes)) best = k;
    if (best >= 0) {
        p = t->freed[best].p;
        t->freed[best] = t->freed[--t->nfreed];
        if (zero) memset(p, 0, bytes);
        return (float *)p;
    }
    uintptr_t base = (uintptr_t)t->arena;
    size_t off = t->arena ? (size_t)(((base + t->arena_used + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1)) - base) : 0;
    if (t->arena && off + bytes <= t->arena_cap) {
        p = t->arena + off;
        t->arena_used = off + bytes;
    } else {
        /* Overflow: a block of its own for this epoch, remembered for reset. */
        gnn_block *b = tg_malloc(sizeof(gnn_block) + ALIGN + bytes);
        if (!b) {
            if (t->err == TG_OK) {
                t->err = TG_ERR_NOMEM;
                snprintf(t->msg, sizeof t->msg, "gnn: out of memory for a tensor of %zu floats", n);
            }
            return NULL;
        }
        b->next = t->extra;
        t->extra = b;
        uintptr_t q = ((uintptr_t)(b + 1) + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);
        p = (char *)q;
        t->arena_used = t->arena_cap;   /* the rest of the arena stays unused this epoch */
    }
    t->epoch_bytes += bytes + ALIGN;
    if (t->epoch_bytes > t->peak) t->peak = t->epoch_bytes;
    if (zero) memset(p, 0, bytes);
    return (float *)p;
}
