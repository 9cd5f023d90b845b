/* io_internal.h: shared internals of the graph readers and writers
 * (io.c dispatches; io_graphml.c, io_csv.c, io_dot.c, io_sqlite.c hold one
 * format each).  Only files of the graph module include this. */
#ifndef TG_IO_INTERNAL_H
#define TG_IO_INTERNAL_H

#include "graph_internal.h"

/* Limits shared by the readers. */
#define TG_IO_MAX_VALUE (1024 * 1024)   /* bytes in one XML attribute or value */
#define TG_IO_MAX_DEPTH 64              /* XML element nesting */

/* ---- whole-file buffers ------------------------------------------------ */

/* Read the file at path into *buf (tg_malloc'd, NUL-terminated, caller
 * frees with tg_free), *len bytes without the NUL.  TG_ERR_IO names the
 * path and the system reason. */
tg_status tg_io_i_slurp(const char *path, char **buf /* OUT */, size_t *len /* OUT */,
                        char *msg);

/* Check that path opens and is not empty: TG_ERR_IO (with the system
 * reason) or TG_ERR_PARSE "path:1: file is empty"; TG_OK otherwise. */
tg_status tg_io_i_probe(const char *path, char *msg);

/* ---- numbers ----------------------------------------------------------- */

typedef enum tg_num_kind {
    TG_NUM_INT = 0,     /* an integer literal in int64 range */
    TG_NUM_DOUBLE,      /* a finite or infinite number, not an int literal */
    TG_NUM_INT_RANGE,   /* an integer literal outside int64 (value in *d) */
    TG_NUM_NAN,         /* "nan" in any spelling: refused as a number */
    TG_NUM_RANGE,       /* overflows the double range ("1e999") */
    TG_NUM_NONE,        /* not a number (or empty) */
} tg_num_kind;

/* Classify the n bytes at s (no surrounding blanks) as a number: *i gets
 * the value of an int literal, *d the double value of any number. */
tg_num_kind tg_io_i_number(const char *s, size_t n, int64_t *i /* OUT */, double *d /* OUT */);

/* Shortest text that reads back to the same double ("%.17g"; INF and -INF
 * for infinities).  buf holds at least 32 bytes.  With force_point, an
 * integral finite value gets ".0" so it is not read back as an int. */
void tg_io_i_format_double(double v, bool force_point, char *buf);

/* ---- per-format entry points ------------------------------------------- */

tg_status tg_io_i_read_graphml(const char *path, const tg_read_opts *o, tg_graph **g, char *msg);
tg_status tg_io_i_read_csv(const char *path, const tg_read_opts *o, tg_graph **g, char *msg);
tg_status tg_io_i_read_matrix(const char *path, const tg_read_opts *o, tg_graph **g, char *msg);
tg_status tg_io_i_read_sqlite(const char *path, const tg_read_opts *o, tg_graph **g, char *msg);

/* Writers of text formats write to f (an open temporary file); path is the
 * final name, for messages only. */
tg_status tg_io_i_write_graphml(const tg_graph *g, FILE *f, const char *path, char *msg);
tg_status tg_io_i_write_csv(const tg_graph *g, FILE *f, const char *path, char *msg);
tg_status tg_io_i_write_dot(const tg_graph *g, FILE *f, const char *path, char *msg);
/* The SQLite writer creates its database at tmp_path (an empty file). */
tg_status tg_io_i_write_sqlite(const tg_graph *g, const char *tmp_path, const char *path,
                               char *msg);

#endif
