"""ARRAY fields through MilvusClient and the ORM: schema parameters, the data shapes rows take
(lists, numpy arrays, DataFrame cells, None), results as lists, every array filter, and the
errors that name the field, the row and the rule."""

import numpy as np
import pytest

import veclite
from veclite import Collection, CollectionSchema, DataType, FieldSchema


def array_schema(client):
    schema = client.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("vector", DataType.FLOAT_VECTOR, dim=2)
    schema.add_field("nums", DataType.ARRAY, element_type=DataType.INT64, max_capacity=4)
    schema.add_field("tags", DataType.ARRAY, element_type=DataType.VARCHAR, max_capacity=3, max_length=8,
                     nullable=True)
    schema.add_field("scores", DataType.ARRAY, element_type=DataType.FLOAT, max_capacity=4)
    return schema


ROWS = [
    {"id": 0, "vector": [0.0, 1.0], "nums": [1, 2, 3], "tags": ["a", "b"], "scores": [0.5, 2.5]},
    {"id": 1, "vector": [1.0, 1.0], "nums": np.array([], dtype=np.int64), "tags": None, "scores": []},
    {"id": 2, "vector": [2.0, 1.0], "nums": np.array([3], dtype=np.int32), "tags": ("b",), "scores": [1]},
    {"id": 3, "vector": [3.0, 1.0], "nums": [5, 6, 7, 8], "tags": [], "scores": np.array([0.25])},
]


@pytest.fixture
def arrays(client):
    client.create_collection("arr", schema=array_schema(client))
    client.insert("arr", ROWS)
    return client


def ids(rows):
    return sorted(r["id"] for r in rows)


def test_describe_reports_element_type_and_capacity(arrays):
    fields = {f["name"]: f for f in arrays.describe_collection("arr")["fields"]}
    assert fields["nums"]["type"] == DataType.ARRAY
    assert fields["nums"]["element_type"] == DataType.INT64
    assert fields["nums"]["params"] == {"max_capacity": 4}
    assert fields["tags"]["element_type"] == DataType.VARCHAR
    assert fields["tags"]["params"] == {"max_length": 8, "max_capacity": 3}
    assert fields["tags"]["nullable"] is True


def test_results_are_lists_and_nulls_none(arrays):
    got = arrays.query("arr", "id >= 0", output_fields=["nums", "tags", "scores"])
    by_id = {r["id"]: r for r in got}
    assert by_id[0]["nums"] == [1, 2, 3] and by_id[0]["tags"] == ["a", "b"] and by_id[0]["scores"] == [0.5, 2.5]
    assert by_id[1]["nums"] == [] and by_id[1]["tags"] is None and by_id[1]["scores"] == []
    assert by_id[2]["nums"] == [3] and by_id[2]["tags"] == ["b"] and by_id[2]["scores"] == [1.0]
    assert all(isinstance(v, int) for v in by_id[3]["nums"])
    got = arrays.get("arr", ids=[3], output_fields=["nums"])
    assert got[0]["nums"] == [5, 6, 7, 8]
    hits = arrays.search("arr", [[2.0, 1.0]], limit=2, filter="array_contains(nums, 3)", output_fields=["nums"])
    assert [(h["id"], h["entity"]["nums"]) for h in hits[0]] == [(2, [3]), (0, [1, 2, 3])]
    arrays.flush("arr")
    arrays.upsert("arr", {"id": 1, "vector": [1.0, 1.0], "nums": [9], "tags": ["z"], "scores": []})
    assert arrays.get("arr", ids=[1], output_fields=["nums", "tags"])[0] == {"id": 1, "nums": [9], "tags": ["z"]}


@pytest.mark.parametrize(
    "expr, want",
    [
        ("array_contains(nums, 3)", [0, 2]),
        ("array_contains_all(nums, [1, 3])", [0]),
        ("array_contains_any(nums, [5, 2])", [0, 3]),
        ("array_length(nums) == 0", [1]),
        ("nums[0] > 2", [2, 3]),
        ("nums[3] != 8", []),
        ("nums[0] not in [1]", [1, 2, 3]),
        ("nums == [1, 2, 3]", [0]),
        ("tags is null", [1]),
        ("array_contains(tags, 'b')", [0, 2]),
        ("tags[0] like 'a%'", [0]),
        ("scores[0] < 1", [0, 3]),
    ],
)
def test_array_filters(arrays, expr, want):
    assert ids(arrays.query("arr", expr)) == want


def test_bad_rows_name_field_row_and_rule(arrays):
    base = {"id": 9, "vector": [0.0, 0.0], "tags": [], "scores": []}
    cases = [
        (dict(base, nums=[1, 2, 3, 4, 5]), "field `nums` row 0: the array has 5 elements, more than max_capacity 4"),
        (dict(base, nums=[1, "x"]), "field `nums`: row 0 element 1 is str"),
        (dict(base, nums=[1], tags=["123456789"]), "element 0: length 9 exceeds max_length 8"),
        (dict(base, nums=[1], scores=[float("nan")]), "element 0: NaN is not allowed"),
        (dict(base, nums=5), "field `nums`: row 0 is int; an ARRAY row is a list or a 1-D array"),
        (dict(base, nums=None), "field `nums`: row 0 is null but the field is not nullable"),
    ]
    for row, want in cases:
        with pytest.raises(veclite.MilvusException) as e:
            arrays.insert("arr", [row])
        assert want in e.value.message, e.value.message
    assert arrays.query("arr", "id == 9") == []


def test_schema_parameters_are_checked(client):
    def create(**kw):
        schema = client.create_schema()
        schema.add_field("id", DataType.INT64, is_primary=True)
        schema.add_field("vector", DataType.FLOAT_VECTOR, dim=2)
        schema.add_field("a", DataType.ARRAY, **kw)
        client.create_collection("bad", schema=schema)

    cases = [
        ({"max_capacity": 4}, "needs element_type and max_capacity"),
        ({"element_type": DataType.INT64}, "needs element_type and max_capacity"),
        ({"element_type": DataType.JSON, "max_capacity": 4}, "element_type JSON is not supported"),
        ({"element_type": DataType.INT64, "max_capacity": 5000}, "max_capacity must be in 1..=4096"),
        ({"element_type": DataType.VARCHAR, "max_capacity": 4}, "needs max_length"),
        ({"element_type": DataType.INT64, "max_capacity": 4, "dim": 3}, "parameter `dim` is not supported"),
    ]
    for kw, want in cases:
        with pytest.raises(veclite.MilvusException) as e:
            create(**kw)
        assert want in e.value.message, (kw, e.value.message)
    with pytest.raises(veclite.MilvusException) as e:
        FieldSchema("v", DataType.INT64, element_type=DataType.INT64)._native()
    assert "element_type applies to ARRAY fields only" in e.value.message


def test_orm_columns_and_dataframes(orm):
    pd = pytest.importorskip("pandas")
    fields = [
        FieldSchema("id", DataType.INT64, is_primary=True),
        FieldSchema("v", DataType.FLOAT_VECTOR, dim=2),
        FieldSchema("flags", DataType.ARRAY, element_type=DataType.BOOL, max_capacity=2),
        FieldSchema("ds", DataType.ARRAY, element_type="DOUBLE", max_capacity=2),
    ]
    c = Collection("orm_arr", CollectionSchema(fields))
    c.insert([[1, 2], [[0.0, 1.0], [1.0, 0.0]], [[True], [False, True]], [np.array([1.5, 2.5]), []]])
    c.insert(pd.DataFrame({"id": [3], "v": [[0.5, 0.5]], "flags": [[np.bool_(True)]], "ds": [[-1.0]]}))
    rows = {r["id"]: r for r in c.query("id > 0", output_fields=["flags", "ds"])}
    assert rows[1] == {"id": 1, "flags": [True], "ds": [1.5, 2.5]}
    assert rows[2]["flags"] == [False, True] and rows[2]["ds"] == []
    assert rows[3] == {"id": 3, "flags": [True], "ds": [-1.0]}
    assert sorted(r["id"] for r in c.query("flags[0]")) == [1, 3]
