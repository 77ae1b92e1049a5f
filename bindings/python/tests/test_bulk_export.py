"""Differential test of ``veclite export`` / ``veclite import`` against pymilvus's LocalBulkWriter.

The same rows of a schema with every field type veclite supports (nullable and defaulted fields,
JSON, dynamic fields) go through LocalBulkWriter and through veclite (Python insert, then
``veclite export``). pyarrow / numpy / json read both outputs: the schemas and the values must be
equal. Then ``veclite import`` of the LocalBulkWriter files must give back the same rows.

Intended differences, checked as such (docs/cli.md lists them):
- Layout: LocalBulkWriter writes into ``<local_path>/<uuid>/1.parquet``; veclite into
  ``<out>/1.parquet`` (NumPy: ``<out>/1/<field>.npy``).
- Parquet: LocalBulkWriter goes through pandas, which adds ``pandas`` schema metadata; a null of a
  JSON field is the text ``null`` there and a Parquet null in veclite's file.
- JSON text (JSON fields, ``$meta``): spacing may differ; values are compared parsed.
- JSON files: 32-bit floats are written by LocalBulkWriter as the 64-bit expansion of the value
  (``0.30000001192092896``) and by veclite as the shortest decimal (``0.3``); they are the same
  float32, which is what Milvus stores.
- NumPy strings: the ``<U<n>`` width is the longest text, so it follows the JSON spacing.

The binary comes from ``VECLITE_CLI`` (``make test-python`` sets it to target/release/veclite).
"""

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

# Every dependency is required: a missing one fails the test run instead of skipping it.
from pymilvus import CollectionSchema as MilvusSchema
from pymilvus import DataType as MilvusType
from pymilvus import FieldSchema as MilvusField
from pymilvus.bulk_writer import BulkFileType, LocalBulkWriter

import veclite

COLLECTION = "all_types"
DIM = 4
ROWS = 60

VECLITE_CLI = os.environ.get("VECLITE_CLI", "")
if not (VECLITE_CLI and os.access(VECLITE_CLI, os.X_OK)):
    raise RuntimeError(
        f"VECLITE_CLI={VECLITE_CLI!r} is not an executable: build it with `make cli` and set VECLITE_CLI "
        "to target/release/veclite (`make test-python` does both)"
    )

# (name, pymilvus type, keyword arguments): every field type veclite supports.
FIELDS = [
    ("id", MilvusType.INT64, {"is_primary": True}),
    ("flag", MilvusType.BOOL, {"nullable": True}),
    ("tiny", MilvusType.INT8, {}),
    ("small", MilvusType.INT16, {"default_value": -7}),
    ("medium", MilvusType.INT32, {"nullable": True}),
    ("big", MilvusType.INT64, {}),
    ("score", MilvusType.FLOAT, {"nullable": True}),
    ("ratio", MilvusType.DOUBLE, {}),
    ("title", MilvusType.VARCHAR, {"max_length": 64, "nullable": True}),
    ("doc", MilvusType.JSON, {"nullable": True}),
    ("embedding", MilvusType.FLOAT_VECTOR, {"dim": DIM}),
]
FLOAT32 = {"score"}
JSON_TEXT = {"doc", "$meta"}


def milvus_schema():
    fields = [MilvusField(name, dtype, **kwargs) for name, dtype, kwargs in FIELDS]
    return MilvusSchema(fields, enable_dynamic_field=True)


def veclite_schema(client):
    schema = client.create_schema(auto_id=False, enable_dynamic_field=True)
    for name, dtype, kwargs in FIELDS:
        schema.add_field(name, getattr(veclite.DataType, dtype.name), **kwargs)
    return schema


def make_rows(nulls):
    """Rows with every field; with ``nulls``, nullable fields are None in some rows and the
    defaulted field is None (= its default) in some."""
    rng = np.random.default_rng(7)
    vectors = rng.random((ROWS, DIM), dtype=np.float32)
    rows = []
    for i in range(ROWS):
        row = {
            "id": i * 3 - 50,
            "flag": i % 2 == 0,
            "tiny": i % 256 - 128,
            "small": i * 11,
            "medium": i * 1000 - 5,
            "big": i * 1_000_000_007 - (1 << 40),
            "score": float(np.float32(i / 7)),
            "ratio": 1.0 / (i + 0.5),
            "title": f"tïtle \"{i}\" ✓",
            "doc": {"n": i, "tags": ["a", "b"], "nested": {"x": 0.1}},
            "embedding": [float(x) for x in vectors[i]],
            "color": ["red", "green", "blue"][i % 3],
        }
        if i % 4 == 1:
            row["rank"] = i  # a second dynamic key, in some rows only
        if nulls:
            for field, every in (("flag", 7), ("medium", 5), ("score", 3), ("title", 4), ("doc", 6), ("small", 8)):
                if i % every == 0:
                    row[field] = None
        rows.append(row)
    return rows


def run(*args):
    done = subprocess.run([VECLITE_CLI, *map(str, args)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"veclite {args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done.stdout


def lbw_files(tmp_path, rows, file_type, name):
    """LocalBulkWriter's files for ``rows``: returns (root directory, the files of its one batch)."""
    root = tmp_path / name
    writer = LocalBulkWriter(schema=milvus_schema(), local_path=str(root), file_type=file_type)
    for row in rows:
        writer.append_row(json.loads(json.dumps(row)))  # append_row changes the dict it gets
    writer.commit()
    (files,) = writer.batch_files
    return root, [Path(f) for f in files]


def veclite_db(path, rows):
    client = veclite.MilvusClient(str(path))
    client.create_collection(COLLECTION, schema=veclite_schema(client))
    if rows:
        client.insert(COLLECTION, rows)
    client.close()


def veclite_export(tmp_path, rows, fmt):
    db = tmp_path / f"db_{fmt}"
    veclite_db(db, rows)
    out = tmp_path / f"out_{fmt}"
    parts = [json.loads(line) for line in run("export", db, COLLECTION, "--format", fmt, "--out", out, "--json").splitlines()]
    assert [p["rows"] for p in parts] == [len(rows)]
    return db, Path(parts[0]["file"])


def query_all(db):
    client = veclite.MilvusClient(str(db))
    try:
        got = client.query(COLLECTION, filter="", output_fields=["*"])
    finally:
        client.close()
    return sorted((normalize_row(r) for r in got), key=lambda r: r["id"])


def normalize_row(row):
    out = dict(row)
    if isinstance(out.get("embedding"), np.ndarray):
        out["embedding"] = out["embedding"].tolist()
    out["embedding"] = [float(np.float32(x)) for x in out["embedding"]]
    return out


def parse_json_text(value):
    """A JSON text cell as its value; None and the text ``null`` are both null."""
    return None if value is None else json.loads(value)


def by_id(rows):
    return sorted(rows, key=lambda r: r["id"])


def assert_rows_equal(mine, theirs, float32_fields=()):
    assert len(mine) == len(theirs)
    for a, b in zip(mine, theirs):
        assert a.keys() == b.keys(), (a.keys(), b.keys())
        for key in a:
            x, y = a[key], b[key]
            if key in float32_fields and x is not None and y is not None:
                x, y = np.float32(x), np.float32(y)
            if key == "embedding":
                x, y = np.asarray(x, dtype=np.float32).tolist(), np.asarray(y, dtype=np.float32).tolist()
            assert x == y, f"row id={a['id']} field {key}: veclite {x!r} != LocalBulkWriter {y!r}"


def test_parquet_matches_local_bulk_writer_and_imports_back(tmp_path):
    rows = make_rows(nulls=True)
    db, mine = veclite_export(tmp_path, rows, "parquet")
    root, (theirs,) = lbw_files(tmp_path, rows, BulkFileType.PARQUET, "lbw_parquet")
    assert theirs.parent.parent == root and theirs.name == "1.parquet" and mine.name == "1.parquet"

    a, b = pq.read_table(mine), pq.read_table(theirs)
    assert b.schema.metadata and b"pandas" in b.schema.metadata  # the intended difference
    assert [(f.name, f.type, f.nullable) for f in a.schema] == [(f.name, f.type, f.nullable) for f in b.schema]
    assert a.schema.field("embedding").type.value_type == "float"
    mine_rows, their_rows = by_id(a.to_pylist()), by_id(b.to_pylist())
    for rs in (mine_rows, their_rows):
        for r in rs:
            for key in JSON_TEXT:
                r[key] = parse_json_text(r[key])
    # The one intended value difference: a null JSON cell is a Parquet null in veclite's file.
    assert all(r["doc"] is None for r in mine_rows if r["id"] in {x["id"] for x in their_rows if x["doc"] is None})
    assert_rows_equal(mine_rows, their_rows)

    # `veclite import` of LocalBulkWriter's directory (uuid subdirectory and all) gives the rows back.
    fresh = tmp_path / "fresh_parquet"
    veclite_db(fresh, [])
    run("import", fresh, COLLECTION, "--from", root)
    assert query_all(fresh) == query_all(db)


def test_json_matches_local_bulk_writer_and_imports_back(tmp_path):
    rows = make_rows(nulls=True)
    db, mine = veclite_export(tmp_path, rows, "json")
    root, (theirs,) = lbw_files(tmp_path, rows, BulkFileType.JSON, "lbw_json")
    assert mine.name == "1.json" and theirs.name == "1.json"
    a, b = json.loads(mine.read_text()), json.loads(theirs.read_text())
    assert list(a) == list(b) == ["rows"]
    assert [list(r) for r in a["rows"]] == [list(r) for r in b["rows"]]
    assert_rows_equal(by_id(a["rows"]), by_id(b["rows"]), FLOAT32)

    fresh = tmp_path / "fresh_json"
    veclite_db(fresh, [])
    run("import", fresh, COLLECTION, "--from", root)
    assert query_all(fresh) == query_all(db)


def test_numpy_matches_local_bulk_writer_and_imports_back(tmp_path):
    # Milvus's NumPy import has no nulls (LocalBulkWriter would pickle None into object arrays).
    rows = make_rows(nulls=False)
    db, mine = veclite_export(tmp_path, rows, "numpy")
    root, theirs = lbw_files(tmp_path, rows, BulkFileType.NUMPY, "lbw_numpy")
    assert mine.name == "1" and theirs[0].parent.name == "1"
    names = sorted(p.name for p in theirs)
    assert sorted(p.name for p in mine.iterdir()) == names
    order = np.argsort(np.load(mine / "id.npy"))
    their_order = np.argsort(np.load(theirs[0].parent / "id.npy"))
    for name in names:
        x, y = np.load(mine / name), np.load(theirs[0].parent / name)
        field = name[: -len(".npy")]
        if field in JSON_TEXT:
            assert x.dtype.kind == y.dtype.kind == "U"
            assert [json.loads(v) for v in x[order]] == [json.loads(v) for v in y[their_order]], field
        else:
            assert x.dtype == y.dtype and x.shape == y.shape, (field, x.dtype, y.dtype, x.shape, y.shape)
            assert np.array_equal(x[order], y[their_order]), field

    fresh = tmp_path / "fresh_numpy"
    veclite_db(fresh, [])
    run("import", fresh, COLLECTION, "--from", root)
    assert query_all(fresh) == query_all(db)


def test_import_names_file_row_and_field(tmp_path):
    rows = make_rows(nulls=False)
    rows[5]["tiny"] = 300  # LocalBulkWriter would refuse it, so write the file by hand
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"rows": rows}))
    db = tmp_path / "db"
    veclite_db(db, [])
    done = subprocess.run([VECLITE_CLI, "import", str(db), COLLECTION, "--from", str(bad)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "bad.json: row 5: field `tiny`: 300 is out of range for Int8" in done.stderr, done.stderr
    assert query_all(db) == []
