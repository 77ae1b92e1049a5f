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

Setup, into any venv directory $VENV:
  python3 -m venv $VENV
  $VENV/bin/pip install -r benches/requirements-peers.txt -r bindings/python/tests/requirements-milvus-lite.txt
Run from the repository root:
  $VENV/bin/python benches/milvus_lite_upsert.py [--n 100000] [--dim 128]
      [--sync every_write,interval,none] [--reps 1]
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
    ap.add_argument("--json", help="also write all results to this file")
    a = ap.parse_args()
    syncs = [s for s in a.sync.split(",") if s]

    # Build the example first so that compile time is not measured.
    log("building examples/upsert_throughput (release)...")
    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "upsert_throughput"],
                   cwd=REPO, check=True)

    ml_runs, vl_runs = [], {s: [] for s in syncs}
    for rep in range(a.reps):
        log(f"rep {rep}: Milvus Lite {a.n} x {a.dim}")
        ml_runs.append(run_milvus(a.n, a.dim, a.batch, a.milvus_insert))
        for s in syncs:
            log(f"rep {rep}: veclite {a.n} x {a.dim} sync={s}")
            r = run_veclite(a.n, a.dim, a.batch, s)
            log("  " + json.dumps(r))
            vl_runs[s].append(r)

    ml = {p: median([r[f"{p}_rows_per_s"] for r in ml_runs]) for p in PHASES}
    log("")
    log(f"## Upsert throughput, {a.n} x {a.dim}, batches of {a.batch} (rows/s, median of {a.reps})")
    log("")
    log(f"Milvus Lite: {ml_runs[0]['impl']}; count ok: {all(r['count_ok'] for r in ml_runs)}, "
        f"bad values: {sum(r['value_check_bad'] for r in ml_runs)}")
    log("")
    header = "| phase | Milvus Lite | " + " | ".join(f"veclite {s}" for s in syncs) + " | " + \
        " | ".join(f"ratio {s}" for s in syncs) + " |"
    log(header)
    log("|---|---:|" + "---:|" * (2 * len(syncs)))
    for p in PHASES:
        vl = {s: median([r[f"{p}_rows_per_s"] for r in vl_runs[s]]) for s in syncs}
        cells = [f"{ml[p]:,.0f}"] + [f"{vl[s]:,.0f}" for s in syncs] + \
            [f"{vl[s] / ml[p]:,.0f}x" for s in syncs]
        log(f"| {p} | " + " | ".join(cells) + " |")
    for s in syncs:
        ok = all(r["count_ok"] for r in vl_runs[s])
        bad = sum(r["value_check_bad"] for r in vl_runs[s])
        log(f"veclite {s}: count ok: {ok}, bad values: {bad}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"milvus_lite": ml_runs, "veclite": vl_runs}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
