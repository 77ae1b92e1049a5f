#!/usr/bin/env python3
"""vector_types_peers.py - veclite's binary and int8 searches against faiss and usearch.

Writes the data sets as raw files, runs `cargo bench --bench vector_types` on them (VT_DATA) and
the peers on the same bytes in the same run, and prints one table:
  (b) binary 1M x 1024 bits (uniform random bits, seed 20240601): exact Hamming top-10, one query
      and a batch of 1,000, veclite (1 worker thread) against faiss IndexBinaryFlat
      (omp 1 thread);
  (c) int8 100k x 128 (workloads.clustered_dataset scaled by 20 and rounded to int8): HNSW
      M 16 / connectivity 16, efConstruction / expansion_add 128, recall@10 against the exact
      L2 scan and one-query QPS at ef 16..256, veclite against usearch Index(dtype="i8").
veclite's side also runs (a) float16/bfloat16 scans and (d) bytes per vector: see its doc.

Usage (from the crate root, in a venv holding benches/requirements-peers.txt):
  $VENV/bin/python benches/vector_types_peers.py [--binary-rows N] [--int8-rows N] [--skip-half]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

import workloads
from index_peers import EFS, K, batch_qps, loadavg, recall, single_qps

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
NQ = 1000


def binary_data(n, seed):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 128), dtype=np.uint8), rng.integers(0, 256, (NQ, 128), dtype=np.uint8)


def int8_data(n):
    X, Q = workloads.clustered_dataset(n, 128, NQ, workloads.SEED + 11, workloads.SEED + 13)
    q8 = lambda A: np.clip(np.rint(A * 20), -127, 127).astype(np.int8)
    return q8(X), q8(Q)


def int8_truth(X, Q):
    Xf, Qf = X.astype(np.float32), Q.astype(np.float32)
    d = (Qf * Qf).sum(1)[:, None] + (Xf * Xf).sum(1)[None, :] - 2 * Qf @ Xf.T
    return np.argsort(d, axis=1, kind="stable")[:, :K]


def run_faiss_binary(B, Qb):
    import faiss
    faiss.omp_set_num_threads(1)
    idx = faiss.IndexBinaryFlat(B.shape[1] * 8)
    idx.add(B)
    one = Qb[:1]
    for _ in range(3):
        idx.search(one, K)
    times = []
    for _ in range(9):
        t = time.perf_counter()
        idx.search(one, K)
        times.append(time.perf_counter() - t)
    t = time.perf_counter()
    idx.search(Qb, K)
    return {"one_query_ms": float(np.median(times)) * 1e3, "batch_s": time.perf_counter() - t}


def run_usearch_i8(X, Q, GT):
    from usearch.index import Index
    idx = Index(ndim=X.shape[1], metric="l2sq", dtype="i8", connectivity=16, expansion_add=128)
    t = time.perf_counter()
    idx.add(np.arange(len(X)), X, threads=1)
    out = {"build_s": time.perf_counter() - t, "sweep": []}
    for ef in EFS:
        idx.expansion_search = ef
        _, m = batch_qps(lambda Qb: idx.search(Qb, K, threads=1), Q)
        s, sb = single_qps(lambda q: idx.search(q, K, threads=1), Q)
        out["sweep"].append({"ef": ef, "recall": recall(m.keys, GT), "qps": s, "qps_best": sb})
    return out


def run_veclite(data_dir, skip_half, half_rows):
    env = dict(os.environ, VT_DATA=data_dir, VT_ROWS=str(half_rows))
    if skip_half:
        env["VT_SKIP_HALF"] = "1"
    out = subprocess.run(["cargo", "bench", "--bench", "vector_types"], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    print(out)
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary-rows", type=int, default=1_000_000)
    ap.add_argument("--int8-rows", type=int, default=100_000)
    ap.add_argument("--half-rows", type=int, default=1_000_000)
    ap.add_argument("--skip-half", action="store_true")
    args = ap.parse_args()
    print("load average", loadavg())
    B, Qb = binary_data(args.binary_rows, workloads.SEED)
    X, Q = int8_data(args.int8_rows)
    with tempfile.TemporaryDirectory() as d:
        B.tofile(os.path.join(d, "bin_base.u8"))
        Qb.tofile(os.path.join(d, "bin_query.u8"))
        X.tofile(os.path.join(d, "i8_base.i8"))
        Q.tofile(os.path.join(d, "i8_query.i8"))
        veclite = run_veclite(d, args.skip_half, args.half_rows)
    faiss_b = run_faiss_binary(B, Qb)
    GT = int8_truth(X, Q)
    us = run_usearch_i8(X, Q, GT)
    v_b = next(r for r in veclite if r["case"] == "binary_exact")
    print(f"\n(b) binary {args.binary_rows} x 1024 bits, exact Hamming top-10, 1 thread")
    print("| | one query (ms) | batch of 1,000 (s) |\n|---|---|---|")
    print(f"| veclite | {v_b['one_query_ms']:.2f} | {v_b['batch_s']:.2f} |")
    print(f"| faiss IndexBinaryFlat | {faiss_b['one_query_ms']:.2f} | {faiss_b['batch_s']:.2f} |")
    v_build = next(r for r in veclite if r["case"] == "int8_build")
    print(f"\n(c) int8 HNSW {args.int8_rows} x 128, M 16, efConstruction 128, one-query QPS (1 thread)")
    print(f"build: veclite {v_build['build_s']:.1f} s, usearch {us['build_s']:.1f} s (1 thread each)")
    print("| ef | veclite recall@10 | veclite QPS | usearch recall@10 | usearch QPS |\n|---|---|---|---|---|")
    v_sweep = [r for r in veclite if r["case"] == "int8_hnsw"]
    for v, u in zip(v_sweep, us["sweep"]):
        print(f"| {v['ef']:.0f} | {v['recall']:.3f} | {v['qps']:.0f} | {u['recall']:.3f} | {u['qps']:.0f} |")
    print("load average", loadavg())


if __name__ == "__main__":
    sys.path.insert(0, HERE)
    main()
