"""``ignore_growing``: a search that reads only sealed segments, leaving out the rows written
since the last seal (flush or automatic seal), as Milvus's search leaves out growing segments."""

from __future__ import annotations

from typing import Any, Dict, Optional

from .exceptions import ParamError


def with_ignore_growing(search_params: Optional[Dict[str, Any]], kwargs: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    """``search_params`` with the ``ignore_growing`` keyword argument of a search added (pymilvus
    reads it from either place; the core reads it from the search params). A non-bool value,
    or a value that contradicts the one in ``search_params``, is a ParamError."""
    if "ignore_growing" not in kwargs:
        return search_params
    value = kwargs["ignore_growing"]
    if not isinstance(value, bool):
        raise ParamError(message=f"search: ignore_growing must be a bool, got {type(value).__name__}")
    params = dict(search_params or {})
    if params.get("ignore_growing", value) != value:
        raise ParamError(message=f"search: ignore_growing is given twice: {value!r} and {params['ignore_growing']!r}"
                                 " in search_params")
    params["ignore_growing"] = value
    return params
