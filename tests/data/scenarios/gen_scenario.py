#!/usr/bin/python3
"""gen_traffic.py (../shared/corpus) plus scenarios it does not have; see make_scenarios.sh.

    gen_scenario.py --corpus DIR [--distscan-sources N ...] -- <gen_traffic.py arguments>

Adds, when --distscan-sources > 0, a distributed port scan: N outside sources each probe a few
hosts of one internal target set on one TCP port (SYN only; live hosts answer RST), all within
--distscan-duration seconds, so that no single source reaches a per-source scan threshold but the
union covers the whole set. Labelled `port_scan_distributed` with the source list. Everything else,
and the random stream of gen_traffic.py's own scenarios, is unchanged: the extra traffic uses its
own seeded generator and is added after gen_traffic.py's build().
"""
import argparse
import importlib.util
import ipaddress
import json
import os
import random
import sys

p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
p.add_argument("--corpus", required=True, help="directory holding gen_traffic.py")
p.add_argument("--distscan-sources", type=int, default=0)
p.add_argument("--distscan-net", default="10.0.0.0/24")
p.add_argument("--distscan-port", type=int, default=22)
p.add_argument("--distscan-start", type=float, default=1800.0, help="offset s from start")
p.add_argument("--distscan-duration", type=float, default=600.0)
p.add_argument("--distscan-seed", type=int, default=7)
a, rest = p.parse_known_args()
if rest and rest[0] == "--":
    rest = rest[1:]

spec = importlib.util.spec_from_file_location("gen_traffic", os.path.join(a.corpus, "gen_traffic.py"))
gt = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gt)


class Scenario(gt.Scenario):
    def build(self):
        super().build()
        if a.distscan_sources > 0:
            self.distscan()

    def distscan(self):
        r, w = random.Random(a.distscan_seed), self.w
        targets = [str(x) for x in ipaddress.IPv4Network(a.distscan_net).hosts()]
        r.shuffle(targets)
        srcs = set()
        while len(srcs) < a.distscan_sources:
            srcs.add("%d.%d.%d.%d" % (r.choice([5, 31, 45, 80, 91, 141, 185, 193]), r.randint(0, 255),
                                      r.randint(0, 255), r.randint(1, 254)))
        srcs = sorted(srcs)
        live = {self.dns, self.dc, self.fs, self.web, self.mail} | set(self.hosts)
        t0 = self.t0 + a.distscan_start
        first, last = None, None
        # Deal the targets round-robin: each source gets len(targets)/N of them.
        for i, dst in enumerate(targets):
            src = srcs[i % len(srcs)]
            t = t0 + r.random() * a.distscan_duration
            sp = r.randint(1025, 65000)
            w.pkt(t, src, dst, 6, sp, a.distscan_port, flags="S", seq=r.getrandbits(32), ttl=r.randint(40, 120))
            if dst in live:
                w.pkt(t + 0.02, dst, src, 6, a.distscan_port, sp, flags="RA")
            first = t if first is None else min(first, t)
            last = t if last is None else max(last, t)
        self.label("port_scan_distributed", True, "%d external sources" % len(srcs), a.distscan_net,
                   [a.distscan_port], "tcp", first, last, sources=srcs, targets=len(targets),
                   probes_per_source=round(len(targets) / len(srcs), 1),
                   scan_type="SYN only, targets dealt round-robin to the sources; live hosts answer RST")


gt.Scenario = Scenario
gt.main(rest)
if a.distscan_sources > 0:
    labels = rest[rest.index("--labels") + 1]
    with open(labels) as f:
        meta = json.load(f)
    meta["generator"] = "tests/data/scenarios/gen_scenario.py (gen_traffic.py + distributed scan)"
    meta["args"]["distscan"] = {k[len("distscan_"):]: v for k, v in vars(a).items() if k.startswith("distscan_")}
    with open(labels, "w") as f:
        json.dump(meta, f, indent=1)
