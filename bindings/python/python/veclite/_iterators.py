"""Query and search iterators, as pymilvus's ``query_iterator`` / ``search_iterator`` return them.

A query iterator pages through the rows matching a filter in ascending primary-key order: each
page is the next ``batch_size`` keys after the last key returned, read by the core from one
consistent state. No key comes back twice, and every row that stays alive (not deleted, key
unchanged) for the whole iteration comes back once, whatever writes run between pages; memory
is bounded by the batch.

A search iterator pages through the hits of one query vector from best to worst: each page is
a range search whose inclusive bound is the last page's worst distance, with the keys already
returned at exactly that distance filtered out. On FLAT (exact) search no hit comes back twice
and none alive for the whole iteration is skipped; on an IVF index searched without an
``nprobe``, every page probes every list (as Milvus's iterator goes on to the farther lists
until all are read), which makes the iteration exact too; on other approximate indexes (and with
an ``nprobe``) the pages are as good as the index's range search.

A search iterator with an ``external_filter_func`` (a callback given each page of hits, which
returns the hits to keep) pages through the kept hits: it reads the search's pages until it has
``batch_size`` kept hits or the search is over, keeps the surplus for the next page, and counts
``limit`` in kept hits, as pymilvus's search iterator v2 does.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, Union

from ._args import check_round_decimal, refuse_unknown, render_filter, search_params, uint
from ._core import Hits, call, rows_from_columns, search_result
from ._data import query_vectors
from .exceptions import ParamError

if TYPE_CHECKING:
    from ._core import Engine

#: Milvus's largest iterator batch (and largest query window).
MAX_BATCH_SIZE = 16384
#: ``limit`` of an iterator that returns every row.
UNLIMITED = -1

_HIGHER_IS_BETTER = ("IP", "COSINE")
#: The open bound of an iterator page's range search: every finite distance is within it.
_FAR = 3.0e38


def _batch_size(value: Any) -> int:
    return uint("batch_size", value, 1, MAX_BATCH_SIZE)


def _limit(value: Any) -> Optional[int]:
    """``limit`` as a row count, None for ``UNLIMITED`` (-1)."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value == UNLIMITED):
        return None
    return uint("limit", value)


class QueryIterator:
    """Pages of a query in primary-key order: :meth:`next` returns the next list of rows (at most
    ``batch_size``), an empty list once done; :meth:`close` ends the iteration early."""

    def __init__(self, engine: "Engine", collection: str, batch_size: Any, limit: Any, expr: Optional[str],
                 output_fields: Optional[Sequence[str]], partition_names: Optional[Sequence[str]],
                 timeout: Optional[float], offset: Any = 0) -> None:
        self._engine = engine
        self._name = collection
        self._batch = _batch_size(batch_size)
        self._left = _limit(limit)
        self._expr = expr or ""
        if not isinstance(self._expr, str):
            raise ParamError(message=f"the iterator's filter must be a str, got {self._expr!r}")
        self._fields = engine.output(collection, output_fields)
        self._partitions = list(partition_names or [])
        self._timeout = timeout
        self._pk = engine.pk_name(collection)
        self._after: Any = None
        self._done = False
        skip = uint("offset", offset)
        while skip and not self._done:
            skip -= len(self._page(min(skip, MAX_BATCH_SIZE)))

    def _page(self, n: int) -> List[Dict[str, Any]]:
        cols = call(self._engine.db.query_page, self._name, self._expr, self._fields, self._after, n,
                    self._partitions, self._timeout)
        rows = rows_from_columns(cols)
        if len(rows) < n:
            self._done = True
        if rows:
            self._after = rows[-1][self._pk]
        return rows

    def next(self) -> List[Dict[str, Any]]:
        """The next page of rows (each a dict of the key and the output fields), in key order;
        ``[]`` when the iteration is over."""
        if self._done or self._left == 0:
            return []
        n = self._batch if self._left is None else min(self._batch, self._left)
        rows = self._page(n)
        if self._left is not None:
            self._left -= len(rows)
        return rows

    def close(self) -> None:
        """Ends the iteration: :meth:`next` returns ``[]`` from now on."""
        self._done = True


#: Index types whose search reads ``nprobe`` of their ``nlist`` lists.
_IVF_TYPES = ("IVF_FLAT", "BIN_IVF_FLAT")


def _every_list(engine: "Engine", collection: str, anns_field: Optional[str]) -> Dict[str, Any]:
    """``{"nprobe": nlist}`` when the searched field has an IVF index (so an iterator page probes
    every list), else nothing."""
    ivf = [d for d in call(engine.db.describe_index, collection, None)
           if d.get("index_type") in _IVF_TYPES and anns_field in (None, d.get("field_name"))]
    return {"nprobe": str(ivf[0]["nlist"])} if len(ivf) == 1 and "nlist" in ivf[0] else {}


class SearchIterator:
    """Pages of one vector's search, best hits first: :meth:`next` returns the next
    :class:`Hits` (at most ``batch_size``), an empty one once done; :meth:`close` ends early."""

    def __init__(self, engine: "Engine", collection: str, data: Any, batch_size: Any, limit: Any,
                 expr: Optional[str], output_fields: Optional[Sequence[str]], params: Optional[Dict[str, Any]],
                 partition_names: Optional[Sequence[str]], anns_field: Optional[str], round_decimal: Any,
                 timeout: Optional[float]) -> None:
        queries = query_vectors(data)
        if len(queries) != 1:
            raise ParamError(message=f"search_iterator searches with one vector, got {len(queries)}")
        p = search_params(params)
        if p.offset:
            raise ParamError(message="search_iterator does not take an offset: it pages through every hit")
        self._engine = engine
        self._name = collection
        self._queries = queries
        self._batch = _batch_size(batch_size)
        self._left = _limit(limit)
        self._expr = expr or ""
        self._fields = list(output_fields or [])
        self._partitions = list(partition_names or [])
        self._anns = anns_field
        self._decimals = check_round_decimal(round_decimal)
        self._timeout = timeout
        self._metric = (p.metric or engine.default_metric(collection, anns_field)).upper()
        given = dict(p.params)
        self._radius: Optional[str] = given.pop("radius", None)
        self._first_filter: Optional[str] = given.pop("range_filter", None)
        if "nprobe" not in given:
            given.update(_every_list(engine, collection, anns_field))
        self._params = list(given.items())
        self._pk = engine.pk_name(collection)
        self._tail: Optional[float] = None
        self._seen_at_tail: List[Any] = []
        self._done = False

    def _range(self) -> List[Any]:
        """The range params of the next page: the caller's on the first, then from the tail."""
        if self._tail is None:
            bounds = [("radius", self._radius)] if self._radius is not None else []
            if self._first_filter is not None:
                bounds.append(("range_filter", self._first_filter))
            return bounds
        far = -_FAR if self._metric in _HIGHER_IS_BETTER else _FAR
        radius = self._radius if self._radius is not None else repr(far)
        return [("radius", radius), ("range_filter", repr(self._tail))]

    def _filter(self) -> str:
        if not self._seen_at_tail:
            return self._expr
        seen = f"{self._pk} not in {json.dumps(self._seen_at_tail, ensure_ascii=False)}"
        return f"({self._expr}) and {seen}" if self._expr else seen

    def next(self) -> Hits:
        """The next page of hits (``id``, ``distance``, ``entity``), best first; empty when the
        iteration is over."""
        if self._done or self._left == 0:
            return Hits()
        n = self._batch if self._left is None else min(self._batch, self._left)
        res = call(self._engine.db.search, self._name, self._queries, n, self._metric, self._anns, self._partitions,
                   self._filter(), [f for f in self._fields if f != self._pk], 0, self._params + self._range(),
                   self._timeout, None, None)
        hits = search_result(self._pk, self._fields, res)[0]
        if not hits:
            self._done = True
            return hits
        tail = hits[-1].distance
        at_tail = [h.id for h in hits if h.distance == tail]
        self._seen_at_tail = self._seen_at_tail + at_tail if tail == self._tail else at_tail
        self._tail = tail
        if self._left is not None:
            self._left -= len(hits)
        if self._decimals >= 0:
            for h in hits:
                h["distance"] = round(h["distance"], self._decimals)
        return hits

    def close(self) -> None:
        """Ends the iteration: :meth:`next` returns an empty page from now on."""
        self._done = True


#: What an ``external_filter_func`` is: the hits of a page in, the hits to keep out.
ExternalFilter = Callable[[Hits], Union[Hits, List[Any]]]


class FilteredSearchIterator:
    """A :class:`SearchIterator` whose pages pass through ``external_filter_func``: :meth:`next`
    returns the next ``batch_size`` kept hits (fewer at the end), an empty page once done."""

    def __init__(self, inner: SearchIterator, external_filter_func: ExternalFilter, batch_size: int,
                 limit: Optional[int]) -> None:
        self._inner = inner
        self._keep = external_filter_func
        self._batch = batch_size
        self._left = limit
        self._cache: List[Any] = []

    def next(self) -> Hits:
        """The next page of kept hits, best first; empty when the iteration is over."""
        target = self._batch if self._left is None else min(self._batch, self._left)
        while len(self._cache) < target:
            hits = self._inner.next()
            if not hits:
                break
            kept = self._keep(hits)
            if kept is None or isinstance(kept, (str, bytes, dict)):
                raise ParamError(message=f"external_filter_func must return the hits to keep (a list of hits), "
                                         f"got {type(kept).__name__}")
            self._cache.extend(kept)
        page = Hits(self._cache[:target])
        del self._cache[:target]
        if self._left is not None:
            self._left -= len(page)
        return page

    def close(self) -> None:
        """Ends the iteration: :meth:`next` returns an empty page from now on."""
        self._inner.close()
        self._cache.clear()
        self._left = 0


def query_iterator(engine: "Engine", collection: str, batch_size: Any, limit: Any, expr: Optional[str],
                   output_fields: Optional[Sequence[str]], partition_names: Optional[Sequence[str]],
                   timeout: Optional[float], kwargs: Dict[str, Any], params_key: str) -> QueryIterator:
    """A :class:`QueryIterator` from pymilvus's arguments (``offset`` and the filter-template
    kwarg ``params_key`` allowed; every other kwarg refused)."""
    refuse_unknown("query_iterator", kwargs, ("offset", params_key))
    expr = render_filter(expr, kwargs.get(params_key))
    return QueryIterator(engine, collection, batch_size, limit, expr, output_fields, partition_names, timeout,
                         kwargs.get("offset", 0))


def search_iterator(engine: "Engine", collection: str, data: Any, batch_size: Any, limit: Any, expr: Optional[str],
                    output_fields: Optional[Sequence[str]], params: Optional[Dict[str, Any]],
                    partition_names: Optional[Sequence[str]], anns_field: Optional[str], round_decimal: Any,
                    timeout: Optional[float], kwargs: Dict[str, Any], params_key: str,
                    external_filter_func: Optional[ExternalFilter] = None,
                    ) -> Union[SearchIterator, FilteredSearchIterator]:
    """A :class:`SearchIterator` from pymilvus's arguments (the filter-template kwarg
    ``params_key`` allowed; every other kwarg refused); with ``external_filter_func``, a
    :class:`FilteredSearchIterator` over it."""
    refuse_unknown("search_iterator", kwargs, (params_key,))
    expr = render_filter(expr, kwargs.get(params_key))
    if external_filter_func is None:
        return SearchIterator(engine, collection, data, batch_size, limit, expr, output_fields, params,
                              partition_names, anns_field, round_decimal, timeout)
    if not callable(external_filter_func):
        raise ParamError(message=f"external_filter_func must be callable, got {type(external_filter_func).__name__}")
    inner = SearchIterator(engine, collection, data, batch_size, UNLIMITED, expr, output_fields, params,
                           partition_names, anns_field, round_decimal, timeout)
    return FilteredSearchIterator(inner, external_filter_func, _batch_size(batch_size), _limit(limit))
