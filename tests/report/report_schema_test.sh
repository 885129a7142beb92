#!/bin/bash
# Reports of real analyses validate against the schema; broken ones do not.
#   report_schema_test.sh FLOWSIFT_CLI SOURCE_DIR WORK_DIR
set -euo pipefail
cli="$1"; src="$2"; work="$3"
check="/usr/bin/python3 $src/tests/report/check_report_schema.py $src/resources/schema/report.schema.json"
corpus="$src/../shared/corpus/exports"
labeled="$src/../shared/labeled/slips"
rm -rf "$work"; mkdir -p "$work"

# Inputs: the bundled sample, plus corpus/labeled files when they are beside the checkout.
inputs=("$src/resources/sample/"*.pcap*)
for e in enterprise4h__pmacct-ipfix dualstack2h__softflowd-v9-ipv6; do
    [ -f "$corpus/$e.pcap" ] && inputs+=("$corpus/$e.pcap")
done
[ -f "$labeled/test2-malicious.binetflow" ] && inputs+=("$labeled/test2-malicious.binetflow")
printf '203.0.113.77 c2 of the corpus\n198.51.100.0/24\n74.125.133.188\n' > "$work/indicators.txt"
printf '{"port_scan": {"min_failed_targets": 20}, "indicator_files": ["indicators.txt"]}\n' > "$work/config.json"
reports=()
i=0
for input in "${inputs[@]}"; do
    i=$((i + 1))
    "$cli" analyze --flow-file "$input" --config "$work/config.json" --output "$work/report$i.json" --quiet
    reports+=("$work/report$i.json")
done
$check "${reports[@]}"

# The recorded configuration is the one the run used.
/usr/bin/python3 - "$work/report1.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
c = r["metadata"]["analysis"]["configuration"]
assert c["port_scan"]["min_failed_targets"] == 20, c["port_scan"]
assert c["indicator_files"][0].endswith("indicators.txt"), c["indicator_files"]
assert r["metadata"]["analysis"]["indicators_loaded"] == 3, r["metadata"]["analysis"]
PY

# Verdicts: a case with one, reported by `flowsift-cli report --json`, validates and carries it.
"$cli" analyze --flow-file "${inputs[0]}" --db "$work/case.flowsift" --output "$work/analyze.json" --quiet
/usr/bin/python3 - "$work/case.flowsift" "$work/analyze.json" <<'PY'
import json, sqlite3, sys
first = json.load(open(sys.argv[2]))["findings"][0]
assert first["verdict"] == {"status": "none", "comment": "", "analyst": None, "updated": None}, first["verdict"]
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO verdicts(finding_id, verdict, comment, analyst, updated_at) VALUES(?, 'confirmed', ?, 'ana', 1772438400000)",
           (first["id"], 'seen on the proxy, "blocked"'))
db.commit()
PY
"$cli" report --db "$work/case.flowsift" --json "$work/verdicts.json" --analyst "Ana Lyst" --quiet
$check "$work/verdicts.json"
/usr/bin/python3 - "$work/verdicts.json" "$work" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["metadata"]["analyst"] == "Ana Lyst", r["metadata"]
v = r["findings"][0]["verdict"]
assert v == {"status": "confirmed", "comment": 'seen on the proxy, "blocked"', "analyst": "ana",
             "updated": "2026-03-02T08:00:00.000Z"}, v
assert all(f["verdict"]["status"] == "none" for f in r["findings"][1:])
e = json.loads(json.dumps(r)); e["findings"][0]["verdict"]["status"] = "maybe"
f = json.loads(json.dumps(r)); del f["findings"][0]["verdict"]
for name, doc in zip("ef", (e, f)):
    json.dump(doc, open("%s/broken-%s.json" % (sys.argv[2], name), "w"))
PY

# Broken reports are refused: a made-up severity, a missing field, a host naming no finding.
/usr/bin/python3 - "$work/report1.json" "$work" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["findings"], "the sample has findings"
a = json.loads(json.dumps(r)); a["findings"][0]["severity"] = "urgent"
b = json.loads(json.dumps(r)); del b["findings"][0]["evidence"]
c = json.loads(json.dumps(r)); c["hosts"] = [{"host": "10.0.0.1", "score": 50, "severity": "medium", "types": ["beacon"], "findings": ["nope"]}]
d = json.loads(json.dumps(r)); d["findings"][0]["attack"] = ["TA0011"]
for name, doc in zip("abcd", (a, b, c, d)):
    json.dump(doc, open("%s/broken-%s.json" % (sys.argv[2], name), "w"))
PY
for b in a b c d e f; do
    $check --expect-invalid "$work/broken-$b.json"
done
echo "report schema: all checks passed"
