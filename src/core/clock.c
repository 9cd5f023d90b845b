/* clock.c: monotonic timers, log levels and the terminal progress bar. */
#define _POSIX_C_SOURCE 200809L
#include "tg_core.h"

#include <time.h>
#include <unistd.h>

double tg_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static tg_log_level log_level = TG_LOG_WARN;

void tg_log_set_level(tg_log_level level) { log_level = level; }
tg_log_level tg_log_get_level(void) { return log_level; }

void tg_log(tg_log_level level, const char *fmt, ...)
{
    static const char *names[] = {"error", "warning", "info", "debug"};
    if (level > log_level) return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "twingraph: %s: ", names[level]);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static int progress_forced = -1;

void tg_progress_force(int on) { progress_forced = on < 0 ? -1 : !!on; }

static void draw(tg_progress *p, int64_t done)
{
    enum { WIDTH = 30 };
    double frac = p->total > 0 ? (double)done / (double)p->total : 0.0;
    if (frac > 1.0) frac = 1.0;
    int fill = (int)(frac * WIDTH);
    char bar[WIDTH + 1];
    for (int i = 0; i < WIDTH; i++) bar[i] = i < fill ? '#' : '.';
    bar[WIDTH] = '\0';
    fprintf(stderr, "\r%s [%s] %3d%% %.1fs", p->label, bar, (int)(100.0 * frac),
            tg_now() - p->start);
    fflush(stderr);
}

void tg_progress_start(tg_progress *p, const char *label, int64_t total)
{
    p->label = label ? label : "";
    p->total = total;
    p->start = p->last_draw = tg_now();
    p->drawn = false;
    p->enabled = progress_forced >= 0 ? progress_forced : isatty(STDERR_FILENO);
}

void tg_progress_update(tg_progress *p, int64_t done)
{
    if (!p->enabled) return;
    /* Quick work draws nothing: the bar appears after half a second. */
    double t = tg_now();
    if (t - p->start < 0.5 || t - p->last_draw < 0.1) return;
    p->last_draw = t;
    p->drawn = true;
    draw(p, done);
}

void tg_progress_finish(tg_progress *p)
{
    if (!p->enabled || !p->drawn) return;
    draw(p, p->total);
    fputc('\n', stderr);
}
