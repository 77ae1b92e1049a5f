"""The pymilvus ORM subset of seed 000: ``connections``, ``Collection``, ``Partition``,
``utility`` and ``MutationResult``."""

from __future__ import annotations

import time
from typing import Any, Dict, List, Optional

from ._args import (check_credentials, check_properties, check_replicas, check_shards, check_timeout,
                    consistency_number, group_by, open_options, query_window, refuse_unknown, render_filter,
                    unsupported)
from ._core import Engine, SearchResult, call, server_version
from ._index import Index, index_params, pick
from . import _databases, _iterators
from ._types import CollectionSchema
from ._client_types import LoadState
from ._growing import with_ignore_growing
from ._partial import field_ops_arg, partial_flag
from .exceptions import (CollectionNotExistException, ConnectionNotExistException, MilvusTimeoutException, ParamError,
                         PartitionNotExistException)


class MutationResult:
    """What every ORM write returns (pymilvus's properties; ``delete_count`` is exact)."""

    def __init__(self, raw: Dict[str, Any]) -> None:
        self._raw = raw

    @property
    def primary_keys(self) -> List[Any]:
        return list(self._raw["primary_keys"])

    @property
    def insert_count(self) -> int:
        return self._raw["insert_count"]

    @property
    def delete_count(self) -> int:
        return self._raw["delete_count"]

    @property
    def upsert_count(self) -> int:
        return self._raw["upsert_count"]

    @property
    def timestamp(self) -> int:
        return self._raw["timestamp"]

    @property
    def succ_count(self) -> int:
        return self._raw["succ_count"]

    @property
    def err_count(self) -> int:
        return self._raw["err_count"]

    @property
    def succ_index(self) -> List[int]:
        return list(range(self._raw["succ_count"]))

    @property
    def err_index(self) -> List[int]:
        return []

    @property
    def cost(self) -> int:
        return 0

    def __str__(self) -> str:
        return (
            f"(insert count: {self.insert_count}, delete count: {self.delete_count}, upsert count: "
            f"{self.upsert_count}, timestamp: {self.timestamp}, success count: {self.succ_count}, "
            f"err count: {self.err_count}, cost: {self.cost})"
        )

    __repr__ = __str__


class Connections:
    """``connections.connect(alias="default", uri="./dir")``; ``host``/``port``, server URIs and
    credentials are refused."""

    def __init__(self) -> None:
        self._engines: Dict[str, Engine] = {}

    def connect(self, alias: str = "default", user: str = "", password: str = "", db_name: str = "",
                token: str = "", *, sync_policy: Optional[str] = None, sync_interval: Optional[float] = None,
                seal_threshold_bytes: Optional[int] = None, worker_threads: Optional[int] = None,
                **kwargs: Any) -> None:
        """Connects ``alias`` to the directory ``uri``. ``sync_policy``, ``sync_interval``,
        ``seal_threshold_bytes`` and ``worker_threads`` choose the engine's options as in
        :class:`veclite.MilvusClient` (a directory already open in this process must have been
        opened with the same ones). Connecting an alias again replaces its connection."""
        check_credentials(user, password, token, db_name)
        uri = kwargs.pop("uri", None)
        refuse_unknown("connections.connect", kwargs)
        if uri is None:
            raise ParamError(message="veclite opens a local directory: connect(uri='./dir')")
        options = open_options("connections.connect", sync_policy, sync_interval, seal_threshold_bytes,
                               worker_threads)
        engine = Engine(uri, options)
        if db_name:
            try:
                _databases.use_database(engine, db_name)
            except BaseException:
                engine.close()
                raise
        old = self._engines.get(alias)
        if old is not None:
            old.close()
        self._engines[alias] = engine

    def _attach(self, alias: str, engine: Engine) -> None:
        """Registers ``engine`` (a reference of its own, closed on disconnect) under ``alias``:
        how a :class:`veclite.MilvusClient` makes its ``_using`` alias usable by the ORM."""
        old = self._engines.get(alias)
        if old is not None:
            old.close()
        self._engines[alias] = engine

    def disconnect(self, alias: str = "default") -> None:
        engine = self._engines.pop(alias, None)
        if engine is not None:
            engine.close()

    def has_connection(self, alias: str = "default") -> bool:
        return alias in self._engines

    def list_connections(self) -> List[tuple]:
        return [(a, e) for a, e in self._engines.items()]

    def _get(self, alias: str) -> Engine:
        engine = self._engines.get(alias)
        if engine is None:
            raise ConnectionNotExistException(message=f"should create connection first (alias `{alias}`)")
        return engine


connections = Connections()


def _result(raw: Dict[str, Any]) -> MutationResult:
    return MutationResult(raw)


def _same_schema(existing: CollectionSchema, given: CollectionSchema) -> bool:
    """Whether ``given`` describes the existing collection: same fields, same dynamic-field flag."""
    return (existing.to_dict()["fields"] == given.to_dict()["fields"]
            and existing.enable_dynamic_field == given.enable_dynamic_field)


class Collection:
    """``Collection(name, schema=None, using="default")``: opens the collection, creating it when
    ``schema`` is given and it does not exist (a different existing schema is an error); a
    ``consistency_level`` and ``properties`` given at creation are recorded in the catalog
    (``data=None``, as pymilvus examples pass it, means no data)."""

    def __init__(self, name: str, schema: Optional[CollectionSchema] = None, using: str = "default",
                 **kwargs: Any) -> None:
        check_shards(kwargs.pop("shards_num", kwargs.pop("num_shards", None)))
        level = consistency_number(kwargs.pop("consistency_level", None))
        properties = check_properties(kwargs.pop("properties", None))
        num_partitions = kwargs.pop("num_partitions", None)
        if kwargs.pop("data", None) is not None:
            raise ParamError(message="Collection(data=...) is not supported: insert the data after creating it")
        refuse_unknown("Collection", kwargs)
        self._name = name
        self._using = using
        engine = self._engine
        if call(engine.db.has_collection, name):
            if schema is not None and not _same_schema(engine.schema(name), schema):
                raise ParamError(message=f"collection `{name}` exists with a different schema")
        elif schema is None:
            raise CollectionNotExistException(message=f"collection `{name}` does not exist")
        else:
            engine.create_collection(name, schema, level, properties, num_partitions)

    @property
    def _engine(self) -> Engine:
        return connections._get(self._using)

    @property
    def name(self) -> str:
        return self._name

    @property
    def schema(self) -> CollectionSchema:
        return self._engine.schema(self._name)

    @property
    def description(self) -> str:
        return self.schema.description

    @property
    def primary_field(self) -> Any:
        return self.schema.primary_field

    @property
    def num_entities(self) -> int:
        """Live rows (exact; pymilvus counts flushed rows only)."""
        return call(self._engine.db.count, self._name, "", [], None)

    @property
    def is_empty(self) -> bool:
        return self.num_entities == 0

    @property
    def partitions(self) -> List["Partition"]:
        return [Partition(self, p) for p in call(self._engine.db.list_partitions, self._name)]

    def partition(self, partition_name: str) -> Optional["Partition"]:
        return Partition(self, partition_name) if self.has_partition(partition_name) else None

    def has_partition(self, partition_name: str, timeout: Optional[float] = None) -> bool:
        check_timeout(timeout)
        return call(self._engine.db.has_partition, self._name, partition_name)

    def create_partition(self, partition_name: str, description: str = "", **kwargs: Any) -> "Partition":
        """Creates a partition (partition descriptions are not stored: a non-empty one is refused)."""
        _no_description(description)
        refuse_unknown("create_partition", kwargs)
        call(self._engine.db.create_partition, self._name, partition_name)
        return Partition(self, partition_name)

    def drop_partition(self, partition_name: str, timeout: Optional[float] = None, **kwargs: Any) -> None:
        refuse_unknown("drop_partition", kwargs)
        check_timeout(timeout)
        call(self._engine.db.drop_partition, self._name, partition_name)

    def insert(self, data: Any, partition_name: Optional[str] = None, timeout: Optional[float] = None,
               **kwargs: Any) -> MutationResult:
        """Inserts ``data`` (columns in schema order, row dicts, a row dict or a DataFrame)."""
        refuse_unknown("insert", kwargs)
        return _result(self._engine.write(self._name, data, partition_name, False, check_timeout(timeout)))

    def upsert(self, data: Any, partition_name: Optional[str] = None, timeout: Optional[float] = None,
               **kwargs: Any) -> MutationResult:
        """Upserts ``data``: an existing key anywhere in the collection is replaced.
        ``partial_update=True`` merges instead, and ``field_ops`` applies array operations
        (see ``MilvusClient.upsert``)."""
        refuse_unknown("upsert", kwargs, ("partial_update", "field_ops"))
        ops = field_ops_arg(kwargs)
        if partial_flag(kwargs) or ops:
            return _result(self._engine.partial_upsert(self._name, data, partition_name, check_timeout(timeout), ops))
        return _result(self._engine.write(self._name, data, partition_name, True, check_timeout(timeout)))

    def delete(self, expr: str, partition_name: Optional[str] = None, timeout: Optional[float] = None,
               **kwargs: Any) -> MutationResult:
        """Deletes the rows matching ``expr`` (``expr_params`` fills its ``{name}``
        placeholders); ``delete_count`` is exact."""
        refuse_unknown("delete", kwargs, ("expr_params",))
        expr = render_filter(expr, kwargs.get("expr_params"))
        return _result(self._engine.delete(self._name, partition_name, expr, None, check_timeout(timeout)))

    def flush(self, timeout: Optional[float] = None, **kwargs: Any) -> None:
        refuse_unknown("flush", kwargs)
        call(self._engine.db.flush, self._name, check_timeout(timeout))

    def compact(self, is_clustering: bool = False, timeout: Optional[float] = None, **kwargs: Any) -> Dict[str, int]:
        """Flushes and compacts now; returns veclite's stats. Clustering compaction is refused."""
        if is_clustering:
            raise ParamError(message=unsupported("compact", "is_clustering"))
        refuse_unknown("compact", kwargs)
        return call(self._engine.db.compact, self._name, check_timeout(timeout))

    def load(self, partition_names: Optional[List[str]] = None, replica_number: Optional[int] = None,
             timeout: Optional[float] = None, **kwargs: Any) -> None:
        """Validates names; veclite serves every collection without loading (one replica)."""
        check_replicas(replica_number)
        refuse_unknown("load", kwargs)
        check_timeout(timeout)
        for p in partition_names or []:
            if not self.has_partition(p):
                raise ParamError(message=f"partition `{p}` does not exist in collection `{self._name}`")

    def release(self, timeout: Optional[float] = None, **kwargs: Any) -> None:
        """Nothing to release: veclite serves every collection without loading."""
        refuse_unknown("release", kwargs)
        check_timeout(timeout)

    def query(self, expr: str = "", output_fields: Optional[List[str]] = None,
              partition_names: Optional[List[str]] = None, timeout: Optional[float] = None, **kwargs: Any
              ) -> List[Dict[str, Any]]:
        """Rows matching ``expr`` (``limit``/``offset`` kwargs); ``["count(*)"]`` counts."""
        refuse_unknown("query", kwargs, ("limit", "offset", "expr_params"))
        expr = render_filter(expr, kwargs.get("expr_params")) or ""
        limit, offset = query_window(kwargs)
        return self._engine.query(self._name, expr, output_fields, partition_names, limit, offset,
                                  check_timeout(timeout))

    def search(self, data: Any, anns_field: Optional[str], param: Optional[Dict[str, Any]], limit: int,
               expr: Optional[str] = None, partition_names: Optional[List[str]] = None,
               output_fields: Optional[List[str]] = None, timeout: Optional[float] = None, round_decimal: int = -1,
               **kwargs: Any) -> SearchResult:
        """Top-``limit`` search; iterate the result per query, each hit has ``id``, ``distance``,
        ``entity``. ``param`` as in :meth:`MilvusClient.search` (``radius`` / ``range_filter``
        make a range search); ``offset``, ``group_by_field`` / ``group_size`` /
        ``strict_group_size`` and ``expr_params`` kwargs; distances rounded to ``round_decimal``
        decimals (-1 = not); ``ignore_growing=True`` searches sealed segments only."""
        refuse_unknown("search", kwargs, ("offset", "group_by_field", "group_size", "strict_group_size",
                                          "expr_params", "ignore_growing"))
        expr = render_filter(expr, kwargs.get("expr_params"))
        param = with_ignore_growing(param, kwargs)
        return self._engine.search(self._name, data, limit, anns_field, param, expr, output_fields, partition_names,
                                   kwargs.get("offset"), round_decimal, check_timeout(timeout), group_by(kwargs))

    def query_iterator(self, batch_size: int = 1000, limit: int = -1, expr: Optional[str] = None,
                       output_fields: Optional[List[str]] = None, partition_names: Optional[List[str]] = None,
                       timeout: Optional[float] = None, **kwargs: Any) -> "_iterators.QueryIterator":
        """Pages of the rows matching ``expr`` in primary-key order: see
        :meth:`MilvusClient.query_iterator` (``offset`` and ``expr_params`` kwargs)."""
        return _iterators.query_iterator(self._engine, self._name, batch_size, limit, expr, output_fields,
                                         partition_names, check_timeout(timeout), kwargs, "expr_params")

    def search_iterator(self, data: Any, anns_field: Optional[str], param: Optional[Dict[str, Any]],
                        batch_size: int = 1000, limit: int = -1, expr: Optional[str] = None,
                        partition_names: Optional[List[str]] = None, output_fields: Optional[List[str]] = None,
                        timeout: Optional[float] = None, round_decimal: int = -1,
                        **kwargs: Any) -> "_iterators.SearchIterator":
        """Pages of one vector's hits, best first: see :meth:`MilvusClient.search_iterator`
        (``expr_params`` kwarg)."""
        return _iterators.search_iterator(self._engine, self._name, data, batch_size, limit, expr, output_fields,
                                          param, partition_names, anns_field, round_decimal, check_timeout(timeout),
                                          kwargs, "expr_params")

    def create_index(self, field_name: str, index_params: Optional[Dict[str, Any]] = None,
                     timeout: Optional[float] = None, **kwargs: Any) -> None:
        """``index_params``: ``{"index_type": "HNSW"|"IVF_FLAT"|"FLAT"|"AUTOINDEX", "metric_type": ..,
        "params": {...}}`` (build params may also sit at the top level), or on a scalar field
        ``{"index_type": "INVERTED"|"STL_SORT"|"BITMAP"|"TRIE"|"AUTOINDEX"}``; ``index_name`` kwarg."""
        from .milvus_client import IndexParam, MilvusClient

        refuse_unknown("create_index", kwargs, ("index_name",))
        param = IndexParam(field_name, index_name=kwargs.get("index_name", ""), params=index_params)
        MilvusClient._create_index(_Shim(self._engine), self._name, param, check_timeout(timeout))  # type: ignore[arg-type]

    def has_index(self, timeout: Optional[float] = None, **kwargs: Any) -> bool:
        """Whether the collection has an index (the one named ``index_name``, when given)."""
        refuse_unknown("has_index", kwargs, ("index_name",))
        check_timeout(timeout)
        name = kwargs.get("index_name")
        return any(not name or i["index_name"] == name for i in call(self._engine.db.describe_index, self._name, None))

    def _describe_indexes(self) -> List[Dict[str, Any]]:
        """The core's descriptions of the collection's indexes."""
        return call(self._engine.db.describe_index, self._name, None)

    @property
    def indexes(self) -> List[Index]:
        """The collection's indexes as :class:`veclite.Index` objects (``field_name``,
        ``index_name``, ``params``)."""
        return [Index(self, i["field_name"], index_params(i), index_name=i["index_name"], construct_only=True)
                for i in self._describe_indexes()]

    def index(self, **kwargs: Any) -> Index:
        """The index named ``index_name`` (the collection's only index when no name is given).

        :raises IndexNotExistException: when there is no such index.
        """
        refuse_unknown("index", kwargs, ("index_name", "timeout"))
        check_timeout(kwargs.get("timeout"))
        i = pick(self._describe_indexes(), self._name, kwargs.get("index_name") or "")
        return Index(self, i["field_name"], index_params(i), index_name=i["index_name"], construct_only=True)

    def set_properties(self, properties: Dict[str, Any], timeout: Optional[float] = None, **kwargs: Any) -> None:
        """Sets collection properties (kept in the catalog; a property veclite cannot honour is
        refused and nothing changes).

        :param properties: e.g. ``{"mmap.enabled": True}``.
        :param timeout: checked; the change is one catalog commit.
        """
        refuse_unknown("set_properties", kwargs)
        check_timeout(timeout)
        call(self._engine.db.alter_collection, self._name, check_properties(properties), [])

    def drop_index(self, timeout: Optional[float] = None, **kwargs: Any) -> None:
        """Drops the collection's indexes (the one named ``index_name``, when given)."""
        refuse_unknown("drop_index", kwargs, ("index_name",))
        check_timeout(timeout)
        for i in call(self._engine.db.describe_index, self._name, None):
            if not kwargs.get("index_name") or kwargs["index_name"] == i["index_name"]:
                call(self._engine.db.drop_index, self._name, i["field_name"])

    def drop(self, timeout: Optional[float] = None, **kwargs: Any) -> None:
        refuse_unknown("drop", kwargs)
        check_timeout(timeout)
        self._engine.drop_collection(self._name)

    def __repr__(self) -> str:
        return f"<Collection>:\n-------------\n<name>: {self._name}\n<schema>: {self.schema}\n"


def _no_description(description: str) -> None:
    if description:
        raise ParamError(message="partition descriptions are not stored by veclite: pass description=''")


class _Shim:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._timeout = None


class Partition:
    """``Partition(collection, name)``: creates the partition when absent."""

    def __init__(self, collection: Any, name: str, description: str = "", **kwargs: Any) -> None:
        _no_description(description)
        refuse_unknown("Partition", kwargs)
        self._collection = collection if isinstance(collection, Collection) else Collection(collection)
        self._name = name
        if not self._collection.has_partition(name):
            call(self._collection._engine.db.create_partition, self._collection.name, name)

    @property
    def name(self) -> str:
        return self._name

    @property
    def num_entities(self) -> int:
        return call(self._collection._engine.db.count, self._collection.name, "", [self._name], None)

    @property
    def is_empty(self) -> bool:
        return self.num_entities == 0

    def insert(self, data: Any, timeout: Optional[float] = None, **kwargs: Any) -> MutationResult:
        return self._collection.insert(data, self._name, timeout, **kwargs)

    def upsert(self, data: Any, timeout: Optional[float] = None, **kwargs: Any) -> MutationResult:
        return self._collection.upsert(data, self._name, timeout, **kwargs)

    def delete(self, expr: str, timeout: Optional[float] = None, **kwargs: Any) -> MutationResult:
        return self._collection.delete(expr, self._name, timeout, **kwargs)

    def query(self, expr: str = "", output_fields: Optional[List[str]] = None, timeout: Optional[float] = None,
              **kwargs: Any) -> List[Dict[str, Any]]:
        return self._collection.query(expr, output_fields, [self._name], timeout, **kwargs)

    def search(self, data: Any, anns_field: Optional[str], param: Optional[Dict[str, Any]], limit: int,
               expr: Optional[str] = None, output_fields: Optional[List[str]] = None,
               timeout: Optional[float] = None, **kwargs: Any) -> SearchResult:
        return self._collection.search(data, anns_field, param, limit, expr, [self._name], output_fields, timeout,
                                       **kwargs)

    def flush(self, timeout: Optional[float] = None, **kwargs: Any) -> None:
        self._collection.flush(timeout, **kwargs)

    def load(self, replica_number: Optional[int] = None, timeout: Optional[float] = None, **kwargs: Any) -> None:
        """Checks the partition exists; veclite serves every partition without loading (one replica)."""
        self._collection.load([self._name], replica_number, timeout, **kwargs)

    def release(self, timeout: Optional[float] = None, **kwargs: Any) -> None:
        self._collection.release(timeout, **kwargs)

    def drop(self, timeout: Optional[float] = None, **kwargs: Any) -> None:
        self._collection.drop_partition(self._name, timeout, **kwargs)

    def __repr__(self) -> str:
        return f'{{"name": "{self._name}", "collection_name": "{self._collection.name}"}}'


class _Utility:
    """``utility.has_collection / drop_collection / list_collections / has_partition``."""

    def has_collection(self, collection_name: str, using: str = "default", **kwargs: Any) -> bool:
        refuse_unknown("utility.has_collection", kwargs)
        return call(connections._get(using).db.has_collection, collection_name)

    def drop_collection(self, collection_name: str, timeout: Optional[float] = None, using: str = "default",
                        **kwargs: Any) -> None:
        refuse_unknown("utility.drop_collection", kwargs)
        check_timeout(timeout)
        connections._get(using).drop_collection(collection_name)

    def list_collections(self, timeout: Optional[float] = None, using: str = "default", **kwargs: Any) -> List[str]:
        refuse_unknown("utility.list_collections", kwargs)
        check_timeout(timeout)
        return call(connections._get(using).db.list_collections)

    def rename_collection(self, old_collection_name: str, new_collection_name: str, new_db_name: str = "",
                          timeout: Optional[float] = None, using: str = "default", **kwargs: Any) -> None:
        """Renames a collection (into database ``new_db_name``, default the connection's)."""
        _databases.rename_collection(connections._get(using), old_collection_name, new_collection_name,
                                     new_db_name, timeout, kwargs)

    def has_partition(self, collection_name: str, partition_name: str, using: str = "default",
                      **kwargs: Any) -> bool:
        refuse_unknown("utility.has_partition", kwargs)
        return call(connections._get(using).db.has_partition, collection_name, partition_name)

    def loading_progress(self, collection_name: str, partition_names: Optional[List[str]] = None,
                         using: str = "default", timeout: Optional[float] = None) -> Dict[str, str]:
        """``{"loading_progress": "100%"}``: veclite serves every collection and partition without
        a load step (the names are checked)."""
        check_timeout(timeout)
        _check_loadable(connections._get(using), collection_name, partition_names)
        return {"loading_progress": "100%"}

    def load_state(self, collection_name: str, partition_names: Optional[List[str]] = None,
                   using: str = "default", timeout: Optional[float] = None) -> LoadState:
        """:class:`veclite.LoadState`: ``Loaded`` for an existing collection (and partitions),
        ``NotExist`` otherwise."""
        check_timeout(timeout)
        engine = connections._get(using)
        if not call(engine.db.has_collection, collection_name):
            return LoadState.NotExist
        for p in partition_names or []:
            if not call(engine.db.has_partition, collection_name, p):
                return LoadState.NotExist
        return LoadState.Loaded

    def wait_for_loading_complete(self, collection_name: str, partition_names: Optional[List[str]] = None,
                                  timeout: Optional[float] = None, using: str = "default") -> None:
        """Returns at once: nothing is ever loading (the names are checked)."""
        check_timeout(timeout)
        _check_loadable(connections._get(using), collection_name, partition_names)

    def index_building_progress(self, collection_name: str, index_name: str = "", using: str = "default",
                                timeout: Optional[float] = None) -> Dict[str, int]:
        """``{"total_rows", "indexed_rows", "pending_index_rows"}`` of the index ``index_name``
        (the collection's only index when empty): rows of sealed segments with and without
        their index file."""
        check_timeout(timeout)
        i = pick(call(connections._get(using).db.describe_index, collection_name, None), collection_name, index_name)
        return {"total_rows": i["total_rows"], "indexed_rows": i["indexed_rows"],
                "pending_index_rows": i["pending_index_rows"]}

    def wait_for_index_building_complete(self, collection_name: str, index_name: str = "",
                                         timeout: Optional[float] = None, using: str = "default") -> bool:
        """Waits until every sealed segment has the index; True. A ``timeout`` (seconds) that
        expires first raises :class:`veclite.MilvusTimeoutException`."""
        deadline = None if check_timeout(timeout) is None else time.monotonic() + timeout  # type: ignore[operator]
        while self.index_building_progress(collection_name, index_name, using)["pending_index_rows"]:
            if deadline is not None and time.monotonic() >= deadline:
                raise MilvusTimeoutException(
                    message=f"index of collection `{collection_name}` still building after {timeout} s")
            time.sleep(0.05)  # the core builds in the background and offers no completion signal
        return True

    def list_indexes(self, collection_name: str, using: str = "default", timeout: Optional[float] = None,
                     **kwargs: Any) -> List[str]:
        """The names of the collection's indexes (of the field ``field_name`` when given)."""
        refuse_unknown("utility.list_indexes", kwargs, ("field_name",))
        check_timeout(timeout)
        field = kwargs.get("field_name")
        return [i["index_name"] for i in call(connections._get(using).db.describe_index, collection_name, None)
                if not field or i["field_name"] == field]

    def create_alias(self, collection_name: str, alias: str, timeout: Optional[float] = None,
                     using: str = "default") -> None:
        """Makes ``alias`` another name of the collection."""
        check_timeout(timeout)
        call(connections._get(using).db.create_alias, collection_name, alias)

    def alter_alias(self, collection_name: str, alias: str, timeout: Optional[float] = None,
                    using: str = "default") -> None:
        """Points the existing ``alias`` to ``collection_name``."""
        check_timeout(timeout)
        call(connections._get(using).db.alter_alias, collection_name, alias)

    def drop_alias(self, alias: str, timeout: Optional[float] = None, using: str = "default") -> None:
        """Removes ``alias`` (a missing alias is no error, as in Milvus)."""
        check_timeout(timeout)
        call(connections._get(using).db.drop_alias, alias)

    def list_aliases(self, collection_name: str, timeout: Optional[float] = None, using: str = "default"
                     ) -> List[str]:
        """The aliases of the collection."""
        check_timeout(timeout)
        return call(connections._get(using).db.list_aliases, collection_name)

    def get_server_version(self, using: str = "default", timeout: Optional[float] = None) -> str:
        """veclite's version (the engine runs in this process)."""
        check_timeout(timeout)
        connections._get(using)
        return server_version()


def _check_loadable(engine: Engine, collection_name: str, partition_names: Optional[List[str]]) -> None:
    """Raises the NotExist error of the collection or of the first missing partition."""
    if not call(engine.db.has_collection, collection_name):
        raise CollectionNotExistException(message=f"collection `{collection_name}` does not exist")
    for p in partition_names or []:
        if not call(engine.db.has_partition, collection_name, p):
            raise PartitionNotExistException(
                message=f"partition `{p}` does not exist in collection `{collection_name}`")


utility = _Utility()
