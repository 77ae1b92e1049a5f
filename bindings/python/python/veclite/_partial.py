"""Partial update (``upsert(..., partial_update=True)``) and its per-field operations
(``field_ops``, pymilvus's ``FieldOp``): the row rules checked before the data reaches the
engine, which merges each row with the live row of its key and resolves the operations."""

from __future__ import annotations

import enum
from typing import Any, List, Mapping, Optional, Sequence, Tuple

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


class FieldOpType(enum.IntEnum):
    """The per-field operations of a partial update (pymilvus's ``FieldOpType``; Milvus's
    ``FieldPartialUpdateOp.OpType``)."""

    REPLACE = 0
    ARRAY_APPEND = 1
    ARRAY_REMOVE = 2


class FieldPartialUpdateOp:
    """One field operation, as pymilvus's ``FieldOp`` factories return it: its kind is ``op``."""

    __slots__ = ("op",)

    def __init__(self, op: FieldOpType = FieldOpType.REPLACE) -> None:
        self.op = FieldOpType(op)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldPartialUpdateOp) and other.op == self.op

    def __hash__(self) -> int:
        return hash(self.op)

    def __repr__(self) -> str:
        return f"FieldPartialUpdateOp(op={self.op.name})"


class FieldOp:
    """Factory of field operations for ``upsert(..., field_ops={"tags": FieldOp.array_append()})``.

    An operation applies to the given value of an Array field, against the value the row holds:
    ``array_append`` appends the given elements (more than ``max_capacity`` in all is refused,
    naming the row), ``array_remove`` removes every element equal to a given one. A
    non-``replace`` operation makes the upsert a partial update (``partial_update=True``)."""

    @staticmethod
    def replace() -> FieldPartialUpdateOp:
        """The default operation: the given value replaces the field's."""
        return FieldPartialUpdateOp(FieldOpType.REPLACE)

    @staticmethod
    def array_append() -> FieldPartialUpdateOp:
        """Appends the given elements to the row's array."""
        return FieldPartialUpdateOp(FieldOpType.ARRAY_APPEND)

    @staticmethod
    def array_remove() -> FieldPartialUpdateOp:
        """Removes every element of the row's array that equals a given element."""
        return FieldPartialUpdateOp(FieldOpType.ARRAY_REMOVE)


_OP_NAMES = {FieldOpType.REPLACE: "replace", FieldOpType.ARRAY_APPEND: "array_append",
             FieldOpType.ARRAY_REMOVE: "array_remove"}


def field_ops_arg(kwargs: Any) -> List[Tuple[str, str]]:
    """The ``field_ops`` keyword argument of an upsert as ``(field, operation name)`` pairs, as
    pymilvus normalizes it: each value a ``FieldOp`` result, a ``FieldOpType``, its int value or
    a name (``"array_append"``, any case); ``None`` and ``replace`` entries are dropped."""
    field_ops = kwargs.get("field_ops")
    if not field_ops:
        return []
    if not isinstance(field_ops, Mapping):
        raise ParamError(message=f"upsert: field_ops must be a dict of field name to FieldOp, "
                                 f"got {type(field_ops).__name__}")
    out = []
    for name, op in field_ops.items():
        if not isinstance(name, str):
            raise ParamError(message=f"upsert: field_ops keys are field names, got {name!r}")
        kind = _op_kind(name, op)
        if kind is not None and kind != FieldOpType.REPLACE:
            out.append((name, _OP_NAMES[kind]))
    return out


def _op_kind(name: str, op: Any) -> Optional[FieldOpType]:
    if op is None:
        return None
    if isinstance(op, FieldPartialUpdateOp):
        return op.op
    if isinstance(op, str):
        for kind, alias in _OP_NAMES.items():
            if op.lower() == alias:
                return kind
        raise ParamError(message=f"unknown field_op alias {op!r} for field {name!r}")
    if isinstance(op, bool):
        raise ParamError(message=f"unsupported field_op type bool for field {name!r}")
    if isinstance(op, int):
        try:
            return FieldOpType(op)
        except ValueError:
            raise ParamError(message=f"invalid field_op enum value {op} for field {name!r}") from None
    raise ParamError(message=f"unsupported field_op type {type(op).__name__} for field {name!r}")
