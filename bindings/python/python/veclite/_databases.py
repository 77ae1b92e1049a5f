"""Databases, as pymilvus exposes them: namespaces of collections inside one veclite directory.
``default`` always exists and cannot be dropped; a database that still holds collections cannot
be dropped either. A client (or ORM connection) works in one database at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List, Optional

from ._args import check_timeout, refuse_unknown
from ._core import call
from .exceptions import ParamError

if TYPE_CHECKING:
    from ._core import Engine


def _name(db_name: Any) -> str:
    if not isinstance(db_name, str):
        raise ParamError(message=f"db_name must be a str, got {db_name!r}")
    return db_name


def use_database(engine: "Engine", db_name: Any) -> None:
    """Makes ``engine`` work in database ``db_name`` (``""`` = ``default``), which must exist."""
    name = _name(db_name)
    root = engine._db
    if root is None:
        engine.db  # raises: the client is closed
        return
    engine._scoped = None if name in ("", "default") else call(root.using_database, name)
    engine._fields.clear()


def database_name(engine: "Engine") -> str:
    """The database ``engine`` works in."""
    return call(engine.db.database_name)


def create_database(engine: "Engine", db_name: Any, properties: Optional[Dict[str, Any]], timeout: Any,
                    kwargs: Dict[str, Any]) -> None:
    """Creates database ``db_name`` with ``properties`` (values kept as strings)."""
    refuse_unknown("create_database", kwargs)
    check_timeout(timeout)
    if properties is not None and not isinstance(properties, dict):
        raise ParamError(message=f"properties must be a dict, got {type(properties).__name__}")
    props = [(str(k), str(v)) for k, v in (properties or {}).items()]
    call(engine.db.create_database, _name(db_name), props)


def drop_database(engine: "Engine", db_name: Any, timeout: Any, kwargs: Dict[str, Any]) -> None:
    """Drops the empty database ``db_name``."""
    refuse_unknown("drop_database", kwargs)
    check_timeout(timeout)
    call(engine.db.drop_database, _name(db_name))


def list_databases(engine: "Engine", timeout: Any, kwargs: Dict[str, Any]) -> List[str]:
    """Every database name, ``default`` first."""
    refuse_unknown("list_databases", kwargs)
    check_timeout(timeout)
    return call(engine.db.list_databases)


def describe_database(engine: "Engine", db_name: Any, timeout: Any, kwargs: Dict[str, Any]) -> Dict[str, Any]:
    """``{"name": db_name, **properties}``, as pymilvus returns it."""
    refuse_unknown("describe_database", kwargs)
    check_timeout(timeout)
    name = _name(db_name) or "default"
    return {"name": name, **call(engine.db.describe_database, name)}


def rename_collection(engine: "Engine", old_name: Any, new_name: Any, target_db: Any, timeout: Any,
                      kwargs: Dict[str, Any]) -> None:
    """Renames collection ``old_name`` to ``new_name`` in database ``target_db`` (``""`` = the
    current one), keeping its rows, indexes and aliases."""
    refuse_unknown("rename_collection", kwargs)
    check_timeout(timeout)
    for what, value in (("old_name", old_name), ("new_name", new_name), ("target_db", target_db)):
        if not isinstance(value, str):
            raise ParamError(message=f"{what} must be a str, got {value!r}")
    call(engine.db.rename_collection, old_name, new_name, target_db)
    engine.forget(old_name)


def alter_database_properties(engine: "Engine", db_name: Any, properties: Any, timeout: Any,
                              kwargs: Dict[str, Any]) -> None:
    """Sets ``properties`` of database ``db_name`` (values kept as strings, as pymilvus sends
    them): ``database.replica.number`` must be 1, the keys veclite cannot honour (resource
    groups, quotas, ``database.force.deny.*``, ``database.max.collections``) are refused, other
    keys are recorded."""
    refuse_unknown("alter_database_properties", kwargs)
    check_timeout(timeout)
    if not isinstance(properties, dict) or not properties:
        raise ParamError(message="alter_database_properties: properties must be a non-empty dict")
    props = [(str(k), str(v)) for k, v in properties.items()]
    call(engine.db.alter_database_properties, _name(db_name), props, [])


def drop_database_properties(engine: "Engine", db_name: Any, property_keys: Any, timeout: Any,
                             kwargs: Dict[str, Any]) -> None:
    """Removes properties ``property_keys`` of database ``db_name`` (a key not set is no error)."""
    refuse_unknown("drop_database_properties", kwargs)
    check_timeout(timeout)
    if isinstance(property_keys, str) or not isinstance(property_keys, (list, tuple)) or not property_keys \
            or not all(isinstance(k, str) for k in property_keys):
        raise ParamError(message="drop_database_properties: property_keys must be a non-empty list of str")
    call(engine.db.alter_database_properties, _name(db_name), [], list(property_keys))
