/* main.c: the twingraph program.
 *
 *   twingraph SCRIPT.lua [ARGS...]   run a script (arguments in `arg`, as lua does)
 *   twingraph -e CODE                run a chunk
 *   twingraph NAME [ARGS...]         run the subcommand scripts/lua/cli/NAME.lua
 *   twingraph                        interactive prompt (on a terminal)
 *
 * Exit codes: 0 success, 1 the script raised an error, 2 bad usage. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../core/tg_core.h"
#include "../lua/tg_lua.h"

#ifndef TG_SHARE_DIR
#define TG_SHARE_DIR "/usr/local/share/twingraph/lua"
#endif

enum { EXIT_SCRIPT_ERROR = 1, EXIT_USAGE = 2 };

static const char USAGE[] =
    "usage: twingraph [options] [SCRIPT.lua [ARGS...]]\n"
    "       twingraph [options] -e CODE [ARGS...]\n"
    "       twingraph COMMAND [ARGS...]      (twingraph help lists the commands)\n"
    "\n"
    "Graph analytics for system digital twins, scripted in Lua.\n"
    "\n"
    "options:\n"
    "  -e CODE                run CODE instead of a script file\n"
    "  --sandbox              untrusted script: no io, os, package, debug, bytecode;\n"
    "                         the tg API may read files but not write them\n"
    "  --max-memory SIZE      cap on the script's memory (e.g. 512M, 2G); implies nothing else\n"
    "  --max-instructions N   cap on Lua VM instructions (e.g. 1e9)\n"
    "  -h, --help             this help\n"
    "  -v, --version          print the version\n"
    "\n"
    "With no script, on a terminal, twingraph starts an interactive prompt.\n"
    "Exit status: 0 success, 1 the script raised an error, 2 bad usage.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "twingraph: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'twingraph --help'.\n");
    return EXIT_USAGE;
}

/* "512M" -> bytes; 0 on a malformed value. */
static size_t parse_size(const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || !(v > 0)) return 0;
    double mult = 1;
    if (*end == 'K' || *end == 'k') mult = 1024.0, end++;
    else if (*end == 'M' || *end == 'm') mult = 1024.0 * 1024, end++;
    else if (*end == 'G' || *end == 'g') mult = 1024.0 * 1024 * 1024, end++;
    if (*end == 'B' || *end == 'b') end++;
    if (*end) return 0;
    double bytes = v * mult;
    return bytes >= 1 && bytes < 1e18 ? (size_t)bytes : 0;
}

static long long parse_count(const char *s)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 1) || v > 9e18) return 0;
    return (long long)v;
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The folder of Lua scripts: $TWINGRAPH_LUA, next to the program
 * (build/../scripts/lua or ./scripts/lua), or the installed share dir. */
static void script_dir(char *out, size_t n)
{
    const char *env = getenv("TWINGRAPH_LUA");
    if (env && *env) {
        snprintf(out, n, "%s", env);
        return;
    }
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) *slash = '\0';
        const char *rel[] = {"/../scripts/lua", "/scripts/lua", "/../share/twingraph/lua"};
        for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
            char probe[4200];
            snprintf(probe, sizeof probe, "%.4000s%s/cli/help.lua", exe, rel[i]);
            if (is_file(probe)) {
                snprintf(out, n, "%.4000s%s", exe, rel[i]);
                return;
            }
        }
    }
    snprintf(out, n, "%s", TG_SHARE_DIR);
}

/* Set a global with rawset: the sandbox locks globals against assignment. */
static void set_global(lua_State *L, const char *name)
{
    lua_pushglobaltable(L);
    lua_insert(L, -2);
    lua_pushstring(L, name);
    lua_insert(L, -2);
    lua_rawset(L, -3);
    lua_pop(L, 1);
}

/* Set global `arg` as the lua interpreter does: arg[0] = script,
 * arg[1..] = its arguments, negative indices for what came before. */
static void set_args(lua_State *L, char **argv, int argc, int script)
{
    lua_createtable(L, argc - script - 1, script + 1);
    for (int i = 0; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i - script);
    }
    set_global(L, "arg");
}

static int run_chunk(lua_State *L, int status, int nargs_from, char **argv, int argc)
{
    if (status != LUA_OK) {
        fprintf(stderr, "twingraph: %s\n", lua_tostring(L, -1));
        lua_pop(L, 1);
        return EXIT_SCRIPT_ERROR;
    }
    int nargs = 0;
    for (int i = nargs_from; i < argc; i++, nargs++) lua_pushstring(L, argv[i]);
    return tg_lua_pcall(L, nargs, 0) == LUA_OK ? 0 : EXIT_SCRIPT_ERROR;
}

static int repl(lua_State *L)
{
    printf("twingraph %s  (Lua 5.4; tg.* is loaded; Ctrl-D to quit)\n", TG_VERSION);
    char line[8192];
    for (;;) {
        fputs("> ", stdout);
        fflush(stdout);
        if (!fgets(line, sizeof line, stdin)) break;
        /* Try as an expression first, so "g:node_count()" prints its value. */
        lua_pushfstring(L, "return %s", line);
        int st = luaL_loadbufferx(L, lua_tostring(L, -1), lua_rawlen(L, -1), "=stdin", "t");
        lua_remove(L, -2);
        if (st != LUA_OK) {
            lua_pop(L, 1);
            st = luaL_loadbufferx(L, line, strlen(line), "=stdin", "t");
        }
        if (st != LUA_OK) {
            fprintf(stderr, "%s\n", lua_tostring(L, -1));
            lua_pop(L, 1);
            continue;
        }
        int base = lua_gettop(L) - 1;
        if (tg_lua_pcall(L, 0, LUA_MULTRET) != LUA_OK) continue;
        int n = lua_gettop(L) - base;
        if (n > 0) {
            lua_getglobal(L, "print");
            lua_insert(L, base + 1);
            if (lua_pcall(L, n, 0, 0) != LUA_OK) {
                fprintf(stderr, "%s\n", lua_tostring(L, -1));
                lua_pop(L, 1);
            }
        }
        lua_settop(L, base);
    }
    putchar('\n');
    return 0;
}

int main(int argc, char **argv)
{
    tg_lua_limits lim = {0};
    const char *code = NULL;
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(USAGE, stdout);
            return 0;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--version") == 0) {
            printf("twingraph %s (%s)\n", TG_VERSION, LUA_RELEASE);
            return 0;
        } else if (strcmp(a, "--sandbox") == 0) {
            lim.sandbox = true;
        } else if (strcmp(a, "--max-memory") == 0) {
            if (++i >= argc) return usage_error("%s needs a size", a);
            if (!(lim.max_memory = parse_size(argv[i])))
                return usage_error("bad --max-memory size '%s' (e.g. 512M)", argv[i]);
        } else if (strcmp(a, "--max-instructions") == 0) {
            if (++i >= argc) return usage_error("%s needs a count", a);
            if (!(lim.max_instructions = parse_count(argv[i])))
                return usage_error("bad --max-instructions count '%s'", argv[i]);
        } else if (strcmp(a, "-e") == 0) {
            if (++i >= argc) return usage_error("%s needs a chunk of code", a);
            code = argv[i];
            i++;
            break;
        } else if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown option '%s'", a);
        } else {
            break;
        }
    }

    lua_State *L = tg_lua_new_state(&lim);
    if (!L) {
        fprintf(stderr, "twingraph: cannot create a Lua state: out of memory\n");
        return EXIT_SCRIPT_ERROR;
    }
    char dir[4096];
    script_dir(dir, sizeof dir);
    if (!lim.sandbox) {
        /* Let scripts `require` the shipped Lua modules (scripts/lua/lib). */
        lua_getglobal(L, "package");
        lua_pushfstring(L, "%s/lib/?.lua;", dir);
        lua_getfield(L, -2, "path");
        lua_concat(L, 2);
        lua_setfield(L, -2, "path");
        lua_pop(L, 1);
    }
    int rc;
    if (code) {
        set_args(L, argv, argc, i - 1);
        rc = run_chunk(L, luaL_loadbufferx(L, code, strlen(code), "=(command line)", "t"), i, argv, argc);
    } else if (i < argc) {
        const char *script = argv[i];
        char path[4200];
        size_t len = strlen(script);
        bool is_lua = len > 4 && strcmp(script + len - 4, ".lua") == 0;
        if (!is_lua && !strchr(script, '/')) {
            snprintf(path, sizeof path, "%s/cli/%s.lua", dir, script);
            if (!is_file(path)) {
                tg_lua_close(L);
                return usage_error("unknown command or script '%s' (twingraph help lists commands)",
                                   script);
            }
            script = path;
        } else if (!is_file(script)) {
            tg_lua_close(L);
            fprintf(stderr, "twingraph: cannot open %s: %s\n", script, strerror(errno ? errno : ENOENT));
            return EXIT_USAGE;
        }
        set_args(L, argv, argc, i);
        lua_pushstring(L, dir);
        set_global(L, "TWINGRAPH_LUA");
        rc = run_chunk(L, luaL_loadfilex(L, script, "t"), i + 1, argv, argc);
    } else if (isatty(STDIN_FILENO)) {
        rc = repl(L);
    } else {
        /* Script on standard input. */
        set_args(L, argv, argc, 0);
        rc = run_chunk(L, luaL_loadfilex(L, NULL, "t"), argc, argv, argc);
    }
    tg_lua_close(L);
    return rc;
}
