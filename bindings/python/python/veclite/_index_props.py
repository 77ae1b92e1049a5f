"""Index properties (``alter_index_properties`` / ``drop_index_properties``): checked and
stored by the engine with the index, returned by ``describe_index``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, List

from ._args import check_timeout
from ._core import call
from .exceptions import ParamError

if TYPE_CHECKING:
    from ._core import Engine


def _text(key: str, value: Any) -> str:
    """A property value as Milvus stores it (``str(value)``, as pymilvus sends it)."""
    if isinstance(value, (bool, int, float, str)):
        return str(value)
    raise ParamError(message=f"index property `{key}` must be a bool, number or str, got {type(value).__name__}")


def alter(engine: "Engine", collection: str, index_name: str, properties: Dict[str, Any], timeout: Any) -> None:
    """Sets ``properties`` of index ``index_name`` (see ``MilvusClient.alter_index_properties``)."""
    check_timeout(timeout)
    if not isinstance(properties, dict) or not properties:
        raise ParamError(message="alter_index_properties: properties must be a non-empty dict")
    pairs = [(str(k), _text(str(k), v)) for k, v in properties.items()]
    call(engine.db.alter_index_properties, collection, index_name, pairs, [])


def drop(engine: "Engine", collection: str, index_name: str, keys: List[str], timeout: Any) -> None:
    """Removes properties ``keys`` of index ``index_name``."""
    check_timeout(timeout)
    if isinstance(keys, str) or not isinstance(keys, (list, tuple)) or not keys:
        raise ParamError(message="drop_index_properties: property_keys must be a non-empty list of str")
    if not all(isinstance(k, str) for k in keys):
        raise ParamError(message="drop_index_properties: property_keys must be str")
    call(engine.db.alter_index_properties, collection, index_name, [], list(keys))
