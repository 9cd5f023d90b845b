#!/usr/bin/python3
"""Exploration of nus9601 (issue 7, risk3): how far gate normalisation and
module detection shrink the tree the BDD must hold.

    /usr/bin/python3 bench/risk_nus9601_modules.py FILE.xml   (an uncompressed MEF file)

Steps: one-argument gates removed; AND/OR children with one parent and the
same operator merged into the parent (coalescing); modules (gates nothing
outside reaches below them, Dutuit and Rauzy 1996); then, per AND/OR gate,
its private arguments (one parent; an event or a module gate) grouped into a
new gate, which is a module.  Prints the size of the top module's own
problem (events + module variables, gates) before and after grouping, and
writes it to topmod.xml (every module as a basic event of p = 0.01) for
`build/bench/bench_risk --verbose topmod.xml`.  Findings: docs/benchmarks.md.
"""
import xml.etree.ElementTree as ET, sys, collections
sys.setrecursionlimit(100000)
def load(path):
    r=ET.parse(path).getroot()
    gates={}; probs={}
    for g in r.iter('define-gate'):
        f=list(g)[0]; op=f.tag; k=f.get('min')
        if op in ('gate','basic-event','event'):
            gates[g.get('name')]=['or',None,[f.get('name')]]; continue
        gates[g.get('name')]=[op,int(k) if k else None,[a.get('name') for a in f]]
    for b in r.iter('define-basic-event'):
        probs[b.get('name')]=float(b.find('float').get('value'))
    return gates,probs
gates,probs=load(sys.argv[1])
top=[g for g in gates if g not in {a for v in gates.values() for a in v[2]}][0]
def parents_count(gates,top):
    pc=collections.Counter(); seen=set(); st=[top]
    while st:
        x=st.pop()
        if x in seen: continue
        seen.add(x)
        for a in gates[x][2]:
            pc[a]+=1
            if a in gates: st.append(a)
    return pc,seen
# remove single-arg gates (null)
def resolve(a):
    while a in gates and len(gates[a][2])==1 and gates[a][0] in('or','and'): a=gates[a][2][0]
    return a
for g in gates.values(): g[2]=[resolve(a) for a in g[2]]
top=resolve(top)
changed=True
while changed:
    changed=False
    pc,seen=parents_count(gates,top)
    for x in seen:
        op,k,args=gates[x]
        if op not in('and','or'): continue
        new=[]
        for a in args:
            if a in gates and gates[a][0]==op and pc[a]==1:
                new+=gates[a][2]; changed=True
            else: new.append(a)
        gates[x][2]=list(dict.fromkeys(new))
pc,seen=parents_count(gates,top)
print('after coalesce gates',len(seen), collections.Counter(gates[x][0] for x in seen))
# modules: gate M is module if all nodes below M have all parents below M (or are M)
order=[]; vis=set()
def dfs(x):
    vis.add(x)
    for a in gates[x][2]:
        if a in gates and a not in vis: dfs(a)
    order.append(x)
dfs(top)
below={}
for x in order:
    s=set()
    for a in gates[x][2]:
        s.add(a)
        if a in gates: s|=below[a]
    below[x]=s
par=collections.defaultdict(set)
for x in seen:
    for a in gates[x][2]: par[a].add(x)
mods=[x for x in order if all(par[n]<=below[x]|{x} for n in below[x])]
mods=set(mods)|{top}
print('modules',len(mods))
# own problem size for each module
def own(m):
    ev=set(); g=set(); st=[m]
    while st:
        x=st.pop()
        for a in gates[x][2]:
            if a in gates and a not in mods:
                if a not in g: g.add(a); st.append(a)
            else: ev.add(a)
    return len(ev),len(g)
sz=sorted(((own(m),m) for m in mods),reverse=True)
print(sz[:10])

# argument-level modules: repeat: for each and/or gate, args that are "private" (single parent overall and
# if a gate, a module) -> group if >=2
def compute():
    pc,seen=parents_count(gates,top)
    order=[]; vis=set()
    def dfs(x):
        vis.add(x)
        for a in gates[x][2]:
            if a in gates and a not in vis: dfs(a)
        order.append(x)
    dfs(top)
    below={}
    for x in order:
        s=set()
        for a in gates[x][2]:
            s.add(a)
            if a in gates: s|=below[a]
        below[x]=s
    par=collections.defaultdict(set)
    for x in seen:
        for a in gates[x][2]: par[a].add(x)
    mods=set(x for x in order if all(par[n]<=below[x]|{x} for n in below[x]))|{top}
    return pc,seen,below,par,mods
pc,seen,below,par,mods=compute()
cnt=0
for x in list(seen):
    op,k,args=gates[x]
    if op not in ('and','or'): continue
    priv=[a for a in args if pc[a]==1 and (a not in gates or a in mods)]
    if len(priv)>=2 and len(priv)<len(args):
        cnt+=1
        name='M%d'%cnt
        gates[name]=[op,None,priv]
        gates[x][2]=[a for a in args if a not in priv]+[name]
pc,seen,below,par,mods=compute()
print('grouped',cnt,'modules',len(mods))
def own(m):
    ev=set(); g=set(); st=[m]
    while st:
        x=st.pop()
        for a in gates[x][2]:
            if a in gates and a not in mods:
                if a not in g: g.add(a); st.append(a)
            else: ev.add(a)
    return ev,g
sz=sorted(((len(own(m)[0]),len(own(m)[1])),m) for m in mods)[::-1]
print(sz[:10])
# write top module as MEF
ev,g=own(top)
with open('topmod.xml','w') as f:
    f.write('<opsa-mef><define-fault-tree name="T">\n')
    for x in [top]+sorted(g):
        op,k,args=gates[x]
        f.write('<define-gate name="%s"><%s%s>'%(x,op,' min="%d"'%k if op=='atleast' else ''))
        for a in args:
            f.write('<gate name="%s"/>'%a if (a in gates and a not in mods) else '<basic-event name="%s"/>'%a)
        f.write('</%s></define-gate>\n'%op)
    f.write('</define-fault-tree><model-data>\n')
    for e in sorted(ev): f.write('<define-basic-event name="%s"><float value="0.01"/></define-basic-event>\n'%e)
    f.write('</model-data></opsa-mef>\n')
