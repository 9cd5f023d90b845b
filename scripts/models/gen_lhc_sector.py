#!/usr/bin/python3
"""Generate models/lhc_sector.graphml: the helium-flow graph of the cryogenic
plant and distribution of one LHC-like sector (one 18 kW @ 4.5 K refrigerator,
one 2.4 kW @ 1.8 K unit, the QRL distribution line and 31 magnet cells).

Usage (from the repository root):
    /usr/bin/python3 scripts/models/gen_lhc_sector.py

Deterministic: no randomness.  See models/README.md for the sources of the
figures and which numbers are estimates.

Conventions
- Directed edges follow the nominal helium flow.
- Edge `design_flow` (kg/s) is the nominal mass flow; 0 marks a normally closed
  path (buffer fill/empty, bypass, quench/recovery line D).
- Node `design_flow` (kg/s) is the nominal throughput = sum of the incoming edge
  flows (for heat exchangers this counts every stream passing the node).
  Mass is conserved at every node (checked below).
- Node `pressure` (bar, absolute) and `temperature` (K) are nominal operating
  values at the component outlet (heat exchangers: high-pressure/supply side
  outlet; the 1.8 K unit's exchanger: pumped-vapour outlet).
- `heat_load` (W) is the heat deposited into the helium at that node; non-zero
  only for magnet strings and thermal shields (per cell, estimates).
- `failure_rate` (1/h), `mttr` (h), `cost` (kEUR) are order-of-magnitude estimates.
- `x`, `y` (m): drawing coordinates; cells and QRL segments sit at x = 107 * k
  (metres along the arc), the plant is drawn at negative x.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from graphml_writer import write_graphml  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(ROOT, "models", "lhc_sector.graphml")

N_CELLS = 31            # one QRL connection every 107 m over ~3.3 km
CELL_LENGTH = 107.0     # m
N_COMP = 5              # screw compressors in the warm station
HP_FLOW = 1.6           # kg/s, compressor station total
P_HP, P_LP = 19.0, 1.05  # bar
Q_MAGNET = 75.0         # W at 1.9 K per cell (estimate, see README)
Q_SHIELD = 800.0        # W at 50-75 K per cell (estimate)
L_1K8 = 20.0            # J/g, usable refrigeration of the JT-expanded flow at 1.8 K (estimate)
CP_HE = 5.19            # J/(g K), helium cp at 20 bar, 50-75 K
CELL_FLOW = round(Q_MAGNET / L_1K8 / 1000.0, 6)                 # kg/s per cell (1.9 K loop)
SHIELD_FLOW = round(Q_SHIELD / (CP_HE * 25.0) / 1000.0, 6)      # kg/s per cell (50 -> 75 K)
C_FLOW = round(N_CELLS * CELL_FLOW, 6)
E_FLOW = round(N_CELLS * SHIELD_FLOW, 6)

# Per-type reliability/cost defaults: (failure_rate 1/h, mttr h, cost kEUR).  Estimates.
REL = {
    "compressor":          (1e-4, 24.0, 800.0),
    "oil_removal":         (2e-5, 12.0, 300.0),
    "buffer":              (1e-6, 48.0, 500.0),
    "header":              (1e-6, 24.0, 50.0),
    "heat_exchanger":      (1e-6, 336.0, 400.0),
    "turbine":             (5e-5, 8.0, 250.0),
    "jt_valve":            (5e-6, 24.0, 15.0),
    "phase_separator":     (1e-6, 336.0, 150.0),
    "cold_box":            (1e-6, 720.0, 5000.0),
    "interconnection_box": (1e-6, 720.0, 2000.0),
    "cold_compressor":     (5e-5, 72.0, 600.0),
    "valve":               (5e-6, 24.0, 20.0),
    "pipe":                (1e-7, 168.0, 100.0),
    "magnet_string":       (1e-6, 2160.0, 8000.0),
    "thermal_shield":      (1e-7, 2160.0, 300.0),
    "distribution_line":   (5e-7, 720.0, 300.0),
    "cryostat":            (1e-6, 2160.0, 1000.0),
}

nodes = {}      # id -> attrs (insertion ordered)
edges = []      # (id, s, t, attrs)


def node(nid, typ, section, p, t, x, y, **over):
    if nid in nodes:
        raise ValueError(nid)
    fr, mttr, cost = REL[typ]
    a = {"type": typ, "section": section, "pressure": float(p), "temperature": float(t),
         "heat_load": 0.0, "failure_rate": fr, "mttr": mttr, "cost": cost,
         "x": float(x), "y": float(y)}
    a.update(over)
    nodes[nid] = a
    return nid


def edge(s, t, flow, kind, length, diameter):
    eid = "%s__%s" % (s, t)
    edges.append((eid, s, t, {"length": float(length), "diameter": float(diameter),
                              "design_flow": round(float(flow), 6), "kind": kind}))


# ---------------------------------------------------------------- compressor station
S = "compressor_station"
node("CS_SUCTION", "header", S, P_LP, 300, -300, 120)
node("CS_DISCHARGE", "header", S, P_HP, 310, -220, 120)
per = HP_FLOW / N_COMP
for i in range(1, N_COMP + 1):
    c = node("CS_C%d" % i, "compressor", S, P_HP, 310, -260, 80 + 20 * i)
    edge("CS_SUCTION", c, per, "supply", 10, 0.15)
    edge(c, "CS_DISCHARGE", per, "supply", 10, 0.1)
node("CS_ORS", "oil_removal", S, P_HP, 300, -190, 120)
node("CS_V_HP", "valve", S, P_HP, 300, -170, 120, cost=30.0, failure_rate=2e-6, mttr=8.0)
node("CS_HP_LINE", "pipe", S, P_HP, 300, -150, 110)
node("CS_LP_LINE", "pipe", S, P_LP, 295, -150, 130)
node("CS_V_LP", "valve", S, P_LP, 295, -280, 140, cost=30.0, failure_rate=2e-6, mttr=8.0)
node("CS_BUFFER", "buffer", S, 20.0, 300, -240, 180)
node("CS_V_BUF_IN", "valve", S, 20.0, 300, -220, 170, failure_rate=2e-6, mttr=8.0)
node("CS_V_BUF_OUT", "valve", S, P_LP, 300, -280, 170, failure_rate=2e-6, mttr=8.0)
node("CS_V_BYPASS", "valve", S, P_LP, 300, -240, 60, failure_rate=2e-6, mttr=8.0)
node("CS_RECOVERY_LINE", "pipe", S, P_LP, 300, -300, 60)
edge("CS_DISCHARGE", "CS_ORS", HP_FLOW, "supply", 15, 0.15)
edge("CS_ORS", "CS_V_HP", HP_FLOW, "supply", 5, 0.15)
edge("CS_V_HP", "CS_HP_LINE", HP_FLOW, "supply", 5, 0.15)
edge("CS_DISCHARGE", "CS_V_BUF_IN", 0, "supply", 20, 0.08)
edge("CS_V_BUF_IN", "CS_BUFFER", 0, "supply", 30, 0.08)
edge("CS_BUFFER", "CS_V_BUF_OUT", 0, "return", 30, 0.08)
edge("CS_V_BUF_OUT", "CS_SUCTION", 0, "return", 20, 0.08)
edge("CS_DISCHARGE", "CS_V_BYPASS", 0, "return", 10, 0.1)
edge("CS_V_BYPASS", "CS_SUCTION", 0, "return", 10, 0.1)
edge("CS_LP_LINE", "CS_V_LP", HP_FLOW - C_FLOW, "return", 150, 0.25)
edge("CS_V_LP", "CS_SUCTION", HP_FLOW - C_FLOW, "return", 5, 0.25)
edge("CS_RECOVERY_LINE", "CS_SUCTION", 0, "return", 20, 0.15)

# ---------------------------------------------------------------- cold boxes
U, L = "upper_cold_box", "lower_cold_box"
# HP (supply-side) outlet temperatures of the ten exchangers (K); estimates.
HX_T = [90, 55, 35, 22, 15, 10, 8, 6.5, 5.5, 5.0]
node("UCB", "cold_box", U, P_HP, 300, -120, 100)
node("LCB", "cold_box", L, P_HP, 15, -120, -40, cost=4000.0)
for i in range(1, 11):
    sec, pre = (U, "UCB") if i <= 5 else (L, "LCB")
    node("%s_HX%d" % (pre, i), "heat_exchanger", sec, P_HP - 0.05 * i, HX_T[i - 1],
         -120, 100 - 15 * i if i <= 5 else -40 - 15 * (i - 5))
node("UCB_LCB_HP", "pipe", U, P_HP - 0.3, 15, -130, 0)
node("LCB_UCB_LP", "pipe", L, P_LP + 0.1, 14, -110, 0)
hx = ["UCB_HX%d" % i for i in range(1, 6)] + ["LCB_HX%d" % i for i in range(6, 11)]

# Turbine strings: (inlet valve, [turbines], HX after which HP gas is extracted,
# HX whose return side receives the exhaust, flow of each turbine string, exhaust T)
F_E = E_FLOW
T_A, T_B, T_C, T_D, T_E = 0.45, 0.35, 0.20, 0.08, 0.10
turb = [
    ("UCB_V_T1", ["UCB_T1", "UCB_T2"], 2, 3, T_A, U, [42, 30]),
    ("UCB_V_T3", ["UCB_T3", "UCB_T4"], 4, 5, T_B, U, [17, 13]),
    ("LCB_V_T5", ["LCB_T5", "LCB_T6"], 6, 7, T_C, L, [8.5, 7.0]),
    ("LCB_V_T7", ["LCB_T7"], 7, 8, T_D, L, [6.0]),
    ("LCB_V_T8", ["LCB_T8"], 7, 8, T_D, L, [6.0]),
    ("LCB_V_T9", ["LCB_T9", "LCB_T10"], 9, 10, T_E, L, [5.0, 4.6]),
]
# HP flow through each exchanger (kg/s)
hp = {}
f = HP_FLOW
hp[1] = f
hp[2] = f + F_E                     # shield return (header F) rejoins before HX2
f = hp[2] - F_E - T_A               # after HX2: shield supply (E) and turbine string A leave
hp[3] = hp[4] = f
f -= T_B
hp[5] = hp[6] = f
f -= T_C
hp[7] = f
f -= 2 * T_D
hp[8] = hp[9] = f
f -= T_E
hp[10] = f
JT_FLOW = f
VAP_FLOW = JT_FLOW - C_FLOW         # flash gas + boil-off returned from the separator
assert VAP_FLOW > 0

# HP chain
edge("CS_HP_LINE", "UCB", HP_FLOW, "supply", 60, 0.15)
edge("UCB", hx[0], HP_FLOW, "supply", 5, 0.12)
for i in range(1, 10):
    if i == 5:
        edge(hx[4], "UCB_LCB_HP", hp[6], "supply", 5, 0.08)
        edge("UCB_LCB_HP", "LCB", hp[6], "supply", 20, 0.08)
        edge("LCB", hx[5], hp[6], "supply", 5, 0.08)
    else:
        edge(hx[i - 1], hx[i], hp[i + 1] if i != 1 else hp[1], "supply", 4, 0.1 if i < 5 else 0.06)
# turbine strings
for k, (v, ts, src, dst, fl, sec, texh) in enumerate(turb):
    node(v, "valve", sec, P_HP - 0.1 * src, HX_T[src - 1], -80, 100 - 30 * k)
    edge(hx[src - 1], v, fl, "supply", 3, 0.05)
    prev = v
    n = len(ts)
    for j, tname in enumerate(ts):
        # series turbines: pressure drops from HP to LP in n steps
        p = P_HP - (P_HP - (P_LP + 0.15)) * (j + 1) / n
        node(tname, "turbine", sec, round(p, 3), texh[j], -60 + 20 * j, 100 - 30 * k)
        edge(prev, tname, fl, "supply", 3, 0.05)
        prev = tname
    edge(prev, hx[dst - 1], fl, "return", 3, 0.06)
# JT valve and phase separator
node("LCB_JT", "jt_valve", L, 1.35, 4.5, -120, -130)
node("LCB_PS", "phase_separator", L, 1.3, 4.5, -120, -145)
node("LCB_V_SUP", "valve", L, 3.0, 4.6, -100, -150)
edge(hx[9], "LCB_JT", JT_FLOW, "supply", 2, 0.04)
edge("LCB_JT", "LCB_PS", JT_FLOW, "supply", 2, 0.04)
# LP return chain: separator vapour -> HX10 ... HX1 -> UCB -> CS_LP_LINE
lp = {10: VAP_FLOW + T_E}
lp[9] = lp[10]
lp[8] = lp[9] + 2 * T_D
lp[7] = lp[8] + T_C
lp[6] = lp[7]
lp[5] = lp[6] + T_B
lp[4] = lp[5]
lp[3] = lp[4] + T_A
lp[2] = lp[1] = lp[3]
assert abs(lp[1] - (HP_FLOW - C_FLOW)) < 1e-9, (lp[1], HP_FLOW - C_FLOW)
edge("LCB_PS", hx[9], VAP_FLOW, "return", 2, 0.08)
for i in range(10, 1, -1):
    if i == 6:
        edge(hx[5], "LCB", lp[6], "return", 5, 0.15)
        edge("LCB", "LCB_UCB_LP", lp[6], "return", 5, 0.15)
        edge("LCB_UCB_LP", hx[4], lp[6], "return", 20, 0.15)
    else:
        edge(hx[i - 1], hx[i - 2], lp[i], "return", 4, 0.2 if i <= 5 else 0.15)
edge(hx[0], "UCB", lp[1], "return", 5, 0.25)
edge("UCB", "CS_LP_LINE", lp[1], "return", 60, 0.25)

# ---------------------------------------------------------------- interconnection box, 1.8 K unit
node("ICB", "interconnection_box", "distribution", 3.0, 4.6, -60, -150)
edge("LCB_PS", "LCB_V_SUP", C_FLOW, "supply", 3, 0.05)
edge("LCB_V_SUP", "ICB", C_FLOW, "supply", 30, 0.05)
K = "unit_1k8"
node("U18_V_IN", "valve", K, 0.015, 1.8, -40, -200)
node("U18_HX", "heat_exchanger", K, 0.0145, 3.5, -60, -200, cost=300.0)
cc_p = [0.04, 0.12, 0.30, 0.60]      # bar, discharge of CC1..CC4 (estimates)
cc_t = [6.0, 10.0, 15.0, 22.0]       # K
for i in range(1, 5):
    node("U18_CC%d" % i, "cold_compressor", K, cc_p[i - 1], cc_t[i - 1], -80 - 20 * i, -200)
node("U18_WC", "compressor", K, P_LP, 300, -200, -200, cost=500.0)
node("U18_V_OUT", "valve", K, P_LP, 300, -240, -200, failure_rate=2e-6, mttr=8.0)
chain = ["U18_V_IN", "U18_HX", "U18_CC1", "U18_CC2", "U18_CC3", "U18_CC4", "U18_WC", "U18_V_OUT"]
for a, b in zip(chain, chain[1:]):
    edge(a, b, C_FLOW, "return", 5 if b != "U18_WC" else 100, 0.25 if a in ("U18_V_IN", "U18_HX") else 0.15)
edge("U18_V_OUT", "CS_SUCTION", C_FLOW, "return", 50, 0.15)

# ---------------------------------------------------------------- QRL headers and segments
D_ = "distribution"
# header: (pressure bar, temperature K, diameter m (estimate), y)
HDR = {"B": (0.015, 1.8, 0.27, -20), "C": (3.0, 4.6, 0.10, -10), "D": (1.3, 20.0, 0.15, -30),
       "E": (19.5, 50.0, 0.08, -40), "F": (18.0, 75.0, 0.08, -50)}
for h, (p, t, d, y) in HDR.items():
    node("QRL_" + h, "header", D_, p, t, 0, y, failure_rate=1e-6, mttr=720.0, cost=500.0)
    for k in range(1, N_CELLS + 1):
        node("QRL_%s_%02d" % (h, k), "distribution_line", D_, p, t, CELL_LENGTH * k, y)
node("UCB_V_E", "valve", U, 19.5, 50, -100, 40)
node("UCB_V_F", "valve", U, 18.0, 75, -100, 60)
node("DIST_V_D", "valve", D_, 1.3, 20, -20, -30)
edge("ICB", "QRL_C", C_FLOW, "supply", 20, HDR["C"][2])
edge(hx[1], "UCB_V_E", F_E, "shield", 5, 0.08)
edge("UCB_V_E", "QRL_E", F_E, "shield", 100, 0.08)
edge("QRL_F", "UCB_V_F", F_E, "shield", 100, 0.08)
edge("UCB_V_F", hx[1], F_E, "shield", 5, 0.08)
edge("QRL_B", "U18_V_IN", C_FLOW, "return", 30, HDR["B"][2])
edge("QRL_D", "DIST_V_D", 0, "return", 20, HDR["D"][2])
edge("DIST_V_D", "CS_RECOVERY_LINE", 0, "return", 300, HDR["D"][2])


def seg(h, k):
    return "QRL_%s_%02d" % (h, k) if k > 0 else "QRL_" + h


for k in range(1, N_CELLS + 1):
    rest = N_CELLS - k + 1           # cells served downstream of (and including) k
    first = CELL_LENGTH * 0.5 if k == 1 else CELL_LENGTH
    # supply-type headers run from the plant outwards, return-type back to the plant
    edge(seg("C", k - 1), seg("C", k), rest * CELL_FLOW, "supply", first, HDR["C"][2])
    edge(seg("E", k - 1), seg("E", k), rest * SHIELD_FLOW, "shield", first, HDR["E"][2])
    edge(seg("B", k), seg("B", k - 1), rest * CELL_FLOW, "return", first, HDR["B"][2])
    edge(seg("F", k), seg("F", k - 1), rest * SHIELD_FLOW, "shield", first, HDR["F"][2])
    edge(seg("D", k), seg("D", k - 1), 0, "return", first, HDR["D"][2])

# ---------------------------------------------------------------- magnet cells
for k in range(1, N_CELLS + 1):
    sec = "cell_%02d" % k
    x = CELL_LENGTH * k
    c = "CELL_%02d_" % k
    node(c + "VALVE", "valve", sec, 3.0, 4.6, x, -60)
    node(c + "SUBCOOLER", "heat_exchanger", sec, 3.0, 2.2, x, -70, mttr=720.0, cost=20.0)
    node(c + "JT", "jt_valve", sec, 0.016, 1.8, x, -80)
    node(c + "MAGNET", "magnet_string", sec, 1.3, 1.9, x, -90, heat_load=Q_MAGNET)
    node(c + "QV", "valve", sec, 1.3, 20.0, x + 20, -100, failure_rate=1e-5)
    node(c + "SHIELD_VALVE", "valve", sec, 19.5, 50.0, x + 30, -60)
    node(c + "SHIELD", "thermal_shield", sec, 19.0, 75.0, x + 30, -110, heat_load=Q_SHIELD)
    edge(seg("C", k), c + "VALVE", CELL_FLOW, "supply", 2, 0.02)
    edge(c + "VALVE", c + "SUBCOOLER", CELL_FLOW, "supply", 3, 0.02)
    edge(c + "SUBCOOLER", c + "JT", CELL_FLOW, "supply", 2, 0.02)
    edge(c + "JT", c + "MAGNET", CELL_FLOW, "supply", 5, 0.02)
    # pumped vapour from the bayonet heat exchanger (length of the cooling loop)
    edge(c + "MAGNET", c + "SUBCOOLER", CELL_FLOW, "return", CELL_LENGTH, 0.054)
    edge(c + "SUBCOOLER", seg("B", k), CELL_FLOW, "return", 3, 0.08)
    edge(c + "MAGNET", c + "QV", 0, "return", 2, 0.05)
    edge(c + "QV", seg("D", k), 0, "return", 3, 0.05)
    edge(seg("E", k), c + "SHIELD_VALVE", SHIELD_FLOW, "shield", 2, 0.02)
    edge(c + "SHIELD_VALVE", c + "SHIELD", SHIELD_FLOW, "shield", 3, 0.02)
    edge(c + "SHIELD", seg("F", k), SHIELD_FLOW, "shield", CELL_LENGTH, 0.02)


# ---------------------------------------------------------------- simulation attributes
# Parameters of the physical model of src/sim (docs/sim.md), derived here
# from the design point so that the model is explicit and editable:
#   p_fixed (bar)   pressure reference (the suction header, held by the plant's
#                   inventory control); 0 = free
#   kv              flow coefficient of a valve, JT valve or turbine in the
#                   squared-pressure form used by src/sim:
#                   p_in^2 - p_out^2 = 2 p_in * 3600^2 m^2 / (1000 rho_in kv^2)
#                   (bar, kg/s, kg/m3), calibrated on the design flow and the
#                   design drop from the upstream node (at least 2 % of p_in)
#   opening         0..1 (0 = normally closed)
#   m_nom (kg/s)    compressors and cold compressors: positive-displacement
#                   machines, mass flow m_nom * p_in / p_in,design
#   flow_set (kg/s) flow-controlled element (the shield return UCB_V_F keeps
#                   the shield circulation, a closed loop without its own driver)
#   t_set (K)       temperature set point: exchanger HP outlets, turbine
#                   exhausts, JT valves and phase separator (expansion into the
#                   two-phase region), magnet baths, compressor after-coolers
#   pressure_lp, temperature_lp  design LP-side state of exchangers and cold
#                   boxes that carry both streams (density of the LP pipes)
#   he_mass (kg)    helium hold-up besides the pipes (magnet baths, separator)
#   heat_capacity (J/K) cold mass (magnets, shields)
# All numbers are estimates chosen for consistency (see models/README.md).
R_HE = 2077.0
DENSE_T = [1.6, 2.17, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 6.0, 7.0, 8.0, 10.0]
DENSE_RHO = [145.5, 146.2, 145.0, 141.0, 137.0, 131.0, 124.0, 113.0, 80.0, 55.0, 40.0, 28.0]
SAT_T = [1.6, 1.8, 1.9, 2.0, 2.17, 2.5, 3.0, 3.5, 4.0, 4.22, 4.5, 5.0, 5.2]
SAT_P = [750, 1640, 2300, 3130, 5050, 10300, 24200, 47000, 81600, 101300, 130000, 196000, 227000]


def interp(xs, ys, t):
    if t <= xs[0]:
        return ys[0]
    if t >= xs[-1]:
        return ys[-1]
    k = 0
    while t > xs[k + 1]:
        k += 1
    w = (t - xs[k]) / (xs[k + 1] - xs[k])
    return ys[k] + w * (ys[k + 1] - ys[k])


def rho_he(p_pa, t):
    """Density of src/sim/props.c (same tables)."""
    ideal = p_pa / (R_HE * t)
    if t >= 10.0:
        return ideal
    boundary = interp(SAT_T, SAT_P, t) if t < 5.2 else 227000.0
    if p_pa < boundary:
        return ideal
    return max(interp(DENSE_T, DENSE_RHO, t), ideal)


SIM_DEFAULTS = {"p_fixed": 0.0, "kv": 0.0, "opening": 1.0, "m_nom": 0.0, "flow_set": 0.0,
                "t_set": 0.0, "pressure_lp": 0.0, "temperature_lp": 0.0, "he_mass": 0.0,
                "heat_capacity": 0.0}
for a in nodes.values():
    for k, v in SIM_DEFAULTS.items():
        a[k] = v
nodes["CS_SUCTION"]["p_fixed"] = P_LP
incoming = {n: [] for n in nodes}
for eid, s, t, a in edges:
    incoming[t].append((s, a["design_flow"]))
# Hydraulic design pressures for the kv calibration: the nominal `pressure`
# values rise along a few passive paths (separator 1.3 bar -> header C 3 bar,
# HX2 18.9 bar -> header E 19.5 bar); a passive element cannot raise the
# pressure, so propagate p_h = min(pressure, p_h of the upstream nodes)
# along flowing edges (machines and flow controllers restart from their
# own value) until nothing changes.
p_h = {n: a["pressure"] for n, a in nodes.items()}
changed = True
while changed:
    changed = False
    for eid, s, t, a in edges:
        if a["design_flow"] <= 0 or nodes[t]["type"] in ("compressor", "cold_compressor") or t == "UCB_V_F":
            continue
        # exchangers carry two streams: p_h is their HP (supply) side
        if a["kind"] == "return" and (nodes[t]["type"] in ("heat_exchanger", "cold_box")
                                      or nodes[s]["type"] in ("heat_exchanger", "cold_box")):
            continue
        if p_h[s] < p_h[t]:
            p_h[t] = p_h[s]
            changed = True
for nid, a in nodes.items():
    typ = a["type"]
    if typ in ("valve", "jt_valve", "turbine"):
        assert len(incoming[nid]) == 1, nid
        up, m = incoming[nid][0]
        p_in = p_h[up]
        t_in = nodes[up]["temperature"]
        p_out = min(p_h[nid], 0.98 * p_in)
        if m <= 0.0:
            a["opening"] = 0.0
            m = 0.05                     # kv sized for 0.05 kg/s when opened
        dpi = p_in ** 2 - p_out ** 2
        rho = rho_he(p_in * 1e5, t_in)
        a["kv"] = round(3600.0 * m * (2.0 * p_in / (1000.0 * rho * dpi)) ** 0.5, 6)
    if typ in ("compressor", "cold_compressor"):
        a["m_nom"] = round(sum(m for _, m in incoming[nid]), 6)
    if typ in ("heat_exchanger", "turbine", "jt_valve", "phase_separator", "magnet_string",
               "compressor", "cold_compressor"):
        a["t_set"] = a["temperature"]
nodes["UCB_V_F"]["flow_set"] = F_E
# LP side of exchangers / cold boxes crossed by both streams: the LP stream
# leaving exchanger i is a little colder than the HP stream entering it
# (approach 5 K warm, 10 % of the temperature at the cold end, where a fixed
# 5 K would go below the helium property model's 1.6 K)
for i in range(1, 11):
    a = nodes[hx[i - 1]]
    a["pressure_lp"] = round(P_LP + 0.15 - 0.01 * (10 - i), 3)
    a["temperature_lp"] = float(HX_T[i - 2]) - min(5.0, 0.1 * HX_T[i - 2]) if i >= 2 else 295.0
nodes["UCB"]["pressure_lp"], nodes["UCB"]["temperature_lp"] = P_LP + 0.05, 295.0
nodes["LCB"]["pressure_lp"], nodes["LCB"]["temperature_lp"] = P_LP + 0.1, 14.0
for k in range(1, N_CELLS + 1):
    c = "CELL_%02d_" % k
    nodes[c + "SUBCOOLER"]["pressure_lp"] = 0.0155
    nodes[c + "SUBCOOLER"]["temperature_lp"] = 1.9
    nodes[c + "MAGNET"]["he_mass"] = 150.0          # superfluid bath of the cell's cold masses
    nodes[c + "MAGNET"]["heat_capacity"] = 2.0e4    # iron/coil at ~2 K
    nodes[c + "SHIELD"]["heat_capacity"] = 3.0e5    # ~1 t of aluminium at 50-75 K
nodes["LCB_PS"]["he_mass"] = 500.0


# ---------------------------------------------------------------- checks and output
def check():
    ids = list(nodes)
    fin = {n: 0.0 for n in ids}
    fout = {n: 0.0 for n in ids}
    succ = {n: [] for n in ids}
    und = {n: [] for n in ids}
    for _, s, t, a in edges:
        fout[s] += a["design_flow"]
        fin[t] += a["design_flow"]
        succ[s].append(t)
        und[s].append(t)
        und[t].append(s)
    for n in ids:
        assert abs(fin[n] - fout[n]) < 1e-9, ("mass balance", n, fin[n], fout[n])
        nodes[n]["design_flow"] = round(fin[n], 6)

    def reach(start, adj):
        seen, stack = {start}, [start]
        while stack:
            for w in adj[stack.pop()]:
                if w not in seen:
                    seen.add(w)
                    stack.append(w)
        return seen
    assert len(reach(ids[0], und)) == len(ids), "not weakly connected"
    fwd = reach("CS_C1", succ)
    for k in range(1, N_CELLS + 1):
        assert "CELL_%02d_MAGNET" % k in fwd
    # the loop closes: the suction header is reachable from every magnet string
    for k in range(1, N_CELLS + 1):
        assert "CS_SUCTION" in reach("CELL_%02d_MAGNET" % k, succ)
    assert len({e[0] for e in edges}) == len(edges)


check()
NODE_KEYS = [("type", "string"), ("section", "string"), ("design_flow", "double"),
             ("pressure", "double"), ("temperature", "double"), ("heat_load", "double"),
             ("failure_rate", "double"), ("mttr", "double"), ("cost", "double"),
             ("x", "double"), ("y", "double")] + [(k, "double") for k in SIM_DEFAULTS]
EDGE_KEYS = [("kind", "string"), ("length", "double"), ("diameter", "double"),
             ("design_flow", "double")]
os.makedirs(os.path.dirname(OUT), exist_ok=True)
write_graphml(OUT, True, NODE_KEYS, EDGE_KEYS, list(nodes.items()), edges)
print("%s: %d nodes, %d edges" % (os.path.relpath(OUT, ROOT), len(nodes), len(edges)))
print("per-cell 1.9 K flow %.6f kg/s, header C %.6f kg/s, shield %.6f kg/s/cell, header E %.6f kg/s"
      % (CELL_FLOW, C_FLOW, SHIELD_FLOW, E_FLOW))
