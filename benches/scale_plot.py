#!/usr/bin/env python3
"""scale_plot.py - table and plots of a `cargo bench --bench scale` run.

Reads the results JSON the bench writes (default target/scale/results.json), prints a Markdown
table (per rows and sync policy: load and upsert rows/s, median / p99 / max batch latency, the
ratios the targets name, reopen time and resident memory) and draws two plots:
  benches/scale_windows.png  - load throughput per 500,000-row window, one line per run;
  benches/scale_latency.png  - batch latency distribution (sorted latencies, log scale).

Usage: python benches/scale_plot.py [RESULTS.json ...] [--out-dir benches]
(several result files are drawn together, e.g. a 1M/3M run and a 10M run).
Needs matplotlib (benches/requirements-peers.txt).
"""
from __future__ import annotations

import argparse
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def table(runs):
    print("| rows | sync | load rows/s | median ms | p99 ms | max ms | p99/median | max/median "
          "| upsert rows/s | upsert p99/median | upsert max/median | reopen ms | RSS after open MiB "
          "| first search ms | first get ms |")
    print("|" + "---|" * 2 + "---:|" * 13)
    for r in runs:
        load, up, reo = r["load"], r["upsert"], r["reopen"]
        print(f"| {r['rows']:,} | {r['sync']} | {load['rows_per_s']:,.0f} | {load['median_ms']:.1f} "
              f"| {load['p99_ms']:.1f} | {load['max_ms']:.1f} | {load['p99_over_median']:.2f} "
              f"| {load['max_over_median']:.2f} | {up['rows_per_s']:,.0f} | {up['p99_over_median']:.2f} "
              f"| {up['max_over_median']:.2f} | {reo['open_ms']:.1f} | {reo['rss_after_open_mib']:.0f} "
              f"| {reo['first_search_ms']:.0f} | {first_get(reo)} |")


def first_get(reopen):
    """The first key lookup after the reopen ("-" in results from before it was measured)."""
    return f"{reopen['first_get_ms']:.1f}" if "first_get_ms" in reopen else "-"


def plots(runs, batch, out_dir):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5))
    for r in runs:
        w = r["load"]["window_rows_per_s"]
        if w:
            xs = [(i + 1) * 0.5 for i in range(len(w))]
            ax.plot(xs, [v / 1e6 for v in w], marker="o", label=f"{r['rows'] / 1e6:g}M, {r['sync']}")
    ax.set_xlabel("rows loaded (millions), end of each 500k-row window")
    ax.set_ylabel("M rows/s in the window")
    ax.set_ylim(bottom=0)
    ax.set_title(f"veclite load throughput per 500k-row window (batches of {batch:,} x 128)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "scale_windows.png"), dpi=110)

    fig, ax = plt.subplots(figsize=(8, 4.5))
    for r in runs:
        for phase, style in (("load", "-"), ("upsert", ":")):
            lat = sorted(r[f"{phase}_latencies_ms"])
            if lat:
                qs = [100 * (i + 0.5) / len(lat) for i in range(len(lat))]
                ax.plot(qs, lat, style, label=f"{r['rows'] / 1e6:g}M {r['sync']} {phase}")
    ax.set_yscale("log")
    ax.set_xlabel("percentile of batches")
    ax.set_ylabel("batch latency (ms, log)")
    ax.set_title("veclite batch latency distribution (sorted), load and upsert phases")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    fig.savefig(os.path.join(out_dir, "scale_latency.png"), dpi=110)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results", nargs="*", default=["target/scale/results.json"])
    ap.add_argument("--out-dir", default=HERE)
    args = ap.parse_args()
    runs, batch = [], None
    for path in args.results:
        with open(path) as f:
            res = json.load(f)
        print(f"{path}: load average at the end of the run: {res.get('loadavg', '?')}")
        runs += res["runs"]
        batch = res["batch"]
    print()
    table(runs)
    plots(runs, batch, args.out_dir)


if __name__ == "__main__":
    main()
