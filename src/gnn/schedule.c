/* schedule.c: learning-rate schedules for tg_gnn_fit and the link task.
 *
 * A schedule gives the learning rate of each epoch (0-based e):
 *   warm-up (any kind, W = warmup epochs): lr0 (s + (1 - s) e / W), e < W;
 *   then, with t = e - W:
 *   step:        lr0 decay^floor(t / step)
 *   cosine:      lr_min + (lr0 - lr_min) (1 + cos(pi t / T)) / 2, t <= T; lr_min after T
 *   exponential: lr0 gamma^t
 *   plateau:     lr0 times factor each time the watched metric (validation
 *                loss) has not improved by the relative threshold for more
 *                than `patience` epochs, never below lr_min, then `cooldown`
 *                epochs without counting.
 * These are the rules of PyTorch's LinearLR + SequentialLR, StepLR,
 * CosineAnnealingLR (closed form, up to T), ExponentialLR and
 * ReduceLROnPlateau(mode = "min", threshold_mode = "rel"); the unit test
 * compares the rates with values PyTorch printed (tests/gnn/make_golden_tasks.py).
 */
#include <math.h>
#include <string.h>

#include "gnn_internal.h"

tg_gnn_schedule tg_gnn_schedule_default(tg_gnn_sched_kind kind)
{
    tg_gnn_schedule s;
    memset(&s, 0, sizeof s);
    s.kind = kind;
    s.warmup_start = 1.0 / 3.0;   /* torch.optim.lr_scheduler.LinearLR's default */
    s.gamma = kind == TG_GNN_SCHED_PLATEAU ? 0.1 : (kind == TG_GNN_SCHED_EXP ? 0.95 : 1.0);
    s.patience = 10;
    s.threshold = 1e-4;
    return s;
}

const char *tg_gnn_schedule_name(tg_gnn_sched_kind kind)
{
    static const char *const names[] = {"step", "cosine", "exponential", "plateau"};
    return (unsigned)kind <= (unsigned)TG_GNN_SCHED_PLATEAU ? names[kind] : "?";
}

tg_status tg_gnn_schedule_check(const tg_gnn_schedule *s, char *msg)
{
    tg_msg_clear(msg);
    if ((unsigned)s->kind > (unsigned)TG_GNN_SCHED_PLATEAU)
        return tg_msg(msg, TG_ERR_ARG, "gnn.schedule: unknown kind %d", (int)s->kind);
    if (s->warmup < 0 || s->t_max < 0 || s->step < 0 || s->patience < 0 || s->cooldown < 0)
        return tg_msg(msg, TG_ERR_ARG, "gnn.schedule: warmup, t_max, step, patience and cooldown must be >= 0");
    if (!(s->lr_min >= 0) || !(s->threshold >= 0) || !isfinite(s->lr_min))
        return tg_msg(msg, TG_ERR_ARG, "gnn.schedule: lr_min and threshold must be >= 0");
    if (s->warmup > 0 && !(s->warmup_start > 0 && s->warmup_start <= 1))
        return tg_msg(msg, TG_ERR_ARG, "gnn.schedule: warmup_start must be in (0, 1]");
    /* A step factor may exceed 1 (fit's lr_decay always could); only a
     * step schedule that never steps ignores it. */
    if (s->kind == TG_GNN_SCHED_STEP ? s->step > 0 && !(s->gamma > 0 && isfinite(s->gamma))
                                     : !(s->gamma > 0 && s->gamma <= 1))
        return tg_msg(msg, TG_ERR_ARG, "gnn.schedule: the %s factor must be in (0, 1]%s", tg_gnn_schedule_name(s->kind),
                      s->kind == TG_GNN_SCHED_STEP ? " (or above 1)" : "");
    return TG_OK;
}

void tg_gnn_schedule_start(tg_gnn_sched_state *st, const tg_gnn_schedule *s, double lr0, int epochs)
{
    memset(st, 0, sizeof *st);
    st->s = *s;
    st->lr0 = lr0;
    st->lr = lr0;   /* plateau: the current rate, lowered by tg_gnn_schedule_step */
    st->best = INFINITY;
    if (st->s.kind == TG_GNN_SCHED_COSINE && st->s.t_max == 0)
        st->s.t_max = epochs - st->s.warmup > 1 ? epochs - st->s.warmup : 1;
}

double tg_gnn_schedule_lr(const tg_gnn_sched_state *st)
{
    const tg_gnn_schedule *s = &st->s;
    int e = st->epoch;
    if (e < s->warmup) return st->lr0 * (s->warmup_start + (1 - s->warmup_start) * (double)e / (double)s->warmup);
    int t = e - s->warmup;
    switch (s->kind) {
    case TG_GNN_SCHED_STEP:
        return s->step > 0 ? st->lr0 * pow(s->gamma, (double)(t / s->step)) : st->lr0;
    case TG_GNN_SCHED_COSINE:
        if (t >= s->t_max) return s->lr_min;
        return s->lr_min + (st->lr0 - s->lr_min) * (1 + cos(M_PI * (double)t / (double)s->t_max)) / 2;
    case TG_GNN_SCHED_EXP:
        return st->lr0 * pow(s->gamma, (double)t);
    case TG_GNN_SCHED_PLATEAU:
        return st->lr;
    }
    return st->lr0;
}

void tg_gnn_schedule_step(tg_gnn_sched_state *st, double metric)
{
    const tg_gnn_schedule *s = &st->s;
    bool warm = st->epoch < s->warmup;
    st->epoch++;
    if (s->kind != TG_GNN_SCHED_PLATEAU || warm || isnan(metric)) return;
    if (metric < st->best * (1 - s->threshold)) {
        st->best = metric;
        st->bad = 0;
    } else
        st->bad++;
    if (st->cool > 0) {   /* as ReduceLROnPlateau: cooling down, bad epochs do not count */
        st->cool--;
        st->bad = 0;
    }
    if (st->bad > s->patience) {
        double nl = st->lr * s->gamma;
        if (nl < s->lr_min) nl = s->lr_min;
        if (st->lr - nl > 1e-8) st->lr = nl;   /* torch's eps: changes below 1e-8 are skipped */
        st->cool = s->cooldown;
        st->bad = 0;
    }
}

tg_status tg_gnn_i_fit_schedule(const tg_gnn_fit_opts *o, tg_gnn_sched_state *st, char *msg)
{
    tg_gnn_schedule s = o->schedule;
    if (s.kind == TG_GNN_SCHED_STEP) {
        s.gamma = o->lr_decay;
        s.step = o->lr_step;
    }
    tg_status r = tg_gnn_schedule_check(&s, msg);
    if (r != TG_OK) return r;
    tg_gnn_schedule_start(st, &s, o->lr, o->epochs);
    return TG_OK;
}

void tg_gnn_i_schedule_describe(const tg_gnn_schedule *s, char *buf, size_t cap)
{
    size_t n = strlen(buf);
    if (n >= cap) return;
    if (s->kind == TG_GNN_SCHED_STEP && s->warmup == 0) return;
    snprintf(buf + n, cap - n, " schedule=%s warmup=%d warmup_start=%.6g t_max=%d lr_min=%.6g gamma=%.6g patience=%d",
             tg_gnn_schedule_name(s->kind), s->warmup, s->warmup_start, s->t_max, s->lr_min, s->gamma, s->patience);
}
