"""Binary, float16, bfloat16 and int8 vectors: the forms pymilvus accepts, turned into the
stored bytes the core takes (``(dim, bytes)`` for a column, ``(type name, bytes)`` for
queries).

Accepted per vector: ``bytes`` in the stored form (``dim / 8`` packed bytes for BINARY_VECTOR,
2 little-endian bytes a component for FLOAT16_VECTOR and BFLOAT16_VECTOR, one byte a component
for INT8_VECTOR); a packed ``uint8`` array for BINARY_VECTOR; a numpy ``float16`` array (or any
floats, rounded to float16) for FLOAT16_VECTOR; an ``ml_dtypes.bfloat16`` array (or any floats,
rounded to nearest even) for BFLOAT16_VECTOR; an ``int8`` array or integers in -128..127 for
INT8_VECTOR. Results come back as pymilvus returns them: a list holding the row's ``bytes``.
"""

from __future__ import annotations

from typing import Any, List, Tuple

import numpy as np

from ._types import DataType, FieldSchema
from .exceptions import DataNotMatchException, ParamError

PACKED = (DataType.BINARY_VECTOR, DataType.FLOAT16_VECTOR, DataType.BFLOAT16_VECTOR, DataType.INT8_VECTOR)


def row_bytes(dtype: DataType, dim: int) -> int:
    """Stored bytes of one vector of ``dim`` (bits for binary vectors)."""
    if dtype == DataType.BINARY_VECTOR:
        return dim // 8
    if dtype == DataType.INT8_VECTOR:
        return dim
    return dim * 2


def _bfloat16_bits(values: np.ndarray) -> np.ndarray:
    """bfloat16 bit patterns of float32 values, rounded to nearest even (NaN stays NaN)."""
    bits = np.ascontiguousarray(values, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
    nan = np.isnan(values)
    if nan.any():
        rounded[nan] = ((bits[nan] >> 16).astype(np.uint16)) | 0x40
    return rounded


def _row(dtype: DataType, value: Any) -> bytes:
    """The stored bytes of one vector given in any accepted form."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], (bytes, bytearray)):
        return bytes(value[0])  # pymilvus's result form, written back
    arr = np.asarray(value)
    if dtype == DataType.BINARY_VECTOR:
        if arr.dtype != np.uint8:
            raise TypeError("binary vectors are bytes or packed uint8 arrays")
        return arr.tobytes()
    if dtype == DataType.FLOAT16_VECTOR:
        return np.ascontiguousarray(arr, dtype="<f2").tobytes()
    if dtype == DataType.BFLOAT16_VECTOR:
        if arr.dtype.name == "bfloat16":
            return arr.astype(arr.dtype.newbyteorder("<")).tobytes()
        return _bfloat16_bits(arr.astype(np.float32)).astype("<u2").tobytes()
    if arr.dtype.kind not in "iu" or (arr.size and (arr.min() < -128 or arr.max() > 127)):
        raise TypeError("int8 vectors are int8 arrays or integers in -128..127")
    return arr.astype(np.int8).tobytes()


def _rows(dtype: DataType, dim: int, what: str, values: Any) -> bytes:
    """Every vector's stored bytes, concatenated; errors name ``what`` and the row."""
    want = row_bytes(dtype, dim)
    out: List[bytes] = []
    for i, v in enumerate(values):
        try:
            b = _row(dtype, v)
        except (TypeError, ValueError) as e:
            raise DataNotMatchException(message=f"{what} row {i}: {e}") from None
        if len(b) != want:
            raise DataNotMatchException(
                message=f"{what} row {i}: {len(b)} bytes, a {dtype.name} vector of dim {dim} has {want}"
            )
        out.append(b)
    return b"".join(out)


def column(field: FieldSchema, values: Any) -> Tuple[str, str, Any, None]:
    """The native column of a packed vector field."""
    dim = field.dim or 0
    return (field.name, field.dtype.name, (dim, _rows(field.dtype, dim, f"field `{field.name}`", values)), None)


def queries(field: FieldSchema, data: Any) -> Tuple[str, bytes]:
    """Search vectors of a packed vector field as ``(type name, bytes)`` (one vector may be
    given alone)."""
    dim = field.dim or 0
    single = isinstance(data, (bytes, bytearray)) or (isinstance(data, np.ndarray) and data.ndim == 1)
    rows = [data] if single else list(data)
    if not rows:
        raise ParamError(message="search needs at least one query vector")
    return (field.dtype.name, _rows(field.dtype, dim, "search vector", rows))
