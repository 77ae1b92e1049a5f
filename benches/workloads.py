"""workloads.py - the seeded data sets of the Python benchmarks in benches/ and bindings/python/bench/.

Every array is a pure function of its arguments (numpy's PCG64 ``default_rng`` streams), so
each run of a benchmark, on any machine with the same numpy, sees the same vectors:

- ``clustered_dataset``: a Gaussian mixture with a low intrinsic dimension per cluster, like
  real embeddings. The mixture itself (100 centres, one dim x 32 basis per centre) always comes
  from ``SEED``; base vectors and queries are drawn from their own streams (``data_seed``,
  ``query_seed``), so the queries follow the data's distribution without being copies of it.
  With these settings hnswlib (M=16, efConstruction=200) reaches recall@10 of about 0.88 at
  ef=16 and 0.97 at ef=32 on 100k points.
- ``exact_gt``: the exact top-k ids of queries against base vectors (faiss ``IndexFlat``).

The benchmarks use:
- index_peers.py: ``clustered_dataset(n, 128, 1210, SEED + 11, SEED + 13)``, the first 1,000
  queries, L2 ground truth (n = 100k, or 20k with --quick);
- search_peers.py and python_bench.py: ``clustered_dataset(n, 128, 1210, SEED + n, SEED + 7)``,
  L2 and IP ground truth of the first 1,000 queries.
"""
from __future__ import annotations

import numpy as np

SEED = 20240601


def gen_clustered(dim, seed, n_centers=100, rank=32, scale=0.8):
    """The mixture drawn from ``seed``: ``(centers, bases)``, float32 arrays of shapes
    ``(n_centers, dim)`` and ``(n_centers, dim, rank)``. Centres are N(0, I); each basis has
    entries N(0, scale^2 / rank)."""
    mix = np.random.default_rng(seed)
    centers = mix.standard_normal((n_centers, dim)).astype(np.float32)
    bases = (mix.standard_normal((n_centers, dim, rank)) * (scale / np.sqrt(rank))).astype(np.float32)
    return centers, bases


def sample_mixture(centers, bases, n, seed, noise=0.3):
    """``n`` float32 points of the mixture drawn from stream ``seed``: each point picks a cluster
    c uniformly and is ``centers[c] + bases[c] @ z + noise * e`` with z ~ N(0, I_rank) and
    e ~ N(0, I_dim)."""
    rng = np.random.default_rng(seed)
    n_centers, dim = centers.shape
    rank = bases.shape[2]
    assign = rng.integers(0, n_centers, n)
    X = np.empty((n, dim), dtype=np.float32)
    for c in range(n_centers):
        idx = np.nonzero(assign == c)[0]
        if idx.size == 0:
            continue
        z = rng.standard_normal((idx.size, rank), dtype=np.float32)
        X[idx] = centers[c] + z @ bases[c].T + noise * rng.standard_normal((idx.size, dim), dtype=np.float32)
    return X


def clustered_dataset(n, dim, nq, data_seed, query_seed):
    """``(X, Q)``: ``n`` base vectors and ``nq`` queries (float32, ``dim`` columns) of the mixture
    of ``SEED``, drawn from the streams ``data_seed`` and ``query_seed``."""
    centers, bases = gen_clustered(dim, SEED)
    X = sample_mixture(centers, bases, n, data_seed)
    Q = sample_mixture(centers, bases, nq, query_seed)
    return X, Q


def exact_gt(X, Q, k, metric):
    """The exact top-``k`` ids (int64, one row per query) of ``Q`` against ``X`` by faiss
    ``IndexFlatL2`` (``metric="L2"``) or ``IndexFlatIP`` (any other value)."""
    import faiss
    idx = faiss.IndexFlatL2(X.shape[1]) if metric == "L2" else faiss.IndexFlatIP(X.shape[1])
    idx.add(X)
    _, ids = idx.search(Q, k)
    return ids
