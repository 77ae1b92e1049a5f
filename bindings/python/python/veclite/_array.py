"""ARRAY fields: turns per-row lists / 1-D numpy arrays (``None`` for a null row) into the
native ``(element_type, offsets, values)`` column, checking every element's type (the field,
the row and the element are named). Capacity, VARCHAR lengths and non-finite floats are
checked by the core, which names them the same way."""

from __future__ import annotations

from typing import Any, List, Optional

import numpy as np

from ._types import DataType, FieldSchema
from .exceptions import DataNotMatchException, InvalidValueException

_INTS = {
    DataType.INT8: (np.int8, -(2**7), 2**7 - 1),
    DataType.INT16: (np.int16, -(2**15), 2**15 - 1),
    DataType.INT32: (np.int32, -(2**31), 2**31 - 1),
    DataType.INT64: (np.int64, -(2**63), 2**63 - 1),
}
_FLOATS = {DataType.FLOAT: np.float32, DataType.DOUBLE: np.float64}


def _row_items(field: FieldSchema, row: int, value: Any) -> List[Any]:
    """The elements of one row: a list, a tuple or a 1-D numpy array."""
    if isinstance(value, np.ndarray):
        if value.ndim != 1:
            raise DataNotMatchException(
                message=f"field `{field.name}`: row {row} is a {value.ndim}-D array; an ARRAY row is a list or a 1-D array"
            )
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return list(value)
    raise DataNotMatchException(
        message=f"field `{field.name}`: row {row} is {type(value).__name__}; an ARRAY row is a list or a 1-D array"
    )


def _element_error(field: FieldSchema, row: int, index: int, value: Any) -> DataNotMatchException:
    et = field.element_type
    return DataNotMatchException(
        message=f"field `{field.name}`: row {row} element {index} is {type(value).__name__} {value!r}, "
        f"expected {et.name if et is not None else '?'}"
    )


def _check(field: FieldSchema, row: int, items: List[Any]) -> None:
    """Checks the type (and integer range) of each element of row ``row``."""
    et = field.element_type
    for j, x in enumerate(items):
        if et == DataType.VARCHAR:
            ok = isinstance(x, str)
        elif et == DataType.BOOL:
            ok = isinstance(x, (bool, np.bool_))
        elif et in _INTS:
            ok = isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))
            if ok:
                _, lo, hi = _INTS[et]
                if not lo <= int(x) <= hi:
                    raise InvalidValueException(
                        message=f"field `{field.name}`: row {row} element {j} value {x} is out of range for {et.name}"
                    )
        else:
            ok = isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))
        if not ok:
            raise _element_error(field, row, j, x)


def array_column(field: FieldSchema, values: Any) -> Any:
    """The native column of ARRAY field ``field`` from one value per row (a list or 1-D numpy
    array; ``None`` for null); a 2-D numpy array gives one row per line."""
    et = field.element_type
    if isinstance(values, np.ndarray) and values.ndim == 2:
        values = list(values)
    values = list(values)
    valid: Optional[List[bool]] = None
    offsets = [0]
    flat: List[Any] = []
    for i, v in enumerate(values):
        if v is None or (isinstance(v, float) and v != v):
            if not field.nullable:
                raise InvalidValueException(
                    message=f"field `{field.name}`: row {i} is null but the field is not nullable"
                )
            if valid is None:
                valid = [True] * len(values)
            valid[i] = False
            offsets.append(len(flat))
            continue
        items = _row_items(field, i, v)
        _check(field, i, items)
        flat.extend(items)
        offsets.append(len(flat))
    if et == DataType.VARCHAR:
        data: Any = flat
    elif et == DataType.BOOL:
        data = np.asarray(flat, dtype=np.bool_)
    elif et in _INTS:
        data = np.asarray(flat, dtype=_INTS[et][0])
    else:
        data = np.asarray(flat, dtype=_FLOATS[et])
    return (field.name, DataType.ARRAY.name, (et.name, np.asarray(offsets, dtype=np.uint64), data), valid)
