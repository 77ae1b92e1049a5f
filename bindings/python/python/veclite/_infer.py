"""pymilvus's ``infer_dtype_bydata`` (``pymilvus.orm.types``): the :class:`DataType` pymilvus
infers for a value, with the same rules but without pandas."""

from __future__ import annotations

import numbers
from typing import Any, Iterable, Optional

import numpy as np

from ._types import DataType

_NUMPY_DTYPES = {
    "bool": DataType.BOOL, "int8": DataType.INT8, "int16": DataType.INT16, "int32": DataType.INT32,
    "int64": DataType.INT64, "uint8": DataType.INT8, "uint16": DataType.INT16, "uint32": DataType.INT32,
    "uint64": DataType.INT64, "float16": DataType.FLOAT, "float32": DataType.FLOAT, "float64": DataType.DOUBLE,
}


def _is_scalar(data: Any) -> bool:
    """pandas's ``is_scalar`` for the kinds of values rows hold."""
    return data is None or isinstance(data, (str, bytes, numbers.Number, np.generic))


def infer_dtype_by_scalar_data(data: Any, dtype: Optional[DataType] = None) -> DataType:
    """The type of one scalar: ``np.float32`` (or any float when ``dtype`` is FLOAT) is FLOAT,
    other floats DOUBLE, ``bool`` BOOL, ints INT64 (numpy ints their width), ``str`` VARCHAR,
    ``bytes`` BINARY_VECTOR, a list ARRAY; anything else UNKNOWN."""
    if isinstance(data, list):
        return DataType.ARRAY
    is_float = isinstance(data, (float, np.floating))
    if isinstance(data, np.float32) or (is_float and dtype == DataType.FLOAT):
        return DataType.FLOAT
    if is_float:
        return DataType.DOUBLE
    if isinstance(data, bool):
        return DataType.BOOL
    if isinstance(data, (int, np.int64)):
        return DataType.INT64
    for np_type, dt in ((np.int32, DataType.INT32), (np.int16, DataType.INT16), (np.int8, DataType.INT8)):
        if isinstance(data, np_type):
            return dt
    if isinstance(data, str):
        return DataType.VARCHAR
    if isinstance(data, bytes):
        return DataType.BINARY_VECTOR
    return DataType.UNKNOWN


def _kind(values: Iterable[Any]) -> str:
    """pandas's ``infer_dtype`` kind of a sequence (None skipped): ``integer``, ``floating``,
    ``mixed-integer-float``, ``mixed-integer``, ``boolean``, ``string``, ``bytes``, ``mixed``
    or ``empty``."""
    kinds = set()
    for v in values:
        if v is None:
            continue
        if isinstance(v, (bool, np.bool_)):
            kinds.add("boolean")
        elif isinstance(v, (int, np.integer)):
            kinds.add("integer")
        elif isinstance(v, (float, np.floating)):
            kinds.add("floating")
        elif isinstance(v, str):
            kinds.add("string")
        elif isinstance(v, bytes):
            kinds.add("bytes")
        else:
            kinds.add("other")
    if not kinds:
        return "empty"
    if len(kinds) == 1:
        return kinds.pop() if "other" not in kinds else "mixed"
    if kinds == {"integer", "floating"}:
        return "mixed-integer-float"
    return "mixed-integer" if "integer" in kinds else "mixed"


_KIND_TYPES = {
    "string": DataType.VARCHAR, "floating": DataType.FLOAT, "integer": DataType.INT64,
    "mixed-integer": DataType.INT64, "mixed-integer-float": DataType.FLOAT, "boolean": DataType.BOOL,
}


def infer_dtype_bydata(data: Any) -> DataType:
    """The :class:`DataType` pymilvus infers for ``data``: a scalar's own type (see
    :func:`infer_dtype_by_scalar_data`), a dict JSON, a sequence of numbers FLOAT_VECTOR, a
    sequence of strings or bools ARRAY, anything else UNKNOWN.

    :param data: a value as a row holds it.
    :returns: the inferred :class:`DataType`.
    """
    if _is_scalar(data):
        return infer_dtype_by_scalar_data(data)
    if isinstance(data, dict):
        return DataType.JSON
    if isinstance(data, np.ndarray):
        kind = {"f": "floating", "i": "integer", "u": "integer", "b": "boolean", "U": "string", "S": "bytes"}.get(
            data.dtype.kind)
        if kind is None:
            kind = _kind(data.ravel().tolist())
    elif isinstance(data, (list, tuple, set, frozenset)) or hasattr(data, "__iter__"):
        kind = _kind(data)
    else:
        dtype = getattr(data, "dtype", None)
        return _NUMPY_DTYPES.get(str(dtype), DataType.UNKNOWN) if dtype is not None else DataType.UNKNOWN
    d_type = _KIND_TYPES.get(kind, DataType.UNKNOWN)
    if d_type in (DataType.FLOAT, DataType.INT64):
        return DataType.FLOAT_VECTOR
    return DataType.ARRAY if d_type != DataType.UNKNOWN else DataType.UNKNOWN
