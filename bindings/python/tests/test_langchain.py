"""langchain-milvus (pinned in tests/requirements-langchain.txt) runs its quickstart on veclite
after ``veclite.install_as_pymilvus()``: documents with metadata added, similarity search with
scores and with an ``expr`` filter, delete, upsert, a retriever, and the async forms of add,
search and delete (through ``AsyncMilvusClient``)."""

import pathlib
import subprocess
import sys

import pytest

PROGRAM = pathlib.Path(__file__).parent / "programs" / "langchain_quickstart.py"


def test_langchain_milvus_quickstart(tmp_path):
    try:
        import langchain_milvus  # noqa: F401
    except ImportError as e:  # a failure, not a skip: `make test-python` installs it
        pytest.fail(f"langchain-milvus is not installed ({e}): pip install -r tests/requirements-langchain.txt")
    p = subprocess.run([sys.executable, str(PROGRAM), str(tmp_path / "db")], cwd=tmp_path, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    out = p.stdout.splitlines()
    assert out[0] == "added: ['1', '2', '3', '4', '5', '6']"
    assert out[1] == "add_texts: ['7']"
    # The query is document 4's text: it comes first at L2 distance 0, then the next nearest.
    assert out[2] == "score: 0.000 4 news"
    assert out[3].startswith("score: ") and float(out[3].split()[1]) > 0
    assert out[4] == "tweets: ['1', '3', '5', '7']"
    assert out[5] == "after delete: ['1', '2', '4', '5', '6', '7']"
    assert out[6] == "upserted: 5 A boring movie. news"
    assert out[7] == "pks of news: ['2', '4', '5']"
    assert out[8] == "retriever: 6 Is the new iPhone worth the price? Read this review to find out."
    assert out[9] == "async search: [('8', 0.0)]"
    assert out[10] == "async after delete: []"
    assert len(out) == 11
