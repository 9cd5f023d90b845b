/* lgraph_internal.h: what the binding files share about tg.Graph. */
#ifndef TG_LGRAPH_INTERNAL_H
#define TG_LGRAPH_INTERNAL_H

#include <lua.h>

#include "../graph/tg_graph.h"

#define GRAPH_MT "tg.Graph"

/* The graph of the tg.Graph at idx; raises a Lua error if it is not one
 * or has been closed. */
tg_graph *tg_lua_i_graph(lua_State *L, int idx);
/* Push a new tg.Graph owning g (ownership moves: *g becomes NULL). */
void tg_lua_i_push_graph(lua_State *L, tg_graph **g);

#endif
