#!/usr/bin/env python3
"""Turns bench/run's results.tsv into the table of medians and the TpGen rows against the C baseline.

The TpGen rows are compared with the C baseline repetition by repetition (both ran within
seconds of each other, on the same machine state) and the median of those ratios is reported
with its range. Runs that another program disturbed (its packet drops, or busy CPUs beyond the
flood's and the tracer's) are named and left out of the ratios when undisturbed ones remain.

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


# More CPUs busy than the flood (about one) and the tracer account for: another program ran.
OTHER_CPUS_LIMIT = 0.35


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values):
    values = [v for v in values if v is not None]
    return (min(values), max(values)) if values else None


def other_cpus(row):
    """CPUs busy during the run beyond the flood's one and the tracer's own; None for old results."""
    if "traced_busy_cpus" not in row or "alone_busy_cpus" not in row or row.get("cpus", 0) <= 0:
        return None
    tracer = row["cpu_ns"] / 1e9 / row["seconds"] if row["seconds"] > 0 else 0.0
    return max(row["alone_busy_cpus"] - 1.0, row["traced_busy_cpus"] - 1.0 - tracer)


def disturbed(row):
    if row.get("foreign_noports", 0) > 0 or row["delivered"] > row["oracle"] + 10:
        return "other programs' drops"
    extra = other_cpus(row)
    if extra is not None and extra > OTHER_CPUS_LIMIT:
        return f"{extra:.2f} CPUs busy beyond the flood and the tracer"
    return None


def us_per_event(row):
    return row["cpu_ns"] / 1000.0 / row["delivered"] if row["delivered"] > 0 else None


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
        for key in list(row):
            if key == "tracer":
                continue
            if row[key] in ("", None):
                del row[key]  # not measured in this run
            else:
                row[key] = float(row[key])

    summary = {}
    alone = [r["alone_pps"] for r in rows]
    summary["none"] = dict(pps=median(alone), slowdown=1.0, events_per_s=None, lost=None, lost_max=None,
                           cpu_s=None, us_per_event=None, rss_mb=None, warm_floods=[], reps=len(alone))
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
            us_per_event=median([us_per_event(r) for r in runs]),
            us_spread=spread([us_per_event(r) for r in runs]),
            slowdown_spread=spread([r["alone_pps"] / r["pps"] for r in runs if r["pps"] > 0]),
            rss_mb=median([r["peak_rss_kb"] / 1024.0 for r in runs]),
            warm_floods=[int(r["warm_floods"]) for r in runs if "warm_floods" in r],
            reps=len(runs),
        )

    def fmt(value, pattern):
        return "—" if value is None else pattern.format(value)

    packets = int(rows[0]["oracle"]) if rows else 0
    reps = int(max(r["rep"] for r in rows))
    print(f"Medians of {reps} repetition(s), {packets:,} packets per run.\n")
    print("| tracer | workload pkt/s | slowdown (min–max) | events/s delivered | delivered | lost (median / max) | tracer CPU s (utime+stime) | CPU µs/event (min–max) | peak RSS MB | warm-up floods (min–max) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for tracer in ["none"] + ORDER:
        s = summary.get(tracer)
        if s is None:
            continue
        lost = "—" if s["lost"] is None else f"{s['lost']:,.0f} / {s['lost_max']:,.0f}"
        share = fmt(s.get("delivered_share"), "{:.1%}")
        slow_range = s.get("slowdown_spread")
        slow = fmt(s["slowdown"], "{:.3f}×") + (f" ({slow_range[0]:.3f}–{slow_range[1]:.3f})" if slow_range else "")
        us_range = s.get("us_spread")
        us = fmt(s["us_per_event"], "{:.3f}") + (f" ({us_range[0]:.3f}–{us_range[1]:.3f})" if us_range else "")
        floods = s["warm_floods"]
        warm = f"{min(floods)}–{max(floods)}" if floods else "—"
        print(f"| {LABELS[tracer]} | {fmt(s['pps'], '{:,.0f}')} | {slow} | "
              f"{fmt(s['events_per_s'], '{:,.0f}')} | {share} | {lost} | {fmt(s['cpu_s'], '{:.2f}')} | "
              f"{us} | {fmt(s['rss_mb'], '{:.1f}')} | {warm} |")

    base = summary.get("c-baseline")
    if base is None:
        return 0
    flagged = {(r["rep"], r["tracer"]): disturbed(r) for r in rows}
    by_rep = {}
    for r in rows:
        by_rep.setdefault(r["rep"], {})[r["tracer"]] = r

    def per_rep(tracer, value):
        """value(TpGen run) / value(C run) per repetition, undisturbed pairs only when there are any."""
        pairs = [(rep, runs[tracer], runs["c-baseline"]) for rep, runs in sorted(by_rep.items())
                 if tracer in runs and "c-baseline" in runs]
        clean = [p for p in pairs if not flagged[(p[0], tracer)] and not flagged[(p[0], "c-baseline")]]
        chosen = clean or pairs
        ratios = []
        for _, a, b in chosen:
            va, vb = value(a), value(b)
            if va is not None and vb:
                ratios.append(va / vb)
        return ratios, len(clean) < len(pairs) and bool(clean)

    def slowdown(r):
        return r["alone_pps"] / r["pps"] if r["pps"] > 0 else None

    def excess(r):
        s = slowdown(r)
        return None if s is None else s - 1.0

    def cell(ratios):
        if not ratios:
            return "—"
        low, high = min(ratios), max(ratios)
        return f"{statistics.median(ratios):.2f}× ({low:.2f}–{high:.2f})"

    print("\nTpGen against the C baseline, per repetition (TpGen / C in the same repetition; the median "
          "of the repetitions' ratios with their range; lower is better):\n")
    print("| TpGen row | repetitions | CPU µs/event | slowdown | slowdown excess (s−1) | peak RSS |")
    print("|---|---:|---:|---:|---:|---:|")
    ratio_of = {}
    for tracer in ["tpgen-callback", "tpgen-readall", "tpgen-trace-json"]:
        if tracer not in summary:
            continue
        cpu, left_out = per_rep(tracer, us_per_event)
        ratio_of[tracer] = cpu
        slow, _ = per_rep(tracer, slowdown)
        exc, _ = per_rep(tracer, excess)
        rss, _ = per_rep(tracer, lambda r: r["peak_rss_kb"])
        note = " (disturbed left out)" if left_out else ""
        print(f"| {LABELS[tracer]} | {len(cpu)}{note} | {cell(cpu)} | {cell(slow)} | {cell(exc)} | {cell(rss)} |")

    # Another program's drops show as NoPorts beyond the workload's (in this network namespace),
    # or as more events delivered than the workload caused (in any namespace); another program's
    # CPU use as busy CPUs beyond the flood's and the tracer's.
    bad = [(r, flagged[(r["rep"], r["tracer"])]) for r in rows if flagged[(r["rep"], r["tracer"])]]
    if bad:
        print(f"\nDISTURBED: {len(bad)} of {len(rows)} runs: "
              + "; ".join(f"{r['tracer']} rep {int(r['rep'])} ({why})" for r, why in bad) + ".")
    elif all(other_cpus(r) is None for r in rows):
        print("\nNo run had other programs' drops; the machine's busy CPUs were not recorded in this run.")
    else:
        print(f"\nNo run was disturbed (no other program's drops; at most {OTHER_CPUS_LIMIT} CPUs busy beyond the flood and the tracer).")

    callback = summary.get("tpgen-callback")
    if callback is not None:
        events_ok = callback["events_per_s"] is not None and base["events_per_s"] and callback["events_per_s"] >= 0.9 * base["events_per_s"]
        lost_ok = callback["lost_max"] == 0
        slow_ok = callback["slowdown"] <= 1.1 * base["slowdown"]
        cpu = ratio_of.get("tpgen-callback") or []
        cpu_ok = bool(cpu) and statistics.median(cpu) <= 1.5
        print("\nTarget (TpGen callback): CPU per event ≤ 1.5× the C reader's (median per repetition): "
              f"{'met' if cpu_ok else 'NOT met'}; ≥ 0.9× the C baseline's events/s: "
              f"{'met' if events_ok else 'NOT met'}; 0 lost in every run: {'met' if lost_ok else 'NOT met'}; "
              f"slowdown ≤ 1.1× the C baseline's: {'met' if slow_ok else 'NOT met'}.")
    readall = summary.get("tpgen-readall")
    if readall is not None and readall["us_per_event"] is not None:
        print(f"Target (TpGen ReadAllAsync): ≤ 0.2 µs of CPU per event: {'met' if readall['us_per_event'] <= 0.2 else 'NOT met'} "
              f"({readall['us_per_event']:.3f} µs, median); 0 lost in every run: {'met' if readall['lost_max'] == 0 else 'NOT met'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
