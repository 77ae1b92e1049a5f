"""Per-field array operations of a partial update (``upsert(..., field_ops=...)``, pymilvus's
``FieldOp``), through MilvusClient and the ORM, and pymilvus's ``examples/array_partial_update.py``
(tests/examples/pymilvus, imports and address changed as for the other copies).

There is no output comparison with Milvus Lite here: the pinned Milvus Lite (3.2.2) does not run
the example unmodified (its create_index needs an index_type), and given one it ignores
``field_ops`` and replaces the arrays, as a server without the operators does."""

import pathlib
import re
import subprocess
import sys

import pytest

import veclite
from veclite import DataType, FieldOp, FieldOpType, MilvusClient

EXAMPLES = pathlib.Path(__file__).parent / "examples" / "pymilvus"


@pytest.fixture
def client(tmp_path):
    c = MilvusClient(str(tmp_path / "db"))
    schema = c.create_schema(enable_dynamic_field=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)
    schema.add_field("tags", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=4, max_length=8)
    schema.add_field("n", DataType.INT64)
    c.create_collection("a", schema=schema)
    c.insert("a", [{"id": 1, "v": [0.0, 1.0], "tags": ["x", "y", "x"], "n": 1},
                   {"id": 2, "v": [1.0, 0.0], "tags": [], "n": 2}])
    yield c
    c.close()


def tags(client):
    return {r["id"]: r["tags"] for r in client.query("a", filter="id >= 0", output_fields=["tags"])}


def test_every_form_of_field_ops_is_honoured(client):
    # field_ops alone makes the upsert partial: `v` and `n` are kept.
    r = client.upsert("a", [{"id": 1, "tags": ["z"]}, {"id": 2, "tags": ["p"]}],
                      field_ops={"tags": FieldOp.array_append()})
    assert r["upsert_count"] == 2
    assert tags(client) == {1: ["x", "y", "x", "z"], 2: ["p"]}
    row = client.get("a", ids=[1], output_fields=["v", "n"])[0]
    assert (row["v"], row["n"]) == ([0.0, 1.0], 1)
    client.upsert("a", [{"id": 1, "tags": ["x"]}], field_ops={"tags": "ARRAY_REMOVE"})
    assert tags(client)[1] == ["y", "z"]
    client.upsert("a", [{"id": 2, "tags": ["q"]}], field_ops={"tags": FieldOpType.ARRAY_APPEND})
    client.upsert("a", [{"id": 2, "tags": ["p"]}], field_ops={"tags": int(FieldOpType.ARRAY_REMOVE)})
    assert tags(client)[2] == ["q"]
    # replace (and None) entries are the plain partial update.
    client.upsert("a", [{"id": 2, "tags": ["r"]}], partial_update=True, field_ops={"tags": FieldOp.replace()})
    client.upsert("a", [{"id": 1, "tags": ["s"]}], partial_update=True, field_ops={"tags": None})
    assert tags(client) == {1: ["s"], 2: ["r"]}
    assert veclite.client.field_ops.FieldOp is FieldOp


def test_refused_field_ops_write_nothing(client):
    before = tags(client)
    with pytest.raises(veclite.MilvusException, match=r"row 0 \(primary key 1\).*max_capacity 4"):
        client.upsert("a", [{"id": 1, "tags": ["a", "b"]}], field_ops={"tags": FieldOp.array_append()})
    with pytest.raises(veclite.MilvusException, match="Array fields only"):
        client.upsert("a", [{"id": 1, "n": 5}], field_ops={"n": FieldOp.array_append()})
    with pytest.raises(veclite.MilvusException, match="does not give"):
        client.upsert("a", [{"id": 1, "n": 5}], field_ops={"tags": FieldOp.array_remove()})
    with pytest.raises(veclite.ParamError, match="unknown field_op alias 'array_push'"):
        client.upsert("a", [{"id": 1, "tags": ["a"]}], field_ops={"tags": "array_push"})
    with pytest.raises(veclite.ParamError, match="unsupported field_op type bool"):
        client.upsert("a", [{"id": 1, "tags": ["a"]}], field_ops={"tags": True})
    with pytest.raises(veclite.ParamError, match="invalid field_op enum value 7"):
        client.upsert("a", [{"id": 1, "tags": ["a"]}], field_ops={"tags": 7})
    with pytest.raises(veclite.ParamError, match="field_ops applies to upsert only"):
        client.insert("a", [{"id": 3, "v": [0.0, 0.0], "tags": [], "n": 3}], field_ops={"tags": "array_append"})
    assert tags(client) == before


def test_orm_upsert_honours_field_ops(tmp_path):
    veclite.connections.connect(uri=str(tmp_path / "orm"))
    try:
        schema = veclite.CollectionSchema([
            veclite.FieldSchema("id", DataType.INT64, is_primary=True),
            veclite.FieldSchema("v", DataType.FLOAT_VECTOR, dim=2),
            veclite.FieldSchema("tags", DataType.ARRAY, element_type=DataType.INT64, max_capacity=8),
        ])
        c = veclite.Collection("o", schema)
        c.insert([{"id": 1, "v": [0.0, 1.0], "tags": [1, 2, 1]}])
        r = c.upsert([{"id": 1, "tags": [1]}], field_ops={"tags": FieldOp.array_remove()})
        assert r.upsert_count == 1
        assert c.query("id == 1", output_fields=["tags"])[0]["tags"] == [2]
    finally:
        veclite.connections.disconnect("default")


def test_array_partial_update_example(tmp_path):
    p = subprocess.run([sys.executable, str(EXAMPLES / "array_partial_update.py")], cwd=tmp_path,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    rows = re.findall(r"^  (\{.*\})$", p.stdout, flags=re.M)
    assert rows == [
        "{'id': 1, 'tags': [1, 2]}", "{'id': 2, 'tags': [10, 20, 30]}",
        "{'id': 1, 'tags': [1, 2, 3, 4]}", "{'id': 2, 'tags': [10, 20, 30, 40]}",
        "{'id': 1, 'tags': [1, 3, 4]}", "{'id': 2, 'tags': [10, 20, 30, 40]}",
    ]
