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
