"""Binary, float16, bfloat16 and int8 vector fields through MilvusClient: every accepted input
form, pymilvus's result forms (query: a list holding the row's bytes; search: the bytes),
exact search, several vector fields and the errors."""

import numpy as np
import pytest

import veclite
from veclite import DataType

DIM = 16


def make(client, dtype, dim=DIM, name="t"):
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", dtype, dim=dim)
    client.create_collection(name, schema=schema)
    return name


def bf16_bytes(values):
    bits = np.asarray(values, dtype=np.float32).view(np.uint32)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype("<u2").tobytes()


@pytest.mark.parametrize("dtype", ["f16", "bf16", "i8", "bin"])
def test_round_trip_and_exact_search(client, dtype):
    rng = np.random.default_rng(1)
    n = 100
    if dtype == "f16":
        arrays = [rng.random(DIM).astype(np.float16) for _ in range(n)]
        stored = [a.astype("<f2").tobytes() for a in arrays]
        make(client, DataType.FLOAT16_VECTOR)
        metric = "L2"
    elif dtype == "bf16":
        arrays = [rng.random(DIM).astype(np.float32) for _ in range(n)]
        stored = [bf16_bytes(a) for a in arrays]
        arrays = stored  # bytes in the stored form
        make(client, DataType.BFLOAT16_VECTOR)
        metric = "IP"
    elif dtype == "i8":
        arrays = [rng.integers(-128, 128, DIM).astype(np.int8) for _ in range(n)]
        stored = [a.tobytes() for a in arrays]
        make(client, DataType.INT8_VECTOR)
        metric = "COSINE"
    else:
        bits = rng.integers(0, 2, (n, DIM))
        arrays = [bytes(np.packbits(b).tolist()) for b in bits]
        stored = arrays
        make(client, DataType.BINARY_VECTOR)
        metric = "HAMMING"
    client.insert("t", [{"id": i, "v": arrays[i]} for i in range(n)])
    got = client.get("t", ids=[3, 42], output_fields=["v"])
    assert [r["v"] for r in got] == [[stored[3]], [stored[42]]]
    res = client.search("t", data=[arrays[7]], limit=3, search_params={"metric_type": metric}, output_fields=["v"])
    assert res[0][0]["id"] == 7 or dtype == "bf16"  # IP does not rank a row first against itself
    assert isinstance(res[0][0]["entity"]["v"], bytes)
    client.flush("t")
    again = client.search("t", data=[arrays[7]], limit=3, search_params={"metric_type": metric})
    assert [h["id"] for h in again[0]] == [h["id"] for h in res[0]]


def test_errors_name_field_and_rule(client):
    make(client, DataType.FLOAT16_VECTOR)
    bad = np.zeros(DIM, dtype=np.float16)
    bad[3] = np.inf
    with pytest.raises(veclite.MilvusException, match=r"`v` row 1: component 3 is infinity"):
        client.insert("t", [{"id": 0, "v": np.zeros(DIM, dtype=np.float16)}, {"id": 1, "v": bad}])
    assert client.query("t", filter="", output_fields=["count(*)"])[0]["count(*)"] == 0
    with pytest.raises(veclite.MilvusException, match=r"field `v` row 0: 6 bytes"):
        client.insert("t", [{"id": 0, "v": b"\0" * 6}])
    with pytest.raises(veclite.MilvusException, match="HAMMING"):
        client.search("t", data=[np.zeros(DIM, dtype=np.float16)], limit=1, search_params={"metric_type": "HAMMING"})
    with pytest.raises(veclite.MilvusException, match="multiple of 8"):
        make(client, DataType.BINARY_VECTOR, dim=12, name="b")


def test_several_vector_fields(client):
    schema = client.create_schema(auto_id=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("f", DataType.FLOAT_VECTOR, dim=4)
    schema.add_field("b", DataType.BINARY_VECTOR, dim=16)
    schema.add_field("q", DataType.INT8_VECTOR, dim=4)
    client.create_collection("m", schema=schema)
    client.insert("m", [{"id": i, "f": [float(i), 0, 0, 0], "b": bytes([i, 0]), "q": np.array([i, 0, 0, 0], dtype=np.int8)}
                        for i in range(20)])
    top = client.search("m", data=[bytes([9, 0])], anns_field="b", limit=1)
    assert top[0][0]["id"] == 9 and top[0][0]["distance"] == 0.0
    top = client.search("m", data=[np.array([13, 0, 0, 0], dtype=np.int8)], anns_field="q", limit=1,
                        search_params={"metric_type": "L2"})
    assert top[0][0]["id"] == 13
    top = client.search("m", data=[[5.0, 0, 0, 0]], anns_field="f", limit=1, search_params={"metric_type": "L2"})
    assert top[0][0]["id"] == 5
    d = client.describe_collection("m")
    types = {f["name"]: f["type"] for f in d["fields"]}
    assert types["b"] == DataType.BINARY_VECTOR and types["q"] == DataType.INT8_VECTOR
