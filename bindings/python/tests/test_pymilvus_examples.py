"""Programs of pymilvus's ``examples/`` directory (tests/examples/pymilvus; each file is the
pymilvus program with only its ``pymilvus`` imports changed to ``veclite`` and its server address
or ``connections.connect(host=..., port=...)`` line changed to a local directory; in
tests/examples/pymilvus_imports only the server address is changed, and the programs run after
``veclite.install_as_pymilvus()``). File names:
``<name>.py`` is ``examples/<name>.py``; ``orm_<name>.py`` is
``examples/orm_deprecated/[datatypes/|concurrency/]<name>.py`` (pymilvus v3.0.1; the whole
directory, example by example, is classified in docs/compatibility.md).

Each runs as a script and its output is checked. Where Milvus Lite runs the same program (the
original, pymilvus imports back), the outputs are compared line by line, with the lines where
veclite deliberately differs, or that print timings, masked; for the programs that print search
hits or query results, token by token (see ``_tokens``), since pymilvus 3 prints them in another
form than veclite (pymilvus 2's)."""

import pathlib
import re
import subprocess
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).parent / "examples" / "pymilvus"


def run(name, cwd, source=None):
    """Runs the example ``name`` (or ``source`` in its place) in ``cwd``; its stdout."""
    script = EXAMPLES / name
    if source is not None:
        script = cwd / name
        script.write_text(source)
    p = subprocess.run([sys.executable, str(script)], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_alias(tmp_path):
    out = run("alias.py", tmp_path)
    assert "collections: ['hello_milvus', 'hello_milvus2']" in out
    assert "aliases of hello_milvus is: {'aliases': ['alias_hello_milvus'], 'collection_name': 'hello_milvus'" in out
    assert "info of alias_hello_milvus is: {'alias': 'alias_hello_milvus', 'collection_name': 'hello_milvus'" in out
    # After alter_alias the alias names hello_milvus2, whose third row has the dynamic key f.
    assert re.search(r"results of query 'f == 600' is \n\{'id': \d+, 'vector': \[0\.00836429\S*, .*'f': 600\}", out)


def test_compact(tmp_path):
    out = run("compact.py", tmp_path)
    assert [int(n) for n in re.findall(r"final entities in hello_milvus is (\d+)", out)] == [6, 12, 12]
    assert "job_id:{'segments_in': 2, 'segments_out': 1, 'rows_dropped': 1}" in out


def test_customize_schema_auto_id(tmp_path):
    out = run("customize_schema_auto_id.py", tmp_path)
    ids = [int(i) for i in re.search(r"'insert_count': 6, 'ids': \[([\d, ]+)\]", out).group(1).split(", ")]
    assert len(set(ids)) == 6 and ids == sorted(ids)
    # Query by the first generated id, then the filter `f == 600 or title == 't2'` finds rows 2 and 6.
    assert re.search(rf"\{{'id': {ids[0]}, 'embeddings': \[.*'title': 't1', 'a': 100\}}", out)
    assert re.search(rf"\{{'id': {ids[1]}, .*'title': 't2', 'b': 200\}}\n\{{'id': {ids[5]}, .*'title': 't6'", out)
    hits = re.findall(r"hit: id: (\d+), distance: (\S+), entity: (\{.*\})", out)
    assert [int(h[0]) for h in hits][:2] == ids[:2] and float(hits[0][1]) == 0.0 and hits[0][2] == "{'a': 100}"


def test_customize_schema_id(tmp_path):
    out = run("customize_schema_id.py", tmp_path)
    assert "{'insert_count': 6, 'ids': [1, 2, 3, 4, 5, 6]}" in out
    hits = re.findall(r"hit: id: (\d+), distance: (\S+), entity: (\{.*\})", out)
    assert hits[0] == ("1", "0.0", "{'id': 'u1'}") and [h[0] for h in hits] == ["1", "2", "5"]


def test_get_server_version(tmp_path):
    import veclite

    assert run("get_server_version.py", tmp_path) == f"server version: {veclite.__version__}\n"


def test_hybrid_search(tmp_path):
    out = run("hybrid_search.py", tmp_path)
    hits = re.findall(r"hybrid search hit: id: (\d+), distance: (\S+), entity: \{'random': (\S+)\}", out)
    assert len(hits) == 10
    # Two requests fused by RRFRanker() (k=60): a hit scores 1/(60 + rank) per request that
    # returned it, so every score lies in [1/65, 2/61], best first.
    for part in (hits[:5], hits[5:]):
        scores = [float(h[1]) for h in part]
        assert scores == sorted(scores, reverse=True)
        assert all(1 / 65 - 1e-6 <= s <= 2 / 61 + 1e-6 for s in scores)
    # Both rounds filter `random > 0.5`, the second through an expr_params template.
    assert all(float(h[2]) > 0.5 for h in hits)


def test_index_params(tmp_path):
    out = run("index_params.py", tmp_path).splitlines()
    assert len(out) == 4
    assert out[1].startswith("{'field_name': 'embeddings'") and "'M': 20" in out[1]
    assert "'index_type': 'Trie'" in out[2] and "'index_name': 'my_inverted'" in out[3]


def test_non_ascii_encode(tmp_path):
    out = run("non_ascii_encode.py", tmp_path)
    assert "'info': {'作者': 'J.D.塞林格', 'title': '麦田里的守望者'}" in out
    assert "'info': {'Título': 'Cien años de soledad', 'autor': 'Gabriel García Márquez'}" in out


def test_simple_partial_update(tmp_path):
    out = run("simple_partial_update.py", tmp_path)
    assert "ID: 1, Name: Product A, Price: $80.0, Category: Electronics" in out
    assert "ID: 2, Name: Product B - Full Update, Price: $150.0, Category: Home & Garden" in out
    assert "ID: 2, Name: Product B - Corrected, Price: $150.0, Category: Smart Home" in out
    assert out.rstrip().endswith("Collection dropped. Demo complete!")
    final = out.split("After multi-field partial update:")[1]
    assert "ID: 1, Name: Product A - Updated, Price: $80.0, Category: Premium Electronics" in final
    assert "ID: 2, Name: Product B - Updated, Price: $150.0, Category: Smart Home" in final


def test_simple_async2(tmp_path):
    out = run("simple_async2.py", tmp_path)
    assert "all collections: ['hello_milvus']" in out
    assert out.count("{'state': <LoadState: Loaded>}") == 6
    assert "describe index vector: {'index_name': 'vector', 'field_name': 'vector', 'metric_type': 'COSINE', " \
           "'index_type': 'HNSW', 'M': 30, 'efConstruction': 200" in out
    assert "has partition p1: False" in out and "describe index vector: None" in out
    assert out.rstrip().endswith("all collections: []")


def test_orm_example_group_by(tmp_path):
    out = run("orm_example_group_by.py", tmp_path)
    # Grouped by `string` (44 distinct values, one hit per group, limit 100): 44 groups per query.
    assert [int(n) for n in re.findall(r"---result\d+_size:(\d+)-", out)] == [44, 44, 44]
    first = out.split("---result0_size")[1].split("---result1_size")[0]
    distances = [float(d) for d in re.findall(r"distance: (\S+), entity: \{'int64': \d+\}", first)]
    # The query is a stored vector (inserted in all three batches): COSINE 1.0 first, best first.
    assert len(distances) == 44 and abs(distances[0] - 1.0) < 1e-5 and distances == sorted(distances, reverse=True)


def test_orm_search_with_template_expression(tmp_path):
    out = run("orm_search_with_template_expression.py", tmp_path)
    assert "Number of entities in Milvus: 3001" in out
    assert "search with expression: pk == {str}" in out and "search with expression: pk in {list}" in out
    assert "query pagination(offset=1, limit=3):\n\t[{'pk': '10', " in out
    # Delete by `pk in {list}` with expr_params: the rows are gone afterwards.
    assert "query after delete by expr=`pk in {list}` -> result: []" in out


def test_orm_example_str(tmp_path):
    out = run("orm_example_str.py", tmp_path)
    assert "collection created: demo" in out and "The number of entity:\n10" in out
    assert "{'index_type': 'IVF_FLAT', 'metric_type': 'L2', 'params': {'nlist': 1024}}" in out
    # Each query vector is a stored row: the searches for rows 1 and 2 find them at distance 0.
    assert "Search result for 1th vector: \nTop 0: id: 1, distance: 0.0" in out
    assert "Search result for 2th vector: \nTop 0: id: 2, distance: 0.0" in out



def test_customize_schema(tmp_path):
    out = run("customize_schema.py", tmp_path)
    assert "['hello_milvus']" in out and "{'insert_count': 6, 'ids': [1, 2, 3, 4, 5, 6]}" in out
    assert re.search(r"\{'id': 2, 'embeddings': \[0\.9007387\S*, .*'title': 't2', 'b': 200\}", out)
    # The query vector is row 1's (same seed): rows 1, 2, 5, with only the fields asked for
    # that a row has (`pk` is not a field; the dynamic `a`, `b`).
    hits = re.findall(r"hit: id: (\d+), distance: (\S+), entity: (\{.*\})", out)
    assert hits == [("1", "0.0", "{'a': 100}"), ("2", "0.5949171185493469", "{'b': 200}"),
                    ("5", "0.8771658539772034", "{}")]


def test_orm_bitmap_index_example(tmp_path):
    # A BITMAP index on the VarChar `type`; `type in ["reference"]` finds row 2.
    assert run("orm_bitmap_index_example.py", tmp_path) == "[{'id': 2, 'type': 'reference'}]\n"


def test_orm_inverted_index_example(tmp_path):
    assert run("orm_inverted_index_example.py", tmp_path).splitlines() == [
        "[{'id': 2}, {'id': 3}]", "[{'id': 3, 'title': 'The Catcher in the Rye'}]"]


def test_orm_fuzzy_match(tmp_path):
    assert run("orm_fuzzy_match.py", tmp_path).splitlines() == [
        "[{'id': 2, 'title': 'The Great Gatsby'}, {'id': 3, 'title': 'The Catcher in the Rye'}]",
        "[{'id': 1, 'title': 'Lord of the Flies'}, {'id': 3, 'title': 'The Catcher in the Rye'}]",
        "[{'id': 3, 'title': 'The Catcher in the Rye'}]",
        "[{'id': 4, 'title': 'Flipped'}]",
        "[{'id': 4, 'title': 'Flipped'}]",
    ]


def test_orm_hello_milvus_array(tmp_path):
    out = run("orm_hello_milvus_array.py", tmp_path).splitlines()
    assert [int(re.match(r"\{'int64': (\d+), 'int8_array': \[0, 1, 2, ", line).group(1)) for line in out
            if line.startswith("{")] == list(range(10))


def test_orm_dynamic_field(tmp_path):
    out = run("orm_dynamic_field.py", tmp_path)
    hits = re.findall(r"hit: id: (\d+), distance: (\S+), entity: \{'pk': '(\d+)'", out)
    assert [(h[0], h[2]) for h in hits] == [("1", "1"), ("2", "2"), ("5", "5")] * 2 and hits[0][1] == "0.0"


def test_orm_hello_milvus(tmp_path):
    out = run("orm_hello_milvus.py", tmp_path)
    assert "Number of entities in Milvus: 3001" in out
    # Each query vector is a stored row (the last two): it is found first, at distance 0.
    assert re.search(r"hit: id: 2998, distance: 0\.0, entity: \{'random': ", out)
    assert re.search(r"hit: id: 2999, distance: 0\.0, entity: \{'random': ", out)
    assert "query after delete by expr=`pk in [\"0\" , \"1\"]` -> result: []" in out


def test_orm_example(tmp_path):
    # TTL set at creation, then altered by Collection.set_properties; IVF_FLAT search with nprobe.
    out = run("orm_example.py", tmp_path)
    assert "collection created: demo" in out and "The number of entity:\n10000" in out
    assert "{'index_type': 'IVF_FLAT', 'metric_type': 'L2', 'params': {'nlist': 1024}}" in out
    for i in range(3):
        assert f"Search result for {i}th vector: \nTop 0: id: {i}, distance: 0.0, entity: {{}}" in out
    assert out.rstrip().endswith("Drop collection: demo")


def test_orm_multithreading_hello_milvus(tmp_path):
    # Ten threads each insert keys 0..2999 through one connection. Milvus stores the duplicates;
    # veclite keeps keys unique per collection, so exactly one batch is stored and the nine
    # others are refused (the program's executor.map drops their exceptions).
    out = run("orm_multithreading_hello_milvus.py", tmp_path)
    assert out.count("Start inserting entities") == 10 and out.count("Finish inserting entities") == 1
    assert re.search(r"Expected num_entities: 30000\. +Acutal num_entites: 3000\n", out)



def test_iterator(tmp_path):
    # examples/iterator/iterator.py: 10,000 rows (age = id % 100) under IVF_FLAT (nlist 1024).
    out = run("iterator.py", tmp_path)
    query, rest = out.split("query iteration finished, close\n")
    search, filtered = rest.split("search iteration finished, close\n")
    # query_iterator(`10 <= age <= 25`, batch_size=50): 1,600 rows in key order, 32 pages.
    rows = [int(i) for i in re.findall(r"^\{'id': (\d+), 'age': \d+\}$", query, flags=re.M)]
    assert rows == [i for i in range(10000) if 10 <= i % 100 <= 25]
    assert len(re.findall(r"^page\d+-+$", query, flags=re.M)) == 32
    # search_iterator(batch_size=100) without a limit: every row once, nearest first (the IVF
    # index is probed in full by the iterator), 100 pages.
    hits = re.findall(r"^id: (\d+), distance: (\S+), entity: \{\}$", search, flags=re.M)
    assert sorted(int(h[0]) for h in hits) == list(range(10000))
    assert len(re.findall(r"^page\d+-+$", search, flags=re.M)) == 100
    distances = [float(h[1]) for h in hits]
    assert distances == sorted(distances)
    # With `10 <= age <= 25` and external_filter_func keeping ids 1, 12, 123, 1234: 12 and 123.
    kept = re.findall(r"^id: (\d+), distance: \S+, entity: \{'id': (\d+), 'age': (\d+)\}$", filtered, flags=re.M)
    assert kept == [("12", "12", "12"), ("123", "123", "23")]
    assert filtered.rstrip().endswith("search iteration with external filter finished, close")


# --- the same programs on Milvus Lite -------------------------------------------------------------

#: Examples Milvus Lite runs too, with the veclite output lines to mask before comparing: timings,
#: and `delete` results (Milvus Lite returns the deleted keys, as Milvus before 2.3.2 did; veclite
#: returns ``{'delete_count': n}`` as Milvus 2.3.2+ through pymilvus does).
SAME_AS_MILVUS_LITE = {
    # veclite's compact() returns what the compaction did; Milvus Lite's returns a job id.
    "compact.py": (r"^job_id:",),
    "flush.py": (r"^\{'delete_count': \d+\}$|^\[\d+(, \d+)*\]$",),
    "orm_hello_milvus_array.py": (),
    "orm_nullable_and_default_value.py": (r"^search latency = ",),
    "search_group_by.py": (),
}


#: Examples whose search hits or query results Milvus Lite prints in pymilvus 3's form
#: (``hit: {'pk': '1', 'distance': 0.0, 'entity': {...}}``, ``data: [...], extra_info: {}``) where
#: veclite prints pymilvus 2's (``hit: id: 1, distance: 0.0, entity: {...}``, a list): compared
#: token by token (``_tokens``), with the lines to mask.
SAME_RESULTS_AS_MILVUS_LITE = {
    "orm_dynamic_field.py": (),
    "orm_fuzzy_match.py": (),
    "orm_hello_milvus.py": (r"^search latency = ",),
    "orm_inverted_index_example.py": (),
}

#: The words of a printed hit or result that only name its parts.
_PART_NAMES = {"id", "pk", "distance", "entity", "data", "extra_info"}


def _tokens(out, patterns):
    """The words and numbers of the unmasked lines of ``out``, without ``_PART_NAMES``, floats to
    five significant digits (a distance computed in another order differs in the last bits)."""
    tokens = []
    for line in _masked(out, patterns):
        for t in re.findall(r"-?\d+\.\d+(?:e-?\d+)?|-?\d+|\w+", line):
            if t not in _PART_NAMES:
                tokens.append(f"{float(t):.5g}" if "." in t else t)
    return tokens


def _masked(out, patterns):
    return [line for line in out.splitlines() if not any(re.search(p, line) for p in patterns)]



def test_database(tmp_path):
    # examples/database.py: database properties at creation, altered, dropped, then listed.
    out = run("database.py", tmp_path)
    assert out == ("\ncreate database: db1\n" + "{'name': 'db1', 'key1': 'value1'}\n" * 2
                   + "\nalter database properties of db1:\n{'name': 'db1', 'key': 'value', 'key1': 'value1'}\n"
                   + "\ndrop database properties of db1\n{'name': 'db1', 'key1': 'value1'}\n"
                   + "\nlist databases:\n['default', 'db1']\n")


def test_alter_stops_at_alter_collection_field(tmp_path):
    # examples/alter.py: the index properties (alter_index_properties / drop_index_properties of
    # mmap.enabled) are set and dropped, then alter_collection_field (line 36) asks to change the
    # `title` field's max_length and mmap.enabled, which veclite refuses: a field keeps the
    # parameters it was created with. The program stops there.
    p = subprocess.run([sys.executable, str(EXAMPLES / "alter.py")], cwd=tmp_path, capture_output=True, text=True,
                       timeout=120)
    assert p.returncode == 1 and p.stdout == ""
    assert "milvus_client.alter_collection_field(" in p.stderr
    assert ("FeatureNotSupportedException: <FeatureNotSupportedException: (code=19, message=alter_collection_field(): "
            "field `title` of collection `hello_milvus`: changing field parameters (`mmap.enabled`, `max_length`) "
            "is not supported") in p.stderr

def _both_outputs(name, tmp_path):
    """The output of example ``name`` on veclite, and of the original on Milvus Lite."""
    try:
        import milvus_lite  # noqa: F401
        import pymilvus  # noqa: F401
    except ImportError as e:  # a failure, not a skip: `make test-python` installs them
        pytest.fail(f"Milvus Lite is not installed ({e}): pip install -r tests/requirements-milvus-lite.txt")
    ours = run(name, tmp_path / "veclite_run" if (tmp_path / "veclite_run").mkdir() is None else None)
    original = re.sub(r"^(from|import) veclite", r"\1 pymilvus", (EXAMPLES / name).read_text(), flags=re.M)
    (tmp_path / "lite_run").mkdir()
    return ours, run(name, tmp_path / "lite_run", source=original)


@pytest.mark.parametrize("name", sorted(SAME_AS_MILVUS_LITE))
def test_same_output_as_milvus_lite(name, tmp_path):
    ours, theirs = _both_outputs(name, tmp_path)
    patterns = SAME_AS_MILVUS_LITE[name]
    assert _masked(ours, patterns) == _masked(theirs, patterns)
    assert len(_masked(ours, patterns)) > 3


@pytest.mark.parametrize("name", sorted(SAME_RESULTS_AS_MILVUS_LITE))
def test_same_results_as_milvus_lite(name, tmp_path):
    ours, theirs = _both_outputs(name, tmp_path)
    patterns = SAME_RESULTS_AS_MILVUS_LITE[name]
    assert _tokens(ours, patterns) == _tokens(theirs, patterns)
    assert len(_tokens(ours, patterns)) > 8


# --- pymilvus programs with their pymilvus imports, after install_as_pymilvus() --------------------

IMPORTS = pathlib.Path(__file__).parent / "examples" / "pymilvus_imports"


def run_as_pymilvus(name, cwd):
    """Runs pymilvus's program ``name`` (only its server address changed) after
    ``veclite.install_as_pymilvus(lenient_kwargs=True)``: its ``insert(..., progress_bar=True)``
    is a display option pymilvus drops, which veclite drops with a warning."""
    code = ("import runpy, sys, veclite\n"
            "veclite.install_as_pymilvus(lenient_kwargs=True)\n"
            "import pymilvus\n"
            "assert pymilvus is veclite\n"
            f"runpy.run_path({str(IMPORTS / name)!r}, run_name='__main__')\n")
    p = subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_simple_with_pymilvus_imports(tmp_path):
    out = run_as_pymilvus("simple.py", tmp_path)
    assert "{'insert_count': 6, 'ids': [1, 2, 3, 4, 5, 6]}" in out
    assert "{'upsert_count': 1, 'ids': [2]}" in out
    # Query by id 2 before and after the upsert: the upsert replaced the row (its dynamic key b
    # is gone, g is new).
    assert re.search(r"\{'id': 2, 'vector': \[0\.9007387\S*, .*\], 'b': 200\}", out)
    assert re.search(r"\{'id': 2, 'vector': \[0\.1950739\S*, .*\], 'g': 100\}", out)
    assert "{'delete_count': 1}" in out
    hits = re.findall(r"hit: id: (\d+), distance: (\S+), entity: (\{.*\})", out)
    assert [h[0] for h in hits] == ["1", "5", "3"] and hits[0][1:] == ("0.0", "{'a': 100}")


def test_simple_auto_id_with_pymilvus_imports(tmp_path):
    out = run_as_pymilvus("simple_auto_id.py", tmp_path)
    ids = re.search(r"insert done: \{'insert_count': 6, 'ids': \[([\d, ]+)\]\}", out).group(1).split(", ")
    assert len(set(ids)) == 6
    assert re.search(rf"\{{'id': {ids[5]}, 'vector': \[.*\], 'f': 600\}}", out)
    assert "{'delete_count': 1}" in out
    hits = re.findall(r"hit: id: (\d+), distance: (\S+), entity: (\{.*\})", out)
    assert [h[0] for h in hits] == [ids[0], ids[1], ids[4]] and hits[1][2] == "{'b': 200}"


def test_test_bitmap_index_with_pymilvus_imports(tmp_path):
    # A BITMAP index on the VarChar `type`; `type in ["reference"]` finds row 2.
    assert run_as_pymilvus("test_bitmap_index.py", tmp_path) == "[{'id': 2, 'type': 'reference'}]\n"


def test_names_the_examples_reach_for():
    # int8_example.py and search_order_by.py call create_schema on the class (a class method in
    # pymilvus); orm_deprecated/collection.py imports `db` from pymilvus.orm.
    import veclite
    from veclite.orm import db

    assert db is veclite.db
    for cls in (veclite.MilvusClient, veclite.AsyncMilvusClient):
        schema = cls.create_schema(enable_dynamic_field=True, description="d")
        assert schema.enable_dynamic_field and schema.description == "d" and schema.fields == []
