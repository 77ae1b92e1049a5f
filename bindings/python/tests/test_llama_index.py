"""llama-index-vector-stores-milvus (pinned in tests/requirements-llama-index.txt) runs its
quickstart on veclite after ``veclite.install_as_pymilvus()``: nodes with metadata added, queries
with metadata filters (equality, ``<``, ``in``, ``or``), delete by document and by node, reads by
node id and by filter, and clear."""

import pathlib
import subprocess
import sys

import pytest

PROGRAM = pathlib.Path(__file__).parent / "programs" / "llama_index_quickstart.py"


def test_llama_index_milvus_quickstart(tmp_path):
    try:
        import llama_index.vector_stores.milvus  # noqa: F401
    except ImportError as e:  # a failure, not a skip: `make test-python` installs it
        pytest.fail(f"llama-index-vector-stores-milvus is not installed ({e}): "
                    "pip install --no-deps -r tests/requirements-llama-index.txt")
    p = subprocess.run([sys.executable, str(PROGRAM), str(tmp_path / "db")], cwd=tmp_path, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    # Squared L2 distances (Milvus's L2) of 4-dimensional embeddings, nearest first.
    assert p.stdout.splitlines() == [
        "added: ['node-0', 'node-1', 'node-2', 'node-3', 'node-4']",
        "nearest: [('The Lord of the Rings', 0.0), ('The Hobbit', 0.02)]",
        "science fiction: [('Foundation', 1.62), ('Dune', 2.0)]",
        "before 1950 or romance: [('Pride and Prejudice', 0.0), ('The Hobbit', 1.82)]",
        "genre in: [('Dune', 0.0), ('Foundation', 0.02), ('Pride and Prejudice', 2.0)]",
        # delete(ref_doc_id="doc-fantasy") removes both fantasy nodes.
        "after delete: [('Foundation', 1.62), ('Dune', 2.0), ('Pride and Prejudice', 2.0)]",
        "nodes left: ['node-2', 'node-3']",
        "after 1960: [('node-2', 'science fiction')]",
        "collections after clear: []",
    ]
