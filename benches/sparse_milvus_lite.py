"""Sparse vectors through a Milvus client: build time, QPS and recall@10 of SPARSE_INVERTED_INDEX
and SPARSE_WAND on the corpus `benches/sparse.rs` writes (the same documents, queries and
brute-force top 10).

    cargo bench --bench sparse -- --docs 100000 --corpus target/sparse/corpus.bin
    python benches/sparse_milvus_lite.py --corpus target/sparse/corpus.bin --engine milvus-lite

`--engine milvus-lite` runs Milvus Lite (`pip install milvus-lite pymilvus numpy`);
`--engine veclite` runs veclite's Python package (`veclite.MilvusClient`), which needs the
SPARSE_FLOAT_VECTOR field type. Per index configuration (index type, `inverted_index_algo`,
`drop_ratio_build`) the collection is indexed and searched
one query at a time with each `drop_ratio_search`. The documents are inserted and flushed once
(timed), then each configuration's index is built (timed: create_index and load) in place of the
previous one. A configuration the engine refuses is recorded
with its error (Milvus Lite 3.2 builds SPARSE_INVERTED_INDEX only, and searches with
`drop_ratio_search` 0 only). Results go to `--out` as JSON.
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


def load(client, data_type, docs):
    """Creates the collection and inserts the documents; returns the seconds taken."""
    schema = client.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", data_type.INT64, is_primary=True)
    schema.add_field("vec", data_type.SPARSE_FLOAT_VECTOR)
    client.create_collection(COLLECTION, schema=schema)
    n = len(docs[0]) - 1
    t0 = time.perf_counter()
    for start in range(0, n, BATCH):
        end = min(start + BATCH, n)
        client.insert(COLLECTION, [{"id": i, "vec": row_dict(docs, i)} for i in range(start, end)])
    client.flush(COLLECTION)
    return time.perf_counter() - t0


def run_config(client, engine, queries, truth, index_type, algo, drop_build):
    """Builds one index configuration (replacing the previous one) and searches it."""
    client.release_collection(COLLECTION)
    for name in client.list_indexes(COLLECTION):
        client.drop_index(COLLECTION, name)
    params = {"drop_ratio_build": drop_build}
    if algo is not None:
        params["inverted_index_algo"] = algo
    index_params = client.prepare_index_params()
    index_params.add_index(field_name="vec", index_type=index_type, metric_type="IP", params=params)
    base = {
        "engine": engine,
        "index": index_type,
        "inverted_index_algo": algo or "DAAT_WAND",
        "drop_ratio_build": drop_build,
    }
    t1 = time.perf_counter()
    try:
        client.create_index(COLLECTION, index_params)
        client.load_collection(COLLECTION)
    except Exception as e:  # the engine refuses this configuration
        entry = dict(base, error=str(e))
        print(json.dumps(entry), flush=True)
        return [entry]
    index_s = time.perf_counter() - t1

    out = []
    nq = len(queries[0]) - 1
    qs = [row_dict(queries, q) for q in range(nq)]
    for drop_search in SEARCH_RATIOS:
        search_params = {"metric_type": "IP", "params": {"drop_ratio_search": drop_search}}
        try:  # one warm-up search
            client.search(COLLECTION, data=[qs[0]], anns_field="vec", limit=K, search_params=search_params)
        except Exception as e:  # the engine refuses this configuration
            entry = dict(base, drop_ratio_search=drop_search, error=str(e))
            print(json.dumps(entry), flush=True)
            out.append(entry)
            continue
        hits = 0
        t2 = time.perf_counter()
        for q, want in zip(qs, truth):
            res = client.search(
                COLLECTION, data=[q], anns_field="vec", limit=K, search_params=search_params, output_fields=["id"]
            )
            hits += len({h["id"] for h in res[0]} & set(want))
        elapsed = time.perf_counter() - t2
        wanted = sum(len(t) for t in truth)
        entry = dict(
            base,
            drop_ratio_search=drop_search,
            index_s=index_s,
            qps=nq / elapsed,
            recall_at_10=hits / max(wanted, 1),
        )
        print(json.dumps(entry), flush=True)
        out.append(entry)
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
    if args.engine == "milvus-lite":
        from pymilvus import DataType, MilvusClient
    else:
        from veclite import DataType, MilvusClient
    workdir = args.dir or tempfile.mkdtemp(prefix="sparse_bench_")
    results = []
    try:
        client = MilvusClient(os.path.join(workdir, "sparse_bench.db"))
        insert_s = load(client, DataType, docs)
        print(json.dumps({"engine": args.engine, "insert_and_flush_s": insert_s}), flush=True)
        for index_type, algo, drop_build in CONFIGS:
            results += run_config(client, args.engine, queries, truth, index_type, algo, drop_build)
        client.close()
    finally:
        if args.dir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    out = args.out or f"target/sparse/{args.engine}.json"
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    report = {
        "docs": len(docs[0]) - 1,
        "queries": len(queries[0]) - 1,
        "insert_and_flush_s": insert_s,
        "results": results,
    }
    with open(out, "w") as f:
        json.dump(report, f, indent=2)
    print(f"results written to {out}")


if __name__ == "__main__":
    main()
