/* ljson.c: tg.json.encode and tg.json.decode, so scripts can print results
 * other tools read and tests can read golden files.
 *
 * encode: tables with keys 1..n become arrays, other tables objects with
 * keys sorted (stable output); numbers use %.17g (exact round trip);
 * NaN and infinities become null; tg.Vector becomes an array.
 * decode: RFC 8259 JSON; null becomes tg.json.null (a sentinel) in arrays
 * and is dropped from objects. */
#include <errno.h>
#include <lauxlib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../core/tg_core.h"
#include "tg_lua.h"

enum { MAX_DEPTH = 128 };

/* The encoder's output buffer.  Not a luaL_Buffer: encoding pushes values
 * while text is being added, which luaL_Buffer's stack discipline forbids.
 * It lives in a userdata whose __gc frees it, so a raised error leaks
 * nothing. */
typedef struct jbuf { char *p; size_t n, cap; } jbuf;

static int jbuf_gc(lua_State *L)
{
    jbuf *b = lua_touserdata(L, 1);
    tg_free(b->p);
    b->p = NULL;
    return 0;
}

static void jbuf_addlstring(lua_State *L, jbuf *b, const char *s, size_t len)
{
    if (b->n + len > b->cap) {
        size_t ncap = b->cap ? b->cap : 256;
        while (ncap < b->n + len) ncap *= 2;
        char *q = tg_realloc(b->p, ncap);
        if (!q) luaL_error(L, "json.encode: out of memory");
        b->p = q;
        b->cap = ncap;
    }
    memcpy(b->p + b->n, s, len);
    b->n += len;
}

#define ADDS(b, s) jbuf_addlstring(L, (b), (s), strlen(s))
#define ADDC(b, c) do { char c_ = (c); jbuf_addlstring(L, (b), &c_, 1); } while (0)


static void encode(lua_State *L, jbuf *b, int idx, int depth, bool pretty);

static void add_string(lua_State *L, jbuf *b, const char *s, size_t len)
{
    ADDC(b, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': ADDS(b, "\\\""); break;
        case '\\': ADDS(b, "\\\\"); break;
        case '\n': ADDS(b, "\\n"); break;
        case '\r': ADDS(b, "\\r"); break;
        case '\t': ADDS(b, "\\t"); break;
        default:
            if (c < 0x20) {
                char esc[8];
                snprintf(esc, sizeof esc, "\\u%04x", c);
                ADDS(b, esc);
            } else {
                ADDC(b, (char)c);
            }
        }
    }
    ADDC(b, '"');
}

static void add_number(lua_State *L, jbuf *b, int idx)
{
    char num[40];
    if (lua_isinteger(L, idx)) {
        snprintf(num, sizeof num, "%lld", (long long)lua_tointeger(L, idx));
    } else {
        double d = lua_tonumber(L, idx);
        if (!isfinite(d)) snprintf(num, sizeof num, "null");
        else if (d == floor(d) && fabs(d) < 1e15) snprintf(num, sizeof num, "%.1f", d);
        else snprintf(num, sizeof num, "%.17g", d);
    }
    ADDS(b, num);
}

static void newline(lua_State *L, jbuf *b, int depth, bool pretty)
{
    if (!pretty) return;
    ADDC(b, '\n');
    for (int i = 0; i < depth; i++) ADDS(b, "  ");
}

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool is_array(lua_State *L, int idx, lua_Integer *n)
{
    lua_Integer count = 0;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1) {
            lua_pop(L, 1);
            return false;
        }
        count++;
    }
    *n = count;
    return (lua_Integer)lua_rawlen(L, idx) == count;
}

static void encode_table(lua_State *L, jbuf *b, int idx, int depth, bool pretty)
{
    lua_Integer n;
    if (is_array(L, idx, &n) && (n > 0 || true)) {
        if (n == 0) {
            /* Empty table: an array, the common case for result lists. */
            ADDS(b, "[]");
            return;
        }
        ADDC(b, '[');
        for (lua_Integer i = 1; i <= n; i++) {
            if (i > 1) ADDC(b, ',');
            newline(L, b, depth + 1, pretty);
            lua_rawgeti(L, idx, i);
            encode(L, b, lua_gettop(L), depth + 1, pretty);
            lua_pop(L, 1);
        }
        newline(L, b, depth, pretty);
        ADDC(b, ']');
        return;
    }
    /* Object: map each key's JSON name to the original key (numbers are
     * named by their value), refuse two keys with one name, sort, emit. */
    lua_Integer nk = 0;
    lua_newtable(L);
    int keys = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);                          /* stack: key */
        int kt = lua_type(L, -1);
        if (kt == LUA_TSTRING) {
            lua_pushvalue(L, -1);
        } else if (kt == LUA_TNUMBER && lua_isinteger(L, -1)) {
            lua_pushfstring(L, "%I", (LUAI_UACINT)lua_tointeger(L, -1));
        } else if (kt == LUA_TNUMBER) {
            char num[40];
            snprintf(num, sizeof num, "%.17g", lua_tonumber(L, -1));
            lua_pushstring(L, num);
        } else {
            luaL_error(L, "json.encode: table keys must be strings or numbers, not %s",
                       luaL_typename(L, -1));
        }
        lua_pushvalue(L, -1);                   /* stack: key, name, name */
        if (lua_rawget(L, keys) != LUA_TNIL)
            luaL_error(L, "json.encode: two keys are both named \"%s\"", lua_tostring(L, -2));
        lua_pop(L, 1);
        lua_pushvalue(L, -2);                   /* stack: key, name, key */
        lua_rawset(L, keys);                    /* keys[name] = key */
        nk++;
    }
    const char **ks = lua_newuserdatauv(L, sizeof *ks * (size_t)(nk ? nk : 1), 0);
    lua_Integer i = 0;
    lua_pushnil(L);
    while (lua_next(L, keys)) {
        lua_pop(L, 1);
        ks[i++] = lua_tostring(L, -1);          /* anchored as a key of `keys` */
    }
    qsort(ks, (size_t)nk, sizeof *ks, cmp_keys);
    ADDC(b, '{');
    for (i = 0; i < nk; i++) {
        if (i > 0) ADDC(b, ',');
        newline(L, b, depth + 1, pretty);
        add_string(L, b, ks[i], strlen(ks[i]));
        ADDS(b, pretty ? ": " : ":");
        lua_pushstring(L, ks[i]);
        lua_rawget(L, keys);                    /* the original key */
        lua_rawget(L, idx);
        encode(L, b, lua_gettop(L), depth + 1, pretty);
        lua_pop(L, 1);
    }
    newline(L, b, depth, pretty);
    ADDC(b, '}');
    lua_pop(L, 2);   /* keys, ks */
}

static void encode(lua_State *L, jbuf *b, int idx, int depth, bool pretty)
{
    if (depth > MAX_DEPTH) luaL_error(L, "json.encode: nesting deeper than %d (a cycle?)", MAX_DEPTH);
    luaL_checkstack(L, 8, "json.encode");
    switch (lua_type(L, idx)) {
    case LUA_TNIL: ADDS(b, "null"); break;
    case LUA_TBOOLEAN: ADDS(b, lua_toboolean(L, idx) ? "true" : "false"); break;
    case LUA_TNUMBER: add_number(L, b, idx); break;
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        add_string(L, b, s, len);
        break;
    }
    case LUA_TTABLE: encode_table(L, b, idx, depth, pretty); break;
    case LUA_TLIGHTUSERDATA: ADDS(b, "null"); break;   /* tg.json.null */
    case LUA_TUSERDATA:
        if (luaL_getmetafield(L, idx, "__methods") != LUA_TNIL) {   /* tg.Vector */
            lua_getfield(L, -1, "totable");
            lua_pushvalue(L, idx);
            lua_call(L, 1, 1);
            lua_remove(L, -2);
            encode(L, b, lua_gettop(L), depth, pretty);
            lua_pop(L, 1);
            break;
        }
        /* fall through */
    default: luaL_error(L, "json.encode: cannot encode a %s", luaL_typename(L, idx));
    }
}

static int l_encode(lua_State *L)
{
    luaL_checkany(L, 1);
    bool pretty = false;
    if (!lua_isnoneornil(L, 2)) {
        static const char *const opts[] = {"indent", NULL};
        tg_lua_i_check_options(L, 2, opts);
        pretty = tg_lua_i_opt_bool(L, 2, "indent", false);
    }
    lua_settop(L, 1);
    jbuf *b = lua_newuserdatauv(L, sizeof *b, 0);   /* stack: value, buffer */
    b->p = NULL;
    b->n = b->cap = 0;
    lua_newtable(L);
    lua_pushcfunction(L, jbuf_gc);
    lua_setfield(L, -2, "__gc");
    lua_setmetatable(L, -2);
    encode(L, b, 1, 0, pretty);
    lua_pushlstring(L, b->p ? b->p : "", b->n);
    return 1;
}

/* ---- decoder ----------------------------------------------------------- */

typedef struct parser { const char *s, *end, *start; int depth; } parser;

static int perr(lua_State *L, parser *p, const char *what)
{
    int line = 1;
    for (const char *c = p->start; c < p->s && c < p->end; c++) line += *c == '\n';
    return luaL_error(L, "json.decode: line %d: %s", line, what);
}

static void skip_ws(parser *p)
{
    while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r')) p->s++;
}

static void decode_value(lua_State *L, parser *p);

static void utf8_add(luaL_Buffer *b, unsigned long cp)
{
    char out[4];
    int n;
    if (cp < 0x80) out[0] = (char)cp, n = 1;
    else if (cp < 0x800) out[0] = (char)(0xC0 | (cp >> 6)), out[1] = (char)(0x80 | (cp & 0x3F)), n = 2;
    else if (cp < 0x10000)
        out[0] = (char)(0xE0 | (cp >> 12)), out[1] = (char)(0x80 | ((cp >> 6) & 0x3F)),
        out[2] = (char)(0x80 | (cp & 0x3F)), n = 3;
    else
        out[0] = (char)(0xF0 | (cp >> 18)), out[1] = (char)(0x80 | ((cp >> 12) & 0x3F)),
        out[2] = (char)(0x80 | ((cp >> 6) & 0x3F)), out[3] = (char)(0x80 | (cp & 0x3F)), n = 4;
    luaL_addlstring(b, out, (size_t)n);
}

static unsigned long hex4(lua_State *L, parser *p)
{
    if (p->end - p->s < 4) perr(L, p, "truncated \\u escape");
    unsigned long v = 0;
    for (int i = 0; i < 4; i++) {
        char c = *p->s++;
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned long)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned long)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned long)(c - 'A' + 10);
        else perr(L, p, "bad \\u escape");
    }
    return v;
}

static void decode_string(lua_State *L, parser *p)
{
    luaL_Buffer b;
    p->s++;   /* opening quote */
    luaL_buffinit(L, &b);
    for (;;) {
        if (p->s >= p->end) perr(L, p, "unterminated string");
        char c = *p->s++;
        if (c == '"') break;
        if ((unsigned char)c < 0x20) perr(L, p, "control character in string");
        if (c != '\\') {
            luaL_addchar(&b, c);
            continue;
        }
        if (p->s >= p->end) perr(L, p, "unterminated escape");
        c = *p->s++;
        switch (c) {
        case '"': case '\\': case '/': luaL_addchar(&b, c); break;
        case 'b': luaL_addchar(&b, '\b'); break;
        case 'f': luaL_addchar(&b, '\f'); break;
        case 'n': luaL_addchar(&b, '\n'); break;
        case 'r': luaL_addchar(&b, '\r'); break;
        case 't': luaL_addchar(&b, '\t'); break;
        case 'u': {
            unsigned long cp = hex4(L, p);
            if (cp >= 0xD800 && cp < 0xDC00 && p->end - p->s >= 6 && p->s[0] == '\\' && p->s[1] == 'u') {
                p->s += 2;
                unsigned long lo = hex4(L, p);
                if (lo < 0xDC00 || lo > 0xDFFF) perr(L, p, "bad low surrogate in \\u escape");
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            utf8_add(&b, cp);
            break;
        }
        default: perr(L, p, "bad escape");
        }
    }
    luaL_pushresult(&b);
}

static void decode_number(lua_State *L, parser *p)
{
    const char *st = p->s;
    bool real = false;
    if (p->s < p->end && *p->s == '-') p->s++;
    while (p->s < p->end && ((*p->s >= '0' && *p->s <= '9') || *p->s == '.' || *p->s == 'e' ||
                             *p->s == 'E' || *p->s == '+' || *p->s == '-')) {
        real |= *p->s == '.' || *p->s == 'e' || *p->s == 'E';
        p->s++;
    }
    char buf[64];
    size_t len = (size_t)(p->s - st);
    if (len == 0 || len >= sizeof buf) perr(L, p, "bad number");
    memcpy(buf, st, len);
    buf[len] = '\0';
    char *endp;
    if (!real) {
        errno = 0;
        long long v = strtoll(buf, &endp, 10);
        if (*endp == '\0' && errno != ERANGE) {   /* out of range: a double below */
            lua_pushinteger(L, (lua_Integer)v);
            return;
        }
    }
    double d = strtod(buf, &endp);
    if (*endp != '\0') perr(L, p, "bad number");
    lua_pushnumber(L, d);
}

static void expect_word(lua_State *L, parser *p, const char *w)
{
    size_t n = strlen(w);
    if ((size_t)(p->end - p->s) < n || memcmp(p->s, w, n) != 0) perr(L, p, "unexpected character");
    p->s += n;
}

static void decode_value(lua_State *L, parser *p)
{
    skip_ws(p);
    if (p->s >= p->end) perr(L, p, "unexpected end of input");
    if (++p->depth > MAX_DEPTH) perr(L, p, "nesting too deep");
    luaL_checkstack(L, 4, "json.decode");
    char c = *p->s;
    if (c == '{') {
        p->s++;
        lua_newtable(L);
        skip_ws(p);
        if (p->s < p->end && *p->s == '}') p->s++;
        else for (;;) {
            skip_ws(p);
            if (p->s >= p->end || *p->s != '"') perr(L, p, "expected a string key");
            decode_string(L, p);
            skip_ws(p);
            if (p->s >= p->end || *p->s != ':') perr(L, p, "expected ':'");
            p->s++;
            decode_value(L, p);
            if (lua_islightuserdata(L, -1)) lua_pop(L, 2);   /* null: drop the key */
            else lua_rawset(L, -3);
            skip_ws(p);
            if (p->s < p->end && *p->s == ',') { p->s++; continue; }
            if (p->s < p->end && *p->s == '}') { p->s++; break; }
            perr(L, p, "expected ',' or '}'");
        }
    } else if (c == '[') {
        p->s++;
        lua_newtable(L);
        lua_Integer i = 0;
        skip_ws(p);
        if (p->s < p->end && *p->s == ']') p->s++;
        else for (;;) {
            decode_value(L, p);
            lua_rawseti(L, -2, ++i);
            skip_ws(p);
            if (p->s < p->end && *p->s == ',') { p->s++; continue; }
            if (p->s < p->end && *p->s == ']') { p->s++; break; }
            perr(L, p, "expected ',' or ']'");
        }
    } else if (c == '"') {
        decode_string(L, p);
    } else if (c == 't') {
        expect_word(L, p, "true");
        lua_pushboolean(L, 1);
    } else if (c == 'f') {
        expect_word(L, p, "false");
        lua_pushboolean(L, 0);
    } else if (c == 'n') {
        expect_word(L, p, "null");
        lua_pushlightuserdata(L, NULL);
    } else if (c == '-' || (c >= '0' && c <= '9')) {
        decode_number(L, p);
    } else {
        perr(L, p, "unexpected character");
    }
    p->depth--;
}

static int l_decode(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    parser p = {s, s + len, s, 0};
    decode_value(L, &p);
    skip_ws(&p);
    if (p.s != p.end) perr(L, &p, "trailing characters after the value");
    return 1;
}

int tg_lua_i_open_json(lua_State *L)
{
    static const luaL_Reg funcs[] = {{"encode", l_encode}, {"decode", l_decode}, {NULL, NULL}};
    luaL_newlib(L, funcs);
    lua_pushlightuserdata(L, NULL);
    lua_setfield(L, -2, "null");
    return 1;
}
