"""Database properties: ``alter_database_properties`` / ``drop_database_properties`` /
``describe_database`` (MilvusClient) and the ORM ``db.set_properties``."""

import pytest

import veclite
from veclite import MilvusClient, db


def test_database_properties_are_stored_and_refused_by_name(tmp_path):
    c = MilvusClient(str(tmp_path / "d"))
    c.create_database("db1", properties={"owner": "ann"})
    c.alter_database_properties("db1", {"database.replica.number": 1, "team": "x"})
    c.drop_database_properties("db1", ["owner", "never.set"])
    assert c.describe_database("db1") == {"name": "db1", "database.replica.number": "1", "team": "x"}
    c.alter_database_properties("default", {"note": "main"})
    assert c.describe_database("default") == {"name": "default", "note": "main"}
    assert c.list_databases() == ["default", "db1"]
    with pytest.raises(veclite.MilvusException, match="database.resource_groups"):
        c.alter_database_properties("db1", {"database.resource_groups": "rg1"})
    with pytest.raises(veclite.MilvusException, match="one in-process replica"):
        c.alter_database_properties("db1", {"database.replica.number": 3})
    with pytest.raises(veclite.ParamError, match="non-empty dict"):
        c.alter_database_properties("db1", {})
    with pytest.raises(veclite.ParamError, match="list of str"):
        c.drop_database_properties("db1", "team")
    c.close()


def test_orm_set_properties(tmp_path):
    veclite.connections.connect(uri=str(tmp_path / "o"))
    try:
        db.create_database("db2")
        db.set_properties("db2", {"k": 1})
        assert db.describe_database("db2") == {"name": "db2", "k": "1"}
    finally:
        veclite.connections.disconnect("default")
