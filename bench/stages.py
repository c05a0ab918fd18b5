#!/usr/bin/env python3
"""Stage latencies from two scrapes of finessed's /metrics.

    bench/stages.py before.txt after.txt

prints, for what happened between the two scrapes, the p50 and p99 of each
stage of a REST change reaching a desktop: the PUT handler, the engine's
commit, commit -> the hub's dispatch, dispatch -> written (TCP), and commit
-> written. Quantiles are interpolated within histogram buckets, as
Prometheus's histogram_quantile does.
"""
import re,sys
def parse(path):
    text=open(path).read()
    d={}
    for m in re.finditer(r'^(\w+)_bucket\{(.*?)\} (\S+)$', text, re.M):
        name, lab, val = m.group(1), m.group(2), float(m.group(3))
        le=re.search(r'le="([^"]+)"', lab).group(1)
        rest=re.sub(r',?le="[^"]+"','',lab)
        d[(name,rest,le)]=val
    return d
a=parse(sys.argv[1]); b=parse(sys.argv[2])
def hist(name, must):
    acc={}
    for (n,lab,le),v in b.items():
        if n!=name or not all(x in lab for x in must): continue
        acc[le]=acc.get(le,0)+v-a.get((n,lab,le),0)
    out=sorted(((float('inf') if le=='+Inf' else float(le)),c) for le,c in acc.items())
    return out
def q(bk,p):
    total=bk[-1][1]
    if total<=0: return None
    want=p*total; pl,pc=0.0,0.0
    for le,c in bk:
        if c>=want:
            if le==float('inf'): return pl
            return pl+(le-pl)*((want-pc)/(c-pc) if c>pc else 0)
        pl,pc=le,c
for name,must in [('finesse_http_request_duration_seconds',['route="/finesse/api/User/{id}"','method="PUT"']),('finesse_commit_duration_seconds',[]),('finesse_xmpp_dispatch_latency_seconds',[]),('finesse_xmpp_write_latency_seconds',['transport="tcp"']),('finesse_xmpp_fanout_latency_seconds',[])]:
    bk=hist(name,must)
    if not bk or bk[-1][1]<=0: print(name,'none'); continue
    print(f"{name} {' '.join(must)} n={int(bk[-1][1])} p50={q(bk,.5)*1000:.3f}ms p99={q(bk,.99)*1000:.3f}ms")
