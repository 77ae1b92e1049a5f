"""Turns every accepted data shape into native columns.

Accepted: a list of columns in schema order (auto_id PK omitted), a list of row dicts, one row
dict, or a pandas DataFrame. Vectors are lists or numpy arrays of any float dtype; a C-contiguous
2-D float32 array passes to the core as is (one memcpy there, no Python object per row).
JSON values cross as JSON text: a ``str`` is taken as JSON text already (as pymilvus does),
anything else is serialized with ``json.dumps``.

With dynamic fields, the keys of a row that are not fields (and a DataFrame's extra columns)
become that row's object in one ``$meta`` JSON column, merged with the row's own ``$meta``
object if it has one; a list of columns may end with a ``$meta`` column of dicts.
Errors name the field, the row and the rule, and are raised before anything is written.
"""

from __future__ import annotations

import json
import math
import re
import reprlib
from itertools import accumulate
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ._array import array_column
from . import _sparse
from . import _vectors as _packed
from ._types import DYNAMIC_FIELD, DataType, FieldSchema
from .exceptions import (
    DataNotMatchException,
    DimensionMismatchException,
    InvalidValueException,
    MissingFieldException,
    ParamError,
)

NativeColumn = Tuple[str, str, Any, Optional[List[bool]]]

_INT_RANGES = {
    DataType.INT8: (np.int8, -(2**7), 2**7 - 1),
    DataType.INT16: (np.int16, -(2**15), 2**15 - 1),
    DataType.INT32: (np.int32, -(2**31), 2**31 - 1),
    DataType.INT64: (np.int64, -(2**63), 2**63 - 1),
}
_FLOATS = {DataType.FLOAT: np.float32, DataType.DOUBLE: np.float64}
_MISSING = object()


#: The deepest nesting of containers a JSON value (a JSON field's value, or a row's ``$meta``
#: object) may have here: deeper values are refused before they are encoded, so that encoding
#: never recurses past it whatever the interpreter's recursion limit. The core's own depth
#: limit is not larger; below this bound, it decides.
MAX_JSON_DEPTH = 128

_CONTAINERS = (dict, list, tuple)

#: Bounded ``repr`` for error messages: a value nested 10,000 deep is shown, not recursed into.
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother, _REPR.maxlist, _REPR.maxdict = 3, 60, 60, 8, 8


def _shown(value: Any) -> str:
    """``value`` for an error message: bounded in length and depth."""
    return _REPR.repr(value)


def _too_deep(value: Any, limit: int) -> bool:
    """Whether ``value`` nests dicts / lists / tuples more than ``limit`` deep (a scalar is 0
    deep, ``[1]`` is 1). Iterative, and stops at ``limit`` + 1, so a self-containing list ends too."""
    if not isinstance(value, _CONTAINERS):
        return False
    stack = [(value, 1)]
    while stack:
        v, depth = stack.pop()
        if depth > limit:
            return True
        for child in v.values() if isinstance(v, dict) else v:
            if isinstance(child, _CONTAINERS):
                stack.append((child, depth + 1))
    return False


#: JSON strings (with their escapes), removed before brackets are counted.
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _text_too_deep(text: str, limit: int) -> bool:
    """Whether JSON text nests arrays / objects more than ``limit`` deep (counted without
    parsing, so no recursion)."""
    bare = _JSON_STRING.sub("", text)
    steps = [1 if c in "[{" else -1 for c in bare if c in "[]{}"]
    return max(accumulate(steps), default=0) > limit


def _depth_error(what: str, row: int) -> InvalidValueException:
    return InvalidValueException(
        message=f"{what} row {row}: the value nests deeper than {MAX_JSON_DEPTH} levels of arrays and objects"
    )


def _is_dataframe(data: Any) -> bool:
    return type(data).__module__.split(".")[0] == "pandas" and hasattr(data, "columns")


def _type_error(field: FieldSchema, row: int, value: Any) -> DataNotMatchException:
    return DataNotMatchException(
        message=f"field `{field.name}` expects {field.dtype.name}, but row {row} has "
        f"{type(value).__name__} {_shown(value)} (the input data type is inconsistent with the schema)"
    )


def _vectors(field: FieldSchema, values: Any) -> np.ndarray:
    """A (rows, dim) float32 array; no copy for a C-contiguous float32 input."""
    dim = field.dim or 0
    if isinstance(values, np.ndarray) and values.ndim == 2:
        if values.dtype.kind not in "fiu":
            raise DataNotMatchException(
                message=f"field `{field.name}` expects float vectors, got an array of dtype {values.dtype}"
            )
        if values.shape[1] != dim:
            raise DimensionMismatchException(
                message=f"field `{field.name}`: the dim ({values.shape[1]}) of row 0 is not equal to "
                f"schema dim ({dim})"
            )
        return np.ascontiguousarray(values, dtype=np.float32)
    rows = list(values)
    for i, v in enumerate(rows):
        if v is None or isinstance(v, (str, bytes, dict)) or not hasattr(v, "__len__"):
            raise DataNotMatchException(
                message=f"field `{field.name}` expects a float vector (list or numpy array), but row {i} has "
                f"{type(v).__name__} {_shown(v)}"
            )
        if len(v) != dim:
            raise DimensionMismatchException(
                message=f"field `{field.name}`: the dim ({len(v)}) of row {i} is not equal to schema dim ({dim})"
            )
    if not rows:
        return np.empty((0, dim), dtype=np.float32)
    try:
        return np.asarray(rows, dtype=np.float32).reshape(len(rows), dim)
    except (TypeError, ValueError):
        for i, v in enumerate(rows):
            for x in v:
                if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
                    raise DataNotMatchException(
                        message=f"field `{field.name}` expects float vector components, but row {i} has "
                        f"{type(x).__name__} {_shown(x)}"
                    ) from None
        raise


#: Item types converted by one numpy call instead of item by item (bools are not ints here).
_FAST_TYPES = {DataType.FLOAT: {float, int}, DataType.DOUBLE: {float, int}, **{t: {int} for t in _INT_RANGES}}


def _fast_array(dt: DataType, values: List[Any]) -> Optional[np.ndarray]:
    """``values`` as one numpy array when every item is a plain ``int`` (integer fields) or
    ``int``/``float`` (float fields), the common case; None otherwise (checked item by item)."""
    allowed = _FAST_TYPES.get(dt)
    if allowed is None or not values or not set(map(type, values)) <= allowed:
        return None
    try:
        return np.asarray(values, dtype=np.float64 if dt in _FLOATS else np.int64)
    except OverflowError:
        return None


def _scalars(field: FieldSchema, values: Any) -> NativeColumn:
    """A scalar column with its validity mask (None = all valid)."""
    name, dt = field.name, field.dtype
    if dt == DataType.JSON:
        return _json_column(field, values)
    if isinstance(values, np.ndarray) and values.dtype != object and dt != DataType.VARCHAR:
        kind = values.dtype.kind
        if dt in _INT_RANGES and kind in "iu":
            np_t, lo, hi = _INT_RANGES[dt]
            if values.size and (values.min() < lo or values.max() > hi):
                bad = int(np.argmax((values < lo) | (values > hi)))
                raise InvalidValueException(
                    message=f"field `{name}`: row {bad} value {values[bad]} is out of range for {dt.name}"
                )
            return (name, dt.name, np.ascontiguousarray(values, dtype=np_t), None)
        if dt in _FLOATS and kind in "fiu":
            return (name, dt.name, np.ascontiguousarray(values, dtype=_FLOATS[dt]), None)
        if dt == DataType.BOOL and kind == "b":
            return (name, dt.name, np.ascontiguousarray(values, dtype=np.bool_), None)
        values = values.tolist()
    values = list(values)
    fast = _fast_array(dt, values)
    if fast is not None:
        return _scalars(field, fast)  # range checks and dtype conversion on the array
    valid: Optional[List[bool]] = None
    if any(v is None for v in values):
        valid = [v is not None for v in values]
    out: List[Any] = []
    for i, v in enumerate(values):
        if v is None:
            if not (field.nullable or field.default_value is not None):
                raise InvalidValueException(
                    message=f"field `{name}`: row {i} is null but the field is not nullable and has no default"
                )
            out.append("" if dt == DataType.VARCHAR else 0)
            continue
        if dt == DataType.VARCHAR:
            if not isinstance(v, str):
                raise _type_error(field, i, v)
        elif dt == DataType.BOOL:
            if not isinstance(v, (bool, np.bool_)):
                raise _type_error(field, i, v)
        elif dt in _INT_RANGES:
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
                raise _type_error(field, i, v)
            _, lo, hi = _INT_RANGES[dt]
            if not lo <= int(v) <= hi:
                raise InvalidValueException(message=f"field `{name}`: row {i} value {v} is out of range for {dt.name}")
        elif dt in _FLOATS:
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer, np.floating)):
                raise _type_error(field, i, v)
        out.append(v)
    if dt == DataType.VARCHAR:
        data: Any = out
    elif dt == DataType.BOOL:
        data = np.asarray(out, dtype=np.bool_)
    elif dt in _INT_RANGES:
        data = np.asarray(out, dtype=_INT_RANGES[dt][0])
    else:
        data = np.asarray(out, dtype=_FLOATS[dt])
    return (name, dt.name, data, valid)


def _json_default(value: Any) -> Any:
    """``json.dumps`` fallback: numpy scalars and arrays as their Python values."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


#: One encoder for every JSON value (``json.dumps`` with options builds a new one per call).
_ENCODER = json.JSONEncoder(default=_json_default, allow_nan=False, ensure_ascii=False)


def _dumps(what: str, row: int, value: Any, depth: int = MAX_JSON_DEPTH) -> str:
    """The JSON text of ``value`` (row ``row`` of ``what``, at most ``depth`` deep); NaN and
    infinity are refused."""
    if _too_deep(value, depth):
        raise _depth_error(what, row)
    try:
        return _ENCODER.encode(value)
    except (TypeError, ValueError, RecursionError) as e:
        raise DataNotMatchException(
            message=f"{what} row {row}: {type(value).__name__} {_shown(value)} cannot be stored as JSON ({e})"
        ) from None


def _json_column(field: FieldSchema, values: Any) -> NativeColumn:
    """A JSON field's column of JSON texts with its validity mask (None = all valid)."""
    if isinstance(values, np.ndarray):
        values = values.tolist()
    values = list(values)
    valid = [v is not None for v in values] if any(v is None for v in values) else None
    texts: List[str] = []
    for i, v in enumerate(values):
        if v is None:
            if not (field.nullable or field.default_value is not None):
                raise InvalidValueException(
                    message=f"field `{field.name}`: row {i} is null but the field is not nullable and has no default"
                )
            texts.append("")
        elif isinstance(v, str):
            texts.append(v)  # JSON text already; the core checks it
        else:
            texts.append(_dumps(f"field `{field.name}`", i, v))
    return (field.name, DataType.JSON.name, texts, valid)


def _column(field: FieldSchema, values: Any) -> NativeColumn:
    if field.dtype == DataType.FLOAT_VECTOR:
        return (field.name, field.dtype.name, _vectors(field, values), None)
    if field.dtype == DataType.ARRAY:
        return array_column(field, values)
    if field.dtype in _packed.PACKED:
        return _packed.column(field, values)
    if field.dtype == DataType.SPARSE_FLOAT_VECTOR:
        return _sparse.column(field, values)
    return _scalars(field, values)


def _unknown_field(where: str, key: str) -> DataNotMatchException:
    return DataNotMatchException(
        message=f"{where} has field `{key}`, which is not in the schema (dynamic fields are not enabled: "
        "create the collection with enable_dynamic_field=True to keep such keys)"
    )


def _object_without_repeated_keys(pairs: List[Tuple[str, Any]]) -> Dict[str, Any]:
    """``json.loads`` hook: an object, refusing a key given twice (the core refuses it too, and
    keeping either value would silently drop the other)."""
    obj: Dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def _given_meta(row: int, value: Any) -> Dict[str, Any]:
    """A row's own ``$meta`` value as an object (None = empty); a str is JSON text."""
    if value is None:
        return {}
    if isinstance(value, str):
        if _text_too_deep(value, MAX_JSON_DEPTH):
            raise _depth_error(f"field `{DYNAMIC_FIELD}`", row)
        try:
            value = json.loads(value, object_pairs_hook=_object_without_repeated_keys)
        except (ValueError, RecursionError) as e:
            raise InvalidValueException(message=f"field `{DYNAMIC_FIELD}` row {row}: invalid JSON: {e}") from None
    if not isinstance(value, dict):
        raise InvalidValueException(
            message=f"field `{DYNAMIC_FIELD}` row {row}: dynamic field data must be a JSON object"
        )
    return dict(value)


def _merged_meta(row: int, extras: Dict[str, Any]) -> Dict[str, Any]:
    """The row's own ``$meta`` object (``extras[DYNAMIC_FIELD]``) merged with its other keys."""
    obj = _given_meta(row, extras[DYNAMIC_FIELD])
    for key, value in extras.items():
        if key == DYNAMIC_FIELD:
            continue
        if key in obj:
            raise InvalidValueException(
                message=f"field `{DYNAMIC_FIELD}` row {row}: dynamic key `{key}` is given both in "
                f"`{DYNAMIC_FIELD}` and as a key of the row"
            )
        obj[key] = value
    return obj


def _meta_text(row: int, extras: Dict[str, Any]) -> str:
    """The ``$meta`` JSON text of row ``row`` from its keys that are not fields (a ``$meta``
    key among them is the row's own object, merged with the others)."""
    obj = _merged_meta(row, extras) if DYNAMIC_FIELD in extras else extras
    for key, value in obj.items():
        if _too_deep(value, MAX_JSON_DEPTH - 1):  # inside the `$meta` object: one level down
            raise _depth_error(f"dynamic field `{key}`", row)
    try:
        return _ENCODER.encode(obj)
    except (TypeError, ValueError, RecursionError):
        for key, value in obj.items():
            _dumps(f"dynamic field `{key}`", row, value)  # raises naming the key
        raise


def _meta_column(metas: List[Optional[str]]) -> NativeColumn:
    """The ``$meta`` column (a None row is an empty object)."""
    valid = [m is not None for m in metas]
    return (DYNAMIC_FIELD, DataType.JSON.name, [m or "" for m in metas], None if all(valid) else valid)


def _columns_from_rows(fields: Sequence[FieldSchema], rows: List[Dict[str, Any]],
                       dynamic: bool = False) -> List[NativeColumn]:
    known = {f.name for f in fields}
    metas: Optional[List[Optional[str]]] = None
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ParamError(
                message=f"row {i} is a {type(row).__name__}: rows must all be dicts (or pass a list of columns)"
            )
        if row.keys() <= known:
            continue
        extras = {key: value for key, value in row.items() if key not in known}
        if not dynamic:
            raise _unknown_field(f"row {i}", next(iter(extras)))
        if metas is None:
            metas = [None] * len(rows)
        metas[i] = _meta_text(i, extras)
    columns: List[NativeColumn] = []
    for f in fields:
        present = [row.get(f.name, _MISSING) for row in rows]
        if all(v is _MISSING for v in present):
            continue  # omitted entirely: the core applies null / default or reports it missing
        if not any(v is _MISSING for v in present):
            columns.append(_column(f, present))
            continue
        for i, v in enumerate(present):
            if v is _MISSING:
                if f.nullable or f.default_value is not None:
                    present[i] = None
                elif f.is_primary and f.auto_id:
                    raise ParamError(message=f"row {i} omits auto_id primary key `{f.name}` that other rows give")
                else:
                    raise MissingFieldException(
                        message=f"row {i} misses field `{f.name}`, which is neither nullable nor has a default value"
                    )
        columns.append(_column(f, present))
    if metas is not None:
        columns.append(_meta_column(metas))
    return columns


def _dataframe_columns(fields: Sequence[FieldSchema], data: Any, dynamic: bool) -> List[NativeColumn]:
    """Native columns of a pandas DataFrame; extra columns are dynamic keys (missing cells left out)."""
    rows_n = len(data)
    known = {f.name for f in fields}
    names = list(data.columns)
    repeated = next((k for i, k in enumerate(names) if k in names[:i]), None)
    if repeated is not None:
        raise DataNotMatchException(message=f"DataFrame column `{repeated}` is given twice")
    extra = [k for k in names if k not in known]
    if extra and not dynamic:
        raise _unknown_field("the DataFrame", extra[0])
    cols = []
    for f in fields:
        if f.name not in names:
            continue
        series = data[f.name]
        if f.dtype in _packed.PACKED or f.dtype == DataType.SPARSE_FLOAT_VECTOR:
            values: Any = list(series)
        elif f.dtype == DataType.FLOAT_VECTOR:
            values = np.stack([np.asarray(v) for v in series]) if rows_n else []
        else:
            values = series.to_numpy()
            if values.dtype == object:
                values = [None if _is_missing(v) else v for v in values]
        cols.append(_column(f, values))
    if extra:
        cells = {k: data[k].tolist() for k in extra}
        metas: List[Optional[str]] = [
            _meta_text(i, {k: v[i] for k, v in cells.items() if not _is_missing(v[i])}) for i in range(rows_n)
        ]
        cols.append(_meta_column(metas))
    return cols


def _is_meta_column(values: Any) -> bool:
    """Whether a trailing column holds ``$meta`` objects (dicts or None, at least one dict)."""
    if isinstance(values, np.ndarray) and values.dtype != object:
        return False
    values = list(values)
    return any(isinstance(v, dict) for v in values) and all(v is None or isinstance(v, dict) for v in values)


def to_columns(fields: Sequence[FieldSchema], data: Any, dynamic: bool = False) -> List[NativeColumn]:
    """Native columns of ``data`` for a collection with ``fields`` (visible fields, without
    ``$meta``); ``dynamic`` = the collection keeps keys that are not fields."""
    if data is None:
        raise ParamError(message="The type of data should be List, pd.DataFrame or Dict")
    if isinstance(data, dict):
        return _columns_from_rows(fields, [data], dynamic)
    if _is_dataframe(data):
        return _dataframe_columns(fields, data, dynamic)
    if isinstance(data, np.ndarray):
        raise ParamError(message="The type of data should be List, pd.DataFrame or Dict, got a numpy array")
    data = list(data)
    if data and all(isinstance(r, dict) for r in data):
        return _columns_from_rows(fields, data, dynamic)
    if any(isinstance(r, dict) for r in data):
        raise ParamError(message="data mixes row dicts and columns: pass rows or columns, not both")
    # A list of columns in schema order; an auto_id primary key may be omitted; with dynamic
    # fields a last column of dicts is each row's `$meta` object.
    expected = [f for f in fields if not (f.is_primary and f.auto_id)]
    meta: Optional[NativeColumn] = None
    if dynamic and len(data) in (len(expected) + 1, len(fields) + 1) and _is_meta_column(data[-1]):
        meta = _meta_column([None if v is None else _meta_text(i, {DYNAMIC_FIELD: v}) for i, v in enumerate(data[-1])])
        data = data[:-1]
    if len(data) == len(fields) and len(expected) != len(fields):
        expected = list(fields)  # the caller supplied the auto_id key: the core rejects or accepts it
    if len(data) != len(expected):
        names = ", ".join(f.name for f in expected)
        raise DataNotMatchException(
            message=f"The data doesn't match with schema fields, expect {len(expected)} list ({names}), "
            f"got {len(data)}"
        )
    columns = [_column(f, values) for f, values in zip(expected, data)]
    return columns + ([meta] if meta is not None else [])


def _is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def query_vectors(data: Any) -> np.ndarray:
    """Search vectors as a (nq, dim) float32 array (one vector may be given flat)."""
    if isinstance(data, np.ndarray):
        arr = data
    else:
        data = list(data)
        if data and isinstance(data[0], (int, float, np.integer, np.floating)):
            data = [data]
        try:
            arr = np.asarray(data, dtype=np.float32)
        except (TypeError, ValueError):
            raise ParamError(message="search vectors must be equal-length lists of floats or a 2-D array") from None
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.dtype.kind not in "fiu":
        raise ParamError(message=f"search vectors must form a 2-D float array, got shape {arr.shape}")
    return np.ascontiguousarray(arr, dtype=np.float32)


def rows_from_columns(columns: List[Tuple[str, Any]], packed_in_list: bool = False) -> List[Dict[str, Any]]:
    """Row dicts from native read columns (vectors become lists of float; ``$meta`` keys become
    top-level keys). Binary, float16, bfloat16 and int8 vectors are each row's ``bytes``, in a
    one-item list with ``packed_in_list`` (pymilvus's query form; its search form is the bytes)."""
    if not columns:
        return []
    names = [c[0] for c in columns]
    values = [v.tolist() if isinstance(v, np.ndarray) else v for _, v in columns]
    if packed_in_list:
        values = [[[b] for b in v] if v and isinstance(v[0], bytes) else v for v in values]
    n = len(values[0])
    rows = [{name: vals[i] for name, vals in zip(names, values)} for i in range(n)]
    return _flatten_dynamic(rows) if DYNAMIC_FIELD in names else rows


def _flatten_dynamic(rows: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Moves each row's ``$meta`` keys to the top level of the row, after its fields, as
    pymilvus shows dynamic fields (a field keeps its value if a key has the same name)."""
    for row in rows:
        for key, value in (row.pop(DYNAMIC_FIELD, None) or {}).items():
            row.setdefault(key, value)
    return rows
