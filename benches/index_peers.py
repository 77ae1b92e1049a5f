#!/usr/bin/env python3
"""index_peers.py - veclite HNSW / IVF_FLAT against hnswlib, usearch and faiss on one data set.

The data is workloads.clustered_dataset (clustered Gaussian mixture, seed 20240601, data stream
SEED + 11, query stream SEED + 13, the first 1,000 queries), 100k x 128 (20k with --quick).
Ground truth: faiss IndexFlatL2.

Every library builds on 2 threads and queries on 1 thread:
  single QPS = 1,000 queries, one search call per query (1 thread), median of REPS passes
               (single_qps_best: the fastest pass, less sensitive to other load on the machine);
  batch QPS  = the 1,000 queries in one call (1 thread), median of 3.
The summary compares each HNSW library at its fastest setting reaching recall@10 >= 0.95.
veclite runs as `cargo run --release --example index_bench` on raw files written here.

Usage (from the crate root, in any venv holding benches/requirements-peers.txt):
  python -m venv $VENV && $VENV/bin/pip install -r benches/requirements-peers.txt
  $VENV/bin/python benches/index_peers.py [--quick] [--out DIR] [--skip-veclite]
Writes DIR/results.json, prints a Markdown table and writes benches/index_recall_qps.png.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

import workloads

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
K = 10
EFS = [16, 32, 64, 128, 256]
NPROBES = [8, 16, 32, 64]
NQ = 1000
REPS = 5
TARGET_RECALL = 0.95


def recall(I, GT):
    hits = sum(len(set(map(int, a[:K])) & set(map(int, b[:K]))) for a, b in zip(I, GT))
    return hits / (len(GT) * K)


def single_qps(fn, Q, reps=REPS):
    """One call per query over all of Q; (median, best) QPS of `reps` passes (after a 100-query
    warm-up)."""
    for q in Q[:100]:
        fn(q)
    qps = []
    for _ in range(reps):
        t = time.perf_counter()
        for q in Q:
            fn(q)
        qps.append(len(Q) / (time.perf_counter() - t))
    return float(np.median(qps)), float(max(qps))


def batch_qps(fn, Q, reps=3):
    fn(Q[:100])
    qps, res = [], None
    for _ in range(reps):
        t = time.perf_counter()
        res = fn(Q)
        qps.append(len(Q) / (time.perf_counter() - t))
    return float(np.median(qps)), res


def run_hnswlib(X, Q, GT, seed):
    import hnswlib
    p = hnswlib.Index(space="l2", dim=X.shape[1])
    p.init_index(max_elements=len(X), M=16, ef_construction=200, random_seed=seed)
    t = time.perf_counter()
    p.add_items(X, np.arange(len(X)), num_threads=2)
    out = {"build_s": time.perf_counter() - t, "sweep": []}
    for ef in EFS:
        p.set_ef(ef)
        b, (I, _) = batch_qps(lambda Qb: p.knn_query(Qb, k=K, num_threads=1), Q)
        s, sb = single_qps(lambda q: p.knn_query(q[None, :], k=K, num_threads=1), Q)
        out["sweep"].append({"ef": ef, "recall": recall(I, GT), "single_qps": s, "single_qps_best": sb, "batch_qps": b})
    return out


def run_usearch(X, Q, GT):
    from usearch.index import Index
    idx = Index(ndim=X.shape[1], metric="l2sq", dtype="f32", connectivity=16, expansion_add=200)
    t = time.perf_counter()
    idx.add(np.arange(len(X)), X, threads=2)
    out = {"build_s": time.perf_counter() - t, "sweep": []}
    for ef in EFS:
        idx.expansion_search = ef
        b, m = batch_qps(lambda Qb: idx.search(Qb, K, threads=1), Q)
        s, sb = single_qps(lambda q: idx.search(q, K, threads=1), Q)
        out["sweep"].append({"ef": ef, "recall": recall(m.keys, GT), "single_qps": s, "single_qps_best": sb, "batch_qps": b})
    return out


def run_faiss_hnsw(X, Q, GT):
    import faiss
    faiss.omp_set_num_threads(2)
    idx = faiss.IndexHNSWFlat(X.shape[1], 16)
    idx.hnsw.efConstruction = 200
    t = time.perf_counter()
    idx.add(X)
    out = {"build_s": time.perf_counter() - t, "sweep": []}
    faiss.omp_set_num_threads(1)
    for ef in EFS:
        idx.hnsw.efSearch = ef
        b, (_, I) = batch_qps(lambda Qb: idx.search(Qb, K), Q)
        s, sb = single_qps(lambda q: idx.search(q[None, :], K), Q)
        out["sweep"].append({"ef": ef, "recall": recall(I, GT), "single_qps": s, "single_qps_best": sb, "batch_qps": b})
    faiss.omp_set_num_threads(2)
    return out


def run_faiss_ivf(X, Q, GT, nlist):
    import faiss
    faiss.omp_set_num_threads(2)
    quant = faiss.IndexFlatL2(X.shape[1])
    idx = faiss.IndexIVFFlat(quant, X.shape[1], nlist)
    t = time.perf_counter()
    idx.train(X)
    idx.add(X)
    out = {"build_s": time.perf_counter() - t, "sweep": []}
    faiss.omp_set_num_threads(1)
    for nprobe in NPROBES:
        idx.nprobe = nprobe
        b, (_, I) = batch_qps(lambda Qb: idx.search(Qb, K), Q)
        s, sb = single_qps(lambda q: idx.search(q[None, :], K), Q)
        out["sweep"].append({"nprobe": nprobe, "recall": recall(I, GT), "single_qps": s, "single_qps_best": sb, "batch_qps": b})
    faiss.omp_set_num_threads(2)
    return out


def run_veclite(files, dim, index, nlist, cargo_target_dir=None):
    cmd = ["cargo", "run", "--quiet", "--release", "--example", "index_bench", "--",
           "--base", files["base"], "--queries", files["queries"], "--gt", files["gt"], "--dim", str(dim),
           "--index", index, "--m", "16", "--ef-construction", "200", "--nlist", str(nlist),
           "--efs", ",".join(map(str, EFS)), "--nprobes", ",".join(map(str, NPROBES)),
           "--build-threads", "2", "--query-threads", "1", "--reps", str(REPS)]
    env = dict(os.environ)
    if cargo_target_dir:
        env["CARGO_TARGET_DIR"] = cargo_target_dir
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        raise RuntimeError(r.stderr[-3000:])
    out = json.loads(r.stdout.strip().splitlines()[-1])
    for point in out["sweep"]:
        point["single_qps_best"] = max(point["single_qps_all"])
    return out


def table(results):
    rows = ["| library | index | build s (2 thr) | param | recall@10 | single QPS (1 thr) | single ms | batch QPS (1 thr) |",
            "|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        if "error" in r:
            rows.append(f"| {name} | | error: {r['error'][:80]} | | | | | |")
            continue
        for i, s in enumerate(r["sweep"]):
            pk = "ef" if "ef" in s else "nprobe"
            build = f"{r['build_s']:.2f}" if i == 0 else ""
            rows.append(f"| {name if i == 0 else ''} | {r.get('index', '') if i == 0 else ''} | {build} | "
                        f"{pk}={s[pk]} | {s['recall']:.4f} | {s['single_qps']:,.0f} | "
                        f"{1000 / s['single_qps']:.3f} | {s['batch_qps']:,.0f} |")
    return "\n".join(rows)


def at_target(r):
    """The fastest sweep point (by median single QPS) with recall >= TARGET_RECALL, or None."""
    ok = [p for p in r.get("sweep", []) if p["recall"] >= TARGET_RECALL]
    return max(ok, key=lambda p: p["single_qps"]) if ok else None


def best_pass(p):
    """The fastest single-query pass of a sweep point (results saved without it: the median)."""
    return p.get("single_qps_best", max(p.get("single_qps_all", [p["single_qps"]])))


def summary(results):
    """veclite HNSW against each HNSW peer, each at its fastest point reaching the target recall."""
    ours = results.get("veclite HNSW")
    mine = at_target(ours) if ours and "error" not in ours else None
    if mine is None:
        return "veclite HNSW: no point reaches the target recall"
    lines = [f"At recall@10 >= {TARGET_RECALL} (each library at its fastest such point; single query, 1 thread):",
             f"  veclite HNSW ef={mine['ef']}: recall {mine['recall']:.4f}, {mine['single_qps']:,.0f} QPS "
             f"(best pass {best_pass(mine):,.0f}), build {ours['build_s']:.2f} s"]
    for name, r in results.items():
        if name.startswith("veclite") or "IVF" in name or "error" in r:
            continue
        p = at_target(r)
        if p is None:
            lines.append(f"  {name}: no point reaches the target recall")
            continue
        lines.append(f"  {name} ef={p['ef']}: recall {p['recall']:.4f}, {p['single_qps']:,.0f} QPS "
                     f"(best pass {best_pass(p):,.0f}), build {r['build_s']:.2f} s -> veclite "
                     f"{mine['single_qps'] / p['single_qps']:.2f}x median, "
                     f"{best_pass(mine) / best_pass(p):.2f}x best pass, "
                     f"build {ours['build_s'] / r['build_s']:.2f}x")
    return "\n".join(lines)


def plot(results, path, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 5.5))
    for name, r in results.items():
        if "error" in r:
            continue
        xs = [s["recall"] for s in r["sweep"]]
        ys = [s["single_qps"] for s in r["sweep"]]
        style = "-o" if name.startswith("veclite") else "--s"
        ax.plot(xs, ys, style, label=name, linewidth=2 if name.startswith("veclite") else 1)
        for s, x, y in zip(r["sweep"], xs, ys):
            pk = "ef" if "ef" in s else "np"
            ax.annotate(f"{pk}{s['ef' if pk == 'ef' else 'nprobe']}", (x, y), fontsize=6,
                        textcoords="offset points", xytext=(3, 3))
    ax.set_yscale("log")
    ax.set_xlabel("recall@10")
    ax.set_ylabel("single-query QPS, 1 thread (log)")
    ax.axvline(0.95, color="grey", linestyle=":", linewidth=1)
    ax.set_title(title, fontsize=9)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def plot_title(n, dim, nlist):
    return (f"{n // 1000}k x {dim} clustered (seed 20240601), top-10, 1,000 queries\n"
            f"HNSW M=16 efC=200, IVF nlist={nlist}; builds 2 threads, queries 1 thread")


def loadavg():
    try:
        return os.getloadavg()
    except OSError:
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="20k base vectors instead of 100k")
    ap.add_argument("--out", default="/tmp/index_peers")
    ap.add_argument("--skip-veclite", action="store_true")
    ap.add_argument("--only", default="", help="comma list of runs to do (default all)")
    ap.add_argument("--plot", default=os.path.join(HERE, "index_recall_qps.png"))
    ap.add_argument("--replot", metavar="JSON", help="only redraw table and plot from a results.json")
    args = ap.parse_args()
    if args.replot:
        with open(args.replot) as f:
            saved = json.load(f)
        print(table(saved["results"]))
        print()
        print(summary(saved["results"]))
        plot(saved["results"], args.plot, plot_title(saved["meta"]["n"], saved["meta"]["dim"], saved["meta"]["nlist"]))
        return
    os.makedirs(args.out, exist_ok=True)

    n, dim = (20_000 if args.quick else 100_000), 128
    t = time.perf_counter()
    X, Qall = workloads.clustered_dataset(n, dim, 1210, data_seed=workloads.SEED + 11,
                                          query_seed=workloads.SEED + 13)
    Q = np.ascontiguousarray(Qall[:NQ])
    GT = workloads.exact_gt(X, Q, K, "L2")
    print(f"data {n} x {dim}, {len(Q)} queries, GT in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    files = {"base": f"{args.out}/base.f32", "queries": f"{args.out}/queries.f32", "gt": f"{args.out}/gt.i64"}
    X.astype("<f4").tofile(files["base"])
    Q.astype("<f4").tofile(files["queries"])
    GT.astype("<i8").tofile(files["gt"])
    nlist = 1024

    runs = [
        ("veclite HNSW", lambda: run_veclite(files, dim, "hnsw", nlist)),
        ("hnswlib", lambda: run_hnswlib(X, Q, GT, workloads.SEED)),
        ("usearch", lambda: run_usearch(X, Q, GT)),
        ("faiss HNSWFlat", lambda: run_faiss_hnsw(X, Q, GT)),
        ("veclite IVF_FLAT", lambda: run_veclite(files, dim, "ivf", nlist)),
        ("faiss IVFFlat", lambda: run_faiss_ivf(X, Q, GT, nlist)),
    ]
    only = set(filter(None, args.only.split(",")))
    results, loads = {}, {}
    for name, fn in runs:
        if (args.skip_veclite and name.startswith("veclite")) or (only and name not in only):
            continue
        before = loadavg()
        t = time.perf_counter()
        try:
            r = fn()
        except Exception as e:  # keep the other libraries' figures
            r = {"error": f"{type(e).__name__}: {e}"}
        r["wall_s"] = time.perf_counter() - t
        r["load_before"], r["load_after"] = before, loadavg()
        r.setdefault("index", "IVF_FLAT" if "IVF" in name else "HNSW")
        results[name] = r
        msg = "ERROR " + r["error"] if "error" in r else f"build {r['build_s']:.2f} s"
        print(f"{name}: {msg}; load {before} -> {r['load_after']}", file=sys.stderr)

    meta = {"n": n, "dim": dim, "nq": len(Q), "k": K, "nlist": nlist, "quick": args.quick,
            "versions": {}}
    for mod in ("faiss", "hnswlib", "usearch", "numpy"):
        try:
            meta["versions"][mod] = getattr(__import__(mod), "__version__", "?")
        except Exception:
            pass
    with open(f"{args.out}/results.json", "w") as f:
        json.dump({"meta": meta, "results": results}, f, indent=1, default=str)
    print(table(results))
    print()
    print(summary(results))
    plot(results, args.plot, plot_title(n, dim, nlist))
    print(f"\nplot: {args.plot}; json: {args.out}/results.json", file=sys.stderr)


if __name__ == "__main__":
    main()
