import numpy as np
import pytest

import veclite
from veclite import connections

#: The example programs under tests/examples run as scripts (pymilvus names one of its examples
#: test_bitmap_index.py); pytest must not import them as test modules.
collect_ignore_glob = ["examples/*"]


@pytest.fixture
def client(tmp_path):
    c = veclite.MilvusClient(str(tmp_path / "milvus_demo.db"))
    yield c
    c.close()


@pytest.fixture
def orm(tmp_path):
    connections.connect(uri=str(tmp_path / "orm_db"))
    yield tmp_path / "orm_db"
    connections.disconnect("default")


@pytest.fixture
def hello(orm):
    """The seed's collection: ID Int64 PK, random Double, embeddings FloatVector(8)."""
    fields = [
        veclite.FieldSchema("ID", veclite.DataType.INT64, is_primary=True),
        veclite.FieldSchema("random", veclite.DataType.DOUBLE),
        veclite.FieldSchema("embeddings", veclite.DataType.FLOAT_VECTOR, dim=8),
    ]
    return veclite.Collection("hello", veclite.CollectionSchema(fields, "seed"))


def rng_vectors(n, dim, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).random((n, dim)).astype(dtype)
