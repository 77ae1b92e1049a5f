"""Every bad write input: a clear error naming field, row and rule, and nothing written."""

import math

import numpy as np
import pytest

import veclite
from veclite import Collection, CollectionSchema, DataType, FieldSchema

from conftest import rng_vectors


@pytest.fixture
def coll(orm):
    schema = CollectionSchema([
        FieldSchema("ID", DataType.INT64, is_primary=True),
        FieldSchema("random", DataType.DOUBLE),
        FieldSchema("name", DataType.VARCHAR, max_length=4),
        FieldSchema("opt", DataType.INT64, nullable=True),
        FieldSchema("embeddings", DataType.FLOAT_VECTOR, dim=8),
    ])
    c = Collection("bad", schema)
    c.upsert(rows(2))
    return c


def rows(n, start=100):
    v = rng_vectors(n, 8, seed=start)
    return [{"ID": start + i, "random": 0.5, "name": "ok", "embeddings": v[i].tolist()} for i in range(n)]


def check(coll, data, exc, *words, op="upsert"):
    with pytest.raises(exc) as e:
        getattr(coll, op)(data)
    for w in words:
        assert w in e.value.message, (w, e.value.message)
    assert coll.num_entities == 2, "nothing may be written"
    return e.value


def test_dim_mismatch_rows_and_array(coll):
    data = rows(3)
    data[2]["embeddings"] = [0.1] * 7
    check(coll, data, veclite.DimensionMismatchException, "embeddings", "row 2", "dim")
    ids, rnd, names = [1, 2], [0.1, 0.2], ["a", "b"]
    check(coll, [ids, rnd, names, [None, None], np.zeros((2, 9), np.float32)], veclite.DimensionMismatchException,
          "embeddings", "dim (9)")


def test_unequal_column_lengths(coll):
    e = check(coll, [[1, 2, 3], [0.1, 0.2], ["a", "b", "c"], [1, 2, 3], rng_vectors(3, 8)],
              veclite.DataNotMatchException, "random")
    assert e.status == "SCHEMA_MISMATCH"


def test_wrong_types(coll):
    data = rows(3)
    data[1]["random"] = "x"
    check(coll, data, veclite.DataNotMatchException, "random", "row 1", "DOUBLE")
    data = rows(3)
    data[2]["name"] = 5
    check(coll, data, veclite.DataNotMatchException, "name", "row 2", "VARCHAR")
    data = rows(2)
    data[0]["ID"] = 1.5
    check(coll, data, veclite.DataNotMatchException, "ID", "row 0")
    data = rows(2)
    data[1]["embeddings"] = [0.1] * 7 + ["z"]
    check(coll, data, veclite.DataNotMatchException, "embeddings", "row 1")
    data = rows(2)
    data[1]["embeddings"] = "abc"
    check(coll, data, veclite.DataNotMatchException, "embeddings", "row 1")
    check(coll, None, veclite.ParamError, "List")


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_nan_inf_in_vector_and_scalar(coll, bad):
    data = rows(3)
    data[1]["embeddings"][3] = bad
    e = check(coll, data, veclite.InvalidValueException, "embeddings", "row 1")
    assert e.status == "INVALID_VALUE" and e.code == 15
    data = rows(3)
    data[2]["random"] = bad
    check(coll, data, veclite.InvalidValueException, "random", "row 2")
    arr = rng_vectors(2, 8)
    arr[1, 0] = bad
    check(coll, [[7, 8], [0.1, 0.2], ["a", "b"], [None, 1], arr], veclite.InvalidValueException, "embeddings")


def test_duplicate_pk_in_batch(coll):
    data = rows(3)
    data[2]["ID"] = data[0]["ID"]
    e = check(coll, data, veclite.PrimaryKeyException, "duplicate")
    assert e.status == "DUPLICATE_PRIMARY_KEY"
    check(coll, rows(2, start=100) * 1 + rows(1, start=100), veclite.PrimaryKeyException, op="insert")


def test_auto_id_upsert_refused(orm):
    c = Collection("auto", CollectionSchema([FieldSchema("pk", DataType.INT64, is_primary=True, auto_id=True),
                                             FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)]))
    r = c.insert([[[0.1, 0.2], [0.3, 0.4]]])
    assert r.insert_count == 2 and len(r.primary_keys) == 2
    with pytest.raises(veclite.ParamError) as e:
        c.upsert([[1, 2], [[0.1, 0.2], [0.3, 0.4]]])
    assert "auto_id" in e.value.message
    with pytest.raises(veclite.MilvusException):
        c.insert([{"pk": 9, "v": [0.1, 0.2]}])
    assert c.num_entities == 2


def test_unknown_field_partition_collection(coll):
    data = rows(2)
    data[1]["colour"] = "red"
    check(coll, data, veclite.DataNotMatchException, "colour", "row 1")
    with pytest.raises(veclite.PartitionNotExistException) as e:
        coll.upsert(rows(1), partition_name="nope")
    assert "nope" in e.value.message and e.value.status == "NOT_FOUND"
    assert coll.num_entities == 2


def test_missing_non_nullable_field(coll):
    data = rows(2)
    for r in data:
        del r["random"]
    check(coll, data, veclite.MissingFieldException, "random")
    data = rows(3)
    del data[1]["name"]
    check(coll, data, veclite.MissingFieldException, "name", "row 1")
    data = rows(2)
    data[0]["random"] = None
    check(coll, data, veclite.InvalidValueException, "random", "row 0", "not nullable")
    ok = rows(2, start=500)  # the nullable `opt` may be omitted
    assert coll.upsert(ok).upsert_count == 2


def test_over_long_varchar(coll):
    data = rows(3)
    data[2]["name"] = "toolong"
    e = check(coll, data, veclite.InvalidValueException, "name", "max")
    assert "2" in e.message


def test_int_out_of_range_and_zero_rows(orm):
    c = Collection("ints", CollectionSchema([FieldSchema("pk", DataType.INT64, is_primary=True),
                                             FieldSchema("s", DataType.INT8),
                                             FieldSchema("v", DataType.FLOAT_VECTOR, dim=1)]))
    with pytest.raises(veclite.InvalidValueException) as e:
        c.upsert([{"pk": 1, "s": 1, "v": [0]}, {"pk": 2, "s": 300, "v": [0]}])
    assert "row 1" in e.value.message and "INT8" in e.value.message
    with pytest.raises(veclite.InvalidValueException):
        c.upsert([[1, 2], np.array([1, 200]), [[0.0], [1.0]]])
    with pytest.raises(veclite.ParamError):
        c.upsert([[], [], []])
    assert c.num_entities == 0
