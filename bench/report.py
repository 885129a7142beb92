#!/usr/bin/python3
"""Turns the key/value TSV that bench/run.sh writes into the side-by-side tables and target checks.

    /usr/bin/python3 bench/report.py RESULTS.tsv [--text OUT.txt] [--markdown OUT.md]

Prints the text tables on stdout; --markdown also writes them as Markdown (for bench/README.md).
Rates are flows per CPU-second (user + sys of the measured process) unless a column says "wall":
on a shared machine other processes stretch wall time, not the measured process's CPU time, and
the targets are per core.
"""

import argparse
import sys

# The targets from the issues, checked against the largest size measured.
DECODE_TARGET = 5_000_000       # flows/s per core
TSHARK_FACTOR = 20              # flowsift decode > 20x tshark
IMPORT_TARGET = 1_000_000       # flows/s from export pcaps
SQLITE_SHARE = 0.70             # of sqlite3 .import rows/s
RSS_LIMIT_MB = 300              # peak RSS for 10M flows
DETECT_SECONDS = 10            # every detector over 10M stored flows, wall seconds
DETECT_RSS_MB = 1024           # ... peak RSS
FLAT_RSS = 1.5                  # RSS(10M) / RSS(1M) at most this for 10x the input: "flat" (linear
                                # growth would be 10x; a few MB of SQLite sorter and cache is not growth)

FORMATS = [("pcap", "pcap (v9/IPFIX mix)"), ("netflow", "NetFlow CSV"), ("nfdump", "nfdump CSV"),
           ("jsonl", "JSON lines (v9 names)"), ("nfcapd", "nfcapd file")]


def load(path):
    r = {}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                k, _, v = line.partition("\t")
                r[k] = v
    return r


def fnum(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def rate(v):
    x = fnum(v)
    if x is None:
        return "-"
    if x >= 1e6:
        return "%.2fM" % (x / 1e6)
    if x >= 1e3:
        return "%.0fk" % (x / 1e3)
    return "%.0f" % x


def ratio(a, b):
    a, b = fnum(a), fnum(b)
    if a is None or not b:
        return "-"
    return "%.1fx" % (a / b) if a / b >= 10 else "%.2fx" % (a / b)


def table(headers, rows):
    widths = [max([len(str(h))] + [len(str(r[i])) for r in rows]) for i, h in enumerate(headers)]
    text = ["  ".join(str(h).ljust(widths[i]) for i, h in enumerate(headers)).rstrip(),
            "  ".join("-" * w for w in widths)]
    text += ["  ".join(str(c).ljust(widths[i]) for i, c in enumerate(row)).rstrip() for row in rows]
    md = ["| " + " | ".join(str(h) for h in headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    md += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(text), "\n".join(md)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tsv")
    ap.add_argument("--text")
    ap.add_argument("--markdown")
    args = ap.parse_args()
    r = load(args.tsv)
    sizes = sorted({k.split(".")[1] for k in r if k.startswith("input.") and k.endswith(".flows")},
                   key=lambda s: float(s.rstrip("m")))

    # sqlite3 .import + indexes, from the two timed steps.
    for s in sizes:
        p = "import.%s.sqlite_" % s
        a, b = fnum(r.get(p + "import.seconds")), fnum(r.get(p + "indexes.seconds"))
        ca, cb = fnum(r.get(p + "import.cpu_s")), fnum(r.get(p + "indexes.cpu_s"))
        n = fnum(r.get("input.%s.flows" % s))
        if a is not None and b is not None and n:
            r[p + "indexed"] = str(round(n / max(a + b, 0.001)))
            r[p + "indexed.seconds"] = "%.2f" % (a + b)
            r[p + "indexed.cpu"] = str(round(n / max(ca + cb, 0.001)))
            r[p + "indexed.cpu_s"] = "%.2f" % (ca + cb)
            r[p + "indexed.rss_mb"] = str(max(fnum(r.get(p + "import.rss_mb")) or 0,
                                              fnum(r.get(p + "indexes.rss_mb")) or 0))

    out_text, out_md = [], []

    def section(title, headers, rows, notes=()):
        if not rows:  # a run without this phase (bench/run.sh --detect)
            return
        t, m = table(headers, rows)
        out_text.extend([title, t])
        out_text.extend(notes)
        out_text.append("")
        out_md.extend(["**%s**" % title, "", m])
        if notes:
            out_md.append("")
            out_md.extend("- " + n.strip() for n in notes)
        out_md.append("")

    built = r.get("tree.built", "working tree")
    dirty = r.get("tree.dirty", "").strip() if built == "working tree" else ""
    machine = "%s CPUs (%s), %s GB RAM, %s; built: %s at %s%s; pinned: %s" % (
        r.get("machine.nproc", "?"), r.get("machine.cpu", "?"), r.get("machine.ram_gb", "?"),
        r.get("machine.date", "?"), built, r.get("tree.head", "?"),
        (" + uncommitted changes in " + dirty) if dirty else "", r.get("pin", "none"))
    loads = "; ".join("%s: %s" % (k[5:], v) for k, v in r.items() if k.startswith("load."))
    tools = "tools: %s; %s; sqlite3 %s" % (r.get("tools.tshark", "-"), r.get("tools.nfdump", "-"),
                                         r.get("tools.sqlite3", "-"))
    out_text += [machine, tools, "load before each phase: " + loads, ""]
    out_md += ["Machine: " + machine + "  ", tools + "  ", "Load before each phase: " + loads, ""]

    # Decode
    rows = []
    for s in sizes:
        d = "decode.%s." % s
        subset = " (1M file)" if r.get(d + "tshark_subset") else ""
        fs = r.get(d + "flowsift_source.cpu")
        rows.append([
            "%s flows, %s MB" % (s.upper(), r.get("input.%s.pcap_mb" % s, "?")),
            rate(fs), rate(r.get(d + "flowsift_direct.cpu")), rate(r.get(d + "flowsift_source")),
            rate(r.get(d + "flowsift_cli_csv.cpu")), rate(r.get(d + "tshark.cpu")) + subset,
            rate(r.get(d + "nfcapd.cpu")), rate(r.get(d + "nfdump_csv.cpu")), rate(r.get(d + "nfdump_read.cpu")),
            ratio(fs, r.get(d + "tshark.cpu")),
            ratio(r.get(d + "flowsift_cli_csv.cpu"), r.get(d + "tshark.cpu")),
            ratio(fs, r.get(d + "nfcapd.cpu")), ratio(fs, r.get(d + "nfdump_read.cpu")),
        ])
    section("Decode: flows per CPU-second (one thread, pinned to one CPU)",
            ["input", "flowsift", "flowsift direct", "flowsift wall", "flowsift-cli csv", "tshark fields",
             "nfcapd ingest", "nfdump -r csv", "nfdump -r read", "fs/tshark", "fs-csv/tshark", "fs/nfcapd",
             "fs/nfdump-read"],
            rows,
            ["  flowsift = bench/decode_bench --mode source (openFlowSource + readBatch, as import runs it), no "
             "output, best of N; direct = CaptureReader + ExportDecoder only; wall = flowsift per wall second.",
             "  flowsift-cli csv = `flowsift-cli decode F --format csv >/dev/null`; tshark fields = `tshark -T fields "
             "-e cflow.* -d udp.port==2055,cflow ...` (text out: like for like with flowsift-cli csv).",
             "  nfcapd ingest = flows / CPU-seconds of nfcapd receiving the same datagrams replayed over loopback "
             "(decode + writing its file); nfdump -r = reading that nfcapd file (csv: -o csv to /dev/null; read: "
             "-s proto, no per-flow output). nfdump cannot read a pcap of exports.",
             "  fs/x = flowsift / x; fs-csv = flowsift-cli csv."])

    # Import
    rows = []
    for s in sizes:
        sq = "import.%s.sqlite_import" % s
        sqi = "import.%s.sqlite_indexed" % s
        for key, label in FORMATS:
            k = "import.%s.%s" % (s, key)
            if k not in r:
                continue
            rows.append([s.upper(), label, rate(r.get(k + ".cpu")), rate(r.get(k)), r.get(k + ".seconds", "-"),
                         r.get(k + ".rss_mb", "-"), r.get(k + ".db_mb", "-"),
                         ratio(r.get(k + ".cpu"), r.get(sq + ".cpu")), ratio(r.get(k), r.get(sq)),
                         ratio(r.get(k + ".cpu"), r.get(sqi + ".cpu"))])
        if sq in r:
            rows.append([s.upper(), "sqlite3 .import (CSV)", rate(r.get(sq + ".cpu")), rate(r.get(sq)),
                         r.get(sq + ".seconds", "-"), r.get(sq + ".rss_mb", "-"), "-", "1.00x", "1.00x", "-"])
        if sqi in r:
            rows.append([s.upper(), "sqlite3 .import + indexes", rate(r.get(sqi + ".cpu")), rate(r.get(sqi)),
                         r.get(sqi + ".seconds", "-"), r.get(sqi + ".rss_mb", "-"), "-", "-", "-", "1.00x"])
    section("Import into a case (whole `flowsift-cli import`)",
            ["size", "input", "flows/CPU-s", "flows/s wall", "seconds", "peak RSS MB", "case MB",
             "vs .import", "vs .import wall", "vs .import+idx"], rows,
            ["  flowsift-cli import: content sniffing, SHA-256 of the file, decode/parse, one transaction of "
             "INSERTs, then the time index (flows_start) at commit.",
             "  sqlite3 .import: the same flows as CSV (bench/gen_exports.py sqlite-csv) into a table with the "
             "columns of Flowsift's flows table, one transaction; + idx: then the same time index."])

    rows = []
    for s in sizes:
        p = "phases.%s." % s
        tot = fnum(r.get(p + "total_s"))
        if not tot:
            continue
        cells = [s.upper()]
        for f in ("hash_s", "read_s", "insert_s", "commit_s"):
            v = fnum(r.get(p + f)) or 0
            cells.append("%.2f s (%.0f%%)" % (v, 100 * v / tot))
        cells.append("%.2f s" % tot)
        rows.append(cells)
    if rows:
        section("Where the pcap import's wall time goes (bench/import_bench, same steps as FlowImporter)",
                ["size", "SHA-256 of file", "read + decode", "insertFlows", "commit (time index)", "total"], rows)

    # Detect
    dsizes = sorted({k.split(".")[1] for k in r if k.startswith("detect.") and k.endswith(".flows")},
                    key=lambda s: float(s.rstrip("m")))
    rows = []
    for s in dsizes:
        d = "detect.%s." % s
        st = lambda k: r.get(d + "steps." + k, "-")
        # wall / CPU seconds of a step (detect_bench prints both since the CPU figures were added)
        wc = lambda k: st(k + "_s") + (" / " + st(k + "_cpu_s") if d + "steps." + k + "_cpu_s" in r else "")
        rows.append([s.upper(), r.get(d + "analyze.seconds", "-"), r.get(d + "analyze.cpu_s", "-"),
                     r.get(d + "analyze.rss_mb", "-"), r.get(d + "findings", "-"), st("conversations"),
                     wc("context"), wc("beacon"), wc("port_scan"), wc("exfiltration"), wc("volumetric"),
                     wc("engine"), st("vmhwm_mb")])
    section("Detection: every detector over the flows of a case (`flowsift-cli analyze --db CASE`)",
            ["flows", "seconds", "CPU s", "peak RSS MB", "findings", "conversations", "load+conv s", "beacon s",
             "port_scan s", "exfil s", "volumetric s", "engine s", "steps RSS MB"], rows,
            ["  seconds, CPU s, peak RSS: the whole `flowsift-cli analyze --db CASE --output R.json` under "
             "/usr/bin/time (load the flows, build conversations, all detectors in parallel, write the report and "
             "the findings into the case).",
             "  The other columns are bench/detect_bench, wall / CPU seconds: load+conv = DetectorEngine::buildContext "
             "(SQLite read, dedup, conversations, traffic volumes); each detector alone on one thread; engine = all "
             "in parallel."])

    # Targets
    big = sizes[-1] if sizes else None
    small = sizes[0] if sizes else None
    checks = []

    def check(name, value, target, ok):
        checks.append([name, value, target, "-" if ok is None else ("met" if ok else "MISSED")])

    if big:
        B = big.upper()
        dec = fnum(r.get("decode.%s.flowsift_source.cpu" % big))
        check("decode %s pcap, flows/CPU-s" % B, rate(dec) + " (wall %s)" % rate(r.get("decode.%s.flowsift_source"
                                                                                     % big)),
              ">= 5M per core", None if dec is None else dec >= DECODE_TARGET)
        ts = fnum(r.get("decode.%s.tshark.cpu" % big))
        check("decode vs tshark", ratio(dec, ts), "> 20x", None if not (dec and ts) else dec / ts > TSHARK_FACTOR)
        imp = fnum(r.get("import.%s.pcap.cpu" % big))
        check("import %s from export pcap" % B, rate(imp) + "/CPU-s (wall %s/s)" % rate(r.get("import.%s.pcap" % big)),
              ">= 1M flows/s", None if imp is None else imp >= IMPORT_TARGET)
        sq = fnum(r.get("import.%s.sqlite_import.cpu" % big))
        check("import pcap vs sqlite3 .import", ratio(imp, sq) + " (wall %s)" % ratio(
            r.get("import.%s.pcap" % big), r.get("import.%s.sqlite_import" % big)), ">= 0.70x",
            None if not (imp and sq) else imp / sq >= SQLITE_SHARE)
        worst, worst_label = 0, "-"
        for key, label in FORMATS:
            v = fnum(r.get("import.%s.%s.rss_mb" % (big, key))) or 0
            if v > worst:
                worst, worst_label = v, label
        has10 = float(big.rstrip("m")) >= 10
        check("peak RSS, import %s (worst: %s)" % (B, worst_label), "%.0f MB" % worst, "< 300 MB at 10M",
              (worst < RSS_LIMIT_MB) if has10 else None)
        if small != big:
            for key, label in FORMATS:
                a = fnum(r.get("import.%s.%s.rss_mb" % (small, key)))
                b = fnum(r.get("import.%s.%s.rss_mb" % (big, key)))
                if a and b:
                    check("flat RSS, import %s" % label, "%.0f -> %.0f MB (%.2fx)" % (a, b, b / a),
                          "<= %.2fx" % FLAT_RSS, b / a <= FLAT_RSS)
            a = fnum(r.get("decode.%s.flowsift_source.rss_mb" % small))
            b = fnum(r.get("decode.%s.flowsift_source.rss_mb" % big))
            if a and b:
                check("flat RSS, decode", "%.0f -> %.0f MB (%.2fx)" % (a, b, b / a), "<= %.2fx" % FLAT_RSS,
                      b / a <= FLAT_RSS)
    for s in dsizes:
        if float(s.rstrip("m")) < 10:
            continue
        sec = fnum(r.get("detect.%s.analyze.seconds" % s))
        rss = fnum(r.get("detect.%s.analyze.rss_mb" % s))
        check("all detectors over %s stored flows, seconds" % s.upper(), "-" if sec is None else "%.1f s" % sec,
              "< 10 s", None if sec is None else sec < DETECT_SECONDS)
        check("all detectors over %s stored flows, peak RSS" % s.upper(), "-" if rss is None else "%.0f MB" % rss,
              "< 1 GB", None if rss is None else rss < DETECT_RSS_MB)
    title = "Targets (from the issues; %s vs %s for flat RSS)" % (small.upper(), big.upper()) if small != big \
        else "Targets (from the issues)"
    section(title, ["target", "measured", "wanted", "status"], checks)

    problems = ["  %s: %s" % (k[:-len(".mismatch")], v) for k, v in r.items() if k.endswith(".mismatch")]
    if problems:
        out_text.append("Problems (a measurement did not see every generated flow, or failed):")
        out_text.extend(problems)
        out_md.append("Problems:\n")
        out_md.extend("- " + p.strip() for p in problems)

    text = "\n".join(out_text) + "\n"
    sys.stdout.write(text)
    if args.text:
        with open(args.text, "w") as f:
            f.write(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("\n".join(out_md) + "\n")


if __name__ == "__main__":
    main()
