"""``ignore_growing``: a search that reads only sealed segments (MilvusClient and ORM, keyword
argument or search param); a row still in a growing segment is found without it only."""

import pytest

import veclite
from veclite import DataType, MilvusClient


@pytest.fixture
def client(tmp_path):
    c = MilvusClient(str(tmp_path / "db"))
    c.create_collection("g", dimension=2)
    c.insert("g", [{"id": 1, "vector": [1.0, 0.0]}, {"id": 2, "vector": [0.0, 1.0]}])
    c.flush("g")  # ids 1 and 2 are sealed
    c.insert("g", [{"id": 3, "vector": [1.0, 0.1]}])  # id 3 is in a growing segment
    yield c
    c.close()


def ids(result):
    return [h["id"] for h in result[0]]


def test_search_leaves_out_growing_rows_only_when_asked(client):
    q = [[1.0, 0.1]]
    assert ids(client.search("g", q, limit=3)) == [3, 1, 2]
    assert ids(client.search("g", q, limit=3, ignore_growing=True)) == [1, 2]
    assert ids(client.search("g", q, limit=3, ignore_growing=False)) == [3, 1, 2]
    assert ids(client.search("g", q, limit=3, search_params={"ignore_growing": True})) == [1, 2]
    assert ids(client.search("g", q, limit=3, search_params={"params": {"ignore_growing": True}})) == [1, 2]
    with pytest.raises(veclite.ParamError, match="ignore_growing is given twice"):
        client.search("g", q, limit=3, ignore_growing=True, search_params={"ignore_growing": False})
    # After a flush the row is sealed and found either way.
    client.flush("g")
    assert ids(client.search("g", q, limit=3, ignore_growing=True)) == [3, 1, 2]


def test_query_refuses_ignore_growing(client):
    with pytest.raises(veclite.ParamError, match="ignore_growing applies to search only"):
        client.query("g", filter="id > 0", ignore_growing=True)


def test_orm_search_honours_ignore_growing(tmp_path):
    veclite.connections.connect(uri=str(tmp_path / "orm"))
    try:
        schema = veclite.CollectionSchema([
            veclite.FieldSchema("id", DataType.INT64, is_primary=True),
            veclite.FieldSchema("v", DataType.FLOAT_VECTOR, dim=2),
        ])
        c = veclite.Collection("o", schema)
        c.insert([[1], [[1.0, 0.0]]])
        c.flush()
        c.insert([[2], [[1.0, 0.0]]])
        param = {"metric_type": "L2", "params": {}}
        assert sorted(c.search([[1.0, 0.0]], "v", param, limit=5)[0].ids) == [1, 2]
        assert c.search([[1.0, 0.0]], "v", param, limit=5, ignore_growing=True)[0].ids == [1]
    finally:
        veclite.connections.disconnect("default")
