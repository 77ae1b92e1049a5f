"""``MilvusClient``: pymilvus's high-level client over an embedded veclite directory."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Union

from ._data import _is_dataframe
from ._core import Engine, SearchResult, call, visible_fields
from ._types import CollectionSchema, DataType
from .exceptions import ParamError

_INDEX_TYPES = {"FLAT", "HNSW", "IVF_FLAT", "AUTOINDEX", ""}


class IndexParam:
    """One index request of :class:`IndexParams`."""

    def __init__(self, field_name: str, index_type: str = "", index_name: str = "", metric_type: str = "",
                 params: Optional[Dict[str, Any]] = None, **kwargs: Any) -> None:
        self.field_name = field_name
        self.index_type = (index_type or "AUTOINDEX").upper()
        self.index_name = index_name or field_name
        self.metric_type = (metric_type or "COSINE").upper()
        self.params = dict(params or {})
        self.params.update(kwargs)

    def to_dict(self) -> Dict[str, Any]:
        return {"field_name": self.field_name, "index_type": self.index_type, "index_name": self.index_name,
                "metric_type": self.metric_type, "params": self.params}

    def __repr__(self) -> str:
        return repr(self.to_dict())


class IndexParams(list):
    """What :meth:`MilvusClient.prepare_index_params` returns: a list of :class:`IndexParam`."""

    def add_index(self, field_name: str, index_type: str = "", index_name: str = "", metric_type: str = "",
                  params: Optional[Dict[str, Any]] = None, **kwargs: Any) -> None:
        """Adds an index on ``field_name``: FLAT, HNSW (``M``, ``efConstruction``), IVF_FLAT
        (``nlist``) or AUTOINDEX (= FLAT, exact)."""
        self.append(IndexParam(field_name, index_type, index_name, metric_type, params, **kwargs))


def _ids(result: Dict[str, Any]) -> List[Any]:
    return list(result["primary_keys"])


class MilvusClient:
    """``MilvusClient(uri)`` where ``uri`` is a local directory (``"./milvus_demo.db"`` is used as a
    directory name). Several clients of one directory share one open database."""

    def __init__(self, uri: str = "./milvus.db", user: str = "", password: str = "", db_name: str = "",
                 token: str = "", timeout: Optional[float] = None, **kwargs: Any) -> None:
        self._engine = Engine(uri)
        self._timeout = timeout

    # --- collections ---------------------------------------------------------------------

    def create_schema(self, **kwargs: Any) -> CollectionSchema:
        """An empty :class:`CollectionSchema` (``auto_id``, ``enable_dynamic_field`` (default
        False, as in pymilvus), ``description``)."""
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
        """Quick form (``dimension`` + names, metric, ``auto_id``, ``id_type``; dynamic fields on
        unless ``enable_dynamic_field=False``) or schema form (``schema=``, optional
        ``index_params=``; dynamic fields as the schema says)."""
        if schema is None:
            if dimension is None:
                raise ParamError(message="create_collection needs `dimension` (quick setup) or `schema`")
            schema = CollectionSchema([], enable_dynamic_field=bool(kwargs.get("enable_dynamic_field", True)))
            if id_type in ("int", DataType.INT64):
                schema.add_field(primary_field_name, DataType.INT64, is_primary=True, auto_id=auto_id)
            elif id_type in ("string", "str", DataType.VARCHAR):
                if auto_id:
                    raise ParamError(message="auto_id requires an int primary key (id_type='int')")
                schema.add_field(primary_field_name, DataType.VARCHAR, is_primary=True,
                                 max_length=int(kwargs.get("max_length", 65535)))
            else:
                raise ParamError(message=f"id_type must be 'int' or 'string', got {id_type!r}")
            schema.add_field(vector_field_name, DataType.FLOAT_VECTOR, dim=int(dimension))
            index_params = IndexParams()
            index_params.add_index(vector_field_name, "AUTOINDEX", metric_type=metric_type)
        self._engine.create_collection(collection_name, schema)
        try:
            for p in index_params or []:
                self._create_index(collection_name, p, timeout)
        except Exception:
            call(self._engine.db.drop_collection, collection_name)
            raise

    def list_collections(self, **kwargs: Any) -> List[str]:
        return call(self._engine.db.list_collections)

    def has_collection(self, collection_name: str, timeout: Optional[float] = None, **kwargs: Any) -> bool:
        return call(self._engine.db.has_collection, collection_name)

    def describe_collection(self, collection_name: str, timeout: Optional[float] = None, **kwargs: Any
                            ) -> Dict[str, Any]:
        """pymilvus's shape: ``collection_name``, ``auto_id``, ``fields`` (``field_id``, ``name``,
        ``type``, ``params``, ...; the hidden ``$meta`` field is not listed), ``num_partitions``,
        ``enable_dynamic_field``..."""
        d = self._engine.describe(collection_name)
        fields = []
        for i, f in enumerate(visible_fields(d)):
            fs = f.to_dict()
            fs["field_id"] = 100 + i
            fields.append(fs)
        return {
            "collection_name": d["name"], "auto_id": any(f["auto_id"] for f in d["fields"]), "num_shards": 1,
            "description": d["description"], "fields": fields, "functions": [], "aliases": [],
            "collection_id": d["id"], "consistency_level": 2, "properties": {},
            "num_partitions": len(d["partitions"]), "enable_dynamic_field": bool(d["enable_dynamic_field"]),
            "created_timestamp": d["created_timestamp"],
        }

    def drop_collection(self, collection_name: str, timeout: Optional[float] = None, **kwargs: Any) -> None:
        self._engine.forget(collection_name)
        call(self._engine.db.drop_collection, collection_name)

    def get_collection_stats(self, collection_name: str, timeout: Optional[float] = None, **kwargs: Any
                             ) -> Dict[str, int]:
        return {"row_count": call(self._engine.db.count, collection_name, "", [], timeout)}

    # load / release: veclite serves every collection without loading; names are validated.
    def load_collection(self, collection_name: str, timeout: Optional[float] = None, **kwargs: Any) -> None:
        self._engine.describe(collection_name)

    def release_collection(self, collection_name: str, timeout: Optional[float] = None, **kwargs: Any) -> None:
        self._engine.describe(collection_name)

    def load_partitions(self, collection_name: str, partition_names: Union[str, List[str]],
                        timeout: Optional[float] = None, **kwargs: Any) -> None:
        self._check_partitions(collection_name, partition_names)

    def release_partitions(self, collection_name: str, partition_names: Union[str, List[str]],
                           timeout: Optional[float] = None, **kwargs: Any) -> None:
        self._check_partitions(collection_name, partition_names)

    def get_load_state(self, collection_name: str, partition_name: str = "", timeout: Optional[float] = None,
                       **kwargs: Any) -> Dict[str, Any]:
        if partition_name:
            self._check_partitions(collection_name, [partition_name])
        else:
            self._engine.describe(collection_name)
        return {"state": LoadState.Loaded}

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
        call(self._engine.db.create_partition, collection_name, partition_name)

    def drop_partition(self, collection_name: str, partition_name: str, timeout: Optional[float] = None,
                       **kwargs: Any) -> None:
        call(self._engine.db.drop_partition, collection_name, partition_name)

    def has_partition(self, collection_name: str, partition_name: str, timeout: Optional[float] = None,
                      **kwargs: Any) -> bool:
        return call(self._engine.db.has_partition, collection_name, partition_name)

    def list_partitions(self, collection_name: str, timeout: Optional[float] = None, **kwargs: Any) -> List[str]:
        return call(self._engine.db.list_partitions, collection_name)

    # --- writes ------------------------------------------------------------------------------

    def insert(self, collection_name: str, data: Union[Dict[str, Any], List[Dict[str, Any]]],
               timeout: Optional[float] = None, partition_name: Optional[str] = "", **kwargs: Any) -> Dict[str, Any]:
        """Inserts rows; ``{"insert_count": n, "ids": [...]}``. With dynamic fields, keys that are
        not fields are kept per entity (in ``$meta``); without, they are an error."""
        if isinstance(data, list) and not data:
            return {"insert_count": 0, "ids": []}
        r = self._engine.write(collection_name, _rows(data), partition_name, False, _t(timeout, self._timeout))
        return {"insert_count": r["insert_count"], "ids": _ids(r)}

    def upsert(self, collection_name: str, data: Union[Dict[str, Any], List[Dict[str, Any]]],
               timeout: Optional[float] = None, partition_name: Optional[str] = "", **kwargs: Any) -> Dict[str, Any]:
        """Upserts rows (a key is unique across the collection); ``{"upsert_count": n, "ids": [...]}``."""
        if isinstance(data, list) and not data:
            return {"upsert_count": 0, "ids": []}
        r = self._engine.write(collection_name, _rows(data), partition_name, True, _t(timeout, self._timeout))
        return {"upsert_count": r["upsert_count"], "ids": _ids(r)}

    def delete(self, collection_name: str, ids: Optional[Union[list, str, int]] = None,
               timeout: Optional[float] = None, filter: Optional[str] = None, partition_name: Optional[str] = "",
               **kwargs: Any) -> Dict[str, int]:
        """Deletes by ``ids`` or ``filter``; ``{"delete_count": n}`` counts rows really deleted."""
        if ids is None and not filter:
            raise ParamError(message="delete needs `ids` or `filter`")
        if ids is not None and filter:
            raise ParamError(message="delete takes either `ids` or `filter`, not both")
        r = self._engine.delete(collection_name, partition_name, filter, ids, _t(timeout, self._timeout))
        return {"delete_count": r["delete_count"]}

    def flush(self, collection_name: str, timeout: Optional[float] = None, **kwargs: Any) -> None:
        call(self._engine.db.flush, collection_name, _t(timeout, self._timeout))

    def compact(self, collection_name: str, timeout: Optional[float] = None, **kwargs: Any) -> Dict[str, int]:
        """Flushes and compacts now; returns veclite's stats (pymilvus returns a job id)."""
        return call(self._engine.db.compact, collection_name, _t(timeout, self._timeout))

    def get_compaction_state(self, job_id: Any, timeout: Optional[float] = None, **kwargs: Any) -> str:
        """``"Completed"``: :meth:`compact` runs synchronously, so its job is done when it returns."""
        return "Completed"

    # --- reads -------------------------------------------------------------------------------

    def get(self, collection_name: str, ids: Union[list, str, int], output_fields: Optional[List[str]] = None,
            timeout: Optional[float] = None, partition_names: Optional[List[str]] = None, **kwargs: Any
            ) -> List[Dict[str, Any]]:
        """The rows with these ids, in request order (all fields unless ``output_fields``)."""
        return self._engine.get(collection_name, ids, output_fields, partition_names, _t(timeout, self._timeout))

    def query(self, collection_name: str, filter: str = "", output_fields: Optional[List[str]] = None,
              timeout: Optional[float] = None, ids: Optional[Union[list, str, int]] = None,
              partition_names: Optional[List[str]] = None, **kwargs: Any) -> List[Dict[str, Any]]:
        """Rows matching ``filter`` (``limit``/``offset`` kwargs); ``output_fields=["count(*)"]`` counts.
        Dynamic keys are output fields like any other (by name, ``"*"`` or ``"$meta"``) and come
        back as top-level keys of each row; filters name them directly (``color == "red"``)."""
        if ids is not None:
            return self.get(collection_name, ids, output_fields, timeout, partition_names)
        limit = kwargs.get("limit")
        return self._engine.query(collection_name, filter, output_fields, partition_names,
                                  None if limit is None or limit < 0 else int(limit), int(kwargs.get("offset", 0)),
                                  _t(timeout, self._timeout))

    def search(self, collection_name: str, data: Any, filter: str = "", limit: int = 10,
               output_fields: Optional[List[str]] = None, search_params: Optional[Dict[str, Any]] = None,
               timeout: Optional[float] = None, partition_names: Optional[List[str]] = None,
               anns_field: Optional[str] = None, **kwargs: Any) -> SearchResult:
        """One list of hits ``{"id", "distance", "entity"}`` per query vector. ``search_params``:
        ``{"metric_type": .., "params": {"ef": .., "nprobe": ..}}`` (metric defaults to the index's)."""
        return self._engine.search(collection_name, data, limit, anns_field, search_params, filter, output_fields,
                                   partition_names, int(kwargs.get("offset", 0)), _t(timeout, self._timeout))

    # --- indexes -----------------------------------------------------------------------------

    def _create_index(self, collection_name: str, p: IndexParam, timeout: Optional[float]) -> None:
        if p.index_type not in _INDEX_TYPES:
            raise ParamError(message=f"index type `{p.index_type}` is not supported: use FLAT, HNSW, IVF_FLAT or "
                             "AUTOINDEX")
        kind = "FLAT" if p.index_type in ("AUTOINDEX", "") else p.index_type
        prm = p.params.get("params", p.params) if isinstance(p.params.get("params"), dict) else p.params

        def num(*keys: str) -> Optional[int]:
            for k in keys:
                if prm.get(k) is not None:
                    return int(prm[k])
            return None

        call(self._engine.db.create_index, collection_name, p.field_name, p.index_name, p.metric_type, kind,
             num("M", "m"), num("efConstruction", "ef_construction"), num("nlist"), _t(timeout, self._timeout))

    def create_index(self, collection_name: str, index_params: IndexParams, timeout: Optional[float] = None,
                     **kwargs: Any) -> None:
        for p in index_params:
            self._create_index(collection_name, p, timeout)

    def list_indexes(self, collection_name: str, field_name: Optional[str] = "", **kwargs: Any) -> List[str]:
        return [i["index_name"] for i in call(self._engine.db.describe_index, collection_name, None)
                if not field_name or i["field_name"] == field_name]

    def describe_index(self, collection_name: str, index_name: str, timeout: Optional[float] = None,
                       **kwargs: Any) -> Dict[str, Any]:
        for i in call(self._engine.db.describe_index, collection_name, None):
            if i["index_name"] == index_name:
                return i
        from .exceptions import IndexNotExistException

        raise IndexNotExistException(message=f"index `{index_name}` does not exist in collection `{collection_name}`")

    def drop_index(self, collection_name: str, index_name: str, timeout: Optional[float] = None,
                   **kwargs: Any) -> None:
        field = self.describe_index(collection_name, index_name)["field_name"]
        call(self._engine.db.drop_index, collection_name, field)

    def close(self) -> None:
        """Releases the directory (when no other client or connection uses it). Idempotent."""
        self._engine.close()

    def __enter__(self) -> "MilvusClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class LoadState:
    """pymilvus's load states; veclite collections are always ``Loaded``."""

    NotExist = "NotExist"
    NotLoad = "NotLoad"
    Loading = "Loading"
    Loaded = "Loaded"


def _rows(data: Any) -> Any:
    if isinstance(data, dict):
        return [data]
    if not isinstance(data, list) and not _is_dataframe(data):
        raise ParamError(message=f"data must be a dict or a list of dicts, got {type(data).__name__}")
    return data


def _t(timeout: Optional[float], default: Optional[float]) -> Optional[float]:
    return default if timeout is None else timeout
