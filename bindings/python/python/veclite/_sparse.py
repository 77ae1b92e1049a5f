"""Sparse float vectors: the forms pymilvus accepts, turned into the CSR arrays the core takes
(``(offsets, indices, values)``), for columns and for search queries.

Accepted per vector: a ``{index: value}`` dict; an iterable of ``(index, value)`` pairs; a
``scipy.sparse`` matrix or array with one row (scipy is optional and imported only when such a
value is given). A whole column or query batch may also be one ``scipy.sparse`` matrix, a row a
vector. Entries may come in any order (the core sorts them); an index given twice, an index
outside ``0 .. 2**32 - 2`` and NaN or infinite values are refused, naming the row. Results come
back as pymilvus returns them: one ``{index: value}`` dict a row.
"""

from __future__ import annotations

import math
from typing import Any, List, Tuple

from ._types import FieldSchema
from .exceptions import DataNotMatchException, ParamError

TYPE_NAME = "SPARSE_FLOAT_VECTOR"
#: Largest entry index (Milvus takes indices below 2**32 - 1).
MAX_INDEX = 2**32 - 2

Csr = Tuple[List[int], List[int], List[float]]


def _is_scipy(value: Any) -> bool:
    """Whether ``value`` is a scipy sparse matrix or array (without importing scipy)."""
    return type(value).__module__.startswith("scipy.sparse")


def _entries(value: Any) -> List[Tuple[Any, Any]]:
    """The ``(index, value)`` entries of one vector in any accepted form."""
    if isinstance(value, dict):
        return list(value.items())
    if _is_scipy(value):
        coo = value.tocoo()
        if coo.shape[0] != 1:
            raise TypeError(f"a scipy sparse vector has one row, this one has {coo.shape[0]}")
        return list(zip(coo.col.tolist(), coo.data.tolist()))
    try:
        pairs = list(value)
    except TypeError:
        raise TypeError(f"a sparse vector is a dict, (index, value) pairs or a scipy sparse row, not "
                        f"{type(value).__name__}") from None
    for p in pairs:
        if not (isinstance(p, (tuple, list)) and len(p) == 2):
            raise TypeError("a sparse vector given as a list holds (index, value) pairs")
    return [(p[0], p[1]) for p in pairs]


def _rows_of(values: Any) -> List[Any]:
    """The vectors of a column or query batch: a scipy matrix gives one vector a row."""
    if _is_scipy(values):
        csr = values.tocsr()
        return [csr[i] for i in range(csr.shape[0])]
    return list(values)


def csr(values: Any, what: str) -> Csr:
    """CSR arrays of the vectors in ``values``; errors name ``what`` and the row."""
    offsets, indices, data = [0], [], []
    for r, value in enumerate(_rows_of(values)):
        try:
            for i, v in _entries(value):
                if isinstance(i, bool) or not float(i).is_integer() or not 0 <= int(i) <= MAX_INDEX:
                    raise ValueError(f"sparse vector index {i!r} must be an integer in 0..{MAX_INDEX} (below 2^32-1)")
                v = float(v)
                if not math.isfinite(v):
                    raise ValueError(f"the value of index {int(i)} is {v} (values must be finite)")
                indices.append(int(i))
                data.append(v)
        except (TypeError, ValueError) as e:
            raise DataNotMatchException(message=f"{what} row {r}: {e}") from None
        offsets.append(len(indices))
    return offsets, indices, data


def column(field: FieldSchema, values: Any) -> Tuple[str, str, Csr, None]:
    """The native column of a sparse vector field."""
    return (field.name, TYPE_NAME, csr(values, f"field `{field.name}`"), None)


def queries(data: Any) -> Tuple[str, Csr]:
    """Search vectors of a sparse field as ``(type name, CSR arrays)``; one vector (a dict or a
    one-row scipy matrix) may be given alone."""
    single = isinstance(data, dict) or (_is_scipy(data) and data.shape[0] == 1)
    rows = [data] if single and not _is_scipy(data) else data
    body = csr(rows, "search vector")
    if len(body[0]) == 1:
        raise ParamError(message="search needs at least one query vector")
    return (TYPE_NAME, body)
