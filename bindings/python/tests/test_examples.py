"""pymilvus-style programs (import line and URI changed) run as scripts; their output is asserted."""

import pathlib
import re
import subprocess
import sys

EXAMPLES = pathlib.Path(__file__).parent / "examples"


def run(name, cwd):
    p = subprocess.run([sys.executable, str(EXAMPLES / name)], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_quick_start(tmp_path):
    out = run("quick_start.py", tmp_path).splitlines()
    assert out[0] == "['demo_collection']"
    assert out[1].startswith("{'upsert_count': 10, 'ids': [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]}")
    assert out[2] == "{'upsert_count': 5, 'ids': [0, 1, 2, 3, 4]}"
    assert out[3] == "top: 3 {'id': 3}"
    assert out[4] == "query: [0, 2]"
    assert out[5] == "{'delete_count': 2}"
    assert out[6] == "{'row_count': 8}"
    # `subject` is a dynamic key (quick setup has dynamic fields on); rows 0 and 2 were deleted.
    assert out[7] == "history: [(1, 'history'), (3, 'history'), (5, 'history'), (7, 'history'), (9, 'history')]"
    assert (tmp_path / "milvus_demo.db").is_dir()


def test_dynamic_field(tmp_path):
    out = run("dynamic_field.py", tmp_path)
    assert "Does collection hello_milvus exist in Milvus: False" in out
    assert "Number of entities in Milvus: 7" in out
    hits = re.findall(r"hit: id: (\S+), distance: (\S+), entity: (\{.*\})", out)
    # The query vector is row "1"'s embedding: it comes first, at distance 0, with its dynamic key.
    assert [h[0] for h in hits][:1] == ["1"] and len(hits) == 3
    assert float(hits[0][1]) == 0.0 and hits[0][2] == "{'pk': '1', 'a': 1}"
    # `$meta` in output_fields: each hit shows its own dynamic key at the top level.
    for pk, _, entity in hits:
        key = "abcdefg"[int(pk) - 1]
        assert entity == f"{{'pk': '{pk}', '{key}': 1}}"
    assert float(hits[1][1]) <= float(hits[2][1])
    # A filter on a dynamic key (`g == 1`) with `||`; rows without a requested key just lack it.
    assert "hit: {'pk': '1', 'random': 1.0, 'a': 1}\nhit: {'pk': '2', 'random': 1.0}\n" \
        "hit: {'pk': '7', 'random': 1.0, 'g': 1}\n" in out
    assert "Drop collection `hello_milvus`" in out


def test_hello_milvus(tmp_path):
    out = run("hello_milvus.py", tmp_path)
    assert "Does collection hello_milvus exist in Milvus: False" in out
    assert "Number of entities in Milvus: 3000" in out
    hits = re.findall(r"hit: id: (\S+), distance: (\S+), entity: \{'random': (\S+)\}, random field: (\S+)", out)
    assert len(hits) == 12
    # The first search's top hits are the query vectors themselves (rows 2998 and 2999), distance 0.
    assert hits[0][0] == "2998" and float(hits[0][1]) == 0.0
    assert hits[3][0] == "2999" and float(hits[3][1]) == 0.0
    # The hybrid search returns only rows with random > 0.5.
    assert all(float(h[2]) > 0.5 and h[2] == h[3] for h in hits[6:])
    count = int(re.search(r"query result count: (\d+)", out).group(1))
    assert 1300 < count < 1700
    assert "query pagination(limit=4): 4" in out
    assert re.search(r"query before delete by expr=`pk in \[\"0\" , \"1\"\]` -> result: \n-\{'pk': '0'", out)
    assert "-> result: []" in out


def test_partition(tmp_path):
    out = run("partition.py", tmp_path)
    assert "insert p1: {'insert_count': 3, 'ids': [1, 2, 3]}" in out
    assert "insert p2: {'insert_count': 3, 'ids': [4, 5, 6]}" in out
    assert "has partition p1: True" in out and "has partition p3: False" in out
    assert "partitions: ['_default', 'p1', 'p2']" in out
    # The query is next to row 5 (in p2): a search of p1 returns only p1's rows, a search of all has 5 first.
    p1_hits = re.findall(r"p1 hit: (\d+) (\S+)", out)
    assert sorted(h[0] for h in p1_hits) == ["1", "2", "3"] and all(h[1] == f"p1-{h[0]}" for h in p1_hits)
    all_hits = re.findall(r"all hit: (\d+) (\S+)", out)
    assert len(all_hits) == 3 and all_hits[0] == ("5", "p2-5")
    assert "count _default: 0" in out and "count p1: 3" in out and "count p2: 3" in out
    assert "successfully drop partition p1\nhas partition p1: False" in out
    # Dropping p1 dropped its rows.
    assert "query id 2: []" in out
    assert "query id 4: [{'id': 4, 'label': 'p2-4'}]" in out
    assert "query id >= 5: ['p2-5', 'p2-6']" in out
    assert "caught AlreadyExistsException" in out
    assert out.rstrip().endswith("collections left: []")


def test_customize_schema(tmp_path):
    out = run("customize_schema.py", tmp_path)
    assert "['hello_schema']" in out
    fields = re.findall(r"field: (\w+) (\w+) (\{.*?\}) primary=(\w+) nullable=(\w+) default=(\S+)", out)
    assert fields == [
        ("id", "INT64", "{}", "True", "False", "None"),
        ("embeddings", "FLOAT_VECTOR", "{'dim': 8}", "False", "False", "None"),
        ("title", "VARCHAR", "{'max_length': 64}", "False", "False", "None"),
        ("year", "INT16", "{}", "False", "False", "None"),
        ("rating", "FLOAT", "{}", "False", "False", "None"),
        ("in_stock", "BOOL", "{}", "False", "False", "None"),
        ("note", "VARCHAR", "{'max_length': 32}", "False", "True", "None"),
        ("copies", "INT32", "{}", "False", "False", "1"),
    ]
    assert "{'insert_count': 6, 'ids': [1, 2, 3, 4, 5, 6]}" in out
    # Row 2 gave note=None and omitted copies: null and the default.
    assert "{'id': 2, 'title': 't2', 'note': None, 'copies': 1}" in out
    assert ("{'id': 2, 'title': 't2', 'year': 2004, 'in_stock': False}\n"
            "{'id': 4, 'title': 't4', 'year': 2016, 'in_stock': True}\n"
            "{'id': 5, 'title': 't5', 'year': 2020, 'in_stock': False}\n"
            "{'id': 6, 'title': 't6', 'year': 2023, 'in_stock': True}") in out
    hits = re.findall(r"hit: (\d+) (\S+) (\S+) (\S+)", out)
    # The query is row 4's vector; rows 2 and 5 are filtered out (in_stock == false).
    assert len(hits) == 3 and hits[0] == ("4", "t4", "5.0", "0.0000")
    assert all(h[0] in {"1", "3", "6"} for h in hits[1:]) and float(hits[1][3]) <= float(hits[2][3])


def test_index(tmp_path):
    out = run("index.py", tmp_path)
    assert "insert_count: 3000" in out
    assert "index names for hello_index: ['emb_hnsw']" in out
    assert "index info for index emb_hnsw: type=HNSW metric=L2 params={'M': 16, 'efConstruction': 200}" in out
    recall = {m[0]: float(m[1]) for m in re.findall(r"^(HNSW ef=\d+|IVF_FLAT nprobe=\d+) recall@10: (\S+)$", out, re.M)}
    assert set(recall) == {"HNSW ef=16", "HNSW ef=64", "IVF_FLAT nprobe=1", "IVF_FLAT nprobe=64"}
    # Wider searches find more; probing every IVF list is exact.
    assert recall["HNSW ef=64"] >= 0.95 and recall["HNSW ef=64"] >= recall["HNSW ef=16"]
    assert recall["IVF_FLAT nprobe=64"] == 1.0 and recall["IVF_FLAT nprobe=1"] < 0.9
    top = re.search(r"HNSW top hit: id=(\d+) title=t(\d+) distance=(\S+)", out)
    assert top and top.group(1) == top.group(2) and float(top.group(3)) > 0
    assert "indexes after drop: []" in out
    assert "index info for index emb_ivf: type=IVF_FLAT metric=L2 params={'nlist': 64}" in out
    assert "index names for hello_index`s field embeddings: ['emb_ivf']" in out
    # A search with another metric than the index's is refused.
    assert "caught ParamError" in out


def test_flush_compact(tmp_path):
    out = run("flush_compact.py", tmp_path)
    counts = [int(c) for c in re.findall(r"final entities in hello_flush is (\d+)", out)]
    # 6 inserted (upsert of id 2 replaces), 1 deleted, 6 more, compaction keeps all 11.
    assert counts == [6, 5, 11, 11]
    assert "{'insert_count': 6, 'ids': [1, 2, 3, 4, 5, 6]}" in out
    assert "{'upsert_count': 1, 'ids': [2]}" in out
    assert "{'delete_count': 1}" in out
    assert "{'insert_count': 6, 'ids': [7, 8, 9, 10, 11, 12]}" in out
    job = re.search(r"job_id:\{'segments_in': (\d+), 'segments_out': (\d+), 'rows_dropped': (\d+)\}", out)
    # Two flushed segments (the first with deleted rows) are merged into one; deleted rows are dropped.
    assert job and int(job.group(1)) >= 2 and job.group(2) == "1"
    assert "compact done" in out and "compact timeout" not in out
    assert "row 2 after compaction: [{'id': 2}]" in out
    assert "row 6 after compaction: []" in out


def test_hello_milvus_array(tmp_path):
    lines = run("hello_milvus_array.py", tmp_path).splitlines()
    # Ten rows, each printed with its INT8 array 0..99 (inserted from a DataFrame of lists).
    assert len(lines) == 10
    for i, line in enumerate(lines):
        assert line == str({"int64": i, "int8_array": list(range(100))})


def test_float16_example(tmp_path):
    # The program stores float16 rows, builds a FLAT index (with the `nlist` it gives, which a
    # flat index takes without effect, as in Milvus) and searches them exactly.
    p = subprocess.run([sys.executable, str(EXAMPLES / "float16_example.py")], cwd=tmp_path, capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "index_type =  FLAT" in p.stdout and "numpy ndarray: " in p.stdout, p.stdout
