#!/usr/bin/env python3
"""python_bench.py - the veclite Python package against Milvus Lite, faiss, numpy and veclite's
own Rust API, side by side in one run; writes JSON, a markdown table and a PNG plot.

Upsert (section "upsert"): 100,000 x 128 in batches of 3,000 rows from numpy arrays (seed
20240601): ``insert`` upserts ids 0..n (new), ``overwrite`` upserts ids 0..n again with rows
n..2n of the arrays, ``mixed`` upserts ids 0..n/2 and n..1.5n (half new) with rows 2n..3n.
Schema ``ID`` Int64 key, ``random`` Double, ``embeddings`` FloatVector(128). Engines:
- veclite Python, ORM columns: ``Collection.upsert([ids, randoms, vectors])`` with array slices;
- veclite Python, MilvusClient rows: ``MilvusClient.upsert`` with one dict per row, built from the
  arrays inside the timed region;
- veclite Rust: the release example ``upsert_throughput`` given the same arrays as raw files
  (``--vectors``/``--randoms``), the same sizes and the same sync policy (fsync every write,
  the default of both);
- Milvus Lite 3 through pymilvus ``MilvusClient.upsert``, rows built exactly as for veclite's
  MilvusClient variant.
veclite's Python and Rust runs alternate, ``--reps`` times each; medians are reported.

Exact search (section "search"): the clustered 1M x 128 data of benches/search_peers.py
(benches/workloads.py; its generator is imported), top-10, L2 and IP, one query at a time
(10 warm-ups, then 200 timed; Milvus Lite fewer) and a batch of 1,000 queries in one call
(median of 3). Engines:
- veclite Rust: the release example ``search_throughput --dir D`` builds the database in D (one
  sealed segment) and measures; veclite Python then opens the same D with ``MilvusClient`` and
  runs the same queries, so both search identical segments. Rust and Python alternate twice
  (Rust, Python, Rust, Python); each side's best run is reported (the machine is shared);
- faiss IndexFlatL2/IP and numpy (GEMV/GEMM + argpartition), as in search_peers.py;
- Milvus Lite 3 with a FLAT index (``--milvus-rows``, default all rows; inserted in batches of
  5,000), few queries because each takes about a second.

Run from the repository root, in a venv $VENV holding benches/requirements-peers.txt and
bindings/python/tests/requirements-milvus-lite.txt, with veclite installed into it:
    cargo build --release --example upsert_throughput --example search_throughput
    $VENV/bin/pip install ./bindings/python
    OPENBLAS_CORETYPE=SkylakeX $VENV/bin/python bindings/python/bench/python_bench.py
Options: ``--quick`` (20k rows for upsert, 100k for search), ``--sections upsert,search``,
``--milvus-rows N``, ``--out DIR`` (default bindings/python/bench). Redraw the table and plot
from saved figures: ``python_bench.py --replot bindings/python/bench/python_bench_results.json``.
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(REPO, "benches"))
import search_peers  # noqa: E402  (data generator and the faiss/numpy runners)

SEED = 20240601
BATCH = 3000
PHASES = ("insert", "overwrite", "mixed")
DIM = 128
K = 10
EXAMPLES = os.path.join(REPO, "target", "release", "examples")


def log(*a):
    print(*a, flush=True)


def loadavg():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# --------------------------------------------------------------------------- upsert


def upsert_data(n, dim):
    """Arrays for the three phases: ids per phase, 3n randoms, 3n x dim float32 vectors."""
    rng = np.random.default_rng(SEED)
    vectors = rng.random((3 * n, dim), dtype=np.float32)
    randoms = rng.random(3 * n)
    half = n // 2
    ids = {
        "insert": np.arange(n, dtype=np.int64),
        "overwrite": np.arange(n, dtype=np.int64),
        "mixed": np.concatenate([np.arange(half), np.arange(n, 2 * n - half)]).astype(np.int64),
    }
    return ids, randoms, vectors


def phase_slices(n):
    return {p: slice(i * n, (i + 1) * n) for i, p in enumerate(PHASES)}


def rows_of(ids, randoms, vectors):
    """pymilvus row dicts (vectors are numpy rows), as a MilvusClient user builds them."""
    return [{"ID": int(i), "random": float(r), "embeddings": v} for i, r, v in zip(ids.tolist(), randoms, vectors)]


def time_phases(upsert_batch, ids, randoms, vectors, n):
    """rows/s of each phase; ``upsert_batch(ids, randoms, vectors)`` writes one batch."""
    out = {}
    for phase, sl in phase_slices(n).items():
        pid, r, v = ids[phase], randoms[sl], vectors[sl]
        t = time.perf_counter()
        for s in range(0, n, BATCH):
            upsert_batch(pid[s:s + BATCH], r[s:s + BATCH], v[s:s + BATCH])
        out[phase] = n / (time.perf_counter() - t)
    return out


def veclite_schema(veclite):
    return veclite.CollectionSchema([
        veclite.FieldSchema("ID", veclite.DataType.INT64, is_primary=True),
        veclite.FieldSchema("random", veclite.DataType.DOUBLE),
        veclite.FieldSchema("embeddings", veclite.DataType.FLOAT_VECTOR, dim=DIM),
    ])


def run_veclite_orm(ids, randoms, vectors, n):
    import veclite

    with tempfile.TemporaryDirectory(prefix="pybench_orm_") as d:
        veclite.connections.connect(uri=os.path.join(d, "db"))
        coll = veclite.Collection("bench", veclite_schema(veclite))
        rates = time_phases(lambda i, r, v: coll.upsert([i, r, v]), ids, randoms, vectors, n)
        assert coll.num_entities == n + n - n // 2
        veclite.connections.disconnect("default")
    return rates


def run_veclite_client(ids, randoms, vectors, n):
    import veclite

    with tempfile.TemporaryDirectory(prefix="pybench_client_") as d:
        client = veclite.MilvusClient(os.path.join(d, "db"))
        client.create_collection("bench", schema=veclite_schema(veclite))
        rates = time_phases(lambda i, r, v: client.upsert("bench", rows_of(i, r, v)), ids, randoms, vectors, n)
        assert client.get_collection_stats("bench")["row_count"] == n + n - n // 2
        client.close()
    return rates


def run_rust_upsert(randoms, vectors, n):
    with tempfile.TemporaryDirectory(prefix="pybench_rust_") as d:
        rf, vf = os.path.join(d, "randoms.f64"), os.path.join(d, "vectors.f32")
        randoms.astype("<f8").tofile(rf)
        vectors.astype("<f4").tofile(vf)
        cmd = [os.path.join(EXAMPLES, "upsert_throughput"), "--n", str(n), "--dim", str(DIM), "--batch", str(BATCH),
               "--sync", "every_write", "--randoms", rf, "--vectors", vf, "--dir", os.path.join(d, "db")]
        j = json.loads(subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout)
    assert j["count_ok"] and j["value_check_bad"] == 0, j
    return {"insert": j["insert_rows_per_s"], "overwrite": j["upsert_overwrite_rows_per_s"],
            "mixed": j["upsert_mixed_rows_per_s"]}


def milvus_lite_client(path):
    from pymilvus import MilvusClient

    return MilvusClient(path)


def run_milvus_upsert(ids, randoms, vectors, n):
    from pymilvus import DataType

    with tempfile.TemporaryDirectory(prefix="pybench_ml_") as d:
        client = milvus_lite_client(os.path.join(d, "ml.db"))
        schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("ID", DataType.INT64, is_primary=True)
        schema.add_field("random", DataType.DOUBLE)
        schema.add_field("embeddings", DataType.FLOAT_VECTOR, dim=DIM)
        index = client.prepare_index_params()
        index.add_index("embeddings", index_type="FLAT", metric_type="L2")
        client.create_collection("bench", schema=schema, index_params=index, consistency_level="Strong")
        rates = time_phases(lambda i, r, v: client.upsert("bench", rows_of(i, r, v)), ids, randoms, vectors, n)
        count = client.query("bench", filter="", output_fields=["count(*)"])[0]["count(*)"]
        assert count == n + n - n // 2, count
        client.close()
    return rates


def bench_upsert(n, reps, with_milvus=True):
    ids, randoms, vectors = upsert_data(n, DIM)
    runs = {"veclite_python_orm": [], "veclite_rust": [], "veclite_python_client": []}
    loads = []
    for rep in range(reps):
        log(f"upsert rep {rep + 1}/{reps}: veclite ORM, Rust, MilvusClient ... load {loadavg()}")
        runs["veclite_python_orm"].append(run_veclite_orm(ids, randoms, vectors, n))
        runs["veclite_rust"].append(run_rust_upsert(randoms, vectors, n))
        runs["veclite_python_client"].append(run_veclite_client(ids, randoms, vectors, n))
        loads.append(loadavg())
    out = {name: {p: statistics.median(r[p] for r in rs) for p in PHASES} for name, rs in runs.items()}
    out["runs"] = runs
    if with_milvus:
        log(f"upsert: Milvus Lite ... load {loadavg()}")
        out["milvus_lite"] = run_milvus_upsert(ids, randoms, vectors, n)
    out.update({"n": n, "dim": DIM, "batch": BATCH, "reps": reps, "sync": "every_write", "loads": loads})
    return out


# --------------------------------------------------------------------------- search


def single_and_batch(search_one, search_batch, queries, n_single=200, warm=10, batch_nq=1000):
    """Single-query latency (after ``warm`` warm-ups) and the QPS of one ``batch_nq`` call (median
    of 3); returns the stats and the batch's ids."""
    single = search_peers.time_single(search_one, queries, n=n_single, warm=warm)
    batch, ids = search_peers.time_batch(search_batch, queries[:batch_nq])
    return single, batch, ids


def run_rust_search(paths, db_dir):
    cmd = [os.path.join(EXAMPLES, "search_throughput"), "--base", paths["base"], "--queries", paths["queries"],
           "--dim", str(DIM), "--gt-l2", paths["gt_L2"], "--gt-ip", paths["gt_IP"], "--dir", db_dir]
    j = json.loads(subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout)
    out = {"threads": j["worker_threads"], "insert_s": j["insert_s"]}
    for metric in ("L2", "IP"):
        r = j["results"][metric]
        out[metric] = {"single": r["single"], "batch": r["batch"]["1000"], "recall": r["recall_at_10"]}
    return out


def run_veclite_python_search(db_dir, queries, gt):
    import veclite

    client = veclite.MilvusClient(db_dir)
    out = {}
    for metric in ("L2", "IP"):
        params = {"metric_type": metric}

        def one(q, params=params):
            return client.search("bench", [q], limit=K, search_params=params)

        def batch(qs, params=params):
            return [[h["id"] for h in hits] for hits in client.search("bench", qs, limit=K, search_params=params)]

        single, bt, ids = single_and_batch(one, batch, queries)
        out[metric] = {"single": single, "batch": bt, "recall": search_peers.recall(ids, gt[metric])}
    client.close()
    return out


def run_milvus_search(X, queries, gt, rows, n_single, batch_nq):
    """Milvus Lite 3 with a FLAT index over the first ``rows`` rows of X."""
    from pymilvus import DataType

    out = {"rows": rows}
    with tempfile.TemporaryDirectory(prefix="pybench_mls_") as d:
        client = milvus_lite_client(os.path.join(d, "ml.db"))
        schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("v", DataType.FLOAT_VECTOR, dim=DIM)
        client.create_collection("bench", schema=schema, consistency_level="Strong")
        t = time.perf_counter()
        for s in range(0, rows, 5000):
            client.insert("bench", [{"id": i, "v": X[i]} for i in range(s, min(rows, s + 5000))])
        client.flush("bench")
        out["insert_rows_per_s"] = rows / (time.perf_counter() - t)
        log(f"  Milvus Lite: {rows} rows inserted at {out['insert_rows_per_s']:.0f} rows/s, load {loadavg()}")
        for metric in ("L2", "IP"):
            index = client.prepare_index_params()
            index.add_index("v", index_type="FLAT", metric_type=metric)
            client.create_index("bench", index)
            client.load_collection("bench")
            params = {"metric_type": metric}

            def one(q, params=params):
                return client.search("bench", [q], limit=K, search_params=params)

            def batch(qs, params=params):
                # L2 over a whole batch allocates nq x rows x dim floats in Milvus Lite: chunks of 2.
                step = 2 if metric == "L2" else len(qs)
                res = []
                for s in range(0, len(qs), step):
                    res += client.search("bench", qs[s:s + step], limit=K, search_params=params)
                return [[h["id"] for h in hits] for hits in res]

            single = search_peers.time_single(one, queries, n=n_single, warm=1)
            t = time.perf_counter()  # one timed batch: a warm-up and repeats would take minutes
            ids = batch(queries[:batch_nq])
            bt = {"qps": batch_nq / (time.perf_counter() - t), "nq": batch_nq}
            r = {"single": single, "batch": bt}
            if rows == len(X):
                r["recall"] = search_peers.recall(ids, gt[metric][:batch_nq])
            out[metric] = r
            log(f"  Milvus Lite {metric}: {single['median_ms']:.0f} ms/query, {bt['qps']:.1f} QPS, load {loadavg()}")
            client.release_collection("bench")
            client.drop_index("bench", "v")
        client.close()
    return out


def bench_search(n, milvus_rows, milvus_single, milvus_batch, with_milvus=True):
    import faiss

    log(f"search: generating {n} x {DIM} clustered data (seed {SEED}) ...")
    X, queries, gt = search_peers.clustered_workload(np, faiss, n)
    out = {"n": n, "dim": DIM, "k": K}
    with tempfile.TemporaryDirectory(prefix="pybench_search_") as d:
        paths = {"base": os.path.join(d, "base.f32"), "queries": os.path.join(d, "queries.f32"),
                 "gt_L2": os.path.join(d, "gt_l2.i64"), "gt_IP": os.path.join(d, "gt_ip.i64")}
        X.astype("<f4").tofile(paths["base"])
        queries.astype("<f4").tofile(paths["queries"])
        gt["L2"].tofile(paths["gt_L2"])
        gt["IP"].tofile(paths["gt_IP"])
        db_dir = os.path.join(d, "veclite_db")
        rust_runs, python_runs = [], []
        for rep in range(2):  # Rust, Python, Rust, Python: each side's best run is compared
            log(f"search: veclite Rust {rep + 1}/2 ... load {loadavg()}")
            rust_dir = db_dir if rep == 0 else os.path.join(d, "veclite_db_2")
            rust_runs.append(run_rust_search(paths, rust_dir))
            if rep > 0:
                shutil.rmtree(rust_dir)
            log(f"search: veclite Python {rep + 1}/2 ... load {loadavg()}")
            python_runs.append(run_veclite_python_search(db_dir, queries, gt))
        out["veclite_rust"], out["veclite_python"] = best_of(rust_runs), best_of(python_runs)
        out["veclite_rust_runs"], out["veclite_python_runs"] = rust_runs, python_runs
    log(f"search: faiss ... load {loadavg()}")
    out["faiss"] = only_1000(search_peers.run_faiss(faiss, X, queries, gt))
    out["faiss"]["threads"] = faiss.omp_get_max_threads()
    log(f"search: numpy ... load {loadavg()}")
    out["numpy"] = only_1000(search_peers.run_numpy(np, X, queries, gt))
    if with_milvus:
        log(f"search: Milvus Lite ({milvus_rows or n} rows) ... load {loadavg()}")
        out["milvus_lite"] = run_milvus_search(X, queries, gt, milvus_rows or n, milvus_single, milvus_batch)
    return out


def best_of(runs):
    """Per metric, the fastest single-query median and the highest batch QPS of ``runs``."""
    out = dict(runs[0])
    for metric in ("L2", "IP"):
        out[metric] = {"single": min((r[metric]["single"] for r in runs), key=lambda x: x["median_ms"]),
                       "batch": max((r[metric]["batch"] for r in runs), key=lambda x: x["qps"]),
                       "recall": min(r[metric]["recall"] for r in runs)}
    return out


def only_1000(r):
    """search_peers's runners also time batches of 100; keep the 1,000-query batch."""
    for metric in ("L2", "IP"):
        r[metric]["batch"] = r[metric]["batch"]["1000"]
    return r


# --------------------------------------------------------------------------- report


def _load(section):
    """`` (load a -> b)`` from the section's 1/5/15-minute load averages at its start and end."""
    if "load_start_end" not in section:
        return ""
    start, end = section["load_start_end"]
    return f" (load average {start} at the start, {end} at the end)"


def upsert_table(u):
    lines = [f"Upsert, {u['n']:,} x {u['dim']} in batches of {u['batch']:,}, fsync every write; rows/s "
             f"(veclite: median of {u['reps']} alternating runs){_load(u)}:", "",
             "| phase | veclite Python, ORM columns | veclite Python, MilvusClient rows | veclite Rust | "
             "Milvus Lite 3 (MilvusClient rows) | ORM / Rust | ORM / Milvus Lite | rows / Milvus Lite |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    ml = u.get("milvus_lite", {})
    for p in PHASES:
        orm, cl, rust = u["veclite_python_orm"][p], u["veclite_python_client"][p], u["veclite_rust"][p]
        m = ml.get(p)
        lines.append(f"| {p} | {orm:,.0f} | {cl:,.0f} | {rust:,.0f} | {m:,.0f} | {orm / rust:.2f} | "
                     f"{orm / m:.0f}× | {cl / m:.1f}× |" if m else
                     f"| {p} | {orm:,.0f} | {cl:,.0f} | {rust:,.0f} | - | {orm / rust:.2f} | - | - |")
    return "\n".join(lines)


def search_table(s):
    lines = [f"Exact top-{s['k']} search, {s['n']:,} x {s['dim']} (clustered), every engine on its default "
             f"threads{_load(s)}:", "",
             "| engine | metric | one query, ms (median) | queries | QPS, batch | batch nq | recall@10 |",
             "|---|---|---:|---:|---:|---:|---:|"]
    names = [("veclite_python", "veclite Python (MilvusClient)"), ("veclite_rust", "veclite Rust (same database)"),
             ("faiss", "faiss IndexFlat"), ("numpy", "numpy (GEMV/GEMM + argpartition)"),
             ("milvus_lite", "Milvus Lite 3 FLAT")]
    for key, label in names:
        if key not in s:
            continue
        for metric in ("L2", "IP"):
            r = s[key][metric]
            nq = r["batch"].get("nq", 1000)
            rec = r.get("recall")
            lines.append(f"| {label} | {metric} | {r['single']['median_ms']:.1f} | {r['single']['queries']} | "
                         f"{r['batch']['qps']:,.1f} | {nq} | {'-' if rec is None else f'{rec:.4f}'} |")
    if "milvus_lite" in s and s["milvus_lite"]["rows"] != s["n"]:
        lines.append(f"\nMilvus Lite held the first {s['milvus_lite']['rows']:,} rows only.")
    lines.append("")
    for metric in ("L2", "IP"):
        py, rs = s["veclite_python"][metric], s["veclite_rust"][metric]
        lines.append(f"- {metric}: Python / Rust time, one query {py['single']['median_ms'] / rs['single']['median_ms']:.3f}, "
                     f"batch {rs['batch']['qps'] / py['batch']['qps']:.3f} (each side's best of its alternating runs); "
                     f"veclite Python vs faiss one query {s['faiss'][metric]['single']['median_ms'] / py['single']['median_ms']:.1f}× "
                     f"faster, batch {py['batch']['qps'] / s['faiss'][metric]['batch']['qps']:.2f}×"
                     + (f"; vs Milvus Lite one query {s['milvus_lite'][metric]['single']['median_ms'] / py['single']['median_ms']:.0f}×"
                        if "milvus_lite" in s else ""))
    return "\n".join(lines)


def plot(results, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [k for k in ("upsert", "search") if k in results]
    ncols = ("upsert" in panels) + 2 * ("search" in panels)
    fig, axes = plt.subplots(1, ncols, figsize=(6.2 * ncols, 4.8))
    axes = list(np.atleast_1d(axes))
    colors = {"veclite Python ORM": "#1f77b4", "veclite Python client": "#6baed6", "veclite Rust": "#08306b",
              "Milvus Lite 3": "#d62728", "faiss": "#2ca02c", "numpy": "#ff7f0e", "veclite Python": "#1f77b4"}
    ax_i = 0
    if "upsert" in results:
        u = results["upsert"]
        series = [("veclite Python ORM", u["veclite_python_orm"]), ("veclite Python client", u["veclite_python_client"]),
                  ("veclite Rust", u["veclite_rust"])]
        if "milvus_lite" in u:
            series.append(("Milvus Lite 3", u["milvus_lite"]))
        ax = axes[ax_i]
        ax_i += 1
        w = 0.8 / len(series)
        for j, (label, vals) in enumerate(series):
            xs = np.arange(len(PHASES)) + j * w
            ax.bar(xs, [vals[p] for p in PHASES], w, label=label, color=colors[label])
        ax.set_xticks(np.arange(len(PHASES)) + w * (len(series) - 1) / 2, PHASES)
        ax.set_yscale("log")
        ax.set_ylabel("rows/s (log)")
        ax.set_title(f"Upsert {u['n']:,} x {u['dim']}, batches of {u['batch']:,}")
        ax.legend(fontsize=8)
    if "search" in results:
        s = results["search"]
        series = [("veclite Python", s["veclite_python"]), ("veclite Rust", s["veclite_rust"]), ("faiss", s["faiss"]),
                  ("numpy", s["numpy"])]
        if "milvus_lite" in s:
            series.append(("Milvus Lite 3", s["milvus_lite"]))
        for what, key, unit in (("one query", "single", "ms per query (log)"), ("batch", "batch", "QPS (log)")):
            ax = axes[ax_i]
            ax_i += 1
            w = 0.8 / len(series)
            for j, (label, r) in enumerate(series):
                xs = np.arange(2) + j * w
                vals = [r[m]["single"]["median_ms"] if key == "single" else r[m]["batch"]["qps"] for m in ("L2", "IP")]
                ax.bar(xs, vals, w, label=label, color=colors[label])
            ax.set_xticks(np.arange(2) + w * (len(series) - 1) / 2, ["L2", "IP"])
            ax.set_yscale("log")
            ax.set_ylabel(unit)
            ax.set_title(f"Exact top-{s['k']}, {s['n']:,} x {s['dim']}: {what}"
                         + (" (lower is better)" if key == "single" else ""))
            ax.legend(fontsize=8)
    meta = results.get("meta", {})
    fig.suptitle(f"veclite Python package vs peers ({meta.get('date', '')}, load {meta.get('load_start', '')})",
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    log(f"wrote {path}")


def report(results, out_dir):
    text = []
    if "upsert" in results:
        text.append(upsert_table(results["upsert"]))
    if "search" in results:
        text.append(search_table(results["search"]))
    md = "\n\n".join(text)
    log(md)
    with open(os.path.join(out_dir, "python_bench.md"), "w") as f:
        f.write(md + "\n")
    plot(results, os.path.join(out_dir, "python_bench.png"))


def versions():
    import importlib.metadata as md

    v = {"python": platform.python_version()}
    for pkg in ("veclite", "milvus-lite", "pymilvus", "numpy", "faiss-cpu"):
        try:
            v[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            v[pkg] = None
    return v


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="20k rows for upsert, 100k for search")
    ap.add_argument("--sections", default="upsert,search")
    ap.add_argument("--reps", type=int, default=3, help="alternating veclite Python/Rust upsert runs")
    ap.add_argument("--no-milvus", action="store_true", help="skip Milvus Lite")
    ap.add_argument("--milvus-rows", type=int, default=0, help="rows Milvus Lite searches (default: all)")
    ap.add_argument("--milvus-single", type=int, default=5, help="Milvus Lite single queries timed")
    ap.add_argument("--milvus-batch", type=int, default=20, help="Milvus Lite batch size (queries)")
    ap.add_argument("--out", default=HERE, help="directory for python_bench_results.json / .md / .png")
    ap.add_argument("--replot", metavar="JSON", help="redraw the table and plot from saved results")
    args = ap.parse_args()
    if args.replot:
        with open(args.replot) as f:
            report(json.load(f), os.path.dirname(os.path.abspath(args.replot)))
        return
    for ex in ("upsert_throughput", "search_throughput"):
        if not os.path.exists(os.path.join(EXAMPLES, ex)):
            sys.exit(f"build the Rust examples first: cargo build --release --example {ex}")
    sections = args.sections.split(",")
    results = {"meta": {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                        "load_start": loadavg(), "versions": versions(), "cpus": os.cpu_count(),
                        "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
                        "command": " ".join([os.path.relpath(sys.argv[0], REPO)] + sys.argv[1:])}}
    t0 = time.perf_counter()
    if "upsert" in sections:
        load = loadavg()
        results["upsert"] = bench_upsert(20_000 if args.quick else 100_000, args.reps, not args.no_milvus)
        results["upsert"]["load_start_end"] = [load, loadavg()]
    if "search" in sections:
        load = loadavg()
        results["search"] = bench_search(100_000 if args.quick else 1_000_000, args.milvus_rows,
                                          args.milvus_single, args.milvus_batch, not args.no_milvus)
        results["search"]["load_start_end"] = [load, loadavg()]
    results["meta"]["load_end"] = loadavg()
    results["meta"]["seconds"] = time.perf_counter() - t0
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "python_bench_results.json")
    with open(path, "w") as f:
        json.dump(results, f, indent=1)
    log(f"wrote {path} ({results['meta']['seconds']:.0f} s, load {results['meta']['load_start']} -> "
        f"{results['meta']['load_end']})")
    report(results, args.out)


if __name__ == "__main__":
    main()
