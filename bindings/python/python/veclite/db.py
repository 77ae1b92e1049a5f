"""pymilvus's ``db`` module (``from pymilvus import db``): databases of an ORM connection."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from . import _databases
from .orm import connections


def create_database(db_name: str, using: str = "default", timeout: Optional[float] = None, **kwargs: Any) -> None:
    """Creates database ``db_name`` (``properties`` kwarg: a dict kept with it)."""
    properties = kwargs.pop("properties", None)
    _databases.create_database(connections._get(using), db_name, properties, timeout, kwargs)


def using_database(db_name: str, using: str = "default") -> None:
    """Makes connection ``using`` work in database ``db_name``, which must exist."""
    _databases.use_database(connections._get(using), db_name)


def drop_database(db_name: str, using: str = "default", timeout: Optional[float] = None, **kwargs: Any) -> None:
    """Drops the empty database ``db_name`` (``default`` cannot be dropped)."""
    _databases.drop_database(connections._get(using), db_name, timeout, kwargs)


def list_database(using: str = "default", timeout: Optional[float] = None, **kwargs: Any) -> List[str]:
    """Every database name, ``default`` first."""
    return _databases.list_databases(connections._get(using), timeout, kwargs)


def describe_database(db_name: str, using: str = "default", timeout: Optional[float] = None,
                      **kwargs: Any) -> Dict[str, Any]:
    """``{"name": db_name, **properties}``."""
    return _databases.describe_database(connections._get(using), db_name, timeout, kwargs)


def set_properties(db_name: str, properties: Dict[str, Any], using: str = "default",
                   timeout: Optional[float] = None) -> None:
    """Sets properties of database ``db_name`` (see ``MilvusClient.alter_database_properties``)."""
    _databases.alter_database_properties(connections._get(using), db_name, properties, timeout, {})
