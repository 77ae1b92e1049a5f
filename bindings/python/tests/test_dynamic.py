"""Dynamic fields (`$meta`) and JSON fields, through MilvusClient and the ORM."""

import numpy as np
import pytest

import veclite
from veclite import Collection, CollectionSchema, DataType, FieldSchema, MilvusClient

COLORS = ["red", "green", "blue"]


def dynamic_rows(n=9, dim=3):
    """Rows whose dynamic keys vary: every row has color and price, every third a tag, row 4 an
    object and row 5 a list."""
    rng = np.random.default_rng(7)
    rows = []
    for i in range(n):
        row = {"id": i, "vector": rng.random(dim).tolist(), "color": COLORS[i % 3], "price": i * 10}
        if i % 3 == 0:
            row["tag"] = "a" if i % 2 == 0 else "b"
        if i == 4:
            row["info"] = {"x": 1, "ys": [1, 2, 3]}
        if i == 5:
            row["sizes"] = [36, 38]
        rows.append(row)
    return rows


@pytest.fixture
def quick(client):
    """A quick-setup collection (dynamic fields on) holding dynamic_rows()."""
    client.create_collection("quick", dimension=3, metric_type="L2")
    client.insert("quick", dynamic_rows())
    return client


def ids(rows):
    return sorted(r["id"] for r in rows)


# --- enable_dynamic_field and describe -----------------------------------------------------------


def test_quick_setup_enables_dynamic_fields_and_describe_hides_meta(client):
    client.create_collection("quick", dimension=3)
    d = client.describe_collection("quick")
    assert d["enable_dynamic_field"] is True
    assert [f["name"] for f in d["fields"]] == ["id", "vector"]
    assert all(not f.get("is_dynamic") for f in d["fields"])
    client.create_collection("off", dimension=3, enable_dynamic_field=False)
    assert client.describe_collection("off")["enable_dynamic_field"] is False
    with pytest.raises(veclite.DataNotMatchException) as e:
        client.insert("off", {"id": 1, "vector": [0.1, 0.2, 0.3], "color": "red"})
    assert "`color`" in e.value.message and "enable_dynamic_field" in e.value.message


def test_create_schema_defaults_to_off_and_takes_the_flag(client):
    assert client.create_schema().enable_dynamic_field is False
    schema = client.create_schema(enable_dynamic_field=True)
    schema.add_field("id", DataType.INT64, is_primary=True).add_field("v", DataType.FLOAT_VECTOR, dim=2)
    assert schema.to_dict()["enable_dynamic_field"] is True
    client.create_collection("s", schema=schema)
    d = client.describe_collection("s")
    assert d["enable_dynamic_field"] is True and [f["name"] for f in d["fields"]] == ["id", "v"]
    assert client.insert("s", {"id": 1, "v": [1, 0], "note": "kept"}) == {"insert_count": 1, "ids": [1]}
    assert client.get("s", 1) == [{"id": 1, "v": [1.0, 0.0], "note": "kept"}]


def test_is_dynamic_fields_are_refused_at_create(client):
    field = FieldSchema("extra", DataType.JSON, is_dynamic=True)
    assert field.is_dynamic and field.to_dict()["is_dynamic"] is True
    schema = client.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True).add_field("v", DataType.FLOAT_VECTOR, dim=2)
    schema.add_field("meta", DataType.JSON, is_dynamic=True)
    with pytest.raises(veclite.ParamError) as e:
        client.create_collection("bad", schema=schema)
    assert "cannot explicitly set a field as a dynamic field" in e.value.message
    assert not client.has_collection("bad")


def test_orm_schema_flag_round_trips_and_is_compared(orm):
    fields = [
        FieldSchema("pk", DataType.VARCHAR, is_primary=True, max_length=10),
        FieldSchema("emb", DataType.FLOAT_VECTOR, dim=2),
    ]
    c = Collection("dyn", CollectionSchema(fields, "d", enable_dynamic_field=True))
    assert c.schema.enable_dynamic_field is True
    assert [f.name for f in c.schema.fields] == ["pk", "emb"]
    assert Collection("dyn", CollectionSchema(fields, "d", enable_dynamic_field=True)).name == "dyn"
    with pytest.raises(veclite.ParamError):
        Collection("dyn", CollectionSchema(fields, "d"))
    static = Collection("static", CollectionSchema(fields, "s"))
    assert static.schema.enable_dynamic_field is False
    with pytest.raises(veclite.DataNotMatchException):
        static.insert([{"pk": "a", "emb": [1, 0], "extra": 1}])


# --- writes --------------------------------------------------------------------------------------


def test_rows_with_varying_keys_are_kept_per_entity(quick):
    got = {r["id"]: r for r in quick.query("quick", filter="id >= 0", output_fields=["*"])}
    assert len(got) == 9
    for row in dynamic_rows():
        want = dict(row)
        want["vector"] = pytest.approx(row["vector"], rel=1e-6)
        assert got[row["id"]] == want
    # Fields first, then the dynamic keys.
    assert list(got[4])[:2] == ["id", "vector"] and set(list(got[4])[2:]) == {"color", "price", "info"}


def test_one_row_dict_upsert_and_null_values(quick):
    assert quick.upsert("quick", {"id": 1, "vector": [0, 0, 1], "color": None, "new": True}) == {
        "upsert_count": 1, "ids": [1]}
    assert quick.get("quick", 1, output_fields=["*"]) == [
        {"id": 1, "vector": [0.0, 0.0, 1.0], "color": None, "new": True}]
    # The upsert replaced the whole entity: the old dynamic keys are gone.
    assert quick.query("quick", filter="id == 1", output_fields=["price"]) == [{"id": 1}]


def test_numpy_values_in_dynamic_keys(client):
    client.create_collection("np", dimension=2)
    client.insert("np", {"id": 1, "vector": np.ones(2, dtype=np.float32), "n": np.int64(5), "f": np.float32(0.5),
                         "b": np.bool_(True), "arr": np.arange(3)})
    assert client.get("np", 1, output_fields=["n", "f", "b", "arr"]) == [
        {"id": 1, "n": 5, "f": 0.5, "b": True, "arr": [0, 1, 2]}]


def test_meta_key_of_a_row_is_merged(client):
    client.create_collection("m", dimension=2)
    client.insert("m", [{"id": 1, "vector": [1, 0], "$meta": {"k": 1}, "z": 2},
                        {"id": 2, "vector": [0, 1], "$meta": '{"k": 3}'},
                        {"id": 3, "vector": [0, 1], "$meta": None}])
    assert client.query("m", filter="id > 0", output_fields=["k", "z"]) == [
        {"id": 1, "k": 1, "z": 2}, {"id": 2, "k": 3}, {"id": 3}]


def test_columns_may_end_with_a_meta_column(orm):
    fields = [FieldSchema("id", DataType.INT64, is_primary=True), FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)]
    c = Collection("cols", CollectionSchema(fields, enable_dynamic_field=True))
    r = c.insert([[1, 2, 3], np.eye(3, 2, dtype=np.float32), [{"a": 1}, None, {"b": "x"}]])
    assert r.insert_count == 3
    assert c.query("id > 0", output_fields=["$meta"]) == [{"id": 1, "a": 1}, {"id": 2}, {"id": 3, "b": "x"}]
    # Without the trailing column, a plain list of columns still works.
    assert c.insert([[4], [[0.5, 0.5]]]).insert_count == 1


def test_dataframe_extra_columns_are_dynamic_keys(orm):
    pd = pytest.importorskip("pandas")
    fields = [FieldSchema("id", DataType.INT64, is_primary=True), FieldSchema("v", DataType.FLOAT_VECTOR, dim=2)]
    c = Collection("df", CollectionSchema(fields, enable_dynamic_field=True))
    df = pd.DataFrame({"id": [1, 2, 3], "v": [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]],
                       "price": [1.5, float("nan"), 3.0], "color": ["red", None, "blue"]})
    assert c.insert(df).insert_count == 3
    assert c.query("id > 0", output_fields=["price", "color"]) == [
        {"id": 1, "price": 1.5, "color": "red"}, {"id": 2}, {"id": 3, "price": 3.0, "color": "blue"}]
    assert [r["id"] for r in c.query("price > 2")] == [3]
    dup = pd.DataFrame([[1, [1.0, 0.0], 1, 2]], columns=["id", "v", "k", "k"])
    with pytest.raises(veclite.DataNotMatchException) as e:
        c.insert(dup)
    assert "`k` is given twice" in e.value.message
    static = Collection("static_df", CollectionSchema(fields))
    with pytest.raises(veclite.DataNotMatchException) as e:
        static.insert(df)
    assert "`price`" in e.value.message


def test_bad_dynamic_input_raises_and_writes_nothing(quick):
    bad = [
        ({"id": 50, "vector": [1, 0, 0], "$meta": {"k": 1}, "k": 2}, veclite.InvalidValueException,
         "dynamic key `k` is given both in `$meta` and as a key of the row"),
        ({"id": 50, "vector": [1, 0, 0], "$meta": [1, 2]}, veclite.InvalidValueException,
         "field `$meta` row 0: dynamic field data must be a JSON object"),
        ({"id": 50, "vector": [1, 0, 0], "$meta": {"price": 1, "id": 3}}, veclite.InvalidValueException,
         "key `id` is a schema field"),
        ({"id": 50, "vector": [1, 0, 0], "$meta": "{oops"}, veclite.InvalidValueException,
         "field `$meta` row 0: invalid JSON"),
        ({"id": 50, "vector": [1, 0, 0], "$meta": '{"b": 1, "b": 2}'}, veclite.InvalidValueException,
         "field `$meta` row 0: invalid JSON: duplicate key 'b'"),
        ({"id": 50, "vector": [1, 0, 0], "when": object()}, veclite.DataNotMatchException,
         "dynamic field `when` row 0: object"),
        ({"id": 50, "vector": [1, 0, 0], "x": float("nan")}, veclite.DataNotMatchException,
         "dynamic field `x` row 0"),
    ]
    for row, cls, text in bad:
        with pytest.raises(cls) as e:
            quick.insert("quick", [dynamic_rows(1)[0] | {"id": 60}, row])
        assert text.replace("row 0", "row 1") in e.value.message, e.value.message
        assert isinstance(e.value, veclite.MilvusException)
    assert quick.get_collection_stats("quick") == {"row_count": 9}


# --- reads and filters ---------------------------------------------------------------------------


def test_output_fields_by_name_star_and_meta(quick):
    assert quick.query("quick", filter="id in [0, 1]", output_fields=["color", "tag"]) == [
        {"id": 0, "color": "red", "tag": "a"}, {"id": 1, "color": "green"}]
    star = quick.query("quick", filter="id == 4", output_fields=["*"])
    assert set(star[0]) == {"id", "vector", "color", "price", "info"}
    meta = quick.query("quick", filter="id == 4", output_fields=["$meta"])
    assert meta == [{"id": 4, "color": "green", "price": 40, "info": {"x": 1, "ys": [1, 2, 3]}}]
    # A key no entity has is simply absent (no error), as in Milvus.
    assert quick.query("quick", filter="id == 2", output_fields=["nobody"]) == [{"id": 2}]
    got = quick.get("quick", [5, 3])
    assert [g["id"] for g in got] == [5, 3] and got[0]["sizes"] == [36, 38] and got[1]["tag"] == "b"


def test_filters_on_dynamic_keys(quick):
    assert ids(quick.query("quick", filter='color == "red"')) == [0, 3, 6]
    assert ids(quick.query("quick", filter="price > 55")) == [6, 7, 8]
    assert ids(quick.query("quick", filter='tag in ["a", "b"]')) == [0, 3, 6]
    assert ids(quick.query("quick", filter='tag in ["a"] and price < 50')) == [0]
    assert ids(quick.query("quick", filter='color == "blue" or tag == "b"')) == [2, 3, 5, 8]
    assert ids(quick.query("quick", filter='$meta["color"] == "green"')) == [1, 4, 7]
    assert ids(quick.query("quick", filter='info["ys"][2] == 3')) == [4]
    assert ids(quick.query("quick", filter="sizes[0] == 36")) == [5]
    # A missing key fails every positive test; only the negated forms match it.
    assert ids(quick.query("quick", filter='tag != "a"')) == [1, 2, 3, 4, 5, 7, 8]
    assert ids(quick.query("quick", filter='tag == "a" or tag == "b"')) == [0, 3, 6]
    assert ids(quick.query("quick", filter='not (tag == "a")')) == [1, 2, 3, 4, 5, 7, 8]
    assert ids(quick.query("quick", filter='tag not in ["a"]')) == [1, 2, 3, 4, 5, 7, 8]
    assert quick.query("quick", filter='color like "bl%"', output_fields=["count(*)"]) == [{"count(*)": 3}]


def test_search_with_dynamic_filter_and_output(quick):
    res = quick.search("quick", [dynamic_rows()[6]["vector"]], limit=3, filter='color == "red"',
                       output_fields=["color", "tag", "price"])
    hits = res[0]
    assert hits[0]["id"] == 6 and hits[0]["distance"] == pytest.approx(0.0, abs=1e-6)
    assert sorted(h["id"] for h in hits) == [0, 3, 6]
    assert hits[0]["entity"] == {"color": "red", "tag": "a", "price": 60}
    assert hits[0].color == "red" and hits[0].get("price") == 60
    star = quick.search("quick", [dynamic_rows()[4]["vector"]], limit=1, output_fields=["*"])[0][0]
    assert star["id"] == 4 and star["entity"]["info"] == {"x": 1, "ys": [1, 2, 3]}
    assert {"vector", "color", "price", "info"} <= set(star["entity"])


def test_delete_by_dynamic_filter_and_values_survive_flush_compact_and_reopen(tmp_path):
    path = str(tmp_path / "db")
    client = MilvusClient(path)
    client.create_collection("quick", dimension=3)
    client.insert("quick", dynamic_rows())
    assert client.delete("quick", filter='tag == "b"') == {"delete_count": 1}
    client.flush("quick")
    client.insert("quick", {"id": 100, "vector": [1, 1, 1], "late": "yes"})
    client.compact("quick")
    client.close()
    client = MilvusClient(path)
    assert client.describe_collection("quick")["enable_dynamic_field"] is True
    assert ids(client.query("quick", filter='color == "red"')) == [0, 6]
    assert client.get("quick", 100, output_fields=["late"]) == [{"id": 100, "late": "yes"}]
    assert client.query("quick", filter="id == 4", output_fields=["info"]) == [
        {"id": 4, "info": {"x": 1, "ys": [1, 2, 3]}}]
    client.close()


def test_unknown_output_field_without_dynamic_fields_is_an_error(client):
    client.create_collection("off", dimension=2, enable_dynamic_field=False)
    client.insert("off", {"id": 1, "vector": [1, 0]})
    with pytest.raises(veclite.FieldNotExistException):
        client.query("off", filter="id > 0", output_fields=["color"])
    assert client.query("off", filter="id > 0", output_fields=["*"]) == [{"id": 1, "vector": [1.0, 0.0]}]


def test_orm_partition_writes_reads_and_deletes_dynamic_keys(orm):
    fields = [FieldSchema("id", DataType.INT64, is_primary=True), FieldSchema("v", DataType.FLOAT_VECTOR, dim=2),
              FieldSchema("doc", DataType.JSON, nullable=True)]
    c = Collection("p", CollectionSchema(fields, enable_dynamic_field=True))
    p = veclite.Partition(c, "p1")
    assert p.insert([{"id": 1, "v": [1, 0], "doc": None, "color": "red"},
                     {"id": 2, "v": [0, 1], "doc": {"a": 1}, "color": "blue"}]).insert_count == 2
    assert c.insert([{"id": 3, "v": [1, 1], "doc": [1], "size": 3}]).insert_count == 1
    assert p.query('color == "red"', output_fields=["*"]) == [
        {"id": 1, "v": [1.0, 0.0], "doc": None, "color": "red"}]
    assert c.query("doc is null", output_fields=["doc", "color"]) == [{"id": 1, "doc": None, "color": "red"}]
    hits = p.search([[1, 0]], "v", {"metric_type": "L2"}, limit=5, output_fields=["color"],
                    expr='color in ["red", "blue"]')[0]
    assert [(h.id, h.entity, h.color) for h in hits] == [(1, {"color": "red"}, "red"), (2, {"color": "blue"}, "blue")]
    assert c.upsert([{"id": 1, "v": [1, 0], "color": "green"}], partition_name="p1").delete_count == 1
    assert c.query("id == 1", output_fields=["color"]) == [{"id": 1, "color": "green"}]
    assert c.delete('color == "green"').delete_count == 1
    assert c.num_entities == 2 and p.num_entities == 1


# --- JSON fields ---------------------------------------------------------------------------------


def json_collection(client, nullable=True):
    schema = client.create_schema()
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=2)
    schema.add_field("doc", DataType.JSON, nullable=nullable)
    client.create_collection("j", schema=schema)
    return "j"


def test_json_field_values_round_trip(client):
    json_collection(client)
    d = client.describe_collection("j")
    assert d["fields"][2]["type"] == DataType.JSON and d["enable_dynamic_field"] is False
    docs = [{"a": [1, 2], "b": {"c": "x"}}, [1, "two", None], 3.5, "\"text\"", None, True,
            np.array([1.5, 2.5]), {"n": np.int32(7)}, '{"raw": 1}']
    rows = [{"id": i, "v": [1, 0], "doc": doc} for i, doc in enumerate(docs)]
    assert client.insert("j", rows)["insert_count"] == len(docs)
    got = [r["doc"] for r in client.query("j", filter="id >= 0", output_fields=["doc"])]
    assert got == [{"a": [1, 2], "b": {"c": "x"}}, [1, "two", None], 3.5, "text", None, True, [1.5, 2.5],
                   {"n": 7}, {"raw": 1}]
    assert client.get("j", 0) == [{"id": 0, "v": [1.0, 0.0], "doc": {"a": [1, 2], "b": {"c": "x"}}}]
    assert ids(client.query("j", filter='doc["b"]["c"] == "x"')) == [0]
    assert ids(client.query("j", filter='doc["a"][1] > 1 or doc["n"] == 7')) == [0, 7]
    hit = client.search("j", [[1, 0]], limit=1, filter='doc["raw"] == 1', output_fields=["doc"])[0][0]
    assert hit["id"] == 8 and hit["entity"] == {"doc": {"raw": 1}}


def test_json_field_in_column_form_and_orm(orm):
    fields = [FieldSchema("id", DataType.INT64, is_primary=True), FieldSchema("v", DataType.FLOAT_VECTOR, dim=2),
              FieldSchema("doc", DataType.JSON)]
    c = Collection("jc", CollectionSchema(fields))
    assert c.schema.fields[2].dtype == DataType.JSON
    c.insert([[1, 2], [[1, 0], [0, 1]], [{"k": "a"}, {"k": "b"}]])
    assert c.query('doc["k"] == "b"', output_fields=["doc"]) == [{"id": 2, "doc": {"k": "b"}}]
    res = c.search([[0, 1]], "v", {"metric_type": "L2"}, limit=1, output_fields=["doc"])
    assert res[0][0].entity == {"doc": {"k": "b"}}


def test_bad_json_field_values(client):
    json_collection(client, nullable=False)
    cases = [
        ("{oops", veclite.InvalidValueException, "field `doc` row 1: invalid JSON"),
        ({1, 2}, veclite.DataNotMatchException, "field `doc` row 1: set"),
        ({"x": float("inf")}, veclite.DataNotMatchException, "field `doc` row 1"),
        (None, veclite.InvalidValueException, "field `doc`: row 1 is null"),
    ]
    for doc, cls, text in cases:
        with pytest.raises(cls) as e:
            client.insert("j", [{"id": 1, "v": [1, 0], "doc": {}}, {"id": 2, "v": [0, 1], "doc": doc}])
        assert text in e.value.message, e.value.message
    with pytest.raises(veclite.InvalidValueException) as e:
        client.insert("j", {"id": 3, "v": [1, 0], "doc": {"big": "x" * 70_000}})
    assert "exceeds the maximum of 65536 bytes" in e.value.message
    with pytest.raises(veclite.DataNotMatchException):
        client.insert("j", {"id": 3, "v": [1, 0], "doc": {}, "extra": 1})
    assert client.get_collection_stats("j") == {"row_count": 0}
