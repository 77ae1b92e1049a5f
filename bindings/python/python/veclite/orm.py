"""The pymilvus ORM subset of seed 000: ``connections``, ``Collection``, ``Partition``,
``utility`` and ``MutationResult``."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from ._core import Engine, SearchResult, call
from ._types import CollectionSchema
from .exceptions import CollectionNotExistException, ConnectionNotExistException, ParamError


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
    """``connections.connect(alias="default", uri="./dir")``; ``host``/``port`` are refused."""

    def __init__(self) -> None:
        self._engines: Dict[str, Engine] = {}

    def connect(self, alias: str = "default", user: str = "", password: str = "", db_name: str = "",
                token: str = "", **kwargs: Any) -> None:
        uri = kwargs.get("uri")
        if not uri:
            raise ParamError(message="veclite is embedded: connect(uri='./dir') with a local directory")
        old = self._engines.get(alias)
        if old is not None:
            old.close()
        self._engines[alias] = Engine(uri)

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
    ``schema`` is given and it does not exist (a different existing schema is an error)."""

    def __init__(self, name: str, schema: Optional[CollectionSchema] = None, using: str = "default",
                 **kwargs: Any) -> None:
        self._name = name
        self._using = using
        engine = self._engine
        if call(engine.db.has_collection, name):
            if schema is not None and not _same_schema(engine.schema(name), schema):
                raise ParamError(message=f"collection `{name}` exists with a different schema")
        elif schema is None:
            raise CollectionNotExistException(message=f"collection `{name}` does not exist")
        else:
            engine.create_collection(name, schema)

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
        return call(self._engine.db.has_partition, self._name, partition_name)

    def create_partition(self, partition_name: str, description: str = "", **kwargs: Any) -> "Partition":
        call(self._engine.db.create_partition, self._name, partition_name)
        return Partition(self, partition_name)

    def drop_partition(self, partition_name: str, timeout: Optional[float] = None, **kwargs: Any) -> None:
        call(self._engine.db.drop_partition, self._name, partition_name)

    def insert(self, data: Any, partition_name: Optional[str] = None, timeout: Optional[float] = None,
               **kwargs: Any) -> MutationResult:
        """Inserts ``data`` (columns in schema order, row dicts, a row dict or a DataFrame)."""
        return _result(self._engine.write(self._name, data, partition_name, False, timeout))

    def upsert(self, data: Any, partition_name: Optional[str] = None, timeout: Optional[float] = None,
               **kwargs: Any) -> MutationResult:
        """Upserts ``data``: an existing key anywhere in the collection is replaced."""
        return _result(self._engine.write(self._name, data, partition_name, True, timeout))

    def delete(self, expr: str, partition_name: Optional[str] = None, timeout: Optional[float] = None,
               **kwargs: Any) -> MutationResult:
        """Deletes the rows matching ``expr``; ``delete_count`` is exact."""
        return _result(self._engine.delete(self._name, partition_name, expr, None, timeout))

    def flush(self, timeout: Optional[float] = None, **kwargs: Any) -> None:
        call(self._engine.db.flush, self._name, timeout)

    def compact(self, timeout: Optional[float] = None, **kwargs: Any) -> Dict[str, int]:
        return call(self._engine.db.compact, self._name, timeout)

    def load(self, partition_names: Optional[List[str]] = None, **kwargs: Any) -> None:
        """Validates names; veclite serves every collection without loading."""
        for p in partition_names or []:
            if not self.has_partition(p):
                raise ParamError(message=f"partition `{p}` does not exist in collection `{self._name}`")

    def release(self, **kwargs: Any) -> None:
        pass

    def query(self, expr: str = "", output_fields: Optional[List[str]] = None,
              partition_names: Optional[List[str]] = None, timeout: Optional[float] = None, **kwargs: Any
              ) -> List[Dict[str, Any]]:
        """Rows matching ``expr`` (``limit``/``offset`` kwargs); ``["count(*)"]`` counts."""
        limit = kwargs.get("limit")
        return self._engine.query(self._name, expr, output_fields, partition_names,
                                  None if limit is None or limit < 0 else int(limit), int(kwargs.get("offset", 0)),
                                  timeout)

    def search(self, data: Any, anns_field: Optional[str], param: Optional[Dict[str, Any]], limit: int,
               expr: Optional[str] = None, partition_names: Optional[List[str]] = None,
               output_fields: Optional[List[str]] = None, timeout: Optional[float] = None, round_decimal: int = -1,
               **kwargs: Any) -> SearchResult:
        """Top-``limit`` search; iterate the result per query, each hit has ``id``, ``distance``, ``entity``."""
        res = self._engine.search(self._name, data, limit, anns_field, param, expr, output_fields, partition_names,
                                  int(kwargs.get("offset", 0)), timeout)
        if round_decimal >= 0:
            for hits in res:
                for h in hits:
                    h["distance"] = round(h["distance"], round_decimal)
        return res

    def create_index(self, field_name: str, index_params: Optional[Dict[str, Any]] = None,
                     timeout: Optional[float] = None, **kwargs: Any) -> None:
        """``index_params``: ``{"index_type": "HNSW"|"IVF_FLAT"|"FLAT"|"AUTOINDEX", "metric_type": ..,
        "params": {...}}``."""
        from .milvus_client import IndexParam

        p = dict(index_params or {})
        param = IndexParam(field_name, p.get("index_type", ""), kwargs.get("index_name", ""),
                           p.get("metric_type", ""), p.get("params") or {})
        from .milvus_client import MilvusClient

        MilvusClient._create_index(_Shim(self._engine), self._name, param, timeout)  # type: ignore[arg-type]

    def has_index(self, **kwargs: Any) -> bool:
        return bool(call(self._engine.db.describe_index, self._name, None))

    @property
    def indexes(self) -> List[Dict[str, Any]]:
        return call(self._engine.db.describe_index, self._name, None)

    def drop_index(self, **kwargs: Any) -> None:
        for i in call(self._engine.db.describe_index, self._name, None):
            if not kwargs.get("index_name") or kwargs["index_name"] == i["index_name"]:
                call(self._engine.db.drop_index, self._name, i["field_name"])

    def drop(self, timeout: Optional[float] = None, **kwargs: Any) -> None:
        self._engine.forget(self._name)
        call(self._engine.db.drop_collection, self._name)

    def __repr__(self) -> str:
        return f"<Collection>:\n-------------\n<name>: {self._name}\n<schema>: {self.schema}\n"


class _Shim:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._timeout = None


class Partition:
    """``Partition(collection, name)``: creates the partition when absent."""

    def __init__(self, collection: Any, name: str, description: str = "", **kwargs: Any) -> None:
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
        return self._collection.insert(data, self._name, timeout)

    def upsert(self, data: Any, timeout: Optional[float] = None, **kwargs: Any) -> MutationResult:
        return self._collection.upsert(data, self._name, timeout)

    def delete(self, expr: str, timeout: Optional[float] = None, **kwargs: Any) -> MutationResult:
        return self._collection.delete(expr, self._name, timeout)

    def query(self, expr: str = "", output_fields: Optional[List[str]] = None, timeout: Optional[float] = None,
              **kwargs: Any) -> List[Dict[str, Any]]:
        return self._collection.query(expr, output_fields, [self._name], timeout, **kwargs)

    def search(self, data: Any, anns_field: Optional[str], param: Optional[Dict[str, Any]], limit: int,
               expr: Optional[str] = None, output_fields: Optional[List[str]] = None,
               timeout: Optional[float] = None, **kwargs: Any) -> SearchResult:
        return self._collection.search(data, anns_field, param, limit, expr, [self._name], output_fields, timeout,
                                       **kwargs)

    def flush(self, timeout: Optional[float] = None, **kwargs: Any) -> None:
        self._collection.flush(timeout)

    def load(self, **kwargs: Any) -> None:
        pass

    def release(self, **kwargs: Any) -> None:
        pass

    def drop(self, timeout: Optional[float] = None, **kwargs: Any) -> None:
        self._collection.drop_partition(self._name)

    def __repr__(self) -> str:
        return f'{{"name": "{self._name}", "collection_name": "{self._collection.name}"}}'


class _Utility:
    """``utility.has_collection / drop_collection / list_collections / has_partition``."""

    def has_collection(self, collection_name: str, using: str = "default", **kwargs: Any) -> bool:
        return call(connections._get(using).db.has_collection, collection_name)

    def drop_collection(self, collection_name: str, timeout: Optional[float] = None, using: str = "default",
                        **kwargs: Any) -> None:
        engine = connections._get(using)
        engine.forget(collection_name)
        call(engine.db.drop_collection, collection_name)

    def list_collections(self, timeout: Optional[float] = None, using: str = "default", **kwargs: Any) -> List[str]:
        return call(connections._get(using).db.list_collections)

    def has_partition(self, collection_name: str, partition_name: str, using: str = "default",
                      **kwargs: Any) -> bool:
        return call(connections._get(using).db.has_partition, collection_name, partition_name)


utility = _Utility()
