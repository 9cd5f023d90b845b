#!/usr/bin/env python3
"""Independent reference for frequent-itemset counts: a plain Eclat over
Python sets.  Usage: eclat_reference.py FILE.dat.gz MINCOUNT
Prints the number of frequent itemsets and the count per size, then the
itemsets whose support equals MINCOUNT exactly (boundary check)."""
import gzip, sys
tx=[set(l.split()) for l in gzip.open(sys.argv[1],'rt')]
minsup=int(sys.argv[2])
cov={}
for t,s in enumerate(tx):
    for i in s: cov.setdefault(i,set()).add(t)
items=sorted([(len(c),i) for i,c in cov.items() if len(c)>=minsup])
count=[0]; sizes={}
def rec(prefix, exts):
    for k,(i,c) in enumerate(exts):
        count[0]+=1; sizes[len(prefix)+1]=sizes.get(len(prefix)+1,0)+1
        kids=[]
        for j,d in exts[k+1:]:
            e=c&d
            if len(e)>=minsup: kids.append((j,e))
        if kids: rec(prefix+[i], kids)
rec([], [(i,cov[i]) for _,i in items])
print(count[0], sorted(sizes.items()))
# count itemsets at exactly the threshold
ex=[0]
def rec2(prefix, exts):
    for k,(i,c) in enumerate(exts):
        if len(c)==minsup: ex[0]+=1; print("at threshold:", prefix+[i])
        kids=[(j,c&d) for j,d in exts[k+1:] if len(c&d)>=minsup]
        if kids: rec2(prefix+[i], kids)
rec2([], [(i,cov[i]) for _,i in items])
print("exactly at threshold:", ex[0])
