"""pymilvus's ORM :class:`Index` (what ``Collection.indexes`` and ``Collection.index()``
return) and the conversion of the core's index description to pymilvus's index params."""

from __future__ import annotations

import copy
from typing import Any, Dict, List, Optional

from .exceptions import IndexNotExistException, ParamError

#: Keys of the native index description that are not build parameters.
_NOT_BUILD_PARAMS = ("index_name", "field_name", "metric_type", "index_type", "indexed_rows", "total_rows",
                     "pending_index_rows", "state")


def index_params(described: Dict[str, Any]) -> Dict[str, Any]:
    """pymilvus's index params of a native index description:
    ``{"index_type", "metric_type", "params": {build parameter: value}}``."""
    build = {k: v for k, v in described.items() if k not in _NOT_BUILD_PARAMS}
    return {"index_type": described["index_type"], "metric_type": described["metric_type"], "params": build}


def pick(indexes: List[Dict[str, Any]], collection: str, index_name: str = "") -> Dict[str, Any]:
    """The index named ``index_name`` among the native descriptions ``indexes`` or, when the
    name is empty, the collection's only index.

    :raises IndexNotExistException: when there is no such index.
    :raises ParamError: when the name is empty and the collection has several indexes.
    """
    if index_name:
        found = [i for i in indexes if i["index_name"] == index_name]
    else:
        found = indexes
        if len(found) > 1:
            raise ParamError(message=f"collection `{collection}` has {len(found)} indexes: give index_name")
    if not found:
        what = f"index `{index_name}`" if index_name else "an index"
        raise IndexNotExistException(message=f"{what} does not exist in collection `{collection}`")
    return found[0]


class Index:
    """An index of a collection: ``Index(collection, field_name, index_params, index_name="")``
    creates it (as ``collection.create_index`` does); ``Collection.indexes`` and
    ``Collection.index()`` return existing ones.

    :param collection: the :class:`veclite.Collection`.
    :param field_name: the indexed field.
    :param index_params: ``{"index_type", "metric_type", "params": {...}}``.
    :param index_name: the index's name (default: the field's name).
    """

    def __init__(self, collection: Any, field_name: str, index_params: Dict[str, Any], **kwargs: Any) -> None:
        from .orm import Collection

        if not isinstance(collection, Collection):
            raise ParamError(message=f"Index takes a Collection, got {type(collection).__name__}")
        construct_only = bool(kwargs.pop("construct_only", False))
        self._collection = collection
        self._field_name = field_name
        self._index_params = index_params
        self._index_name = kwargs.get("index_name", "")
        if construct_only:
            return
        collection.create_index(field_name, index_params, **kwargs)
        for i in collection._describe_indexes():
            if i["field_name"] == field_name:
                self._index_name = i["index_name"]

    @property
    def params(self) -> Dict[str, Any]:
        """The index parameters (a copy)."""
        return copy.deepcopy(self._index_params)

    @property
    def collection_name(self) -> str:
        return self._collection.name

    @property
    def field_name(self) -> str:
        return self._field_name

    @property
    def index_name(self) -> str:
        return self._index_name

    def to_dict(self) -> Dict[str, Any]:
        """``{"collection", "field", "index_name", "index_param"}``, as pymilvus returns it."""
        return {"collection": self._collection.name, "field": self._field_name, "index_name": self._index_name,
                "index_param": self.params}

    def drop(self, timeout: Optional[float] = None, **kwargs: Any) -> None:
        """Drops the index."""
        self._collection.drop_index(timeout=timeout, index_name=self._index_name, **kwargs)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Index) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return repr(self.to_dict())
