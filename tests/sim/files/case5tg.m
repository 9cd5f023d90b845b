function mpc = case5tg
% A 5-bus case written for the twingraph tests: the FIVE case of
% tests/sim/make_golden.py (base 100 MVA, loads 40/30/50/30 MW, one
% generator of 150 MW at the reference bus 1), plus an out-of-service
% generator and branch that the reader must skip.
mpc.version = '2';
mpc.baseMVA = 100;
%	bus_i	type	Pd	Qd	Gs	Bs	area	Vm	Va	baseKV	zone	Vmax	Vmin
mpc.bus = [
	1	3	0	0	0	0	1	1	0	230	1	1.1	0.9;
	2	1	40	0	0	0	1	1	0	230	1	1.1	0.9;
	3	1	30	0	0	0	1	1	0	230	1	1.1	0.9;
	4	1	50	0	0	0	1	1	0	230	1	1.1	0.9;
	5	1	30	0	0	0	1	1	0	230	1	1.1	0.9;
];
%	bus	Pg	Qg	Qmax	Qmin	Vg	mBase	status
mpc.gen = [
	1	150	0	300	-300	1	100	1;
	3	0	0	300	-300	1	100	0;
];
%	fbus	tbus	r	x	b	rateA	rateB	rateC	ratio	angle	status
mpc.branch = [
	1	2	0	0.1	0	80	80	80	0	0	1;
	2	3	0	0.2	0	50	50	50	0	0	1;
	3	1	0	0.25	0	90	90	90	0	0	1;
	3	4	0	0.1	0	60	60	60	0	0	1;
	4	5	0	0.15	0	50	50	50	0	0	1;
	2	4	0	0.3	0	40	40	40	0	0	1;
	2	5	0	0.3	0	40	40	40	0	0	0;
];
