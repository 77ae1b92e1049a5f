"""Schema types: :class:`DataType`, :class:`FieldSchema`, :class:`CollectionSchema` (pymilvus shapes)."""

from __future__ import annotations

from enum import IntEnum
from typing import Any, Dict, List, Optional

from ._args import refuse_unknown, uint
from .exceptions import ParamError


class DataType(IntEnum):
    """Field types, with pymilvus's numbers. veclite stores BOOL, INT8..INT64, FLOAT, DOUBLE,
    VARCHAR, JSON, FLOAT_VECTOR, BINARY_VECTOR, FLOAT16_VECTOR, BFLOAT16_VECTOR, INT8_VECTOR,
    SPARSE_FLOAT_VECTOR and ARRAY;
    the others exist so code that names them imports, and raise
    :class:`ParamError` when used in a schema."""

    NONE = 0
    BOOL = 1
    INT8 = 2
    INT16 = 3
    INT32 = 4
    INT64 = 5
    FLOAT = 10
    DOUBLE = 11
    STRING = 20
    VARCHAR = 21
    ARRAY = 22
    JSON = 23
    BINARY_VECTOR = 100
    FLOAT_VECTOR = 101
    FLOAT16_VECTOR = 102
    BFLOAT16_VECTOR = 103
    SPARSE_FLOAT_VECTOR = 104
    INT8_VECTOR = 105
    UNKNOWN = 999


SUPPORTED = {
    DataType.BOOL, DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64,
    DataType.FLOAT, DataType.DOUBLE, DataType.VARCHAR, DataType.JSON, DataType.FLOAT_VECTOR,
    DataType.BINARY_VECTOR, DataType.FLOAT16_VECTOR, DataType.BFLOAT16_VECTOR, DataType.INT8_VECTOR,
    DataType.ARRAY, DataType.SPARSE_FLOAT_VECTOR,
}

#: The element types an ARRAY field may hold (as in Milvus).
ARRAY_ELEMENTS = {
    DataType.BOOL, DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64,
    DataType.FLOAT, DataType.DOUBLE, DataType.VARCHAR,
}

#: The vector types.
VECTORS = (
    DataType.FLOAT_VECTOR, DataType.BINARY_VECTOR, DataType.FLOAT16_VECTOR, DataType.BFLOAT16_VECTOR,
    DataType.INT8_VECTOR, DataType.SPARSE_FLOAT_VECTOR,
)

#: Name of the hidden JSON field that keeps each entity's dynamic keys (as in Milvus).
DYNAMIC_FIELD = "$meta"


def _applies(param: str, dtype: "DataType") -> bool:
    """Whether veclite acts on type parameter ``param`` of a ``dtype`` field."""
    return (
        (param == "dim" and dtype in VECTORS and dtype != DataType.SPARSE_FLOAT_VECTOR)
        or (param == "max_length" and dtype in (DataType.VARCHAR, DataType.ARRAY))
        or (param == "max_capacity" and dtype == DataType.ARRAY)
    )


def _to_int(value: Any, what: str) -> Optional[int]:
    """``value`` (an int, or its decimal text as pymilvus's type params carry it) as an int in
    the native range [0, 2**32 - 1]; None passes."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise ParamError(message=f"{what} must be an integer, got {value!r}") from None
    return uint(what, value, 0, 2**32 - 1)


def _element_type(name: str, value: Any) -> Optional[DataType]:
    """The element type of an ARRAY field (a ``DataType``, its number or its name); None passes."""
    if value is None:
        return None
    try:
        et = DataType[value.upper()] if isinstance(value, str) else DataType(value)
    except (KeyError, ValueError):
        raise ParamError(message=f"field `{name}`: unknown element_type {value!r}") from None
    if et not in ARRAY_ELEMENTS:
        raise ParamError(
            message=f"field `{name}`: element_type {et.name} is not supported for an ARRAY field (BOOL, INT8, "
            "INT16, INT32, INT64, FLOAT, DOUBLE or VARCHAR)"
        )
    return et


class FieldSchema:
    """One field: ``FieldSchema(name, dtype, description="", is_primary=False, auto_id=False,
    nullable=False, default_value=None, dim=None, max_length=None, is_dynamic=False,
    element_type=None, max_capacity=None)``.

    A ``DataType.ARRAY`` field holds per entity a list of at most ``max_capacity`` (1..4096)
    values of ``element_type`` (BOOL, INT8..INT64, FLOAT, DOUBLE, or VARCHAR with
    ``max_length``); rows are given as lists or 1-D numpy arrays and read back as lists.

    A ``DataType.JSON`` field holds any JSON value per entity (dicts, lists, scalars); reads
    return it parsed. ``is_dynamic`` exists as in pymilvus, but a collection cannot be created
    with a field marked dynamic: ``enable_dynamic_field`` on the schema adds the hidden
    ``$meta`` field instead."""

    def __init__(self, name: str, dtype: DataType, description: str = "", **kwargs: Any) -> None:
        self.name = name
        if not isinstance(dtype, DataType):
            try:
                dtype = DataType(dtype)
            except ValueError:
                raise ParamError(message=f"field `{name}`: unknown data type {dtype!r}") from None
        self.dtype = dtype
        self.description = description
        self.is_primary = bool(kwargs.pop("is_primary", False))
        self.auto_id = bool(kwargs.pop("auto_id", False))
        self.nullable = bool(kwargs.pop("nullable", False))
        self.default_value = kwargs.pop("default_value", None)
        self.is_partition_key = bool(kwargs.pop("is_partition_key", False))
        self.is_dynamic = bool(kwargs.pop("is_dynamic", False))
        params = dict(kwargs.pop("params", None) or {})
        params.update(kwargs.pop("type_params", None) or {})
        params.update(kwargs)
        self.dim = _to_int(params.pop("dim", None), f"dim of field `{name}`")
        self.max_length = _to_int(params.pop("max_length", None), f"max_length of field `{name}`")
        self.max_capacity = _to_int(params.pop("max_capacity", None), f"max_capacity of field `{name}`")
        self.element_type = _element_type(name, params.pop("element_type", None))
        self.params = params

    @property
    def type(self) -> DataType:  # pymilvus spelling
        return self.dtype

    def to_dict(self) -> Dict[str, Any]:
        """The pymilvus-style description of the field."""
        d: Dict[str, Any] = {"name": self.name, "description": self.description, "type": self.dtype}
        params: Dict[str, Any] = {}
        if self.dim is not None:
            params["dim"] = self.dim
        if self.max_length is not None:
            params["max_length"] = self.max_length
        if self.max_capacity is not None:
            params["max_capacity"] = self.max_capacity
        d["params"] = params
        if self.element_type is not None:
            d["element_type"] = self.element_type
        if self.is_primary:
            d["is_primary"] = True
        if self.auto_id:
            d["auto_id"] = True
        if self.nullable:
            d["nullable"] = True
        if self.default_value is not None:
            d["default_value"] = self.default_value
        if self.is_dynamic:
            d["is_dynamic"] = True
        if self.is_partition_key:
            d["is_partition_key"] = True
        return d

    def _native(self) -> Dict[str, Any]:
        if self.dtype not in SUPPORTED:
            raise ParamError(message=f"field `{self.name}`: data type {self.dtype.name} is not supported by veclite")
        if self.element_type is not None and self.dtype != DataType.ARRAY:
            raise ParamError(message=f"field `{self.name}`: element_type applies to ARRAY fields only")
        if self.dtype == DataType.ARRAY and (self.element_type is None or self.max_capacity is None):
            raise ParamError(message=f"field `{self.name}`: an ARRAY field needs element_type and max_capacity")
        for key, given in (
            ("dim", self.dim), ("max_length", self.max_length), ("max_capacity", self.max_capacity),
            *self.params.items(),
        ):
            if given is not None and not _applies(key, self.dtype):
                raise ParamError(message=f"field `{self.name}`: parameter `{key}` is not supported for a "
                                 f"{self.dtype.name} field")
        if self.is_dynamic:
            raise ParamError(
                message=f"field `{self.name}`: cannot explicitly set a field as a dynamic field (use "
                "enable_dynamic_field=True on the schema)"
            )
        return {
            "name": self.name, "type": self.dtype.name, "dim": self.dim, "max_length": self.max_length,
            "is_primary": self.is_primary, "auto_id": self.auto_id, "nullable": self.nullable,
            "default_value": self.default_value, "description": self.description,
            "element_type": self.element_type.name if self.element_type is not None else None,
            "max_capacity": self.max_capacity,
            "is_partition_key": self.is_partition_key,
        }

    @classmethod
    def _from_native(cls, d: Dict[str, Any]) -> "FieldSchema":
        kw: Dict[str, Any] = {}
        if "dim" in d:
            kw["dim"] = d["dim"]
        if "max_length" in d:
            kw["max_length"] = d["max_length"]
        if "element_type" in d:
            kw["element_type"] = DataType[d["element_type"]]
            kw["max_capacity"] = d["max_capacity"]
        return cls(
            d["name"], DataType[d["type"]], d.get("description", ""), is_primary=d["is_primary"],
            auto_id=d["auto_id"], nullable=d["nullable"], default_value=d["default_value"],
            is_dynamic=d.get("is_dynamic", False), is_partition_key=d.get("is_partition_key", False), **kw,
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldSchema) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return repr(self.to_dict())


class CollectionSchema:
    """A schema: ``CollectionSchema(fields, description="", auto_id=None,
    enable_dynamic_field=False)``. Also built step by step with :meth:`add_field`
    (``MilvusClient.create_schema().add_field(...)``).

    With ``enable_dynamic_field=True`` a row's keys that are not fields are kept per entity in
    a hidden JSON field ``$meta``: reads return them as top-level keys and filters name them
    like fields (``color == "red"``, ``$meta["color"]``). ``fields`` never lists ``$meta``."""

    def __init__(self, fields: Optional[List[FieldSchema]] = None, description: str = "",
                 functions: Optional[List[Any]] = None, **kwargs: Any) -> None:
        refuse_unknown("CollectionSchema", kwargs,
                       ("enable_dynamic_field", "auto_id", "primary_field", "partition_key_field"))
        self.fields: List[FieldSchema] = []
        self.functions: List[Any] = []
        for fn in functions or []:
            self.add_function(fn)
        self.description = description
        self.enable_dynamic_field = bool(kwargs.get("enable_dynamic_field", False))
        self._auto_id = kwargs.get("auto_id")
        self._primary_field = kwargs.get("primary_field")
        self._partition_key_field = kwargs.get("partition_key_field")
        for f in fields or []:
            self._append(f)

    def _append(self, f: FieldSchema) -> None:
        """Adds a field, marking it primary (``primary_field``) and auto_id (``auto_id``) as the
        schema's arguments say, whether the field came with the schema or later."""
        if self._primary_field is not None and f.name == self._primary_field:
            f.is_primary = True
        if self._auto_id is not None and f.is_primary:
            f.auto_id = bool(self._auto_id)
        if self._partition_key_field is not None and f.name == self._partition_key_field:
            f.is_partition_key = True
        self.fields.append(f)

    def add_field(self, field_name: str, datatype: DataType, **kwargs: Any) -> "CollectionSchema":
        """Appends a field; returns the schema so calls chain."""
        desc = kwargs.pop("description", "")
        self._append(FieldSchema(field_name, datatype, desc, **kwargs))
        return self

    def add_function(self, function: Any) -> "CollectionSchema":
        """Appends a :class:`veclite.Function`; returns the schema so calls chain. (A collection
        cannot be created from a schema with a function: veclite runs none yet.)"""
        from ._function import Function

        if not isinstance(function, Function):
            raise ParamError(message=f"add_function takes a Function, got {type(function).__name__}")
        self.functions.append(function)
        return self

    def verify(self) -> None:
        """Checks the schema as creating a collection from it does (field types and parameters,
        one primary key, no functions); raises :class:`veclite.ParamError` naming the problem."""
        self._native_fields()
        if sum(f.is_primary for f in self.fields) != 1:
            raise ParamError(message="a schema needs exactly one primary key field (is_primary=True)")

    def _native_fields(self) -> List[Dict[str, Any]]:
        """The fields as the native module takes them (every setting checked)."""
        for fn in self.functions:
            raise fn.unsupported()
        if self._primary_field is not None and all(f.name != self._primary_field for f in self.fields):
            raise ParamError(message=f"primary_field `{self._primary_field}` is not a field of the schema")
        key = self._partition_key_field
        if key is not None and all(f.name != key for f in self.fields):
            raise ParamError(message=f"the specified partition key field {key} not exist")
        return [f._native() for f in self.fields]

    @property
    def primary_field(self) -> Optional[FieldSchema]:
        return next((f for f in self.fields if f.is_primary), None)

    @property
    def auto_id(self) -> bool:
        pk = self.primary_field
        return bool(pk and pk.auto_id)

    def to_dict(self) -> Dict[str, Any]:
        d = {
            "auto_id": self.auto_id, "description": self.description,
            "fields": [f.to_dict() for f in self.fields], "enable_dynamic_field": self.enable_dynamic_field,
        }
        if self.functions:
            d["functions"] = [fn.to_dict() for fn in self.functions]
        return d

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CollectionSchema) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return repr(self.to_dict())
