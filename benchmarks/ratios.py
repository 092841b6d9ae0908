#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Turns JMH JSON results (-rf json) into ratios against the baseline measured in the same run.

Baselines: the `NONE` value of the `listener` parameter (ListenerOverheadBenchmark, ListenerScalingBenchmark);
otherwise the `step` method (CallbackCostBenchmark, ReinitBenchmark) or the `baselineSum` method
(GateCountBenchmark) with the same parameters. The error of a ratio r = a/b is JMH's 99.9% error of a and of b
propagated to first order: r * sqrt((ea/a)^2 + (eb/b)^2).

Usage: python3 benchmarks/ratios.py results/run1.json [results/run2.json ...]
With several runs, one column per run and the median ratio are printed. Standard library only.
"""
import json
import math
import statistics
import sys


def key_of(rec):
    cls, method = rec["benchmark"].rsplit(".", 1)
    params = dict(rec.get("params", {}))
    return cls.rsplit(".", 1)[-1], method, params


def baseline_of(cls, method, params, index):
    if "listener" in params:
        p = dict(params)
        p["listener"] = "NONE"
        return index.get((cls, method, tuple(sorted(p.items()))))
    for base in ("step", "baselineSum"):
        b = index.get((cls, base, tuple(sorted(params.items()))))
        if b is not None:
            return b
    return None


def ratios(path):
    with open(path) as f:
        recs = json.load(f)
    index = {}
    for rec in recs:
        cls, method, params = key_of(rec)
        index[(cls, method, tuple(sorted(params.items())))] = rec
    out = {}
    for (cls, method, params), rec in index.items():
        base = baseline_of(cls, method, dict(params), index)
        m = rec["primaryMetric"]
        row = {"score": m["score"], "error": m["scoreError"], "unit": m["scoreUnit"]}
        if base is not None and base is not rec:
            b = base["primaryMetric"]
            r = m["score"] / b["score"]
            rel = math.hypot(_rel(m), _rel(b))
            row["ratio"] = r
            row["ratio_error"] = r * rel
        out[(cls, method, params)] = row
    return out


def _rel(metric):
    e = metric["scoreError"]
    if e is None or (isinstance(e, float) and math.isnan(e)):
        return 0.0
    return e / metric["score"]


def label(key):
    cls, method, params = key
    p = ", ".join(f"{k}={v}" for k, v in params)
    return f"{cls}.{method}" + (f" ({p})" if p else "")


def main(paths):
    runs = [ratios(p) for p in paths]
    keys = sorted({k for r in runs for k in r}, key=lambda k: (k[0], tuple(v for _, v in k[2]), k[1]))
    cols = ["benchmark"] + [f"run {i + 1}: score, ratio" for i in range(len(runs))]
    if len(runs) > 1:
        cols.append("median ratio")
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for k in keys:
        cells = []
        rs = []
        for run in runs:
            row = run.get(k)
            if row is None:
                cells.append("")
                continue
            c = f"{row['score']:.4g} ± {row['error']:.2g} {row['unit']}"
            if "ratio" in row:
                c += f", **{row['ratio']:.4f} ± {row['ratio_error']:.4f}**"
                rs.append(row["ratio"])
            cells.append(c)
        line = f"| {label(k)} | " + " | ".join(cells) + " |"
        if len(runs) > 1:
            line += f" {statistics.median(rs):.4f} |" if rs else " |"
        print(line)


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
