"""Type stubs of the native module ``veclite._veclite`` (the PyO3 extension over the Rust core).

Columns cross as ``(name, type, data, validity)`` where ``type`` is a ``DataType`` name, ``data``
a numpy array of the field's exact dtype (``FLOAT_VECTOR``: a 2-D float32 array) or, for
VARCHAR and JSON, a list of str (JSON: one JSON text per row); for ARRAY, ``(element_type,
offsets, values)``: ``rows + 1`` uint64 element offsets and the flat elements (a numpy array of
the element's dtype, or a list of str). With dynamic fields a column
whose name is not a field is a dynamic key of each row, and a ``"$meta"`` JSON column holds each
row's object of dynamic keys. Reads return ``[(name, values)]``: a list per scalar column (None
for nulls; JSON columns, ``"$meta"`` included, parsed into Python objects; ARRAY columns a list
per row), a 2-D float32 array per vector column.
"""

from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

Keys = Union[List[int], List[str]]
NativeColumn = Tuple[str, str, Any, Optional[List[bool]]]
ReadColumns = List[Tuple[str, Union[List[Any], npt.NDArray[np.float32]]]]

STATUS_NAMES: Dict[int, str]

class VecliteError(Exception):
    """``args == (code, status, message, object_kind)``; ``object_kind`` is ``"collection"``,
    ``"partition"``, ``"field"`` or ``"index"`` for NOT_FOUND / ALREADY_EXISTS, else ``None``."""

def default_options() -> Dict[str, Any]:
    """The options of a database opened without any, as :meth:`Database.options` reports them."""

class Database:
    def __init__(
        self, path: str, sync_policy: str = "every_write", sync_interval: Optional[float] = None,
        seal_threshold_bytes: Optional[int] = None, worker_threads: Optional[int] = None,
    ) -> None:
        """Opens ``path``. ``sync_policy`` ``"every_write"`` / ``"interval"`` (with
        ``sync_interval`` seconds, required) / ``"none"``; None sizes and counts keep the default."""
    def options(self) -> Dict[str, Any]:
        """``{"sync_policy", "sync_interval" (seconds, None unless "interval"),
        "seal_threshold_bytes", "worker_threads"}`` of the open database."""
    def close(self) -> None: ...
    def is_open(self) -> bool: ...
    def create_collection(
        self, name: str, fields: List[Dict[str, Any]], description: str = "", enable_dynamic_field: bool = False,
        consistency_level: Optional[int] = None, num_shards: Optional[int] = None,
        properties: Sequence[Tuple[str, str]] = (), num_partitions: Optional[int] = None,
    ) -> None: ...
    def alter_collection(self, name: str, properties: Sequence[Tuple[str, str]], delete_keys: List[str]) -> None:
        """Sets and removes collection properties in one catalog commit."""
    def drop_collection(self, name: str) -> None: ...
    def has_collection(self, name: str) -> bool: ...
    def list_collections(self) -> List[str]: ...
    def describe_collection(self, name: str) -> Dict[str, Any]:
        """``{"id", "name", "description", "enable_dynamic_field", "fields", "partitions",
        "created_timestamp", "consistency_level", "num_shards", "properties"}``; ``fields``
        includes the hidden ``$meta`` (``is_dynamic``)."""
    def create_partition(self, collection: str, partition: str) -> None: ...
    def drop_partition(self, collection: str, partition: str) -> None: ...
    def has_partition(self, collection: str, partition: str) -> bool: ...
    def list_partitions(self, collection: str) -> List[str]: ...
    def write(
        self, collection: str, partition: str, columns: Sequence[NativeColumn], upsert: bool,
        timeout: Optional[float] = None,
    ) -> Dict[str, Any]: ...
    def alter_database_properties(self, name: str, set: List[Tuple[str, str]], delete: List[str]) -> None: ...
    def alter_index_properties(
        self, collection: str, index: str, set: List[Tuple[str, str]], delete: List[str],
    ) -> None: ...
    def partial_upsert(
        self, collection: str, partition: str, columns: Sequence[NativeColumn], timeout: Optional[float] = None,
        ops: Optional[List[Tuple[str, str]]] = None,
    ) -> Dict[str, Any]: ...
    def delete(
        self, collection: str, partition: str, expr: Optional[str] = None, keys: Optional[Keys] = None,
        timeout: Optional[float] = None,
    ) -> Dict[str, Any]: ...
    def get(
        self, collection: str, keys: Keys, output_fields: List[str], partitions: List[str] = ...,
        timeout: Optional[float] = None,
    ) -> ReadColumns: ...
    def query(
        self, collection: str, expr: str, output_fields: List[str], partitions: List[str] = ...,
        limit: Optional[int] = None, offset: int = 0, timeout: Optional[float] = None,
    ) -> ReadColumns: ...
    def using_database(self, name: str) -> "Database": ...
    def database_name(self) -> str: ...
    def create_database(self, name: str, properties: List[Tuple[str, str]] = ...) -> None: ...
    def drop_database(self, name: str) -> None: ...
    def rename_collection(self, old: str, new: str, new_db: str) -> None: ...
    def list_databases(self) -> List[str]: ...
    def describe_database(self, name: str) -> Dict[str, str]: ...
    def query_page(
        self, collection: str, expr: str, output_fields: List[str], after: Optional[Union[int, str]], batch: int,
        partitions: List[str] = ..., timeout: Optional[float] = None,
    ) -> ReadColumns: ...
    def count(self, collection: str, expr: str = "", partitions: List[str] = ..., timeout: Optional[float] = None) -> int: ...
    def search(
        self, collection: str, queries: Union[npt.NDArray[np.float32], Tuple[str, bytes]], limit: int, metric: str,
        vector_field: Optional[str] = None, partitions: List[str] = ..., filter: str = "",
        output_fields: List[str] = ..., offset: int = 0, ef: Optional[int] = None, nprobe: Optional[int] = None,
        timeout: Optional[float] = None,
    ) -> List[Tuple[Keys, List[float], ReadColumns]]: ...
    def flush(self, collection: str, timeout: Optional[float] = None) -> None: ...
    def compact(self, collection: str, timeout: Optional[float] = None) -> Dict[str, int]: ...
    def create_index(
        self, collection: str, field: str, name: str, metric: str, index_type: str, m: Optional[int] = None,
        ef_construction: Optional[int] = None, nlist: Optional[int] = None, timeout: Optional[float] = None,
    ) -> None: ...
    def describe_index(self, collection: str, field: Optional[str] = None) -> List[Dict[str, Any]]: ...
    def drop_index(self, collection: str, field: str) -> None: ...
