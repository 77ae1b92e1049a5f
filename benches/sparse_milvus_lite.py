"""Sparse vectors through a Milvus client: build time, QPS and recall@10 of SPARSE_INVERTED_INDEX
and SPARSE_WAND on the corpus `benches/sparse.rs` writes (the same documents, queries and
brute-force top 10).

    cargo bench --bench sparse -- --docs 100000 --corpus target/sparse/corpus.bin
    python benches/sparse_milvus_lite.py --corpus target/sparse/corpus.bin --engine milvus-lite

`--engine milvus-lite` runs Milvus Lite (`pip install milvus-lite pymilvus numpy`);
`--engine veclite` runs veclite's Python package (`veclite.MilvusClient`), which needs the
SPARSE_FLOAT_VECTOR field type. Per index configuration (index type, `inverted_index_algo`,
`drop_ratio_build`) the collection is created, loaded with the documents, indexed, and searched
one query at a time with each `drop_ratio_search`; the build time is the insert-to-indexed time
of the documents (insert, flush and index build). Results go to `--out` as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import struct
import tempfile
import time

import numpy as np

COLLECTION = "sparse_bench"
K = 10
BATCH = 10_000
# (index_type, inverted_index_algo or None, drop_ratio_build)
CONFIGS = [
    ("SPARSE_INVERTED_INDEX", "TAAT_NAIVE", 0.0),
    ("SPARSE_INVERTED_INDEX", "DAAT_MAXSCORE", 0.0),
    ("SPARSE_WAND", None, 0.0),
    ("SPARSE_INVERTED_INDEX", "DAAT_MAXSCORE", 0.2),
    ("SPARSE_WAND", None, 0.2),
]
SEARCH_RATIOS = [0.0, 0.2]


def read_csr(buf: memoryview, at: int):
    (count,) = struct.unpack_from("<Q", buf, at)
    at += 8
    offsets = np.frombuffer(buf, dtype="<u8", count=count + 1, offset=at)
    at += 8 * (count + 1)
    nnz = int(offsets[-1])
    indices = np.frombuffer(buf, dtype="<u4", count=nnz, offset=at)
    at += 4 * nnz
    values = np.frombuffer(buf, dtype="<f4", count=nnz, offset=at)
    at += 4 * nnz
    return (offsets, indices, values), at


def read_corpus(path: str):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"VLSPARSE":
        raise SystemExit(f"{path} is not a corpus written by benches/sparse.rs")
    buf = memoryview(data)
    docs, at = read_csr(buf, 8)
    queries, _ = read_csr(buf, at)
    with open(path + ".truth.json") as f:
        truth = json.load(f)
    return docs, queries, truth


def row_dict(csr, i: int) -> dict[int, float]:
    offsets, indices, values = csr
    s, e = int(offsets[i]), int(offsets[i + 1])
    return dict(zip(indices[s:e].tolist(), values[s:e].tolist()))


def run_config(engine, workdir, docs, queries, truth, index_type, algo, drop_build):
    from pymilvus import DataType

    if engine == "milvus-lite":
        from pymilvus import MilvusClient
    else:
        from veclite import MilvusClient

    db_path = os.path.join(workdir, f"bench_{index_type}_{algo}_{drop_build}.db")
    client = MilvusClient(db_path)
    schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vec", DataType.SPARSE_FLOAT_VECTOR)
    client.create_collection(COLLECTION, schema=schema)

    n = len(docs[0]) - 1
    t0 = time.perf_counter()
    for start in range(0, n, BATCH):
        end = min(start + BATCH, n)
        rows = [{"id": i, "vec": row_dict(docs, i)} for i in range(start, end)]
        client.insert(COLLECTION, rows)
    client.flush(COLLECTION)
    t_insert = time.perf_counter() - t0
    params = {"drop_ratio_build": drop_build}
    if algo is not None:
        params["inverted_index_algo"] = algo
    index_params = client.prepare_index_params()
    index_params.add_index(field_name="vec", index_type=index_type, metric_type="IP", params=params)
    t1 = time.perf_counter()
    client.create_index(COLLECTION, index_params)
    client.load_collection(COLLECTION)
    t_index = time.perf_counter() - t1

    out = []
    nq = len(queries[0]) - 1
    qs = [row_dict(queries, q) for q in range(nq)]
    for drop_search in SEARCH_RATIOS:
        search_params = {"metric_type": "IP", "params": {"drop_ratio_search": drop_search}}
        # One warm-up search.
        client.search(COLLECTION, data=[qs[0]], anns_field="vec", limit=K, search_params=search_params)
        hits = 0
        t2 = time.perf_counter()
        for q, want in zip(qs, truth):
            res = client.search(COLLECTION, data=[q], anns_field="vec", limit=K, search_params=search_params)
            got = {h["id"] for h in res[0]}
            hits += len(got & set(want))
        elapsed = time.perf_counter() - t2
        wanted = sum(len(t) for t in truth)
        entry = {
            "engine": engine,
            "index": index_type,
            "inverted_index_algo": algo or "DAAT_WAND",
            "drop_ratio_build": drop_build,
            "drop_ratio_search": drop_search,
            "insert_s": t_insert,
            "index_s": t_index,
            "qps": nq / elapsed,
            "recall_at_10": hits / max(wanted, 1),
        }
        print(json.dumps(entry), flush=True)
        out.append(entry)
    client.drop_collection(COLLECTION)
    client.close()
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default="target/sparse/corpus.bin")
    ap.add_argument("--engine", choices=["milvus-lite", "veclite"], default="milvus-lite")
    ap.add_argument("--out", default=None, help="results JSON (default: target/sparse/<engine>.json)")
    ap.add_argument("--dir", default=None, help="where the databases go (default: a temp dir)")
    args = ap.parse_args()

    docs, queries, truth = read_corpus(args.corpus)
    print(f"{len(docs[0]) - 1} docs, {len(docs[1])} non-zeros, {len(queries[0]) - 1} queries", flush=True)
    workdir = args.dir or tempfile.mkdtemp(prefix="sparse_bench_")
    results = []
    try:
        for index_type, algo, drop_build in CONFIGS:
            results += run_config(args.engine, workdir, docs, queries, truth, index_type, algo, drop_build)
    finally:
        if args.dir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    out = args.out or f"target/sparse/{args.engine}.json"
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    report = {"docs": len(docs[0]) - 1, "queries": len(queries[0]) - 1, "results": results}
    with open(out, "w") as f:
        json.dump(report, f, indent=2)
    print(f"results written to {out}")


if __name__ == "__main__":
    main()
