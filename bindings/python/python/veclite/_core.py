"""The shared engine behind ``MilvusClient`` and the ORM: one open database per directory per
process, schema cache, data conversion and error translation."""

from __future__ import annotations

import threading
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, TypeVar

import numpy as np

from . import _veclite
from ._args import check_round_decimal, check_same_options, local_path, search_params, uint
from ._data import query_vectors, rows_from_columns, to_columns
from . import _sparse
from . import _vectors as _packed
from ._partial import check_partial_rows
from ._types import VECTORS, CollectionSchema, DataType, FieldSchema
from .exceptions import CollectionNotExistException, ConnectionNotExistException, ParamError, translate

T = TypeVar("T")

_lock = threading.Lock()
_open: Dict[str, Tuple[_veclite.Database, int]] = {}


def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Calls a native function, raising the MilvusException subclass of its status. An integer
    argument out of the native type's range (which the Python layer checks first) is a
    ParamError too, never a raw OverflowError."""
    try:
        return fn(*args, **kwargs)
    except _veclite.VecliteError as e:
        raise translate(e) from None
    except OverflowError as e:
        raise ParamError(message=str(e)) from None


class Engine:
    """A reference to the process-wide open database of one directory."""

    def __init__(self, uri: str, options: Optional[Dict[str, Any]] = None) -> None:
        """Opens the directory of ``uri`` with ``options`` (from :func:`veclite._args.open_options`;
        None = the defaults), or joins the database this process has open there, which must
        have been opened with the same options (else ParamError)."""
        self.path = local_path(uri)
        options = options or {}
        with _lock:
            db, refs = _open.get(self.path, (None, 0))
            if db is None or not db.is_open():
                db, refs = call(_veclite.Database, self.path, **options), 0
            else:
                check_same_options(self.path, call(db.options), options)
            _open[self.path] = (db, refs + 1)
        self._db: Optional[_veclite.Database] = db
        # The handle working in the database chosen by ``_databases.use_database`` (None = default).
        self._scoped: Optional[_veclite.Database] = None
        self._fields: Dict[str, Tuple[List[FieldSchema], bool]] = {}

    @property
    def db(self) -> _veclite.Database:
        if self._db is None:
            raise ConnectionNotExistException(message="the client is closed")
        return self._scoped or self._db

    def close(self) -> None:
        """Drops this reference; the database closes when the last one goes. Idempotent."""
        if self._db is None:
            return
        with _lock:
            db, refs = _open.get(self.path, (None, 0))
            if db is self._db:
                if refs <= 1:
                    del _open[self.path]
                    call(db.close)
                else:
                    _open[self.path] = (db, refs - 1)
        self._db = None

    # --- schema ------------------------------------------------------------------------------

    def create_collection(self, name: str, schema: CollectionSchema, consistency_level: Optional[int] = None,
                          properties: Sequence[Tuple[str, str]] = (), num_partitions: Optional[int] = None
                          ) -> None:
        """Creates the collection with its settings (``consistency_level`` as pymilvus's number,
        ``properties`` as ``(key, value)`` strings, ``num_partitions`` of a partition-key
        collection) in the core's catalog."""
        if num_partitions is not None and (isinstance(num_partitions, bool) or not isinstance(num_partitions, int)
                                           or num_partitions < 0):
            raise ParamError(message=f"num_partitions must be a positive int, got {num_partitions!r}")
        if not isinstance(schema, CollectionSchema):
            raise ParamError(message=f"schema must be a CollectionSchema, got {type(schema).__name__}")
        fields = schema._native_fields()
        self._fields.pop(name, None)
        call(self.db.create_collection, name, fields, schema.description, bool(schema.enable_dynamic_field),
             consistency_level, None, list(properties), num_partitions)

    def describe(self, name: str) -> Dict[str, Any]:
        """The native description; ``fields`` includes the hidden ``$meta`` field (``is_dynamic``)."""
        return call(self.db.describe_collection, name)

    def _layout(self, name: str) -> Tuple[List[FieldSchema], bool]:
        """The visible fields and whether dynamic fields are on (cached per collection)."""
        layout = self._fields.get(name)
        if layout is None:
            d = self.describe(name)
            layout = (visible_fields(d), bool(d["enable_dynamic_field"]))
            self._fields[name] = layout
        return layout

    def fields(self, name: str) -> List[FieldSchema]:
        """The schema's fields without the hidden ``$meta`` field."""
        return self._layout(name)[0]

    def dynamic(self, name: str) -> bool:
        """Whether the collection keeps row keys that are not fields (``enable_dynamic_field``)."""
        return self._layout(name)[1]

    def schema(self, name: str) -> CollectionSchema:
        d = self.describe(name)
        return CollectionSchema(visible_fields(d), d["description"], enable_dynamic_field=d["enable_dynamic_field"])

    def forget(self, name: str) -> None:
        self._fields.pop(name, None)

    def drop_collection(self, name: str) -> None:
        """Drops the collection; a collection that does not exist is no error (as in Milvus)."""
        self.forget(name)
        try:
            call(self.db.drop_collection, name)
        except CollectionNotExistException:
            pass

    def pk_name(self, name: str) -> str:
        return next(f.name for f in self.fields(name) if f.is_primary)

    def vector_fields(self, name: str) -> List[str]:
        return [f.name for f in self.fields(name) if f.dtype in VECTORS]

    # --- writes ------------------------------------------------------------------------------

    def write(self, name: str, data: Any, partition: Optional[str], upsert: bool,
              timeout: Optional[float]) -> Dict[str, Any]:
        self.db  # a closed client fails before data conversion
        columns = to_columns(self.fields(name), data, self.dynamic(name))
        return call(self.db.write, name, partition or "", columns, upsert, timeout)

    def partial_upsert(self, name: str, data: Any, partition: Optional[str], timeout: Optional[float],
                       ops: Sequence[Tuple[str, str]] = ()) -> Dict[str, Any]:
        """An upsert in merge mode (``partial_update=True``) with the field operations ``ops``
        (``(field, "array_append" | "array_remove")``): see ``MilvusClient.upsert``."""
        self.db
        fields = self.fields(name)
        check_partial_rows(fields, data)
        columns = to_columns(fields, data, self.dynamic(name))
        return call(self.db.partial_upsert, name, partition or "", columns, timeout, list(ops))

    def delete(self, name: str, partition: Optional[str], expr: Optional[str] = None, ids: Any = None,
               timeout: Optional[float] = None) -> Dict[str, Any]:
        if ids is not None:
            if isinstance(ids, (int, str, np.integer)):
                ids = [ids]
            ids = [int(i) if isinstance(i, np.integer) else i for i in ids]
            if not ids:
                return {"delete_count": 0, "primary_keys": [], "insert_count": 0, "upsert_count": 0,
                        "succ_count": 0, "err_count": 0, "timestamp": 0}
            return call(self.db.delete, name, partition or "", None, ids, timeout)
        if not expr:
            raise ParamError(message="delete needs ids or a non-empty filter expression")
        return call(self.db.delete, name, partition or "", expr, None, timeout)

    # --- reads -------------------------------------------------------------------------------

    def output(self, name: str, output_fields: Optional[Sequence[str]]) -> List[str]:
        """The output fields to ask the core for: the primary key, always returned, left out."""
        return [f for f in _names(output_fields) if f != self.pk_name(name)]

    def query(self, name: str, expr: str, output_fields: Optional[Sequence[str]], partitions: Optional[Sequence[str]],
              limit: Optional[int], offset: int, timeout: Optional[float]) -> List[Dict[str, Any]]:
        fields = _names(output_fields)
        if "count(*)" in fields:
            if len(fields) != 1:
                raise ParamError(message="count(*) cannot be combined with other output fields")
            if limit is not None or offset:
                raise ParamError(message="count(*) counts every matching row: limit and offset do not apply")
            n = call(self.db.count, name, expr or "", list(partitions or []), timeout)
            return [{"count(*)": n}]
        cols = call(self.db.query, name, expr or "", self.output(name, fields), list(partitions or []),
                    limit, offset or 0, timeout)
        return rows_from_columns(cols, packed_in_list=True)

    def get(self, name: str, ids: Any, output_fields: Optional[Sequence[str]],
            partitions: Optional[Sequence[str]], timeout: Optional[float]) -> List[Dict[str, Any]]:
        if isinstance(ids, (int, str, np.integer)):
            ids = [ids]
        ids = [int(i) if isinstance(i, np.integer) else i for i in ids]
        if not ids:
            return []
        out = self.output(name, output_fields) if output_fields else ["*"]
        cols = call(self.db.get, name, ids, out, list(partitions or []), timeout)
        return rows_from_columns(cols, packed_in_list=True)

    def index_of(self, name: str, field: Optional[str]) -> Tuple[Optional[str], Optional[Dict[str, Any]]]:
        """The searched field (``field``, or the collection's only vector field; None when it
        has several) and its index description (None = no index)."""
        indexes = call(self.db.describe_index, name, None)
        if field is None:
            vectors = self.vector_fields(name)
            if len(vectors) != 1:
                return None, indexes[0] if indexes else None
            field = vectors[0]
        return field, next((i for i in indexes if i["field_name"] == field), None)

    def search(self, name: str, data: Any, limit: int, anns_field: Optional[str], params: Optional[Dict[str, Any]],
               expr: Optional[str], output_fields: Optional[Sequence[str]], partitions: Optional[Sequence[str]],
               offset: Optional[int], round_decimal: Any, timeout: Optional[float],
               group_by: Optional[Tuple[str, int, bool]] = None) -> "SearchResult":
        """Top-``limit`` search. ``params`` are the search params (metric, ``ef`` / ``nprobe``,
        ``radius`` / ``range_filter``, ``offset``: see :func:`veclite._args.search_params`; the
        metric defaults to the index's); ``offset`` the keyword argument (not both);
        ``round_decimal`` rounds distances to that many decimals (-1 = not); ``group_by`` is
        ``(field, group_size, strict_group_size)``."""
        p = search_params(params)
        if offset is not None and p.offset is not None:
            raise ParamError(message="offset is given both as an argument and in search_params: give it once")
        offset = uint("offset", offset if offset is not None else p.offset or 0)
        limit = uint("limit", limit, 1)
        decimals = check_round_decimal(round_decimal)
        metric = p.metric or self.default_metric(name, anns_field)
        queries = self._queries(name, anns_field, data)
        out = _names(output_fields)
        pk = self.pk_name(name)
        res = call(
            self.db.search, name, queries, limit, metric, anns_field, list(partitions or []),
            expr or "", [f for f in out if f != pk], offset, p.params, timeout,
            None if decimals < 0 else decimals, group_by,
        )
        return search_result(pk, out, res)

    def _queries(self, name: str, anns_field: Optional[str], data: Any) -> Any:
        """Search vectors in the form the searched field takes: a float32 array, or for a
        packed vector field ``(type name, bytes)``."""
        vectors = [f for f in self.fields(name) if f.dtype in VECTORS]
        field = next((f for f in vectors if f.name == anns_field), None) if anns_field else None
        if field is None and not anns_field and len(vectors) == 1:
            field = vectors[0]
        if field is not None and field.dtype in _packed.PACKED:
            return _packed.queries(field, data)
        if field is not None and field.dtype == DataType.SPARSE_FLOAT_VECTOR:
            return _sparse.queries(data)
        return query_vectors(data)

    def hybrid_search(self, name: str, requests: Sequence[Any], ranker: Any, limit: int,
                      output_fields: Optional[Sequence[str]], partitions: Optional[Sequence[str]],
                      offset: Optional[int], round_decimal: Any, timeout: Optional[float]) -> "SearchResult":
        """Hybrid search: ``requests`` are :class:`veclite.AnnSearchRequest`, ``ranker`` an
        :class:`veclite.RRFRanker` or :class:`veclite.WeightedRanker`."""
        native_requests = []
        for r in requests:
            p = search_params(r.param)
            if p.offset:
                raise ParamError(message="an AnnSearchRequest takes no offset: give it to hybrid_search")
            metric = p.metric or self.default_metric(name, r.anns_field)
            native_requests.append((query_vectors(r.data), r.anns_field, metric, uint("limit", r.limit, 1),
                                    r.expr or "", p.params))
        kind, args, norm_score = ranker._native()
        decimals = check_round_decimal(round_decimal)
        out = _names(output_fields)
        pk = self.pk_name(name)
        res = call(
            self.db.hybrid_search, name, native_requests, kind, args, norm_score, uint("limit", limit, 1),
            uint("offset", offset or 0), [f for f in out if f != pk], list(partitions or []),
            None if decimals < 0 else decimals, timeout,
        )
        return search_result(pk, out, res)

    def default_metric(self, name: str, anns_field: Optional[str]) -> str:
        """The metric a search without one uses: the field's index metric; without one, HAMMING
        for a binary vector field and COSINE for the others."""
        index = self.index_of(name, anns_field)[1]
        if index:
            return index["metric_type"]
        binary = [f.name for f in self.fields(name) if f.dtype == DataType.BINARY_VECTOR]
        vectors = self.vector_fields(name)
        searched = anns_field or (vectors[0] if len(vectors) == 1 else None)
        sparse = [f.name for f in self.fields(name) if f.dtype == DataType.SPARSE_FLOAT_VECTOR]
        return "HAMMING" if searched in binary else "IP" if searched in sparse else "COSINE"


def server_version() -> str:
    """What ``get_server_version`` returns: the version of veclite (the engine runs in-process)."""
    from . import __version__

    return __version__


def search_result(pk: str, out: List[str], res: Any) -> "SearchResult":
    """Native hits as a :class:`SearchResult`: the primary key ``pk`` in each entity when
    ``out`` asks for it (or for ``"*"``)."""
    result = SearchResult()
    with_pk = pk in out or "*" in out
    for ids, distances, cols in res:
        rows = rows_from_columns(cols)
        hits = Hits()
        for i, (id_, dist) in enumerate(zip(ids, distances)):
            entity = {k: v for k, v in rows[i].items() if k != pk or with_pk} if rows else {}
            if with_pk:
                entity[pk] = id_
            hits.append(Hit(id_, dist, entity, pk))
        result.append(hits)
    return result


def _names(output_fields: Optional[Sequence[str]]) -> List[str]:
    """``output_fields`` as a list of names (one name may be given as a str)."""
    if output_fields is None:
        return []
    if isinstance(output_fields, str):
        return [output_fields]
    names = list(output_fields)
    for f in names:
        if not isinstance(f, str):
            raise ParamError(message=f"output_fields must be field names (str), got {type(f).__name__} {f!r}")
    return names


def visible_fields(described: Dict[str, Any]) -> List[FieldSchema]:
    """The fields of a native description, without the hidden ``$meta`` (pymilvus never lists it)."""
    return [FieldSchema._from_native(f) for f in described["fields"] if not f.get("is_dynamic")]


class Hit(dict):
    """One search hit: a dict ``{"id", "distance", "entity"}`` (MilvusClient shape) that also has
    the ORM attributes ``id``, ``distance``, ``score``, ``entity`` and ``fields``."""

    def __init__(self, id_: Any, distance: float, entity: Dict[str, Any], pk_name: str = "id") -> None:
        super().__init__(id=id_, distance=distance, entity=entity)
        self.pk_name = pk_name

    @property
    def id(self) -> Any:
        return self["id"]

    @property
    def pk(self) -> Any:
        return self["id"]

    @property
    def distance(self) -> float:
        return self["distance"]

    @property
    def score(self) -> float:
        return self["distance"]

    @property
    def entity(self) -> Dict[str, Any]:
        return self["entity"]

    @property
    def fields(self) -> Dict[str, Any]:
        return self["entity"]

    def get(self, key: Any, default: Any = None) -> Any:  # type: ignore[override]
        if key in self:
            return dict.get(self, key, default)
        return self["entity"].get(key, default)

    def __getattr__(self, item: str) -> Any:
        entity = dict.get(self, "entity") or {}
        if item in entity:
            return entity[item]
        raise AttributeError(item)

    def __str__(self) -> str:
        return f"id: {self.id}, distance: {self.distance}, entity: {self.entity}"


class Hits(list):
    """The hits of one query, best first, with ``ids`` and ``distances``."""

    @property
    def ids(self) -> List[Any]:
        return [h.id for h in self]

    @property
    def distances(self) -> List[float]:
        return [h.distance for h in self]


class SearchResult(list):
    """One :class:`Hits` per query vector."""
