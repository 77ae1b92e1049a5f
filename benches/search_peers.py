#!/usr/bin/env python3
"""search_peers.py - veclite vs faiss IndexFlat vs numpy, exact top-10, on identical data, one run.

Data: workloads.clustered_dataset, the clustered Gaussian mixture (fixed seed
20240601; 1M x 128, data_seed = SEED + n, query_seed = SEED + 7, 1,210 queries: 0..10 warm up
the single-query loop, 10..210 are timed one by one, 0..1000 form the batches). It is written
to raw little-endian f32 files, with faiss exact ground truth as raw int64, and the same files
feed `cargo run --release --example search_throughput`.

Threads: veclite uses its default worker pool (Options::default: available cores = 2), faiss
its default OpenMP threads (2), numpy's BLAS its default (2). Reported in the table.

Usage (from the repo root):
    $VENV/bin/python benches/search_peers.py [--quick] [--keep-data DIR]
    $VENV/bin/python benches/search_peers.py --replot benches/search_peers_results.json
The results go to --json (default benches/search_peers_results.json) and the bar chart of QPS
per engine, metric and batch size to --plot (default benches/search_peers.png); --replot JSON
redraws the tables and the chart from saved results without running anything.
If the interpreter running it lacks numpy or faiss, it creates (or reuses) the venv given by
--venv (default: $VENV, else target/bench-venv), installs benches/requirements-peers.txt into it
(numpy 2.4.6, faiss-cpu 1.15.1, ...) and re-executes itself there.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

SEED = 20240601  # workloads.SEED (that module needs numpy, which may not be importable yet)
K = 10
DIM = 128
NQ_ALL = 1210
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REQUIREMENTS = os.path.join(REPO, "benches", "requirements-peers.txt")
HERE = os.path.join(REPO, "benches")


def ensure_venv(argv):
    """Return if this interpreter imports numpy and faiss (or --no-venv is given); otherwise
    create the venv of --venv if missing, install REQUIREMENTS into it if it lacks them, and
    re-execute this script there with the same arguments."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--venv", default=os.environ.get("VENV") or os.path.join(REPO, "target", "bench-venv"))
    pre.add_argument("--no-venv", action="store_true")
    pre.add_argument("--replot")
    args, _ = pre.parse_known_args(argv)
    try:
        if args.replot:
            import matplotlib  # noqa: F401
            return
        import faiss  # noqa: F401
        import numpy  # noqa: F401
        return
    except ImportError:
        if args.no_venv:
            raise
    venv = os.path.abspath(args.venv)
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        subprocess.check_call([sys.executable, "-m", "venv", venv])
    try:
        subprocess.check_call([py, "-c", "import numpy, faiss"], stderr=subprocess.DEVNULL)
    except subprocess.CalledProcessError:
        subprocess.check_call([py, "-m", "pip", "install", "-q", "-r", REQUIREMENTS])
    os.execv(py, [py, os.path.abspath(__file__), *argv])


# ---------------------------------------------------------------- data and timing

def clustered_workload(np, faiss, n):
    """The seeded clustered data: ``n`` x DIM base vectors, NQ_ALL queries, and the exact top-K
    ids of the first 1,000 queries per metric (faiss IndexFlat), as ``(X, queries, gt)``."""
    import workloads
    X, queries = workloads.clustered_dataset(n, DIM, NQ_ALL, data_seed=SEED + n, query_seed=SEED + 7)
    gt = {metric: workloads.exact_gt(X, queries[:1000], K, metric).astype(np.int64) for metric in ("L2", "IP")}
    return X, queries, gt


def now():
    return time.perf_counter()


def time_single(fn, queries, n=200, warm=10):
    for q in queries[:warm]:
        fn(q)
    lat = []
    for q in queries[warm:warm + n]:
        t = now()
        fn(q)
        lat.append((now() - t) * 1000.0)
    return {"median_ms": statistics.median(lat), "min_ms": min(lat), "queries": len(lat)}


def time_batch(fn, Q, reps=3):
    fn(Q[:10])
    ts, res = [], None
    for _ in range(reps):
        t = now()
        res = fn(Q)
        ts.append(now() - t)
    s = statistics.median(ts)
    return {"qps": len(Q) / s, "seconds_median": s}, res


def recall(I, GT):
    n = min(len(I), len(GT))
    hits = sum(len(set(map(int, a[:K])) & set(map(int, b[:K]))) for a, b in zip(I[:n], GT[:n]))
    return hits / (n * K)


def loadavg():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


# ---------------------------------------------------------------- peers

def run_faiss(faiss, X, Qall, GT):
    out = {}
    for metric in ("L2", "IP"):
        idx = faiss.IndexFlatL2(DIM) if metric == "L2" else faiss.IndexFlatIP(DIM)
        idx.add(X)
        single = time_single(lambda q: idx.search(q[None, :], K), Qall)
        r = {"single": single, "batch": {}}
        for nq in (100, 1000):
            bt, (D, I) = time_batch(lambda Qb: idx.search(Qb, K), Qall[:nq])
            bt["load"] = loadavg()
            r["batch"][str(nq)] = bt
            if nq == 1000:
                r["recall"] = recall(I, GT[metric])
        out[metric] = r
        del idx
    return out


def run_numpy(np, X, Qall, GT):
    xnorm = np.einsum("ij,ij->i", X, X)

    def top_l2(q):
        d = xnorm - 2.0 * (X @ q)
        idx = np.argpartition(d, K)[:K]
        return idx[np.argsort(d[idx])]

    def top_ip(q):
        s = X @ q
        idx = np.argpartition(-s, K)[:K]
        return idx[np.argsort(-s[idx])]

    def batch(Qb, metric):
        outI = np.empty((len(Qb), K), dtype=np.int64)
        ch = 100
        for s0 in range(0, len(Qb), ch):
            Qc = Qb[s0:s0 + ch]
            S = Qc @ X.T
            if metric == "L2":
                S *= -2.0
                S += xnorm[None, :]
            else:
                np.negative(S, out=S)
            part = np.argpartition(S, K, axis=1)[:, :K]
            vals = np.take_along_axis(S, part, axis=1)
            order = np.argsort(vals, axis=1)
            outI[s0:s0 + ch] = np.take_along_axis(part, order, axis=1)
        return outI

    out = {}
    for metric, fn in (("L2", top_l2), ("IP", top_ip)):
        r = {"single": time_single(fn, Qall), "batch": {}}
        for nq in (100, 1000):
            bt, I = time_batch(lambda Qb: batch(Qb, metric), Qall[:nq])
            bt["load"] = loadavg()
            r["batch"][str(nq)] = bt
            if nq == 1000:
                r["recall"] = recall(I, GT[metric])
        out[metric] = r
    return out


def run_veclite(paths, threads=None):
    subprocess.check_call(["cargo", "build", "--release", "--example", "search_throughput"], cwd=REPO)
    cmd = ["cargo", "run", "--release", "--example", "search_throughput", "--",
           "--base", paths["base"], "--queries", paths["queries"], "--dim", str(DIM),
           "--gt-l2", paths["gt_L2"], "--gt-ip", paths["gt_IP"]]
    if threads is not None:
        cmd += ["--threads", str(threads)]
    res = subprocess.run(cmd, cwd=REPO, check=True, stdout=subprocess.PIPE, text=True)
    j = json.loads(res.stdout)
    out = {"threads": j["worker_threads"], "insert_s": j["insert_s"], "flush_s": j["flush_s"]}
    for metric in ("L2", "IP"):
        r = j["results"][metric]
        out[metric] = {"single": r["single"], "batch": r["batch"], "recall": r["recall_at_10"]}
    return out


# ---------------------------------------------------------------- report

def labels(versions):
    """The table label of each engine, from the peers' versions saved with the results."""
    out = {"veclite": "veclite (Database::search, sealed mmap)",
           "faiss": "faiss IndexFlatL2/IP " + versions["faiss"],
           "numpy": "numpy " + versions["numpy"] + " (matvec/GEMM + argpartition)"}
    out["veclite_1t"], out["faiss_1t"] = out["veclite"], out["faiss"]
    return out


def engines(results):
    return [e for e in ("veclite", "faiss", "veclite_1t", "faiss_1t", "numpy") if e in results]


def report(saved):
    """Prints the results table and the veclite / faiss ratios from results as saved by --json."""
    results, n = saved["results"], saved["n"]
    names = labels(saved["versions"])
    print()
    print(f"## Exact top-10, {n:,} x {DIM} clustered mixture (seed {SEED}); load at end {saved['load_end']}")
    print()
    print("| engine | threads | metric | single ms (median / min) | QPS nq=100 | QPS nq=1000 | recall@10 |")
    print("|---|---:|---|---:|---:|---:|---:|")
    for eng in engines(results):
        r = results[eng]
        for metric in ("L2", "IP"):
            m = r[metric]
            s = m["single"]
            print(f"| {names[eng]} | {r['threads']} | {metric} | {s['median_ms']:.2f} / {s['min_ms']:.2f} | "
                  f"{m['batch']['100']['qps']:,.0f} | {m['batch']['1000']['qps']:,.0f} | {m['recall']:.4f} |")
    print()
    print("| ratio veclite / faiss | metric | single-query speed | QPS nq=100 | QPS nq=1000 |")
    print("|---|---|---:|---:|---:|")
    pairs = [("veclite", "faiss", "default threads (2 vs 2)")]
    if "veclite_1t" in results:
        pairs.append(("veclite_1t", "faiss_1t", "1 thread vs 1 thread"))
    for ve, fe, what in pairs:
        for metric in ("L2", "IP"):
            v, f = results[ve][metric], results[fe][metric]
            print(f"| {what} | {metric} | {f['single']['median_ms'] / v['single']['median_ms']:.2f}x | "
                  f"{v['batch']['100']['qps'] / f['batch']['100']['qps']:.2f}x | "
                  f"{v['batch']['1000']['qps'] / f['batch']['1000']['qps']:.2f}x |")
    print()
    print("Single-query speed ratio = faiss median ms / veclite median ms (>1 means veclite is faster).")
    print("Note: faiss IndexFlat answers a 100-query batch at about 40 QPS on this machine even when it")
    print("runs alone; its 1,000-query batches need OPENBLAS_CORETYPE=SkylakeX for the bundled OpenBLAS")
    print("(about 500 QPS with it, about 200 without). Run this script with that variable set.")
    print(f"veclite build: insert {results['veclite']['insert_s']:.1f} s, flush {results['veclite']['flush_s']:.1f} s")


def plot(saved, path):
    """One panel per metric: grouped bars of QPS (log scale) for one query at a time
    (1000 / median ms), batches of 100 and batches of 1,000, one bar per engine run."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    results = saved["results"]
    names = labels(saved["versions"])
    runs = engines(results)
    modes = [("one query", lambda m: 1000.0 / m["single"]["median_ms"]),
             ("batch of 100", lambda m: m["batch"]["100"]["qps"]),
             ("batch of 1,000", lambda m: m["batch"]["1000"]["qps"])]
    width = 0.8 / len(runs)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.8), sharey=True)
    for ax, metric in zip(axes, ("L2", "IP")):
        for i, eng in enumerate(runs):
            r = results[eng]
            xs = [j + (i - (len(runs) - 1) / 2) * width for j in range(len(modes))]
            ys = [qps(r[metric]) for _, qps in modes]
            label = f"{names[eng].split(' (')[0]}, {r['threads']} thread{'s' if r['threads'] != 1 else ''}"
            ax.bar(xs, ys, width, label=label)
            for x, y in zip(xs, ys):
                ax.annotate(f"{y:,.1f}" if y < 10 else f"{y:,.0f}", (x, y), ha="center", va="bottom", fontsize=6,
                            textcoords="offset points", xytext=(0, 2))
        ax.set_xticks(range(len(modes)))
        ax.set_xticklabels([m for m, _ in modes])
        ax.set_yscale("log")
        ax.set_ylim(top=ax.get_ylim()[1] * 2)
        ax.set_title(f"{metric}", fontsize=9)
        ax.grid(True, axis="y", which="both", alpha=0.3)
    axes[0].set_ylabel("queries/s (log)")
    handles, texts = axes[0].get_legend_handles_labels()
    fig.legend(handles, texts, fontsize=8, loc="lower center", ncol=len(runs))
    fig.suptitle(f"Exact top-10, {saved['n']:,} x {DIM} clustered float32 (seed {SEED}), one query at a time "
                 f"(1000 / median ms) and in batches\n{saved.get('utc', '')}, load (1 min) "
                 f"{saved.get('load_start', '?').split()[0]} -> {saved['load_end'].split()[0]}", fontsize=9)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.savefig(path, dpi=110)
    print(f"plot: {path}")


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="100k x 128 instead of 1M x 128")
    ap.add_argument("--venv", help="the venv to create/use when this interpreter lacks numpy or faiss "
                    "(default: $VENV, else target/bench-venv)")
    ap.add_argument("--no-venv", action="store_true", help="never create or switch to a venv")
    ap.add_argument("--keep-data", help="directory for the raw data files (default: a temp dir, removed)")
    ap.add_argument("--json", default=os.path.join(HERE, "search_peers_results.json"),
                    help="write the raw results here (default: %(default)s)")
    ap.add_argument("--plot", default=os.path.join(HERE, "search_peers.png"),
                    help="write the bar chart to this PNG (default: %(default)s)")
    ap.add_argument("--replot", metavar="JSON", help="only redraw the tables and chart from saved results")
    ap.add_argument("--one-thread", action="store_true",
                    help="also run veclite (worker_threads=1) and faiss (omp_set_num_threads(1)) on one thread")
    args = ap.parse_args()
    if args.replot:
        with open(args.replot) as f:
            saved = json.load(f)
        report(saved)
        plot(saved, args.plot)
        return

    import numpy as np
    import faiss

    n = 100_000 if args.quick else 1_000_000
    t0 = now()
    print(f"generating {n} x {DIM} clustered data (seed {SEED}) ...", flush=True)
    X, Qall, GT = clustered_workload(np, faiss, n)

    tmp = None
    data_dir = args.keep_data
    if data_dir is None:
        tmp = tempfile.TemporaryDirectory(prefix="search_peers_")
        data_dir = tmp.name
    os.makedirs(data_dir, exist_ok=True)
    paths = {"base": os.path.join(data_dir, f"base_{n}x{DIM}.f32"),
             "queries": os.path.join(data_dir, f"queries_{NQ_ALL}x{DIM}.f32"),
             "gt_L2": os.path.join(data_dir, "gt_l2_1000x10.i64"),
             "gt_IP": os.path.join(data_dir, "gt_ip_1000x10.i64")}
    X.astype("<f4").tofile(paths["base"])
    Qall.astype("<f4").tofile(paths["queries"])
    GT["L2"].astype("<i8").tofile(paths["gt_L2"])
    GT["IP"].astype("<i8").tofile(paths["gt_IP"])
    print(f"data + ground truth ready in {now() - t0:.1f} s ({data_dir}), load {loadavg()}", flush=True)

    try:
        from threadpoolctl import threadpool_info
        blas_threads = max((d.get("num_threads") or 0) for d in threadpool_info()) or "?"
    except Exception:
        blas_threads = os.cpu_count()
    load_start = loadavg()
    results = {}
    print(f"veclite ... load {loadavg()}", flush=True)
    results["veclite"] = run_veclite(paths)
    print(f"faiss ... load {loadavg()}", flush=True)
    results["faiss"] = run_faiss(faiss, X, Qall, GT)
    results["faiss"]["threads"] = faiss.omp_get_max_threads()
    if args.one_thread:
        print(f"veclite 1 thread ... load {loadavg()}", flush=True)
        results["veclite_1t"] = run_veclite(paths, threads=1)
        print(f"faiss 1 thread ... load {loadavg()}", flush=True)
        default_threads = faiss.omp_get_max_threads()
        faiss.omp_set_num_threads(1)
        results["faiss_1t"] = run_faiss(faiss, X, Qall, GT)
        results["faiss_1t"]["threads"] = 1
        faiss.omp_set_num_threads(default_threads)
    print(f"numpy ... load {loadavg()}", flush=True)
    results["numpy"] = run_numpy(np, X, Qall, GT)
    results["numpy"]["threads"] = blas_threads

    saved = {"n": n, "dim": DIM, "load_start": load_start, "load_end": loadavg(),
             "utc": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
             "openblas_coretype": os.environ.get("OPENBLAS_CORETYPE"),
             "versions": {"faiss": faiss.__version__, "numpy": np.__version__}, "results": results}
    report(saved)
    with open(args.json, "w") as f:
        json.dump(saved, f, indent=1)
    print(f"results: {args.json}")
    plot(saved, args.plot)
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    ensure_venv(sys.argv[1:])
    main()
