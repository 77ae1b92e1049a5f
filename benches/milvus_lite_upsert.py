#!/usr/bin/env python3
"""milvus_lite_upsert.py - veclite vs Milvus Lite upsert throughput, side by side.

Workload (the peer baseline's Milvus Lite upsert workload): schema id Int64 PK, random Double,
embeddings FloatVector(dim); batches of 3,000 rows; data from np.random.default_rng(SEED + dim)
with SEED = workloads.SEED (uniform [0, 1) float32 vectors and doubles). Phases on one fresh
database:
  insert     upsert of ids 0..n (all new)
  overwrite  upsert of ids 0..n (all existing)
  mixed      upsert of ids 0..n/2 and n..n+n/2 (half existing, half new)
then flush, count(*) and a sampled value check.

Note: the peer baseline times Milvus Lite's first phase with insert(); here both engines use
upsert() for every phase (pass --milvus-insert to time Milvus Lite's first phase with insert()).

In the same run the script builds and runs the Rust example `upsert_throughput` (same phases and
sizes; rows generated with the same distribution by the example itself) for each requested sync
policy, then prints rows/s and the ratio veclite / Milvus Lite per phase.

The results go to --json (default benches/milvus_lite_upsert_results.json) and the bar chart of
rows/s per phase to --plot (default benches/milvus_lite_upsert.png); --replot JSON redraws the
table and the chart from saved results without running anything.

Setup, into any venv directory $VENV:
  python3 -m venv $VENV
  $VENV/bin/pip install -r benches/requirements-peers.txt -r bindings/python/tests/requirements-milvus-lite.txt
Run from the repository root:
  $VENV/bin/python benches/milvus_lite_upsert.py [--n 100000] [--dim 128]
      [--sync every_write,interval,none] [--reps 1]
  $VENV/bin/python benches/milvus_lite_upsert.py --replot benches/milvus_lite_upsert_results.json
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

from workloads import SEED
BATCH = 3000
PHASES = ("insert", "overwrite", "mixed")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.join(REPO, "benches")
# Chart labels of the veclite sync policies (the names of --sync).
SYNC_LABELS = {"every_write": "fsync every write", "interval": "interval 100 ms", "none": "sync none"}


def log(*a):
    print(*a, flush=True)


def milvus_version():
    import pymilvus
    try:
        import milvus_lite
        mlv = getattr(milvus_lite, "__version__", "?")
    except Exception:  # noqa: BLE001
        mlv = "?"
    return f"milvus-lite {mlv} / pymilvus {pymilvus.__version__}"


def milvus_release(path):
    try:
        from milvus_lite.server_manager import server_manager_instance
        server_manager_instance.release_server(path)
    except Exception as e:  # noqa: BLE001
        log("  release_server failed:", type(e).__name__, e)


def run_milvus(n, dim, batch, use_insert):
    from pymilvus import DataType, MilvusClient

    rng = np.random.default_rng(SEED + dim)
    X1 = rng.random((n, dim), dtype=np.float32)
    X2 = rng.random((n, dim), dtype=np.float32)
    X3 = rng.random((n, dim), dtype=np.float32)
    R1, R2, R3 = rng.random(n), rng.random(n), rng.random(n)
    half = n // 2
    ids_mix = np.concatenate([np.arange(half), np.arange(n, n + (n - half))])
    rows = {
        "insert": [{"id": i, "random": float(R1[i]), "embeddings": X1[i].tolist()} for i in range(n)],
        "overwrite": [{"id": i, "random": float(R2[i]), "embeddings": X2[i].tolist()} for i in range(n)],
        "mixed": [{"id": int(ids_mix[j]), "random": float(R3[j]), "embeddings": X3[j].tolist()}
                  for j in range(n)],
    }
    tmp = tempfile.mkdtemp(prefix="ml_upsert_")
    path = os.path.join(tmp, "ml.db")
    out = {"impl": milvus_version(), "n": n, "dim": dim, "batch_rows": batch}
    try:
        c = MilvusClient(path)
        s = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
        s.add_field("id", DataType.INT64, is_primary=True)
        s.add_field("random", DataType.DOUBLE)
        s.add_field("embeddings", DataType.FLOAT_VECTOR, dim=dim)
        ip = c.prepare_index_params()
        ip.add_index(field_name="embeddings", index_type="FLAT", metric_type="L2", params={})
        c.create_collection("a", schema=s, index_params=ip, consistency_level="Strong")
        for phase in PHASES:
            call = c.insert if (phase == "insert" and use_insert) else c.upsert
            gc.collect()
            t = time.perf_counter()
            for b in range(0, n, batch):
                call("a", rows[phase][b:b + batch])
            out[f"{phase}_s"] = time.perf_counter() - t
            out[f"{phase}_rows_per_s"] = n / out[f"{phase}_s"]
            log(f"  milvus-lite {phase}: {out[f'{phase}_rows_per_s']:.0f} rows/s")
        t = time.perf_counter()
        c.flush("a")
        out["flush_s"] = time.perf_counter() - t
        r = c.query("a", filter="", output_fields=["count(*)"], consistency_level="Strong")
        cnt = int(r[0]["count(*)"])
        out["count"] = cnt
        out["expected_distinct"] = n + (n - half)
        out["count_ok"] = cnt == n + (n - half)
        expect = {i: float(R2[i]) for i in range(n)}
        for j in range(n):
            expect[int(ids_mix[j])] = float(R3[j])
        sample = sorted(set(int(x) for x in np.random.default_rng(1).choice(n + (n - half), size=300,
                                                                              replace=False)))
        got = c.query("a", filter=f"id in {sample}", output_fields=["id", "random"],
                      consistency_level="Strong")
        per_id = {}
        for g in got:
            per_id.setdefault(int(g["id"]), []).append(float(g["random"]))
        out["value_check_bad"] = sum(1 for i in sample if per_id.get(i) != [expect[i]])
        try:
            c.close()
        except Exception:  # noqa: BLE001
            pass
    finally:
        milvus_release(path)
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def run_veclite(n, dim, batch, sync):
    cmd = ["cargo", "run", "--release", "--quiet", "--example", "upsert_throughput", "--",
           "--n", str(n), "--dim", str(dim), "--batch", str(batch), "--sync", sync]
    res = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=False)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({res.returncode}):\n{res.stderr}")
    line = [ln for ln in res.stdout.splitlines() if ln.startswith("{")][-1]
    out = json.loads(line)
    for phase, key in zip(PHASES, ("insert_rows_per_s", "upsert_overwrite_rows_per_s",
                                   "upsert_mixed_rows_per_s")):
        out[f"{phase}_rows_per_s"] = out[key]
    return out


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def report(saved):
    """Prints the table of rows/s and ratios per phase (medians over the repetitions) and the
    checks of every run, from results as saved by --json."""
    ml_runs, vl_runs, meta = saved["milvus_lite"], saved["veclite"], saved["meta"]
    syncs = list(vl_runs)
    ml, vl = medians(saved)
    log("")
    log(f"## Upsert throughput, {meta['n']} x {meta['dim']}, batches of {meta['batch']} "
        f"(rows/s, median of {meta['reps']}; load {meta.get('load_start')} -> {meta.get('load_end')})")
    log("")
    log(f"Milvus Lite: {ml_runs[0]['impl']}; count ok: {all(r['count_ok'] for r in ml_runs)}, "
        f"bad values: {sum(r['value_check_bad'] for r in ml_runs)}")
    log("")
    header = "| phase | Milvus Lite | " + " | ".join(f"veclite {s}" for s in syncs) + " | " + \
        " | ".join(f"ratio {s}" for s in syncs) + " |"
    log(header)
    log("|---|---:|" + "---:|" * (2 * len(syncs)))
    for p in PHASES:
        cells = [f"{ml[p]:,.0f}"] + [f"{vl[s][p]:,.0f}" for s in syncs] + \
            [f"{vl[s][p] / ml[p]:,.0f}x" for s in syncs]
        log(f"| {p} | " + " | ".join(cells) + " |")
    for s in syncs:
        ok = all(r["count_ok"] for r in vl_runs[s])
        bad = sum(r["value_check_bad"] for r in vl_runs[s])
        log(f"veclite {s}: count ok: {ok}, bad values: {bad}")


def medians(saved):
    """The median rows/s per phase: ``(milvus_lite[phase], veclite[sync][phase])``."""
    ml = {p: median([r[f"{p}_rows_per_s"] for r in saved["milvus_lite"]]) for p in PHASES}
    vl = {s: {p: median([r[f"{p}_rows_per_s"] for r in runs]) for p in PHASES}
          for s, runs in saved["veclite"].items()}
    return ml, vl


def plot(saved, path):
    """Grouped bars of the median rows/s per phase (log scale), Milvus Lite and each veclite
    sync policy, each veclite bar labelled with its ratio to Milvus Lite."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    meta = saved["meta"]
    ml, vl = medians(saved)
    series = [("Milvus Lite", ml)] + [(f"veclite, {SYNC_LABELS.get(s, s)}", vl[s]) for s in vl]
    width = 0.8 / len(series)
    fig, ax = plt.subplots(figsize=(8, 5))
    for i, (name, rates) in enumerate(series):
        xs = [j + (i - (len(series) - 1) / 2) * width for j in range(len(PHASES))]
        ys = [rates[p] for p in PHASES]
        ax.bar(xs, ys, width, label=name)
        for x, y, p in zip(xs, ys, PHASES):
            text = f"{y / 1000:,.0f}k" if i == 0 else f"{y / ml[p]:,.0f}x"
            ax.annotate(text, (x, y), ha="center", va="bottom", fontsize=7,
                        textcoords="offset points", xytext=(0, 2))
    ax.set_xticks(range(len(PHASES)))
    ax.set_xticklabels(["insert (all new)", "overwrite (all existing)", "half new"])
    ax.set_yscale("log")
    ax.set_ylim(bottom=1000)
    ax.set_ylabel("rows/s (log scale)")
    ax.set_xlabel("labels: Milvus Lite rows/s; veclite / Milvus Lite", fontsize=8)
    ax.set_ylim(top=ax.get_ylim()[1] * 3)
    load = " -> ".join(meta[k].split()[0] for k in ("load_start", "load_end") if k in meta)
    ax.set_title(f"Upsert, {meta['n']:,} x {meta['dim']} float32, batches of {meta['batch']:,}, "
                 f"median of {meta['reps']}: {saved['milvus_lite'][0]['impl']} (pymilvus)\n"
                 f"vs veclite (Rust API); {meta.get('utc', '')}, load (1 min) {load}", fontsize=9)
    ax.grid(True, axis="y", which="both", alpha=0.3)
    fig.legend(*ax.get_legend_handles_labels(), fontsize=8, loc="lower center", ncol=len(series))
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    fig.savefig(path, dpi=110)
    log(f"plot: {path}")


def loadavg():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--batch", type=int, default=BATCH)
    ap.add_argument("--sync", default="every_write,interval,none",
                    help="comma-separated veclite sync policies")
    ap.add_argument("--reps", type=int, default=1)
    ap.add_argument("--milvus-insert", action="store_true",
                    help="time Milvus Lite's first phase with insert() (as the peer baseline)")
    ap.add_argument("--json", default=os.path.join(HERE, "milvus_lite_upsert_results.json"),
                    help="write all results to this file (default: %(default)s)")
    ap.add_argument("--plot", default=os.path.join(HERE, "milvus_lite_upsert.png"),
                    help="write the bar chart to this PNG (default: %(default)s)")
    ap.add_argument("--replot", metavar="JSON", help="only redraw the table and chart from saved results")
    a = ap.parse_args()
    if a.replot:
        with open(a.replot) as f:
            saved = json.load(f)
        report(saved)
        plot(saved, a.plot)
        return 0
    syncs = [s for s in a.sync.split(",") if s]

    # Build the example first so that compile time is not measured.
    log("building examples/upsert_throughput (release)...")
    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "upsert_throughput"],
                   cwd=REPO, check=True)

    load_start = loadavg()
    ml_runs, vl_runs = [], {s: [] for s in syncs}
    for rep in range(a.reps):
        log(f"rep {rep}: Milvus Lite {a.n} x {a.dim}")
        ml_runs.append(run_milvus(a.n, a.dim, a.batch, a.milvus_insert))
        for s in syncs:
            log(f"rep {rep}: veclite {a.n} x {a.dim} sync={s}")
            r = run_veclite(a.n, a.dim, a.batch, s)
            log("  " + json.dumps(r))
            vl_runs[s].append(r)

    meta = {"n": a.n, "dim": a.dim, "batch": a.batch, "reps": a.reps, "milvus_insert": a.milvus_insert,
            "load_start": load_start, "load_end": loadavg(),
            "utc": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    saved = {"meta": meta, "milvus_lite": ml_runs, "veclite": vl_runs}
    report(saved)
    with open(a.json, "w") as f:
        json.dump(saved, f, indent=1)
    log(f"results: {a.json}")
    plot(saved, a.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
