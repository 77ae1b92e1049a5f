"""pymilvus's schema :class:`Function` (``from pymilvus import Function, FunctionType``).

A function is built and checked as pymilvus builds it, so schemas that name one construct;
veclite runs no function yet (BM25 full-text search, text embedding, rerank and MinHash need
engine features it does not have), so creating a collection from a schema with a function
raises :class:`veclite.ParamError` naming the function."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Union

from ._client_types import FunctionType
from .exceptions import FeatureNotSupportedException, ParamError


def _names(what: str, value: Union[str, List[str], None]) -> List[str]:
    """``value`` (one name or a list of names) as a list of field names."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ParamError(message=f"the {what} field names of a function must be a string or a list of strings, "
                         f"got {value!r}")
    return list(value)


class Function:
    """A schema function: ``Function(name, function_type, input_field_names,
    output_field_names=None, description="", params=None)``.

    :param name: the function's name.
    :param function_type: a :class:`FunctionType` (or its number).
    :param input_field_names: the field (or fields) the function reads.
    :param output_field_names: the field (or fields) it writes.
    :param description: free text.
    :param params: the function's parameters (a dict).
    :raises ParamError: on a wrong argument type, an unknown type, or a field named twice.
    """

    def __init__(self, name: str, function_type: FunctionType, input_field_names: Union[str, List[str]],
                 output_field_names: Optional[Union[str, List[str]]] = None, description: str = "",
                 params: Optional[Dict[str, Any]] = None) -> None:
        if not isinstance(name, str):
            raise ParamError(message=f"the name of a function must be a string, got {type(name).__name__}")
        if not isinstance(description, str):
            raise ParamError(message=f"the description of function `{name}` must be a string")
        try:
            self._type = FunctionType(function_type)
        except ValueError:
            raise ParamError(message=f"function `{name}`: unknown function type {function_type!r}") from None
        inputs = _names("input", input_field_names)
        outputs = _names("output", output_field_names)
        if len(inputs) != len(set(inputs)):
            raise ParamError(message=f"function `{name}`: an input field is named twice")
        if len(outputs) != len(set(outputs)):
            raise ParamError(message=f"function `{name}`: an output field is named twice")
        if set(inputs) & set(outputs):
            raise ParamError(message=f"function `{name}`: a field cannot be both input and output")
        if params is not None and not isinstance(params, dict):
            raise ParamError(message=f"function `{name}`: params must be a dict")
        self._name = name
        self._description = description
        self._input_field_names = inputs
        self._output_field_names = outputs
        self._params: Dict[str, Any] = params if params is not None else {}

    @property
    def name(self) -> str:
        return self._name

    @property
    def description(self) -> str:
        return self._description

    @property
    def type(self) -> FunctionType:
        return self._type

    @property
    def input_field_names(self) -> List[str]:
        return self._input_field_names

    @property
    def output_field_names(self) -> List[str]:
        return self._output_field_names

    @property
    def params(self) -> Dict[str, Any]:
        return self._params

    def unsupported(self) -> FeatureNotSupportedException:
        """The error a collection created with this function raises."""
        return FeatureNotSupportedException(
            message=f"function `{self._name}` ({self._type.name}): schema functions are not supported by veclite"
            " (no full-text search, embedding or rerank functions yet); create the collection without functions")

    def to_dict(self) -> Dict[str, Any]:
        return {"name": self._name, "description": self._description, "type": self._type,
                "input_field_names": self._input_field_names, "output_field_names": self._output_field_names,
                "params": self._params}

    @classmethod
    def construct_from_dict(cls, raw: Dict[str, Any]) -> "Function":
        return cls(raw["name"], raw["type"], list(raw["input_field_names"]), list(raw["output_field_names"]),
                   raw.get("description", ""), raw.get("params"))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Function) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return repr(self.to_dict())
