#!/usr/bin/python3
"""Validates Flowsift findings reports against resources/schema/report.schema.json.

    check_report_schema.py SCHEMA REPORT.json [REPORT.json...]
    check_report_schema.py SCHEMA --expect-invalid REPORT.json   (a broken report must be refused)

Besides the schema, checks what JSON Schema cannot: every host's finding ids exist,
findings are in priority order, and findings_by_severity counts the findings.
"""
import json
import sys

import jsonschema


def semantic_errors(report):
    errors = []
    ids = {f["id"] for f in report["findings"]}
    for h in report["hosts"]:
        for fid in h["findings"]:
            if fid not in ids:
                errors.append("hosts: %s names unknown finding %s" % (h["host"], fid))
    scores = [f["score"] for f in report["findings"]]
    if scores != sorted(scores, reverse=True):
        errors.append("findings: not in priority (score) order")
    counts = {}
    for f in report["findings"]:
        counts[f["severity"]] = counts.get(f["severity"], 0) + 1
    for sev, n in report["metadata"]["findings_by_severity"].items():
        if counts.get(sev, 0) != n:
            errors.append("findings_by_severity.%s is %d, the findings have %d" % (sev, n, counts.get(sev, 0)))
    return errors


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        schema = json.load(f)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    expect_invalid = argv[2] == "--expect-invalid"
    failed = False
    for path in argv[3:] if expect_invalid else argv[2:]:
        with open(path) as f:
            report = json.load(f)
        errors = ["%s: %s" % ("/".join(str(p) for p in e.absolute_path) or "(root)", e.message)
                  for e in validator.iter_errors(report)]
        if not errors:
            errors = semantic_errors(report)
        if expect_invalid:
            if not errors:
                print("%s: accepted, but it is broken" % path)
                failed = True
            else:
                print("%s: refused as expected: %s" % (path, errors[0]))
        elif errors:
            failed = True
            for e in errors[:20]:
                print("%s: %s" % (path, e))
        else:
            print("%s: valid (%d findings, %d hosts)" % (path, len(report["findings"]), len(report["hosts"])))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
