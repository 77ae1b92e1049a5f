"""Exceptions raised by veclite, shaped like pymilvus's.

Every error is a :class:`MilvusException` with ``code`` (veclite's stable status number),
``status`` (its name, e.g. ``"DUPLICATE_PRIMARY_KEY"``) and ``message``. Each core status maps to
exactly one class (see :data:`STATUS_CLASSES`); a NOT_FOUND error takes the class of the kind of
object it names (see :data:`NOT_FOUND_CLASSES`). Class names follow pymilvus where it has one.
"""

from __future__ import annotations

from typing import Dict, Optional, Type

from . import _veclite

__all__ = [
    "MilvusException", "ParamError", "NullArgumentException", "NotFoundException", "CollectionNotExistException",
    "PartitionNotExistException", "FieldNotExistException", "IndexNotExistException", "AlreadyExistsException",
    "DataNotMatchException", "StorageException", "CorruptedException", "UnsupportedFormatException",
    "LockedException", "ConnectionNotExistException", "PoisonedException", "InternalException",
    "PrimaryKeyException", "DimensionMismatchException", "InvalidValueException", "MissingFieldException",
    "CancelledException", "MilvusTimeoutException", "FeatureNotSupportedException", "STATUS_CLASSES",
    "NOT_FOUND_CLASSES",
]


class MilvusException(Exception):
    """Base class of every veclite error: ``code``, ``status`` and ``message``."""

    status_name = "UNKNOWN"
    default_code = -1

    def __init__(self, code: int = -1, message: str = "", status: str | None = None) -> None:
        super().__init__(message)
        self._code = code if code != -1 else self.default_code
        self._message = message
        self._status = status or self.status_name

    @property
    def code(self) -> int:
        """veclite's stable status number (``veclite._veclite.STATUS_NAMES`` lists them)."""
        return self._code

    @property
    def message(self) -> str:
        """What failed, naming the field, the row and the rule where they apply."""
        return self._message

    @property
    def status(self) -> str:
        """The status name, e.g. ``"INVALID_VALUE"``."""
        return self._status

    def __str__(self) -> str:
        return f"<{type(self).__name__}: (code={self.code}, message={self.message})>"


def _cls(name: str, status: str, code: int, base: type = MilvusException, doc: str = "") -> type:
    return type(name, (base,), {"status_name": status, "default_code": code, "__doc__": doc})


ParamError = _cls("ParamError", "INVALID_ARGUMENT", 2, doc="An argument breaks a rule (names, ranges, zero rows).")
NullArgumentException = _cls("NullArgumentException", "NULL_ARGUMENT", 1, ParamError, "A required argument is None.")
NotFoundException = _cls("NotFoundException", "NOT_FOUND", 3, doc="A named object does not exist.")
CollectionNotExistException = _cls("CollectionNotExistException", "NOT_FOUND", 3, NotFoundException)
PartitionNotExistException = _cls("PartitionNotExistException", "NOT_FOUND", 3, NotFoundException)
FieldNotExistException = _cls("FieldNotExistException", "NOT_FOUND", 3, NotFoundException)
IndexNotExistException = _cls("IndexNotExistException", "NOT_FOUND", 3, NotFoundException)
AlreadyExistsException = _cls("AlreadyExistsException", "ALREADY_EXISTS", 4, doc="A named object already exists.")
DataNotMatchException = _cls(
    "DataNotMatchException", "SCHEMA_MISMATCH", 5,
    doc="Data does not fit the schema: wrong type, unknown or repeated field, unequal lengths.",
)
StorageException = _cls("StorageException", "IO", 6, doc="An operating-system I/O error.")
CorruptedException = _cls("CorruptedException", "CORRUPTED", 7, doc="A file failed its checks.")
UnsupportedFormatException = _cls("UnsupportedFormatException", "UNSUPPORTED_FORMAT", 8)
LockedException = _cls("LockedException", "LOCKED", 9, doc="Another process has the directory open.")
ConnectionNotExistException = _cls(
    "ConnectionNotExistException", "CLOSED", 10, doc="The client or connection was closed."
)
PoisonedException = _cls("PoisonedException", "POISONED", 11, doc="An earlier fsync failure; writes refused.")
InternalException = _cls("InternalException", "PANIC", 12, doc="A bug in veclite (a caught panic).")
PrimaryKeyException = _cls(
    "PrimaryKeyException", "DUPLICATE_PRIMARY_KEY", 13, DataNotMatchException,
    "A primary key repeats in the batch, or an insert names an existing key.",
)
DimensionMismatchException = _cls(
    "DimensionMismatchException", "DIMENSION_MISMATCH", 14, DataNotMatchException,
    "A vector has the wrong number of components.",
)
InvalidValueException = _cls(
    "InvalidValueException", "INVALID_VALUE", 15, DataNotMatchException,
    "A value breaks its field's rule: NaN/Inf, VarChar too long, null where not nullable.",
)
MissingFieldException = _cls(
    "MissingFieldException", "MISSING_FIELD", 16, DataNotMatchException,
    "A field that is neither nullable nor defaulted was not supplied.",
)
CancelledException = _cls("CancelledException", "CANCELLED", 17)
MilvusTimeoutException = _cls("MilvusTimeoutException", "DEADLINE_EXCEEDED", 18, doc="`timeout=` expired.")
FeatureNotSupportedException = _cls(
    "FeatureNotSupportedException", "UNSUPPORTED", 19, ParamError,
    "A Milvus feature or parameter veclite does not implement (an index type, range search, ...).",
)

#: The one class of each core status.
STATUS_CLASSES: Dict[str, Type[MilvusException]] = {
    c.status_name: c
    for c in (
        NullArgumentException, ParamError, NotFoundException, AlreadyExistsException, DataNotMatchException,
        StorageException, CorruptedException, UnsupportedFormatException, LockedException,
        ConnectionNotExistException, PoisonedException, InternalException, PrimaryKeyException,
        DimensionMismatchException, InvalidValueException, MissingFieldException, CancelledException,
        MilvusTimeoutException, FeatureNotSupportedException,
    )
}

#: The class of a NOT_FOUND error by the kind of object it names (the native ``object_kind``).
NOT_FOUND_CLASSES: Dict[str, Type[MilvusException]] = {
    "collection": CollectionNotExistException,
    "partition": PartitionNotExistException,
    "field": FieldNotExistException,
    "index": IndexNotExistException,
}


def make(status: str, message: str, object_kind: Optional[str] = None) -> MilvusException:
    """The exception of status name ``status`` with ``message``; a NOT_FOUND error naming an
    ``object_kind`` gets that kind's class."""
    cls = STATUS_CLASSES.get(status, MilvusException)
    if cls is NotFoundException and object_kind is not None:
        cls = NOT_FOUND_CLASSES.get(object_kind, NotFoundException)
    return cls(cls.default_code, message, status)


def translate(e: _veclite.VecliteError) -> MilvusException:
    """Maps a native error ``(code, status, message, object_kind)`` to its class."""
    code, status, message, object_kind = e.args
    err = make(status, message, object_kind)
    err._code = code
    return err
