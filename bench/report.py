#!/usr/bin/env python3
"""Turns bench/run's results.tsv into the table of medians and the TpGen rows against the C baseline.

usage: report.py RESULTS.tsv [CLOCK_TICKS_PER_SECOND]
"""
import csv
import statistics
import sys

ORDER = ["counter", "c-baseline", "tpgen-callback", "tpgen-readall", "tpgen-trace-json", "tpgen-count",
         "bpftrace-printf", "bpftrace-count", "bcc-trace"]
LABELS = {
    "none": "no tracer",
    "counter": "in-kernel counter (floor)",
    "c-baseline": "C + libbpf ring buffer",
    "tpgen-callback": "TpGen Run (callback)",
    "tpgen-readall": "TpGen ReadAllAsync",
    "tpgen-trace-json": "tpgen trace --output json",
    "tpgen-count": "tpgen trace --count-by reason (in the kernel)",
    "bpftrace-printf": "bpftrace printf",
    "bpftrace-count": "bpftrace count()",
    "bcc-trace": "BCC trace",
}


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def main():
    if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if len(sys.argv) >= 2 else 2
    path = sys.argv[1]
    ticks = float(sys.argv[2]) if len(sys.argv) > 2 else 100.0
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    if not rows:
        print("no results")
        return 1
    for row in rows:
        for key in row:
            if key != "tracer":
                row[key] = float(row[key])

    summary = {}
    alone = [r["alone_pps"] for r in rows]
    summary["none"] = dict(pps=median(alone), slowdown=1.0, events_per_s=None, lost=None, lost_max=None,
                           cpu_s=None, us_per_event=None, rss_mb=None, reps=len(alone))
    for tracer in ORDER:
        runs = [r for r in rows if r["tracer"] == tracer]
        if not runs:
            continue
        summary[tracer] = dict(
            pps=median([r["pps"] for r in runs]),
            # Each traced run is paired with a run alone just before it.
            slowdown=median([r["alone_pps"] / r["pps"] for r in runs if r["pps"] > 0]),
            # Of the workload's events: counts above the oracle are other programs' drops.
            events_per_s=median([min(r["delivered"], r["oracle"]) / r["seconds"] for r in runs if r["seconds"] > 0]),
            lost=median([max(0.0, r["oracle"] - r["delivered"]) for r in runs]),
            lost_max=max(max(0.0, r["oracle"] - r["delivered"]) for r in runs),
            delivered_share=median([r["delivered"] / r["oracle"] for r in runs if r["oracle"] > 0]),
            cpu_s=median([r["cpu_ticks"] / ticks for r in runs]),
            us_per_event=median([r["cpu_ns"] / 1000.0 / r["delivered"] for r in runs if r["delivered"] > 0]),
            rss_mb=median([r["peak_rss_kb"] / 1024.0 for r in runs]),
            reps=len(runs),
        )

    def fmt(value, pattern):
        return "—" if value is None else pattern.format(value)

    packets = int(rows[0]["oracle"]) if rows else 0
    reps = int(max(r["rep"] for r in rows))
    print(f"Medians of {reps} repetition(s), {packets:,} packets per run.\n")
    print("| tracer | workload pkt/s | slowdown | events/s delivered | delivered | lost (median / max) | tracer CPU s (utime+stime) | CPU µs/event | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for tracer in ["none"] + ORDER:
        s = summary.get(tracer)
        if s is None:
            continue
        lost = "—" if s["lost"] is None else f"{s['lost']:,.0f} / {s['lost_max']:,.0f}"
        share = fmt(s.get("delivered_share"), "{:.1%}")
        print(f"| {LABELS[tracer]} | {fmt(s['pps'], '{:,.0f}')} | {fmt(s['slowdown'], '{:.3f}×')} | "
              f"{fmt(s['events_per_s'], '{:,.0f}')} | {share} | {lost} | {fmt(s['cpu_s'], '{:.2f}')} | "
              f"{fmt(s['us_per_event'], '{:.3f}')} | {fmt(s['rss_mb'], '{:.1f}')} |")

    base = summary.get("c-baseline")
    if base is None:
        return 0
    print("\nTpGen against the C baseline (ratio TpGen / C; events/s: higher is better, the rest: lower is better):\n")
    print("| TpGen row | events/s | slowdown | slowdown excess (s−1) | CPU µs/event | peak RSS |")
    print("|---|---:|---:|---:|---:|---:|")
    for tracer in ["tpgen-callback", "tpgen-readall", "tpgen-trace-json"]:
        s = summary.get(tracer)
        if s is None:
            continue

        def ratio(key):
            a, b = s.get(key), base.get(key)
            return None if a is None or not b else a / b

        excess = None
        if s["slowdown"] is not None and base["slowdown"] is not None and base["slowdown"] > 1.0:
            excess = (s["slowdown"] - 1.0) / (base["slowdown"] - 1.0)
        print(f"| {LABELS[tracer]} | {fmt(ratio('events_per_s'), '{:.3f}×')} | {fmt(ratio('slowdown'), '{:.3f}×')} | "
              f"{fmt(excess, '{:.2f}×')} | {fmt(ratio('us_per_event'), '{:.2f}×')} | {fmt(ratio('rss_mb'), '{:.2f}×')} |")

    # Another program's drops show as NoPorts beyond the workload's (in this network namespace),
    # or as more events delivered than the workload caused (in any namespace).
    disturbed = [r for r in rows if r.get("foreign_noports", 0) > 0 or r["delivered"] > r["oracle"] + 10]
    if disturbed:
        print(f"\nWARNING: in {len(disturbed)} of {len(rows)} runs other programs dropped packets while the tracer was "
              "attached (NoPorts beyond the workload's, or more events than the workload caused); the tracers count "
              "those drops too, so delivered and lost are not exact there: "
              + ", ".join(sorted({f"{r['tracer']} rep {int(r['rep'])}" for r in disturbed})) + ".")

    callback = summary.get("tpgen-callback")
    if callback is not None:
        events_ok = callback["events_per_s"] is not None and base["events_per_s"] and callback["events_per_s"] >= 0.9 * base["events_per_s"]
        lost_ok = callback["lost_max"] == 0
        slow_ok = callback["slowdown"] <= 1.1 * base["slowdown"]
        print("\nTarget (TpGen callback): ≥ 0.9× the C baseline's events/s: "
              f"{'met' if events_ok else 'NOT met'}; 0 lost in every run: {'met' if lost_ok else 'NOT met'}; "
              f"slowdown ≤ 1.1× the C baseline's: {'met' if slow_ok else 'NOT met'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
