"""``MilvusClient``: pymilvus's high-level client over an embedded veclite directory."""

from __future__ import annotations

import json
import sys
from typing import Any, Dict, List, Optional, Union

from ._args import (check_credentials, check_properties, check_replicas, check_shards, check_timeout,
                    consistency_number, group_by, open_options, param_texts, query_window, refuse_unknown,
                    render_filter, unsupported)
from ._client_types import LoadState, ReplicaInfo, local_replica
from . import _databases, _iterators
from ._data import _is_dataframe
from . import _index_props
from ._growing import with_ignore_growing as _with_ignore_growing
from ._partial import field_ops_arg as _field_ops_arg
from ._partial import partial_flag as _partial_flag
from ._core import Engine, SearchResult, call, server_version, visible_fields
from ._types import CollectionSchema, DataType
from ._index import pick
from .exceptions import FeatureNotSupportedException, IndexNotExistException, ParamError

class IndexParam:
    """One index request of :class:`IndexParams`. Keyword arguments are build parameters (as in
    pymilvus); ``params`` may nest them under ``"params"``."""

    def __init__(self, field_name: str, index_type: str = "", index_name: str = "", metric_type: str = "",
                 params: Optional[Dict[str, Any]] = None, **kwargs: Any) -> None:
        self.field_name = field_name
        self.params = _flat_params(params, kwargs)
        index_type = _same("index_type", index_type, self.params.pop("index_type", None))
        metric_type = _same("metric_type", metric_type, self.params.pop("metric_type", None))
        self.index_type = index_type or ""
        self.index_name = index_name or field_name
        self.metric_type = metric_type or ""

    def to_dict(self) -> Dict[str, Any]:
        """pymilvus's form: the names, then the metric (when given) and build parameters flat."""
        configs = {"metric_type": self.metric_type} if self.metric_type else {}
        return {"field_name": self.field_name, "index_type": self.index_type, "index_name": self.index_name,
                **configs, **self.params}

    def __repr__(self) -> str:
        return repr(self.to_dict())


def _flat_params(params: Optional[Dict[str, Any]], extra: Dict[str, Any]) -> Dict[str, Any]:
    """One dict of index parameters from ``params`` (whose ``"params"`` entry, a dict or JSON
    text, holds more) and keyword arguments; a key given twice with two values is an error."""
    if params is not None and not isinstance(params, dict):
        raise ParamError(message=f"index params must be a dict, got {type(params).__name__}")
    out = dict(params or {})
    nested = out.pop("params", None)
    if isinstance(nested, str):
        try:
            nested = json.loads(nested)
        except ValueError as e:
            raise ParamError(message=f"index params['params'] is not JSON: {e}") from None
    if nested is not None and not isinstance(nested, dict):
        raise ParamError(message=f"index params['params'] must be a dict, got {type(nested).__name__}")
    for key, value in list((nested or {}).items()) + list(extra.items()):
        out[key] = _same(key, out.get(key), value)
    return out


def _same(key: str, a: Any, b: Any) -> Any:
    """``a`` or ``b``, whichever is given; both given and different is an error."""
    if a in (None, "") or a == b:
        return b
    if b in (None, ""):
        return a
    raise ParamError(message=f"index param `{key}` is given twice: {a!r} and {b!r}")


class IndexParams(list):
    """What :meth:`MilvusClient.prepare_index_params` returns: a list of :class:`IndexParam`."""

    def add_index(self, field_name: str, index_type: str = "", index_name: str = "", metric_type: str = "",
                  params: Optional[Dict[str, Any]] = None, **kwargs: Any) -> None:
        """Adds an index on ``field_name``: on a vector field FLAT, HNSW (``M``,
        ``efConstruction``), IVF_FLAT (``nlist``) or AUTOINDEX (= HNSW, M 18, efConstruction 240);
        on a scalar field INVERTED, STL_SORT, BITMAP, TRIE or AUTOINDEX (no ``metric_type``), as
        the field's type allows; the core parses and checks the names and parameters."""
        self.append(IndexParam(field_name, index_type, index_name, metric_type, params, **kwargs))


def _ids(result: Dict[str, Any]) -> List[Any]:
    return list(result["primary_keys"])


class MilvusClient:
    """``MilvusClient(uri)`` where ``uri`` is a local directory (``"./milvus_demo.db"`` is used as a
    directory name; a server address is refused). ``timeout`` is the default of every call's
    ``timeout``.

    The veclite-only keyword arguments choose the engine's options (left out = the default):
    ``sync_policy`` (``"every_write"``, the default: fsync the write-ahead log before a write
    returns; ``"interval"``: fsync every ``sync_interval`` seconds, default 1.0; ``"none"``: leave
    it to the OS), ``seal_threshold_bytes`` (growing segments are sealed at this size, default
    64 MiB) and ``worker_threads`` (threads of a search or an index build, default one per
    core). Several clients (and ORM connections) of one directory share one open database, so
    they must ask for the same options: a client asking for other options than the open
    database has raises ParamError."""

    def __init__(self, uri: str = "./milvus.db", user: str = "", password: str = "", db_name: str = "",
                 token: str = "", timeout: Optional[float] = None, *, sync_policy: Optional[str] = None,
                 sync_interval: Optional[float] = None, seal_threshold_bytes: Optional[int] = None,
                 worker_threads: Optional[int] = None, **kwargs: Any) -> None:
        check_credentials(user, password, token, db_name)
        refuse_unknown("MilvusClient", kwargs)
        self._timeout = check_timeout(timeout)
        options = open_options("MilvusClient", sync_policy, sync_interval, seal_threshold_bytes, worker_threads)
        self._engine = Engine(uri, options)
        #: The ORM connection alias of this client (as in pymilvus): ``Collection(name,
        #: using=client._using)`` works on the client's database until the client is closed.
        self._using = f"cm-{id(self)}"
        from .orm import connections

        self._orm_engine = Engine(uri, options)
        connections._attach(self._using, self._orm_engine)
        if db_name:
            try:
                self.use_database(db_name)
            except BaseException:
                self.close()
                raise

    # --- collections ---------------------------------------------------------------------

    @classmethod
    def create_schema(cls, **kwargs: Any) -> CollectionSchema:
        """An empty :class:`CollectionSchema` (``auto_id``, ``enable_dynamic_field`` (default
        False, as in pymilvus), ``description``); a class method, as in pymilvus
        (``MilvusClient.create_schema()`` needs no client)."""
        return CollectionSchema([], **kwargs)

    @staticmethod
    def prepare_index_params(field_name: str = "", **kwargs: Any) -> IndexParams:
        """An empty :class:`IndexParams` (or one index on ``field_name``)."""
        p = IndexParams()
        if field_name:
            p.add_index(field_name, **kwargs)
        return p

    def create_collection(self, collection_name: str, dimension: Optional[int] = None,
                          primary_field_name: str = "id", id_type: str = "int", vector_field_name: str = "vector",
                          metric_type: str = "COSINE", auto_id: bool = False, timeout: Optional[float] = None,
                          schema: Optional[CollectionSchema] = None, index_params: Optional[IndexParams] = None,
                          **kwargs: Any) -> None:
        """Quick form (``dimension`` + names, metric, ``auto_id``, ``id_type``, ``max_length`` of
        a string id, ``description``; dynamic fields on unless ``enable_dynamic_field=False``;
        an AUTOINDEX index unless ``index_params`` says otherwise) or schema form (``schema=``,
        optional ``index_params=``; the quick form's arguments are refused, but for a
        ``dimension`` equal to a vector field's). ``num_shards`` may
        only be 1. ``num_partitions`` (1..=1024, default 16) applies to a schema with a partition
        key field (``is_partition_key=True``), whose rows are routed to partitions
        ``_default_0`` ... by Milvus's hash of the key. ``consistency_level`` (default Bounded)
        and ``properties`` are kept in the catalog and returned by :meth:`describe_collection`;
        ``collection.ttl.seconds`` expires rows older than that many seconds; a property veclite
        cannot honour (``allow_insert_auto_id=True``, ...) is refused."""
        check_timeout(timeout)
        check_shards(kwargs.pop("num_shards", None))
        level = consistency_number(kwargs.pop("consistency_level", None))
        properties = check_properties(kwargs.pop("properties", None))
        num_partitions = kwargs.pop("num_partitions", None)
        if schema is None:
            refuse_unknown("create_collection", kwargs, ("enable_dynamic_field", "max_length", "description"))
            if dimension is None:
                raise ParamError(message="create_collection needs `dimension` (quick setup) or `schema`")
            schema = CollectionSchema([], kwargs.get("description", ""),
                                      enable_dynamic_field=bool(kwargs.get("enable_dynamic_field", True)))
            if id_type in ("int", DataType.INT64):
                if "max_length" in kwargs:
                    raise ParamError(message="max_length applies to a string primary key (id_type='string')")
                schema.add_field(primary_field_name, DataType.INT64, is_primary=True, auto_id=auto_id)
            elif id_type in ("string", "str", DataType.VARCHAR):
                schema.add_field(primary_field_name, DataType.VARCHAR, is_primary=True, auto_id=auto_id,
                                 max_length=kwargs.get("max_length", 65535))
            else:
                raise ParamError(message=f"id_type must be 'int' or 'string', got {id_type!r}")
            schema.add_field(vector_field_name, DataType.FLOAT_VECTOR, dim=dimension)
            if index_params is None:
                index_params = IndexParams()
                index_params.add_index(vector_field_name, "AUTOINDEX", metric_type=metric_type)
            elif metric_type != "COSINE":
                raise ParamError(message="metric_type and index_params both say how to index: give the metric in "
                                 "index_params")
        else:
            refuse_unknown("create_collection", kwargs)
            quick = {"dimension": (dimension, None), "primary_field_name": (primary_field_name, "id"),
                     "id_type": (id_type, "int"), "vector_field_name": (vector_field_name, "vector"),
                     "metric_type": (metric_type, "COSINE"), "auto_id": (auto_id, False)}
            if any(f.dim == dimension for f in schema.fields):
                del quick["dimension"]  # pymilvus programs repeat the schema's vector dimension
            given = [k for k, (v, default) in quick.items() if v != default]
            if given:
                raise ParamError(message=f"create_collection(schema=...) takes the collection's layout from the "
                                 f"schema: {', '.join(given)} apply to the quick form (without schema) only")
        self._engine.create_collection(collection_name, schema, level, properties, num_partitions)
        try:
            for p in index_params or []:
                self._create_index(collection_name, p, timeout)
        except Exception:
            call(self._engine.db.drop_collection, collection_name)
            raise

    def list_collections(self, **kwargs: Any) -> List[str]:
        refuse_unknown("list_collections", kwargs)
        return call(self._engine.db.list_collections)

    def has_collection(self, collection_name: str, timeout: Optional[float] = None, **kwargs: Any) -> bool:
        refuse_unknown("has_collection", kwargs)
        check_timeout(timeout)
        return call(self._engine.db.has_collection, collection_name)

    def describe_collection(self, collection_name: str, timeout: Optional[float] = None, **kwargs: Any
                            ) -> Dict[str, Any]:
        """pymilvus's shape: ``collection_name``, ``auto_id``, ``fields`` (``field_id``, ``name``,
        ``type``, ``params``, ...; the hidden ``$meta`` field is not listed), ``num_partitions``,
        ``enable_dynamic_field``, ``aliases`` (the collection's), and ``num_shards``,
        ``consistency_level`` (a number) and ``properties`` as the catalog holds them..."""
        refuse_unknown("describe_collection", kwargs)
        check_timeout(timeout)
        d = self._engine.describe(collection_name)
        fields = []
        for i, f in enumerate(visible_fields(d)):
            fs = f.to_dict()
            fs["field_id"] = 100 + i
            fields.append(fs)
        return {
            "collection_name": d["name"], "auto_id": any(f["auto_id"] for f in d["fields"]),
            "num_shards": d["num_shards"], "description": d["description"], "fields": fields, "functions": [],
            "aliases": call(self._engine.db.list_aliases, d["name"]), "collection_id": d["id"],
            "consistency_level": d["consistency_level"], "properties": d["properties"],
            "num_partitions": d["num_partitions"] or len(d["partitions"]),
            "enable_dynamic_field": bool(d["enable_dynamic_field"]),
            "created_timestamp": d["created_timestamp"],
        }

    def alter_collection_properties(self, collection_name: str, properties: Dict[str, Any],
                                    timeout: Optional[float] = None, **kwargs: Any) -> None:
        """Sets collection properties in one catalog commit (refused ones change nothing)."""
        refuse_unknown("alter_collection_properties", kwargs)
        check_timeout(timeout)
        call(self._engine.db.alter_collection, collection_name, check_properties(properties), [])

    def drop_collection_properties(self, collection_name: str, property_keys: List[str],
                                   timeout: Optional[float] = None, **kwargs: Any) -> None:
        """Removes collection properties (a key that is not set is no error)."""
        refuse_unknown("drop_collection_properties", kwargs)
        check_timeout(timeout)
        if isinstance(property_keys, str) or not all(isinstance(k, str) for k in property_keys):
            raise ParamError(message="property_keys must be a list of strings")
        call(self._engine.db.alter_collection, collection_name, [], list(property_keys))

    def alter_collection_field(self, collection_name: str, field_name: str, field_params: Dict[str, Any],
                               timeout: Optional[float] = None, **kwargs: Any) -> None:
        """Milvus changes a field's parameters here (``max_length``, ``max_capacity``,
        ``mmap.enabled``); veclite's fields keep the parameters they were created with.

        :raises FeatureNotSupportedException: always, naming the field and the parameters.
        """
        refuse_unknown("alter_collection_field", kwargs)
        check_timeout(timeout)
        keys = ", ".join(f"`{k}`" for k in (field_params or {}))
        raise FeatureNotSupportedException(
            message=f"alter_collection_field(): field `{field_name}` of collection `{collection_name}`: changing "
                    f"field parameters ({keys}) is not supported by veclite; a field keeps the parameters it was "
                    "created with")

    def drop_collection(self, collection_name: str, timeout: Optional[float] = None, **kwargs: Any) -> None:
        refuse_unknown("drop_collection", kwargs)
        check_timeout(timeout)
        self._engine.drop_collection(collection_name)

    def get_collection_stats(self, collection_name: str, timeout: Optional[float] = None, **kwargs: Any
                             ) -> Dict[str, int]:
        refuse_unknown("get_collection_stats", kwargs)
        return {"row_count": call(self._engine.db.count, collection_name, "", [], _t(timeout, self._timeout))}

    # load / release: veclite serves every collection without loading; names are validated.
    def load_collection(self, collection_name: str, timeout: Optional[float] = None, **kwargs: Any) -> None:
        """Checks the name; ``replica_number`` may only be 1 (one in-process replica)."""
        check_replicas(kwargs.pop("replica_number", None))
        refuse_unknown("load_collection", kwargs)
        check_timeout(timeout)
        self._engine.describe(collection_name)

    def release_collection(self, collection_name: str, timeout: Optional[float] = None, **kwargs: Any) -> None:
        refuse_unknown("release_collection", kwargs)
        check_timeout(timeout)
        self._engine.describe(collection_name)

    def load_partitions(self, collection_name: str, partition_names: Union[str, List[str]],
                        timeout: Optional[float] = None, **kwargs: Any) -> None:
        check_replicas(kwargs.pop("replica_number", None))
        refuse_unknown("load_partitions", kwargs)
        check_timeout(timeout)
        self._check_partitions(collection_name, partition_names)

    def release_partitions(self, collection_name: str, partition_names: Union[str, List[str]],
                           timeout: Optional[float] = None, **kwargs: Any) -> None:
        refuse_unknown("release_partitions", kwargs)
        check_timeout(timeout)
        self._check_partitions(collection_name, partition_names)

    def get_load_state(self, collection_name: str, partition_name: str = "", timeout: Optional[float] = None,
                       **kwargs: Any) -> Dict[str, Any]:
        refuse_unknown("get_load_state", kwargs)
        check_timeout(timeout)
        if partition_name:
            self._check_partitions(collection_name, [partition_name])
        else:
            self._engine.describe(collection_name)
        return {"state": LoadState.Loaded}

    def refresh_load(self, collection_name: str, timeout: Optional[float] = None, **kwargs: Any) -> None:
        """Checks the name: veclite serves new segments and indexes as soon as they exist, so
        there is nothing to reload."""
        refuse_unknown("refresh_load", kwargs)
        check_timeout(timeout)
        self._engine.describe(collection_name)

    def describe_replica(self, collection_name: str, timeout: Optional[float] = None,
                         **kwargs: Any) -> List[ReplicaInfo]:
        """The collection's loaded replicas: one :class:`ReplicaInfo` (one shard served by this
        process)."""
        refuse_unknown("describe_replica", kwargs)
        check_timeout(timeout)
        self._engine.describe(collection_name)
        return [local_replica(collection_name)]

    def get_partition_stats(self, collection_name: str, partition_name: str, timeout: Optional[float] = None,
                            **kwargs: Any) -> Dict[str, int]:
        """``{"row_count": n}``: the partition's live rows (exact)."""
        refuse_unknown("get_partition_stats", kwargs)
        if not isinstance(partition_name, str):
            raise TypeError(f"wrong type of argument 'partition_name', str expected, got "
                            f"'{type(partition_name).__name__}'")
        self._check_partitions(collection_name, [partition_name])
        return {"row_count": call(self._engine.db.count, collection_name, "", [partition_name],
                                  _t(timeout, self._timeout))}

    def get_server_version(self, timeout: Optional[float] = None, detail: bool = False,
                           **kwargs: Any) -> Union[str, Dict[str, str]]:
        """The version of veclite (the engine runs in this process); with ``detail``, a dict
        ``{"version", "deploy_mode"}`` (``deploy_mode`` is ``"EMBEDDED"``)."""
        refuse_unknown("get_server_version", kwargs)
        check_timeout(timeout)
        self._engine.db  # a closed client fails
        return {"version": server_version(), "deploy_mode": "EMBEDDED"} if detail else server_version()

    def _check_partitions(self, collection_name: str, names: Union[str, List[str]]) -> None:
        from .exceptions import PartitionNotExistException

        for p in [names] if isinstance(names, str) else names:
            if not call(self._engine.db.has_partition, collection_name, p):
                raise PartitionNotExistException(
                    message=f"partition `{p}` does not exist in collection `{collection_name}`"
                )

    # --- partitions --------------------------------------------------------------------------

    def create_partition(self, collection_name: str, partition_name: str, timeout: Optional[float] = None,
                         **kwargs: Any) -> None:
        refuse_unknown("create_partition", kwargs)
        check_timeout(timeout)
        call(self._engine.db.create_partition, collection_name, partition_name)

    def drop_partition(self, collection_name: str, partition_name: str, timeout: Optional[float] = None,
                       **kwargs: Any) -> None:
        refuse_unknown("drop_partition", kwargs)
        check_timeout(timeout)
        call(self._engine.db.drop_partition, collection_name, partition_name)

    def has_partition(self, collection_name: str, partition_name: str, timeout: Optional[float] = None,
                      **kwargs: Any) -> bool:
        refuse_unknown("has_partition", kwargs)
        check_timeout(timeout)
        return call(self._engine.db.has_partition, collection_name, partition_name)

    def list_partitions(self, collection_name: str, timeout: Optional[float] = None, **kwargs: Any) -> List[str]:
        refuse_unknown("list_partitions", kwargs)
        check_timeout(timeout)
        return call(self._engine.db.list_partitions, collection_name)

    # --- writes ------------------------------------------------------------------------------

    def insert(self, collection_name: str, data: Union[Dict[str, Any], List[Dict[str, Any]]],
               timeout: Optional[float] = None, partition_name: Optional[str] = "", **kwargs: Any) -> Dict[str, Any]:
        """Inserts rows; ``{"insert_count": n, "ids": [...]}``. With dynamic fields, keys that are
        not fields are kept per entity (in ``$meta``); without, they are an error.
        ``progress_bar=True`` reports the rows written on standard error (the batch is written
        at once, so the report comes when it is done)."""
        progress = kwargs.pop("progress_bar", False)
        refuse_unknown("insert", kwargs)
        timeout = _t(timeout, self._timeout)
        if isinstance(data, list) and not data:
            return {"insert_count": 0, "ids": []}
        r = self._engine.write(collection_name, _rows(data), partition_name, False, timeout)
        if progress:
            print(f"insert into {collection_name}: {r['insert_count']}/{r['insert_count']} rows", file=sys.stderr)
        return {"insert_count": r["insert_count"], "ids": _ids(r)}

    def upsert(self, collection_name: str, data: Union[Dict[str, Any], List[Dict[str, Any]]],
               timeout: Optional[float] = None, partition_name: Optional[str] = "", **kwargs: Any) -> Dict[str, Any]:
        """Upserts rows (a key is unique across the collection); ``{"upsert_count": n, "ids": [...]}``.

        :param partial_update: ``True`` upserts in merge mode (Milvus 2.6): each row gives its
            primary key and the fields to change; the fields it leaves out keep the values of
            the live row with that key, and its dynamic keys merge into the row's existing ones.
            A key with no live row is inserted and needs every field that is neither nullable
            nor defaulted. Every row must give the same schema fields. Default ``False``: each
            row replaces the whole entity, dynamic keys included.
        :type partial_update: bool
        :param field_ops: per-field operations on Array fields, e.g.
            ``{"tags": FieldOp.array_append()}`` (or ``FieldOpType`` values, or the names
            ``"array_append"`` / ``"array_remove"`` / ``"replace"``): the given elements are
            appended to, or every equal element removed from, the row's array. Any operation
            other than replace makes the upsert a partial update.
        :type field_ops: dict
        """
        refuse_unknown("upsert", kwargs, ("partial_update", "field_ops"))
        ops = _field_ops_arg(kwargs)
        partial = _partial_flag(kwargs) or bool(ops)
        timeout = _t(timeout, self._timeout)
        if isinstance(data, list) and not data:
            return {"upsert_count": 0, "ids": []}
        if partial:
            r = self._engine.partial_upsert(collection_name, _rows(data), partition_name, timeout, ops)
        else:
            r = self._engine.write(collection_name, _rows(data), partition_name, True, timeout)
        return {"upsert_count": r["upsert_count"], "ids": _ids(r)}

    def delete(self, collection_name: str, ids: Optional[Union[list, str, int]] = None,
               timeout: Optional[float] = None, filter: Optional[str] = None, partition_name: Optional[str] = "",
               **kwargs: Any) -> Dict[str, int]:
        """Deletes by ``ids`` (``pks=`` is pymilvus's older spelling; both lists are joined) or
        ``filter`` (``filter_params`` fills its placeholders); ``{"delete_count": n}`` counts
        rows really deleted."""
        refuse_unknown("delete", kwargs, ("filter_params", "pks"))
        timeout = _t(timeout, self._timeout)
        filter = render_filter(filter, kwargs.get("filter_params"))
        ids = _merge_pks(kwargs.get("pks"), ids)
        if ids is None and not filter:
            raise ParamError(message="delete needs `ids` or `filter`")
        if ids is not None and filter:
            raise ParamError(message="delete takes either `ids` or `filter`, not both")
        r = self._engine.delete(collection_name, partition_name, filter, ids, timeout)
        return {"delete_count": r["delete_count"]}

    def flush(self, collection_name: str, timeout: Optional[float] = None, **kwargs: Any) -> None:
        refuse_unknown("flush", kwargs)
        call(self._engine.db.flush, collection_name, _t(timeout, self._timeout))

    def compact(self, collection_name: str, is_clustering: bool = False, is_l0: bool = False,
                timeout: Optional[float] = None, **kwargs: Any) -> Dict[str, int]:
        """Flushes and compacts now; returns veclite's stats (pymilvus returns a job id).
        Clustering and L0 compactions are refused."""
        if is_clustering or is_l0:
            raise ParamError(message=unsupported("compact", "is_clustering" if is_clustering else "is_l0"))
        refuse_unknown("compact", kwargs)
        return call(self._engine.db.compact, collection_name, _t(timeout, self._timeout))

    def get_compaction_state(self, job_id: Any, timeout: Optional[float] = None, **kwargs: Any) -> str:
        """``"Completed"``: :meth:`compact` runs synchronously, so its job is done when it returns."""
        refuse_unknown("get_compaction_state", kwargs)
        check_timeout(timeout)
        return "Completed"

    # --- reads -------------------------------------------------------------------------------

    def get(self, collection_name: str, ids: Union[list, str, int], output_fields: Optional[List[str]] = None,
            timeout: Optional[float] = None, partition_names: Optional[List[str]] = None, **kwargs: Any
            ) -> List[Dict[str, Any]]:
        """The rows with these ids, in request order (all fields unless ``output_fields``)."""
        refuse_unknown("get", kwargs)
        return self._engine.get(collection_name, ids, output_fields, partition_names, _t(timeout, self._timeout))

    def query(self, collection_name: str, filter: str = "", output_fields: Optional[List[str]] = None,
              timeout: Optional[float] = None, ids: Optional[Union[list, str, int]] = None,
              partition_names: Optional[List[str]] = None, **kwargs: Any) -> List[Dict[str, Any]]:
        """Rows matching ``filter``, or the rows of ``ids`` (not both); ``limit`` / ``offset``
        kwargs page through them; ``output_fields=["count(*)"]`` counts; without
        ``output_fields`` every field is returned (pymilvus asks for ``["*"]``). Dynamic keys are output
        fields like any other (by name, ``"*"`` or ``"$meta"``) and come back as top-level keys
        of each row; filters name them directly (``color == "red"``)."""
        refuse_unknown("query", kwargs, ("limit", "offset", "filter_params"))
        filter = render_filter(filter, kwargs.get("filter_params")) or ""
        limit, offset = query_window(kwargs)
        timeout = _t(timeout, self._timeout)
        if not output_fields:
            output_fields = ["*"]
        if ids is not None:
            if filter:
                raise ParamError(message="query takes either `filter` or `ids`, not both")
            rows = self._engine.get(collection_name, ids, output_fields, partition_names, timeout)
            return rows[offset:] if limit is None else rows[offset:offset + limit]
        return self._engine.query(collection_name, filter, output_fields, partition_names, limit, offset, timeout)

    def search(self, collection_name: str, data: Any, filter: str = "", limit: int = 10,
               output_fields: Optional[List[str]] = None, search_params: Optional[Dict[str, Any]] = None,
               timeout: Optional[float] = None, partition_names: Optional[List[str]] = None,
               anns_field: Optional[str] = None, **kwargs: Any) -> SearchResult:
        """One list of hits ``{"id", "distance", "entity"}`` per query vector. ``search_params``:
        ``{"metric_type": .., "params": {"ef": .., "nprobe": .., "radius": .., "range_filter": ..}}``
        (metric defaults to the index's; ``ef`` needs an HNSW index and ``nprobe`` an IVF_FLAT one;
        ``radius`` / ``range_filter`` make a range search). Keyword arguments: ``offset``,
        ``round_decimal``, ``group_by_field`` / ``group_size`` / ``strict_group_size`` (grouping
        search: ``limit`` counts groups), ``filter_params`` (values of the filter's ``{name}``
        placeholders) and ``ignore_growing`` (``True``: only sealed segments are searched, as
        ``search_params={"ignore_growing": True}`` asks too); every other kwarg is refused."""
        refuse_unknown("search", kwargs, ("offset", "round_decimal", "group_by_field", "group_size",
                                          "strict_group_size", "filter_params", "ignore_growing"))
        search_params = _with_ignore_growing(search_params, kwargs)
        filter = render_filter(filter, kwargs.get("filter_params")) or ""
        return self._engine.search(collection_name, data, limit, anns_field, search_params, filter, output_fields,
                                   partition_names, kwargs.get("offset"), kwargs.get("round_decimal", -1),
                                   _t(timeout, self._timeout), group_by(kwargs))

    def query_iterator(self, collection_name: str, batch_size: int = 1000, limit: int = -1, filter: str = "",
                       output_fields: Optional[List[str]] = None, partition_names: Optional[List[str]] = None,
                       timeout: Optional[float] = None, **kwargs: Any) -> "_iterators.QueryIterator":
        """A :class:`~veclite._iterators.QueryIterator` over the rows matching ``filter``, in
        primary-key order, ``batch_size`` (1..16384) rows a page and ``limit`` rows in all (-1 =
        every row); ``offset`` and ``filter_params`` kwargs. No row comes back twice and every
        row alive for the whole iteration comes back, under concurrent writes."""
        return _iterators.query_iterator(self._engine, collection_name, batch_size, limit, filter, output_fields,
                                         partition_names, _t(timeout, self._timeout), kwargs, "filter_params")

    def search_iterator(self, collection_name: str, data: Any, batch_size: int = 1000, filter: Optional[str] = None,
                        limit: int = -1, output_fields: Optional[List[str]] = None,
                        search_params: Optional[Dict[str, Any]] = None, timeout: Optional[float] = None,
                        partition_names: Optional[List[str]] = None, anns_field: Optional[str] = None,
                        round_decimal: int = -1, *,
                        external_filter_func: Optional[_iterators.ExternalFilter] = None,
                        **kwargs: Any) -> "_iterators.SearchIterator":
        """A :class:`~veclite._iterators.SearchIterator` over the hits of one query vector, best
        first, ``batch_size`` (1..16384) hits a page and ``limit`` hits in all (-1 = every hit);
        ``search_params`` as in :meth:`search` (a ``radius`` / ``range_filter`` bounds the whole
        iteration); ``filter_params`` kwarg. ``external_filter_func`` (keyword-only, as in
        pymilvus) is given each page of hits and returns those to keep: pages then hold
        ``batch_size`` kept hits and ``limit`` counts kept hits."""
        return _iterators.search_iterator(self._engine, collection_name, data, batch_size, limit, filter,
                                          output_fields, search_params, partition_names, anns_field, round_decimal,
                                          _t(timeout, self._timeout), kwargs, "filter_params", external_filter_func)

    def hybrid_search(self, collection_name: str, reqs: List[Any], ranker: Any, limit: int = 10,
                      output_fields: Optional[List[str]] = None, timeout: Optional[float] = None,
                      partition_names: Optional[List[str]] = None, **kwargs: Any) -> SearchResult:
        """Several ANN searches (:class:`veclite.AnnSearchRequest`) fused by ``ranker``
        (:class:`veclite.RRFRanker` or :class:`veclite.WeightedRanker`) into the best ``limit``
        hits per query. ``offset`` and ``round_decimal`` kwargs; grouping and every other kwarg
        are refused."""
        refuse_unknown("hybrid_search", kwargs, ("offset", "round_decimal"))
        return self._engine.hybrid_search(collection_name, reqs, ranker, limit, output_fields, partition_names,
                                          kwargs.get("offset"), kwargs.get("round_decimal", -1),
                                          _t(timeout, self._timeout))

    # --- databases ---------------------------------------------------------------------------

    def create_database(self, db_name: str, properties: Optional[Dict[str, Any]] = None,
                        timeout: Optional[float] = None, **kwargs: Any) -> None:
        """Creates database ``db_name`` with ``properties`` (kept, returned by describe)."""
        _databases.create_database(self._engine, db_name, properties, timeout, kwargs)

    def alter_database_properties(self, db_name: str, properties: Dict[str, Any], timeout: Optional[float] = None,
                                  **kwargs: Any) -> None:
        """Sets properties of database ``db_name`` (kept in the catalog, returned by
        :meth:`describe_database`). ``database.replica.number`` must be 1; keys veclite cannot
        honour (``database.resource_groups``, ``database.diskQuota.mb``,
        ``database.max.collections``, ``database.force.deny.*``) are refused; others are
        recorded.

        :param properties: ``{key: value}``; values are kept as ``str(value)``.
        """
        _databases.alter_database_properties(self._engine, db_name, properties, timeout, kwargs)

    def drop_database_properties(self, db_name: str, property_keys: List[str], timeout: Optional[float] = None,
                                 **kwargs: Any) -> None:
        """Removes properties of database ``db_name`` (a key that is not set is no error)."""
        _databases.drop_database_properties(self._engine, db_name, property_keys, timeout, kwargs)

    def drop_database(self, db_name: str, timeout: Optional[float] = None, **kwargs: Any) -> None:
        """Drops the empty database ``db_name`` (``default`` cannot be dropped)."""
        _databases.drop_database(self._engine, db_name, timeout, kwargs)

    def list_databases(self, timeout: Optional[float] = None, **kwargs: Any) -> List[str]:
        """Every database name, ``default`` first."""
        return _databases.list_databases(self._engine, timeout, kwargs)

    def describe_database(self, db_name: str, timeout: Optional[float] = None, **kwargs: Any) -> Dict[str, Any]:
        """``{"name": db_name, **properties}``."""
        return _databases.describe_database(self._engine, db_name, timeout, kwargs)

    def rename_collection(self, old_name: str, new_name: str, target_db: Optional[str] = "",
                          timeout: Optional[float] = None, **kwargs: Any) -> None:
        """Renames ``old_name`` to ``new_name`` (in database ``target_db``, default the current
        one), keeping rows, indexes and aliases; an alias cannot be renamed, and a collection
        with aliases cannot move to another database."""
        _databases.rename_collection(self._engine, old_name, new_name, target_db or "", timeout, kwargs)

    def use_database(self, db_name: str, **kwargs: Any) -> None:
        """Makes this client work in database ``db_name``, which must exist."""
        refuse_unknown("use_database", kwargs)
        _databases.use_database(self._engine, db_name)
        _databases.use_database(self._orm_engine, db_name)

    # --- aliases -----------------------------------------------------------------------------

    def create_alias(self, collection_name: str, alias: str, timeout: Optional[float] = None,
                     **kwargs: Any) -> None:
        """Makes ``alias`` another name of the collection, usable wherever a collection name is."""
        refuse_unknown("create_alias", kwargs)
        check_timeout(timeout)
        call(self._engine.db.create_alias, collection_name, alias)

    def alter_alias(self, collection_name: str, alias: str, timeout: Optional[float] = None,
                    **kwargs: Any) -> None:
        """Points the existing ``alias`` to ``collection_name``."""
        refuse_unknown("alter_alias", kwargs)
        check_timeout(timeout)
        call(self._engine.db.alter_alias, collection_name, alias)

    def drop_alias(self, alias: str, timeout: Optional[float] = None, **kwargs: Any) -> None:
        """Removes ``alias`` (a missing alias is no error, as in Milvus)."""
        refuse_unknown("drop_alias", kwargs)
        check_timeout(timeout)
        call(self._engine.db.drop_alias, alias)

    def describe_alias(self, alias: str, timeout: Optional[float] = None, **kwargs: Any) -> Dict[str, str]:
        """``{"alias", "collection_name", "db_name"}``, as pymilvus returns it."""
        refuse_unknown("describe_alias", kwargs)
        check_timeout(timeout)
        return {"alias": alias, "collection_name": call(self._engine.db.describe_alias, alias), "db_name": "default"}

    def list_aliases(self, collection_name: str = "", timeout: Optional[float] = None,
                     **kwargs: Any) -> Dict[str, Any]:
        """``{"aliases", "collection_name", "db_name"}``: the aliases of ``collection_name`` (of
        every collection when it is empty), sorted."""
        refuse_unknown("list_aliases", kwargs)
        check_timeout(timeout)
        aliases = call(self._engine.db.list_aliases, collection_name or None)
        return {"aliases": aliases, "collection_name": collection_name, "db_name": "default"}

    # --- indexes -----------------------------------------------------------------------------

    def _create_index(self, collection_name: str, p: IndexParam, timeout: Optional[float]) -> None:
        call(self._engine.db.create_index, collection_name, p.field_name, p.index_name, p.metric_type, p.index_type,
             param_texts("index param", p.params, strings=True), _t(timeout, self._timeout))

    def create_index(self, collection_name: str, index_params: IndexParams, timeout: Optional[float] = None,
                     **kwargs: Any) -> None:
        refuse_unknown("create_index", kwargs)
        for p in index_params:
            self._create_index(collection_name, p, timeout)

    def list_indexes(self, collection_name: str, field_name: Optional[str] = "", **kwargs: Any) -> List[str]:
        refuse_unknown("list_indexes", kwargs)
        return [i["index_name"] for i in call(self._engine.db.describe_index, collection_name, None)
                if not field_name or i["field_name"] == field_name]

    def describe_index(self, collection_name: str, index_name: str, timeout: Optional[float] = None,
                       **kwargs: Any) -> Optional[Dict[str, Any]]:
        """The index named ``index_name`` (the collection's only index when the name is empty):
        ``index_name``, ``field_name``, ``index_type``, ``metric_type``, its build parameters,
        ``total_rows`` / ``indexed_rows`` / ``pending_index_rows`` and ``state``; None when
        there is no such index (as pymilvus returns it)."""
        refuse_unknown("describe_index", kwargs)
        check_timeout(timeout)
        try:
            return pick(call(self._engine.db.describe_index, collection_name, None), collection_name, index_name)
        except IndexNotExistException:
            return None

    def _index(self, collection_name: str, index_name: str, timeout: Optional[float]) -> Dict[str, Any]:
        """The description of an index that must exist (else IndexNotExistException)."""
        check_timeout(timeout)
        return pick(call(self._engine.db.describe_index, collection_name, None), collection_name, index_name)

    def drop_index(self, collection_name: str, index_name: str, timeout: Optional[float] = None,
                   **kwargs: Any) -> None:
        refuse_unknown("drop_index", kwargs)
        field = self._index(collection_name, index_name, timeout)["field_name"]
        call(self._engine.db.drop_index, collection_name, field)

    def alter_index_properties(self, collection_name: str, index_name: str, properties: Dict[str, Any],
                               timeout: Optional[float] = None, **kwargs: Any) -> None:
        """Sets properties of an index, kept in the catalog and returned by
        :meth:`describe_index`. As in Milvus, only ``mmap.enabled`` (a bool) can be set: veclite
        records it (sealed segments and index files are always memory-mapped); any other key is
        refused, naming it.

        :param properties: ``{"mmap.enabled": True}``.
        :raises IndexNotExistException: for a missing index.
        """
        refuse_unknown("alter_index_properties", kwargs)
        _index_props.alter(self._engine, collection_name, index_name, properties, timeout)

    def drop_index_properties(self, collection_name: str, index_name: str, property_keys: List[str],
                              timeout: Optional[float] = None, **kwargs: Any) -> None:
        """Removes properties of an index (a key that is not set is no error).

        :raises IndexNotExistException: for a missing index.
        """
        refuse_unknown("drop_index_properties", kwargs)
        _index_props.drop(self._engine, collection_name, index_name, property_keys, timeout)

    def close(self) -> None:
        """Releases the directory (when no other client or connection uses it). Idempotent."""
        from .orm import connections

        connections.disconnect(self._using)
        self._engine.close()

    def __enter__(self) -> "MilvusClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _merge_pks(pks: Any, ids: Any) -> Any:
    """``ids`` joined with pymilvus's older ``pks=`` (one key or a list); None when neither is
    given."""
    if pks is None:
        return ids
    keys = list(pks) if isinstance(pks, (list, tuple)) else [pks]
    if ids is not None:
        keys += list(ids) if isinstance(ids, (list, tuple)) else [ids]
    return keys


def _rows(data: Any) -> Any:
    if isinstance(data, dict):
        return [data]
    if not isinstance(data, list) and not _is_dataframe(data):
        raise ParamError(message=f"data must be a dict or a list of dicts, got {type(data).__name__}")
    return data


def _t(timeout: Optional[float], default: Optional[float]) -> Optional[float]:
    """The call's timeout (checked), or the client's."""
    return default if timeout is None else check_timeout(timeout)

