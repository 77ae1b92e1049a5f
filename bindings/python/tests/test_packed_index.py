"""Indexes on packed vector fields through MilvusClient: BIN_IVF_FLAT on a binary field and HNSW
on a float16 field, searched with their search params, described, and refused by name where
Milvus refuses them."""

import numpy as np
import pytest

from veclite import DataType

DIM = 64


def make(client, dtype, name):
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", dtype, dim=DIM)
    client.create_collection(name, schema=schema)


def test_bin_ivf_flat_and_float16_hnsw(client):
    rng = np.random.default_rng(3)
    n = 2000
    make(client, DataType.BINARY_VECTOR, "b")
    bits = [bytes(np.packbits(rng.integers(0, 2, DIM)).tolist()) for _ in range(n)]
    client.insert("b", [{"id": i, "v": bits[i]} for i in range(n)])
    client.flush("b")
    exact = client.search("b", data=[bits[5]], limit=5, search_params={"metric_type": "HAMMING"})
    params = client.prepare_index_params()
    params.add_index(field_name="v", index_type="BIN_IVF_FLAT", metric_type="HAMMING", params={"nlist": 16})
    client.create_index("b", params)
    desc = client.describe_index("b", "v")
    assert desc["metric_type"] == "HAMMING" and desc["nlist"] in (16, "16")
    got = client.search("b", data=[bits[5]], limit=5, search_params={"metric_type": "HAMMING", "params": {"nprobe": 16}})
    assert [h["id"] for h in got[0]][0] == 5
    assert [h["distance"] for h in got[0]] == [h["distance"] for h in exact[0]]

    make(client, DataType.FLOAT16_VECTOR, "h")
    arrays = [rng.random(DIM).astype(np.float16) for _ in range(n)]
    client.insert("h", [{"id": i, "v": arrays[i]} for i in range(n)])
    client.flush("h")
    params = client.prepare_index_params()
    params.add_index(field_name="v", index_type="HNSW", metric_type="L2", params={"M": 16, "efConstruction": 64})
    client.create_index("h", params)
    got = client.search("h", data=[arrays[9]], limit=3, search_params={"metric_type": "L2", "params": {"ef": 32}})
    assert got[0][0]["id"] == 9


def test_packed_index_refusals_name_the_types(client):
    make(client, DataType.INT8_VECTOR, "i")
    params = client.prepare_index_params()
    params.add_index(field_name="v", index_type="IVF_FLAT", metric_type="L2", params={"nlist": 8})
    with pytest.raises(Exception, match="takes FLAT, HNSW"):
        client.create_index("i", params)
    make(client, DataType.BINARY_VECTOR, "b2")
    params = client.prepare_index_params()
    params.add_index(field_name="v", index_type="IVF_FLAT", metric_type="HAMMING", params={"nlist": 8})
    with pytest.raises(Exception, match="BIN_IVF_FLAT"):
        client.create_index("b2", params)
