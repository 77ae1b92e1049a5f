"""pymilvus's example programs of the binary and int8 vector types (tests/examples/pymilvus, each
the pymilvus program with only its ``pymilvus`` imports changed to ``veclite`` and its connection
line to a local directory): ``orm_binary_example.py`` is
``examples/orm_deprecated/datatypes/binary_example.py``, ``int8_example.py`` is
``examples/int8_example.py``. (``float16_example.py`` runs in test_examples.py.)"""

import subprocess
import sys

from test_pymilvus_examples import EXAMPLES


def stops(name, cwd):
    """Runs the example ``name`` in ``cwd``, which must exit with status 1; its stderr."""
    p = subprocess.run([sys.executable, str(EXAMPLES / name)], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert p.returncode == 1, p.stdout + p.stderr
    return p.stderr


def test_orm_binary_example(tmp_path):
    # The program stores binary rows, then for BIN_FLAT (with the `nlist` Milvus's SDKs send, which
    # a flat index takes without effect) and BIN_IVF_FLAT builds the index, searches HAMMING for
    # the first row and prints it: an exact match, distance 0.
    p = subprocess.run([sys.executable, str(EXAMPLES / "orm_binary_example.py")], cwd=tmp_path, capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.count("index_type = ") == 2, p.stdout
    assert p.stdout.count("'distance': 0.0") == 2, p.stdout


def test_int8_example(tmp_path):
    # The program stores one int8 row and creates its HNSW index without a metric_type, which
    # takes Milvus's default (COSINE); its search then asks for L2, which does not match the
    # index's metric, and the program stops there, as it does on Milvus.
    err = stops("int8_example.py", tmp_path)
    assert "metric type not match" in err
    assert "c.search(" in err


def test_create_schema_is_a_class_method():
    # pymilvus's MilvusClient.create_schema is a classmethod: int8_example.py calls it on the class.
    import veclite

    for cls in (veclite.MilvusClient, veclite.AsyncMilvusClient):
        schema = cls.create_schema(enable_dynamic_field=True, description="d")
        assert isinstance(schema, veclite.CollectionSchema) and schema.enable_dynamic_field and schema.description == "d"
        assert schema.fields == []
