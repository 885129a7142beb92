#!/usr/bin/python3
"""Scores every Flowsift detector on every labelled scenario and prints a table.

    tools/evaluate.py [--cli build/app/flowsift-cli] [--lean] [--report-only] [--only NAME] [--keep DIR]

Datasets (each run through `flowsift-cli analyze --flow-file ... --output R.json`, one fresh case each):
  * ../shared/corpus: every exports/<scenario>__<exporter>.pcap whose labels/<scenario>.labels.json
    exists. The `mixed__*` exports interleave baseline2h and enterprise4h, so they are scored
    against the union of both label files.
  * tests/data/scenarios: the generated hard cases, same layout (exports/*.pcap.gz + labels/).
  * ../shared/labeled: the public logs whose expected detections are clear (see LABELED_LOGS below
    and ../shared/labeled/README.md). Their labels have no times, and only the named detections are
    labelled: findings of other kinds there are not counted as false positives (the RITA sensor, for
    one, sees hundreds of real unlabelled inbound scans). test1-malicious.nfdump is a negative
    control (Slips expects nothing), so it counts high findings as false positives.
  --lean runs one export per corpus scenario (the softflowd v9 one, plus one mixed) instead of all
  thirteen: the exporters carry the same flows, and the decoder tests cover their differences.

Matching a finding to a label (a finding may match several labels; a label is found when any
finding matches it at high or critical):
  * type: c2_beacon -> beacon; port_scan_horizontal -> port_scan/horizontal (a distributed-scan finding
    that names the label's source among its sources also counts); port_scan_vertical ->
    port_scan/vertical; port_scan_distributed -> port_scan/distributed; exfiltration ->
    exfiltration; volumetric_* -> volumetric. Benign labels (malicious=false: NTP, update checks,
    retries to a dead host) match a finding of any type about the same entities.
  * entities: the label's src is the finding's src (distributed scans: at least half of the finding's
    sources are label sources); the label's dst is among the finding's dst, or for a CIDR dst
    (horizontal and distributed scans) at least half of the finding's dst lie inside it; the label's
    ports (a [first,last] range for vertical scans) meet the finding's dst_ports when both name
    ports (volumetric: dst only, a flood is reported per destination host).
  * time: the finding's [start, end] overlaps the label's [start, end] widened by 120 s each side
    (v9 headers carry whole seconds, exporters cut long flows, and a beacon finding starts at its
    first beat). Labels without times (the public logs) match on type and entities alone.

Figures per dataset and detector (the report's priority order across all detectors is the rank):
  labels    malicious labels this detector is meant to find
  found     of those, matched by a finding at high or critical (recall = found / labels); a label
            may name a lower `min_severity` where high would not be sound (one, explained below)
  prec      findings of this detector at high or above that match a malicious label, over all its
            findings at high or above ("-" when it raised none, or the dataset is not fully labelled).
            A finding about a labelled incident's entities and time counts as true whatever its
            type: a regular upload channel is an exfiltration and a beacon, one incident.
  rank      1-based position of the first finding that matches one of these labels (any severity)
  fp_high   findings of this detector at high or above matching no malicious label (nor its entities)
  benign_hi benign labels matched by a finding of this detector at high or above
Rows of one scenario's exports are merged: worst recall, rank, fp and benign counts across them.

Exit status: 1 if any malicious label is missed or any benign label is rated high (unless
--report-only), 2 on a usage or run error, 0 otherwise.
"""

import argparse
import datetime as dt
import glob
import ipaddress
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared"))
SEV = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}
TIME_SLACK_S = 120

# Public logs with clear expectations (../shared/labeled/README.md, and what Slips' and RITA's own
# tests expect). `complete`: every detection the data holds is labelled.
LABELED_LOGS = [
    {"name": "slips-zeek-vertical", "path": "slips/port-scans/vertical/conn.log", "complete": False,
     "labels": [{"kind": "port_scan_vertical", "src": "192.168.1.9", "dst": "45.33.32.156"}]},
    # A bot fetching pages, then 10 unanswered hosts among 20 new ones on :80 within 5 s. Slips calls
    # it a horizontal scan; by the sequential test it is undecided (as many failures as successes)
    # and it is far below Zeek's own scan threshold (25 failed hosts in 5 min). A client whose
    # network broke fails alike, so Flowsift reports such bursts at medium at most: expected medium.
    {"name": "slips-zeek-horizontal", "path": "slips/port-scans/horizontal/conn.log", "complete": False,
     "labels": [{"kind": "port_scan_horizontal", "src": "10.0.2.112", "ports": [80], "min_severity": "medium"}]},
    {"name": "slips-argus-vertical", "path": "slips/test11-portscan.binetflow", "complete": False,
     "labels": [{"kind": "port_scan_vertical", "src": "10.8.0.69", "dst": "14.1.11.113"}]},
    {"name": "slips-argus-rdp-sweep", "path": "slips/test3-mixed.binetflow", "complete": False,
     "labels": [{"kind": "port_scan_horizontal", "src": "46.166.151.160", "ports": [3389]}]},
    {"name": "slips-argus-81-sweep", "path": "slips/test4-malicious.binetflow", "complete": False,
     "labels": [{"kind": "port_scan_horizontal", "src": "192.168.2.12", "ports": [81]}]},
    {"name": "slips-remcos-retries", "path": "slips/test18-malicious-ctu-sme-11-win/zeek-labeled", "complete": False,
     "labels": [{"kind": "c2_beacon", "src": "192.168.1.107", "dst": "66.63.168.35", "ports": [5888]}]},
    {"name": "slips-nfdump-negative", "path": "slips/test1-malicious.nfdump", "complete": True, "labels": []},
    {"name": "rita-missing-host", "path": "rita_missing_host", "complete": False,
     "internal": "64.225.56.201/32",
     "labels": [{"kind": "c2_beacon", "src": "73.54.23.243", "dst": "64.225.56.201", "ports": [80]}]},
]
# Exports that interleave two scenarios' captures (../shared/corpus/README.md, "mixed").
MIXED = {"mixed": ["baseline2h", "enterprise4h"]}

DETECTOR_OF_KIND = {"c2_beacon": "beacon", "port_scan_horizontal": "port_scan", "port_scan_vertical": "port_scan",
                    "port_scan_distributed": "port_scan", "exfiltration": "exfiltration"}


MAIN_DETECTORS = ["beacon", "port_scan", "exfiltration", "volumetric"]


def detector_of(kind):
    if kind.startswith("volumetric"):
        return "volumetric"
    return DETECTOR_OF_KIND.get(kind)


def epoch(iso):
    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def in_cidr(addr, cidr):
    try:
        return ipaddress.ip_address(addr) in ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False


def is_cidr(text):
    return isinstance(text, str) and "/" in text


def type_fits(finding, label):
    kind = label["kind"]
    t, sub = finding.get("type"), finding.get("subtype")
    if not label.get("malicious", True):
        return True
    if kind == "c2_beacon":
        return t == "beacon"
    if kind == "port_scan_horizontal":
        return t == "port_scan" and sub in ("horizontal", "distributed")
    if kind == "port_scan_vertical":
        return t == "port_scan" and sub == "vertical"
    if kind == "port_scan_distributed":
        return t == "port_scan" and sub == "distributed"
    if kind == "exfiltration":
        return t == "exfiltration"
    if kind.startswith("volumetric"):
        return t == "volumetric"
    return False


def finding_sources(finding):
    srcs = finding.get("evidence", {}).get("sources")
    if isinstance(srcs, list) and srcs:
        return set(srcs)
    return {finding["src"]} if finding.get("src") else set()


def entities_fit(finding, label):
    kind = label["kind"]
    fdst = finding.get("dst") or []
    fports = set(finding.get("dst_ports") or [])
    # source
    if kind == "port_scan_distributed" or (kind == "port_scan_horizontal" and finding.get("subtype") == "distributed"):
        want = set(label.get("parameters", {}).get("sources") or []) or {label.get("src")}
        got = finding_sources(finding)
        if not got or len(got & want) * 2 < len(got):
            return False
    elif not kind.startswith("volumetric"):
        if finding.get("src") != label.get("src"):
            return False
    # destination
    dst = label.get("dst")
    if dst:
        if is_cidr(dst):
            inside = [d for d in fdst if in_cidr(d, dst)]
            if not fdst or len(inside) * 2 < len(fdst):
                return False
        elif dst not in fdst:
            return False
    # ports
    ports = label.get("ports")
    if ports and fports and not kind.startswith("volumetric"):
        if kind == "port_scan_vertical" and len(ports) == 2:
            if not any(ports[0] <= p <= ports[1] for p in fports):
                return False
        elif not fports & set(ports):
            return False
    return True


def time_fits(finding, label):
    if "start_epoch" not in label:
        return True
    fs, fe = epoch(finding["start"]), epoch(finding["end"])
    return fs <= label["end_epoch"] + TIME_SLACK_S and fe >= label["start_epoch"] - TIME_SLACK_S


def related(finding, label):
    """Same entities and time as a malicious label, whatever the finding's type."""
    if not label.get("malicious", True):
        return False
    return entities_fit(finding, dict(label, kind="related")) and time_fits(finding, label)


def matches(finding, label):
    return type_fits(finding, label) and entities_fit(finding, label) and time_fits(finding, label)


def find_cli(given):
    for c in [given] if given else [os.path.join(ROOT, "build", "app", "flowsift-cli")]:
        if c and os.access(c, os.X_OK):
            return c
    sys.exit("evaluate.py: flowsift-cli not found (build first, or pass --cli)")


def datasets(lean, only):
    out = []
    for labels_dir, exports_dir, origin in [
            (os.path.join(SHARED, "corpus", "labels"), os.path.join(SHARED, "corpus", "exports"), "corpus"),
            (os.path.join(ROOT, "tests", "data", "scenarios", "labels"),
             os.path.join(ROOT, "tests", "data", "scenarios", "exports"), "generated")]:
        label_files = {os.path.basename(p)[:-len(".labels.json")]: p
                       for p in glob.glob(os.path.join(labels_dir, "*.labels.json"))}
        exports = sorted(glob.glob(os.path.join(exports_dir, "*.pcap")) + glob.glob(os.path.join(exports_dir, "*.pcap.gz")))
        by_scenario = {}
        for e in exports:
            scen = os.path.basename(e).split("__")[0]
            parts = MIXED.get(scen, [scen])
            if all(p in label_files for p in parts):
                by_scenario.setdefault(scen, []).append((e, parts))
        for scen, items in sorted(by_scenario.items()):
            if lean:
                # softflowd v9 where there is one (the richest common case), else the first.
                pick = [x for x in items if "softflowd-v9" in os.path.basename(x[0])] or items
                items = pick[:1]
            for e, parts in items:
                labels = []
                for p in parts:
                    with open(label_files[p]) as f:
                        labels += json.load(f)["labels"]
                out.append({"scenario": scen, "origin": origin, "name": os.path.basename(e).split(".pcap")[0],
                            "inputs": [e], "labels": labels, "complete": True, "internal": None})
    for log in LABELED_LOGS:
        path = os.path.join(SHARED, "labeled", log["path"])
        if not os.path.exists(path):
            continue
        labels = [dict(l, id="%s:%s" % (log["name"], l["kind"]), malicious=l.get("malicious", True))
                  for l in log["labels"]]
        out.append({"scenario": log["name"], "origin": "labeled", "name": log["name"], "inputs": [path],
                    "labels": labels, "complete": log["complete"], "internal": log.get("internal")})
    if only:
        out = [d for d in out if only in d["name"] or only == d["scenario"]]
    return out


def analyze(cli, ds, workdir):
    report = os.path.join(workdir, ds["name"] + ".json")
    args = [cli, "analyze", "--quiet", "--output", report, "--db", os.path.join(workdir, ds["name"] + ".flowsift")]
    for i in ds["inputs"]:
        args += ["--flow-file", i]
    if ds["internal"]:
        args += ["--internal", ds["internal"]]
    t0 = time.monotonic()
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        raise RuntimeError("%s: flowsift-cli exited %d: %s" % (ds["name"], r.returncode, r.stderr.strip()[:500]))
    with open(report) as f:
        return json.load(f), time.monotonic() - t0


def score(ds, report):
    """Rows per detector, plus the list of problems (missed labels, benign rated high)."""
    findings = report["findings"]
    detectors = {f["type"] for f in findings} | {detector_of(l["kind"]) for l in ds["labels"] if l.get("malicious")}
    if ds["complete"]:  # show the zeros of a fully labelled dataset too (the negative controls)
        detectors |= set(MAIN_DETECTORS)
    detectors.discard(None)
    problems, notes, rows = [], [], {}
    malicious = [l for l in ds["labels"] if l.get("malicious")]
    benign = [l for l in ds["labels"] if not l.get("malicious")]
    for det in sorted(detectors):
        mine = [l for l in malicious if detector_of(l["kind"]) == det]
        high = [(i, f) for i, f in enumerate(findings) if f["type"] == det and SEV[f["severity"]] >= 3]
        found, rank = 0, None
        for l in mine:
            hits = [(i, f) for i, f in enumerate(findings) if matches(f, l)]
            if hits:
                rank = min(rank or 10**9, hits[0][0] + 1)
            best = max((f for _, f in hits), key=lambda f: SEV[f["severity"]], default=None)
            if best is not None and SEV[best["severity"]] >= SEV[l.get("min_severity", "high")]:
                found += 1
                if SEV[best["severity"]] < 3:
                    notes.append("%s: %s accepted at %s (expected: %s): %s" % (
                        ds["name"], l["id"], best["severity"], l["min_severity"], best["summary"]))
            else:
                problems.append("%s: MISSED %s %s -> %s %s (best: %s)" % (
                    ds["name"], l["id"], l.get("src"), l.get("dst"), l.get("ports"),
                    "%s %s" % (best["severity"], best["summary"]) if best else "no matching finding"))
        # A high finding about a labelled incident is no false alarm even when another detector's
        # label describes it (a regular upload channel is an exfiltration and a beacon).
        tp = [f for _, f in high if any(matches(f, l) or related(f, l) for l in malicious)]
        fps = [f for _, f in high if f not in tp]
        benign_hi = []
        for l in benign:
            for _, f in high:
                if matches(f, l):
                    benign_hi.append(l)
                    problems.append("%s: BENIGN RATED HIGH %s %s -> %s: %s %s" % (
                        ds["name"], l["id"], l.get("src"), l.get("dst"), f["severity"], f["summary"]))
                    break
        rows[det] = {"labels": len(mine), "found": found, "high": len(high), "tp": len(tp),
                     "fp_high": len(fps) if ds["complete"] else None, "benign_hi": len(benign_hi), "rank": rank,
                     "fp_examples": [f["summary"] for f in fps[:3]] if ds["complete"] else []}
    return rows, problems, notes


def merge(a, b):
    if a is None:
        return dict(b)
    m = dict(a)
    m["labels"] = max(a["labels"], b["labels"])
    m["found"] = min(a["found"], b["found"])
    m["high"] += b["high"]
    m["tp"] += b["tp"]
    m["fp_high"] = None if a["fp_high"] is None or b["fp_high"] is None else max(a["fp_high"], b["fp_high"])
    m["benign_hi"] = max(a["benign_hi"], b["benign_hi"])
    ranks = [r for r in (a["rank"], b["rank"]) if r]
    m["rank"] = max(ranks) if ranks else None
    m["fp_examples"] = a["fp_examples"] or b["fp_examples"]
    return m


def fmt_table(table, runs):
    head = ("scenario", "exports", "detector", "labels", "found", "recall", "prec", "rank", "fp_high", "benign_hi")
    lines = []
    for (scen, det), r in sorted(table.items()):
        recall = "%.2f" % (r["found"] / r["labels"]) if r["labels"] else "-"
        prec = "%.2f" % (r["tp"] / r["high"]) if r["high"] and r["fp_high"] is not None else "-"
        lines.append((scen, str(runs[scen]), det, str(r["labels"]), str(r["found"]), recall, prec,
                      str(r["rank"]) if r["rank"] else "-", "-" if r["fp_high"] is None else str(r["fp_high"]),
                      str(r["benign_hi"])))
    widths = [max(len(x[i]) for x in [head] + lines) for i in range(len(head))]
    row = lambda x: "  ".join(c.ljust(w) if i < 3 else c.rjust(w) for i, (c, w) in enumerate(zip(x, widths)))
    return "\n".join([row(head), row(["-" * w for w in widths])] + [row(x) for x in lines])


def main():
    p = argparse.ArgumentParser(description="Score Flowsift's detectors on the labelled scenarios.")
    p.add_argument("--cli", help="flowsift-cli (default: build/app/flowsift-cli)")
    p.add_argument("--lean", action="store_true", help="one export per corpus scenario")
    p.add_argument("--report-only", action="store_true", help="always exit 0 after the table")
    p.add_argument("--only", help="only datasets whose name contains this")
    p.add_argument("--keep", help="keep reports and cases in this directory")
    p.add_argument("--json", help="also write the table as JSON here")
    a = p.parse_args()
    cli = find_cli(a.cli)
    dsets = datasets(a.lean, a.only)
    if not dsets:
        print("evaluate.py: no labelled datasets found (../shared/corpus, tests/data/scenarios)", file=sys.stderr)
        return 2
    table, runs, problems, notes, details = {}, {}, [], [], []
    with tempfile.TemporaryDirectory(prefix="flowsift-eval-") as tmp:
        work = a.keep or tmp
        os.makedirs(work, exist_ok=True)
        for ds in dsets:
            try:
                report, secs = analyze(cli, ds, work)
            except (RuntimeError, OSError, ValueError) as e:
                print("evaluate.py: %s" % e, file=sys.stderr)
                return 2
            rows, probs, nts = score(ds, report)
            problems += probs
            notes += nts
            runs[ds["scenario"]] = runs.get(ds["scenario"], 0) + 1
            details.append({"dataset": ds["name"], "seconds": round(secs, 1), "flows": report["metadata"].get("flows"),
                            "rows": rows})
            for det, r in rows.items():
                table[(ds["scenario"], det)] = merge(table.get((ds["scenario"], det)), r)
            print("  %-48s %8s flows %5.1f s  %d findings" % (ds["name"], report["metadata"].get("flows"), secs,
                                                              len(report["findings"])), file=sys.stderr)
    print(fmt_table(table, runs))
    fp_lines = sorted({"%s/%s: %s" % (s, d, e) for (s, d), r in table.items() for e in r["fp_examples"]})
    if fp_lines:
        print("\nHigh findings matching no label (examples):")
        for l in fp_lines:
            print("  " + l)
    if notes:
        print("\nFound below high, as their labels expect:")
        for n in notes:
            print("  " + n)
    if problems:
        print("\nProblems:")
        for pr in problems:
            print("  " + pr)
    else:
        print("\nEvery labelled event found at high or critical; no benign service rated high.")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"table": [dict(scenario=s, detector=d, **r) for (s, d), r in sorted(table.items())],
                       "datasets": details, "problems": problems}, f, indent=1)
    return 0 if a.report_only or not problems else 1


if __name__ == "__main__":
    sys.exit(main())
