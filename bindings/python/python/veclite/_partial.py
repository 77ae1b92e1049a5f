"""Partial update (``upsert(..., partial_update=True)``): the row rules checked before the data
reaches the engine, which merges each row with the live row of its key."""

from __future__ import annotations

from typing import Any, Sequence

from ._types import FieldSchema
from .exceptions import ParamError


def check_partial_rows(fields: Sequence[FieldSchema], data: Any) -> None:
    """Raises ParamError unless every row dict of ``data`` gives the same schema fields: a
    partial update changes, for the whole batch, the fields it is given (a field one row leaves
    out would otherwise be set to null or its default in that row). Dynamic keys may differ
    from row to row: each row's keys merge into its own dynamic object."""
    rows = [data] if isinstance(data, dict) else data
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        return  # columns or a DataFrame: every row gives the same fields
    known = {f.name for f in fields}
    first = rows[0].keys() & known
    for i, row in enumerate(rows[1:], start=1):
        given = row.keys() & known
        if given != first:
            differ = sorted(given ^ first)
            raise ParamError(
                message=f"partial update: row {i} gives fields {sorted(given)} but row 0 gives {sorted(first)} "
                f"(differing: {differ}); every row of a partial update must give the same fields"
            )


def partial_flag(kwargs: Any) -> bool:
    """The ``partial_update`` keyword argument of an upsert (default False), checked."""
    value = kwargs.get("partial_update", False)
    if not isinstance(value, bool):
        raise ParamError(message=f"upsert: partial_update must be a bool, got {type(value).__name__}")
    return value
