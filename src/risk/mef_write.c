/* mef_write.c: write a model back as Open-PSA MEF XML.
 *
 * One <define-fault-tree name="model"> holding every named gate (nested
 * formulas written inline), then <model-data> with the basic events (their
 * expressions as read, so parameters and mission time survive), house
 * events and parameters.  Names are escaped; reading the file back gives
 * the same model (tests/risk checks the round trip).
 */
#include "risk_internal.h"

#include <errno.h>
#include <string.h>

static void put_escaped(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

static void put_expr(FILE *f, const tg_risk_model *m, int x)
{
    const rk_expr *e = &m->xs[x];
    switch (e->op) {
    case X_CONST: fprintf(f, "<float value=\"%.17g\"/>", e->value); return;
    case X_PARAM:
        fputs("<parameter name=\"", f);
        put_escaped(f, m->params[e->param].name);
        fputs("\"/>", f);
        return;
    case X_MISSION: fputs("<system-mission-time/>", f); return;
    default: break;
    }
    fprintf(f, "<%s>", tg_risk_i_xop_names[e->op]);
    for (int i = 0; i < e->nargs; i++) put_expr(f, m, m->xargs[e->first + i]);
    fprintf(f, "</%s>", tg_risk_i_xop_names[e->op]);
}

static void put_formula(FILE *f, const tg_risk_model *m, int gi)
{
    const rk_gate *g = &m->gates[gi];
    bool wrap = !(g->op == TG_RISK_NULL && g->nargs == 1);
    if (wrap) {
        fprintf(f, "<%s", tg_risk_i_op_names[g->op]);
        if (g->op == TG_RISK_ATLEAST) fprintf(f, " min=\"%d\"", g->k);
        fputs(">", f);
    }
    for (int i = 0; i < g->nargs; i++) {
        int r = m->args[g->first + i].ref, k = RK_INDEX(r);
        /* A CCF member's expansion gate: write the member as read. */
        if (RK_KIND(r) == R_GATE && m->gates[k].ccf) {
            r = m->args[m->gates[k].first].ref, k = RK_INDEX(r);
        } else if (RK_KIND(r) == R_GATE && !m->gates[k].name) {
            put_formula(f, m, k);
            continue;
        }
        const char *tag = RK_KIND(r) == R_BASIC ? "basic-event"
                          : RK_KIND(r) == R_HOUSE ? "house-event" : "gate";
        /* Keys, not display names: private names stay distinct. */
        const char *name = RK_KIND(r) == R_BASIC ? m->basics[k].key
                           : RK_KIND(r) == R_HOUSE ? m->houses[k].key : m->gates[k].key;
        if (RK_KIND(r) == R_HOUSE && name[0] == '<') {  /* a constant */
            fprintf(f, "<constant value=\"%s\"/>", m->houses[k].value ? "true" : "false");
            continue;
        }
        fprintf(f, "<%s name=\"", tag);
        put_escaped(f, name);
        fputs("\"/>", f);
    }
    if (wrap) fprintf(f, "</%s>", tg_risk_i_op_names[g->op]);
}

tg_status tg_risk_model_write(const tg_risk_model *m, const char *path, char *msg)
{
    tg_msg_clear(msg);
    if (!m || !path) return tg_msg(msg, TG_ERR_ARG, "tg_risk_model_write: NULL argument");
    if (!m->finished) return tg_msg(msg, TG_ERR_ARG, "tg_risk_model_write: model not finished");
    FILE *f = fopen(path, "w");
    if (!f) return tg_msg(msg, TG_ERR_IO, "%s: cannot open for writing: %s", path, strerror(errno));
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opsa-mef>\n"
            "  <attributes><attribute name=\"mission-time\" value=\"%.17g\"/></attributes>\n"
            "  <define-fault-tree name=\"model\">\n", m->mission_time);
    for (int i = 0; i < m->nnamed_gates; i++) {
        int gi = m->named[i];
        fputs("    <define-gate name=\"", f);
        put_escaped(f, m->gates[gi].key);
        fputs("\">", f);
        put_formula(f, m, gi);
        fputs("</define-gate>\n", f);
    }
    fputs("  </define-fault-tree>\n  <model-data>\n", f);
    /* Basic events as read: not the common-cause events of the expansion,
     * nor the members of CCF groups (their groups below define them). */
    for (int i = 0; i < m->nbasics; i++) {
        if (m->basics[i].ccf) continue;
        bool member = false;
        for (int j = 0; j < m->nccf_members && !member; j++) member = m->ccf_members[j] == i;
        if (member) continue;
        fputs("    <define-basic-event name=\"", f);
        put_escaped(f, m->basics[i].key);
        fputs("\">", f);
        if (m->basics[i].expr >= 0) put_expr(f, m, m->basics[i].expr);
        fputs("</define-basic-event>\n", f);
    }
    static const char *const ccf_models[] = {"beta-factor", "MGL", "alpha-factor"};
    for (int i = 0; i < m->nccfs; i++) {
        const rk_ccf *g = &m->ccfs[i];
        fputs("    <define-CCF-group name=\"", f);
        put_escaped(f, g->name);
        fprintf(f, "\" model=\"%s\">\n      <members>", ccf_models[g->model]);
        for (int j = 0; j < g->nmembers; j++) {
            fputs("<basic-event name=\"", f);
            put_escaped(f, m->basics[m->ccf_members[g->first_member + j]].key);
            fputs("\"/>", f);
        }
        fputs("</members>\n      <distribution>", f);
        put_expr(f, m, g->dist);
        fputs("</distribution>\n      <factors>", f);
        for (int j = 0; j < g->nfactors; j++) {
            const int *fc = m->ccf_factors + g->first_factor + 2 * j;
            fprintf(f, "<factor level=\"%d\">", fc[0]);
            put_expr(f, m, fc[1]);
            fputs("</factor>", f);
        }
        fputs("</factors>\n    </define-CCF-group>\n", f);
    }
    for (int i = 0; i < m->nhouses; i++) {
        if (m->houses[i].name[0] == '<') continue;
        fputs("    <define-house-event name=\"", f);
        put_escaped(f, m->houses[i].key);
        fprintf(f, "\"><constant value=\"%s\"/></define-house-event>\n",
                m->houses[i].value ? "true" : "false");
    }
    for (int i = 0; i < m->nparams; i++) {
        fputs("    <define-parameter name=\"", f);
        put_escaped(f, m->params[i].name);
        fputs("\">", f);
        put_expr(f, m, m->params[i].expr);
        fputs("</define-parameter>\n", f);
    }
    fputs("  </model-data>\n</opsa-mef>\n", f);
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0) bad = true;
    if (bad) return tg_msg(msg, TG_ERR_IO, "%s: write failed", path);
    return TG_OK;
}
