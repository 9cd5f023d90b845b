/* mining_internal.h: structures shared by the files of src/mining. */
#ifndef TG_MINING_INTERNAL_H
#define TG_MINING_INTERNAL_H

#include <zlib.h>

#include "tg_mining.h"

struct tg_txdb {
    tg_pool *pool;              /* item names */
    tg_strmap *map;             /* name -> item index */
    const char **names;
    uint32_t *name_len;
    size_t names_cap;
    int32_t nitems;
    int64_t ntx;
    int64_t *off;               /* transaction t: items[off[t] .. off[t+1]) */
    size_t off_cap;
    int32_t *items;
    int64_t nitems_total;
    size_t items_cap;
};

/* TG_OK, or TG_ERR_IO naming path when zlib saw a corrupt or truncated
 * stream (it says so only once reading has ended). */
tg_status tg_mining_i_gz_check(gzFile z, const char *path, char *msg);

#endif
