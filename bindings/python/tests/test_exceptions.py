"""A NOT_FOUND error's class comes from the kind of object the core names, never its text."""

import pytest

import veclite
from veclite import _veclite
from veclite.exceptions import translate


@pytest.mark.parametrize("kind, cls", [
    ("collection", veclite.CollectionNotExistException),
    ("partition", veclite.PartitionNotExistException),
    ("field", veclite.FieldNotExistException),
    ("index", veclite.IndexNotExistException),
    (None, veclite.NotFoundException),
])
def test_not_found_class_follows_the_native_kind(kind, cls):
    # The message deliberately starts with another kind's word.
    err = translate(_veclite.VecliteError(3, "NOT_FOUND", "collection `x` is gone", kind))
    assert type(err) is cls and err.code == 3 and err.status == "NOT_FOUND"
    assert err.message == "collection `x` is gone"


def test_already_exists_keeps_its_class_whatever_the_kind():
    err = translate(_veclite.VecliteError(4, "ALREADY_EXISTS", "collection `c` already exists", "collection"))
    assert type(err) is veclite.AlreadyExistsException


def test_native_errors_carry_the_object_kind(client):
    client.create_collection("demo", dimension=2, enable_dynamic_field=False)
    db = client._engine.db
    cases = [
        (lambda: db.describe_collection("missing"), "NOT_FOUND", "collection", veclite.CollectionNotExistException),
        (lambda: db.drop_partition("demo", "p9"), "NOT_FOUND", "partition", veclite.PartitionNotExistException),
        (lambda: db.drop_index("demo", "id"), "NOT_FOUND", "index", veclite.IndexNotExistException),
    ]
    for fn, status, kind, cls in cases:
        with pytest.raises(_veclite.VecliteError) as e:
            fn()
        assert e.value.args[1] == status and e.value.args[3] == kind, e.value.args
        assert type(translate(e.value)) is cls
    with pytest.raises(veclite.FieldNotExistException):
        client.query("demo", filter="id > 0", output_fields=["color"])
    with pytest.raises(veclite.PartitionNotExistException):
        client.insert("demo", [{"id": 1, "vector": [1, 0]}], partition_name="nope")
    with pytest.raises(_veclite.VecliteError) as e:
        db.create_partition("demo", "_default")
    assert e.value.args[1] == "ALREADY_EXISTS" and e.value.args[3] == "partition"
    with pytest.raises(_veclite.VecliteError) as e:
        db.count("demo", "bogus syntax ((")
    assert e.value.args[3] is None
