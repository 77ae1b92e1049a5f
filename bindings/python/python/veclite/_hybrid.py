"""pymilvus's hybrid-search request and rankers: :class:`AnnSearchRequest`,
:class:`RRFRanker`, :class:`WeightedRanker` (``from pymilvus import ...`` works with
``from veclite import ...``). The fusion itself is the core's."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from ._args import render_filter
from .exceptions import ParamError


class AnnSearchRequest:
    """One ANN search of a hybrid search.

    :param data: the query vectors.
    :param anns_field: the vector field searched.
    :param param: search params, as for ``search`` (``metric_type``, ``params``).
    :param limit: hits this request contributes per query.
    :param expr: a filter; ``expr_params`` fills its ``{name}`` placeholders.
    """

    def __init__(self, data: Any, anns_field: str, param: Dict[str, Any], limit: int, expr: Optional[str] = None,
                 expr_params: Optional[Dict[str, Any]] = None) -> None:
        if not isinstance(anns_field, str) or not anns_field:
            raise ParamError(message=f"anns_field must be a field name, got {anns_field!r}")
        self.data = data
        self.anns_field = anns_field
        self.param = param
        self.limit = limit
        self.expr = render_filter(expr, expr_params)

    def __repr__(self) -> str:
        return f"AnnSearchRequest(anns_field={self.anns_field!r}, param={self.param!r}, limit={self.limit})"


class BaseRanker:
    """A ranker fusing the hits of a hybrid search's requests."""

    def _native(self) -> Tuple[str, List[float], bool]:
        raise NotImplementedError


class RRFRanker(BaseRanker):
    """Reciprocal-rank fusion: a hit scores ``sum(1 / (k + rank))`` over the requests that
    returned it (``rank`` from 1). ``k`` in (0, 16384), default 60."""

    def __init__(self, k: int = 60) -> None:
        if isinstance(k, bool) or not isinstance(k, (int, float)):
            raise ParamError(message=f"RRFRanker k must be a number, got {k!r}")
        self.k = k

    def _native(self) -> Tuple[str, List[float], bool]:
        return "rrf", [float(self.k)], False

    def dict(self) -> Dict[str, Any]:
        return {"strategy": "rrf", "params": {"k": self.k}}


class WeightedRanker(BaseRanker):
    """Weighted scores: one weight in [0, 1] per request; with ``norm_score`` (default) each
    score is first mapped to [0, 1] for its metric, as Milvus does."""

    def __init__(self, *weights: float, norm_score: bool = True) -> None:
        for w in weights:
            if isinstance(w, bool) or not isinstance(w, (int, float)):
                raise ParamError(message=f"WeightedRanker weights must be numbers, got {w!r}")
        self.weights = [float(w) for w in weights]
        self.norm_score = bool(norm_score)

    def _native(self) -> Tuple[str, List[float], bool]:
        return "weighted", self.weights, self.norm_score

    def dict(self) -> Dict[str, Any]:
        return {"strategy": "weighted", "params": {"weights": self.weights, "norm_score": self.norm_score}}
