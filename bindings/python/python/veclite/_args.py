"""Argument rules shared by ``MilvusClient``, the ORM and ``connections``.

Every argument veclite accepts is acted on, or refused with a :class:`ParamError` that names
the call and the argument: never ignored. ``consistency_level`` (every read sees every
acknowledged write, whatever the level) and ``timeout`` (checked where the call can take long)
are the documented exceptions. Keyword arguments a pymilvus signature swallows in ``**kwargs``
are checked against the few each call acts on.
"""

from __future__ import annotations

import json
import logging
import os
import re
from typing import Any, Collection, Dict, List, NamedTuple, Optional, Tuple

import numpy as np

from . import _veclite
from .exceptions import ParamError, translate

#: Why some keyword arguments pymilvus knows are refused (the message says it).
_WHY = {
    "ignore_growing": "ignore_growing applies to search only (a query always reads growing data)",
    "page_retain_order": "page_retain_order is not supported",
    "ranker": "rankers (hybrid search) are not supported",
    "function_chains": "search function chains are not supported",
    "highlighter": "highlighting is not supported",
    "search_aggregation": "search aggregation is not supported",
    "hints": "search hints are not supported",
    "_async": "asynchronous calls are not supported: every call returns when it is done",
    "_callback": "asynchronous calls are not supported: every call returns when it is done",
    "partition_key_field": "partition_key_field applies to a schema: CollectionSchema(partition_key_field=...) "
                           "or add_field(..., is_partition_key=True)",
    "clustering_key_field": "clustering keys are not supported",
    "functions": "schema functions are not supported",
    "replica_number": "veclite serves one in-process replica",
    "resource_groups": "resource groups are not supported",
    "load_fields": "veclite serves every field of a collection",
    "skip_load_dynamic_field": "veclite serves every field of a collection",
    "refresh": "veclite serves every collection without loading",
    "field_ops": "field_ops applies to upsert only",
    "is_clustering": "clustering compaction is not supported",
    "is_l0": "L0 compaction is not supported",
    "ids": "searching by primary keys is not supported: pass the vectors",
    "address": "veclite opens a local directory: pass uri='./dir' (a server mode is not available in-process)",
    "host": "veclite opens a local directory: pass uri='./dir' (a server mode is not available in-process)",
    "port": "veclite opens a local directory: pass uri='./dir' (a server mode is not available in-process)",
    "secure": "there is no connection to secure",
    "enable_dynamic_field": "with schema=, the schema says it (create_schema(enable_dynamic_field=...))",
}

#: Consistency level names (pymilvus's ``ConsistencyLevel``); ints 0..4 are accepted too.
_LEVELS = {"strong", "session", "bounded", "eventually", "customized"}


def refuse_unknown(call: str, kwargs: Dict[str, Any], allowed: Collection[str] = ()) -> None:
    """Raises ParamError for the first keyword argument of ``call`` that it does not act on
    (``allowed`` lists those it does). ``consistency_level`` (with ``guarantee_timestamp`` and
    ``graceful_time``) and ``timeout`` are accepted everywhere, their values checked."""
    for key, value in kwargs.items():
        if key in allowed:
            continue
        if key == "consistency_level":
            check_consistency_level(value)
        elif key in ("guarantee_timestamp", "graceful_time"):
            uint(key, value)  # consistency settings: every read already sees every acknowledged write
        elif key == "timeout":
            check_timeout(value)
        elif _lenient_kwargs:
            _log.warning("%s; ignored, as pymilvus ignores it (install_as_pymilvus(lenient_kwargs=True))",
                         unsupported(call, key))
        else:
            raise ParamError(message=unsupported(call, key))


#: Whether :func:`refuse_unknown` logs and drops unknown keyword arguments instead of refusing
#: them (set by ``install_as_pymilvus(lenient_kwargs=True)``).
_lenient_kwargs = False
_log = logging.getLogger("veclite")


def set_lenient_kwargs(on: bool) -> None:
    """Makes :func:`refuse_unknown` log a warning and drop a keyword argument no call acts on
    (as pymilvus drops them) when ``on``, or refuse it (the default) when not."""
    global _lenient_kwargs
    _lenient_kwargs = bool(on)


def unsupported(call: str, key: str) -> str:
    """The message refusing argument ``key`` of ``call``."""
    why = _WHY.get(key, "veclite does not act on it")
    return f"{call}(): argument `{key}` is not supported: {why}"


def consistency_number(value: Any) -> Optional[int]:
    """The number (0..4, pymilvus's ``ConsistencyLevel``) of a checked consistency level; None
    stays None."""
    check_consistency_level(value)
    if value is None:
        return None
    if isinstance(value, str):
        return ["strong", "session", "bounded", "eventually", "customized"].index(value.lower())
    return int(value)


def check_properties(properties: Any) -> List[Tuple[str, str]]:
    """Collection properties as ``(key, value)`` strings (values as ``str()`` writes them, as
    pymilvus sends them); the core checks the keys it acts on."""
    if properties is None:
        return []
    if not isinstance(properties, dict):
        raise ParamError(message=f"properties must be a dict, got {type(properties).__name__}")
    return [(str(k), str(v)) for k, v in properties.items()]


def check_consistency_level(value: Any) -> None:
    """A consistency level is accepted (reads are always strong) but must be one pymilvus knows."""
    if value is None:
        return
    if isinstance(value, str) and value.lower() in _LEVELS:
        return
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool) and 0 <= value <= 4:
        return
    raise ParamError(
        message=f"consistency_level {value!r} is not a consistency level (Strong, Session, Bounded, Eventually, "
        "Customized or 0..4)"
    )


def check_timeout(value: Any) -> Optional[float]:
    """``timeout`` as seconds (None = no deadline); a negative or non-numeric value is refused."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)) or not value >= 0:
        raise ParamError(message=f"timeout must be a non-negative number of seconds, got {value!r}")
    return float(value)


def uint(name: str, value: Any, minimum: int = 0, maximum: int = 2**63 - 1) -> int:
    """``value`` as an int in [minimum, maximum]; anything else (floats, bools, strings,
    negative numbers) is a ParamError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ParamError(message=f"{name} must be an integer, got {type(value).__name__} {value!r}")
    if value < minimum:
        bound = "non-negative" if minimum == 0 else f"at least {minimum}"
        raise ParamError(message=f"{name} must be {bound}, got {value}")
    if value > maximum:
        raise ParamError(message=f"{name} must be at most {maximum}, got {value}")
    return int(value)


def opt_uint(name: str, value: Any, minimum: int = 0, maximum: int = 2**63 - 1) -> Optional[int]:
    """:func:`uint`, with None passed through."""
    return None if value is None else uint(name, value, minimum, maximum)


def check_credentials(user: str, password: str, token: str, db_name: str) -> None:
    """Refuses credentials: a veclite directory has no users. ``db_name`` must be a str (the
    database is chosen by :func:`veclite._databases.use_database`)."""
    if user or password or token:
        raise ParamError(message="user / password / token are not supported: veclite opens a local directory and has "
                         "no users")
    if db_name is not None and not isinstance(db_name, str):
        raise ParamError(message=f"db_name must be a str, got {db_name!r}")


def check_shards(num_shards: Any) -> None:
    """``num_shards`` / ``shards_num``: a collection is one in-process shard, so only 1 is accepted."""
    if num_shards is not None and uint("num_shards", num_shards) != 1:
        raise ParamError(message=f"num_shards={num_shards}: a veclite collection has one shard")


def check_replicas(replica_number: Any) -> None:
    """``replica_number``: veclite serves one in-process replica, so only 1 is accepted."""
    if replica_number is not None and uint("replica_number", replica_number) != 1:
        raise ParamError(message=f"replica_number={replica_number}: veclite serves one in-process replica")


def query_window(kwargs: Dict[str, Any]) -> Tuple[Optional[int], int]:
    """``(limit, offset)`` of a query's kwargs (limit None = every row)."""
    return opt_uint("limit", kwargs.get("limit")), uint("offset", kwargs.get("offset", 0))


def check_round_decimal(value: Any) -> int:
    """``round_decimal``: -1 (no rounding) or 0..6 decimal places, as pymilvus checks it."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not -1 <= value <= 6:
        raise ParamError(message=f"round_decimal must be an integer in [-1, 6] (-1 = no rounding), got {value!r}")
    return int(value)


def render_filter(expr: Optional[str], params: Optional[Dict[str, Any]]) -> Optional[str]:
    """``expr`` with its ``{name}`` placeholders filled from ``params`` (Milvus's
    ``filter_params`` / ``expr_params``) by the core; ``expr`` unchanged without params."""
    if params is None:
        return expr
    if not isinstance(params, dict):
        raise ParamError(message=f"filter_params must be a dict, got {type(params).__name__}")
    try:
        text = json.dumps(params, default=_json_scalar, allow_nan=False)
    except (TypeError, ValueError) as e:
        raise ParamError(message=f"filter_params: {e}") from None
    try:
        return _veclite.render_filter(expr or "", text)
    except _veclite.VecliteError as e:
        raise translate(e) from None


def _json_scalar(value: Any) -> Any:
    """numpy scalars and arrays as JSON values."""
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} {value!r} is not a boolean, number, string or list")


def group_by(kwargs: Dict[str, Any]) -> Optional[Tuple[str, int, bool]]:
    """``(group_by_field, group_size, strict_group_size)`` from a search's kwargs, or None."""
    field = kwargs.get("group_by_field")
    if field is None:
        for key in ("group_size", "strict_group_size"):
            if kwargs.get(key) is not None:
                raise ParamError(message=f"{key} needs group_by_field")
        return None
    if not isinstance(field, str) or not field:
        raise ParamError(message=f"group_by_field must be a field name, got {field!r}")
    size = uint("group_size", kwargs.get("group_size", 1) or 1, 1)
    strict = kwargs.get("strict_group_size", False)
    if not isinstance(strict, (bool, np.bool_)):
        raise ParamError(message=f"strict_group_size must be a bool, got {strict!r}")
    return field, size, bool(strict)


# --- engine options --------------------------------------------------------------------------

#: The values of ``sync_policy``: when the write-ahead log is fsynced.
SYNC_POLICIES = ("every_write", "interval", "none")

#: The fsync interval of ``sync_policy="interval"`` when ``sync_interval`` is not given, in seconds.
DEFAULT_SYNC_INTERVAL = 1.0

#: The shortest ``sync_interval`` accepted, in seconds (1 ms, as in the Go package).
MIN_SYNC_INTERVAL = 0.001


def open_options(call: str, sync_policy: Any = None, sync_interval: Any = None, seal_threshold_bytes: Any = None,
                 worker_threads: Any = None) -> Dict[str, Any]:
    """The engine options ``call`` (``MilvusClient`` or ``connections.connect``) was given, checked,
    as keyword arguments of the native ``Database`` (an option left out, or None, keeps the
    engine's default). ``sync_policy`` is one of :data:`SYNC_POLICIES`; ``sync_interval`` (seconds,
    at least :data:`MIN_SYNC_INTERVAL`, default :data:`DEFAULT_SYNC_INTERVAL`) goes with
    ``"interval"`` only; ``seal_threshold_bytes`` and ``worker_threads`` are positive integers.
    Anything else is a ParamError naming the argument."""
    options: Dict[str, Any] = {}
    if sync_policy is not None:
        if not isinstance(sync_policy, str) or sync_policy not in SYNC_POLICIES:
            raise ParamError(message=f"{call}(): sync_policy must be one of {', '.join(map(repr, SYNC_POLICIES))}, "
                             f"got {sync_policy!r}")
        options["sync_policy"] = sync_policy
    if sync_interval is not None:
        if options.get("sync_policy") != "interval":
            raise ParamError(message=f"{call}(): sync_interval applies to sync_policy='interval' only (sync_policy is "
                             f"{options.get('sync_policy', 'every_write')!r})")
        seconds = _seconds(sync_interval)
        if seconds is None or not MIN_SYNC_INTERVAL <= seconds < float("inf"):
            raise ParamError(message=f"{call}(): sync_interval must be a finite number of seconds, at least "
                             f"{MIN_SYNC_INTERVAL}, got {sync_interval!r}")
        options["sync_interval"] = seconds
    elif options.get("sync_policy") == "interval":
        options["sync_interval"] = DEFAULT_SYNC_INTERVAL
    for name, value in (("seal_threshold_bytes", seal_threshold_bytes), ("worker_threads", worker_threads)):
        if value is not None:
            options[name] = uint(f"{call}(): {name}", value, 1)
    return options


def _seconds(value: Any) -> Optional[float]:
    """A number as a float (an int too large for one is infinite); None for anything else."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        return None
    try:
        return float(value)
    except OverflowError:
        return float("inf")


def check_same_options(path: str, have: Dict[str, Any], asked: Dict[str, Any]) -> None:
    """Refuses to share the database open at ``path`` with options ``have`` (as the native
    ``Database.options()`` reports them) with a client that asked for ``asked`` (as
    :func:`open_options` returns them; what it left out means the defaults): the open database
    cannot change its options, and a client never runs with other options than it asked for."""
    wanted = {**_veclite.default_options(), **asked}
    differ = [key for key, value in wanted.items() if not _same_option(have[key], value)]
    if differ:
        has = ", ".join(f"{key}={have[key]!r}" for key in differ)
        asks = ", ".join(f"{key}={wanted[key]!r}" for key in differ)
        raise ParamError(
            message=f"the database {path!r} is already open in this process with other options ({has}; asked for "
            f"{asks}): open it with the options it has, or close its other clients and connections first"
        )


def _same_option(a: Any, b: Any) -> bool:
    """Whether two option values are equal (sync intervals to the nanosecond the engine keeps)."""
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) < 1e-9
    return a == b


# --- URIs ------------------------------------------------------------------------------------

#: What a Milvus client takes for a server: a URI scheme ("http://", "grpc://", ...), "unix:",
#: or a bare host:port ("localhost:19530", "10.0.0.7:19530", "[::1]:19530").
_SERVER = re.compile(r"^(?i:[a-z][a-z0-9+.-]*://|unix:)|^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):[0-9]+$")


def local_path(uri: Any) -> str:
    """The directory a URI names (absolute, ``~`` expanded, ``file://`` stripped). A
    Milvus Lite file name such as ``"./milvus_demo.db"`` is used as a directory name; an empty
    URI or a server address is a ParamError."""
    if not isinstance(uri, (str, os.PathLike)):
        raise ParamError(message=f"uri must be a local directory path, got {type(uri).__name__} {uri!r}")
    path = os.fspath(uri)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if path.startswith("file://"):
        path = path[len("file://"):]
    if not path.strip():
        raise ParamError(message="uri is empty: veclite opens a local directory path (e.g. './milvus_demo.db')")
    if _SERVER.match(path):
        raise ParamError(
            message=f"uri {uri!r} looks like a Milvus server address: veclite opens a local directory path in this "
            "process (a server mode is not available in-process); pass a directory such as './milvus_demo.db'"
        )
    return os.path.realpath(os.path.expanduser(path))


# --- search and index parameters ------------------------------------------------------------

class SearchParams(NamedTuple):
    """What a search's ``search_params`` ask for: the metric name (None = the index's), the
    index search parameters as text for the core (which parses and checks them) and the offset."""

    metric: Optional[str]
    params: List[Tuple[str, str]]
    offset: Optional[int]


def search_params(params: Optional[Dict[str, Any]]) -> SearchParams:
    """Reads ``{"metric_type", "offset", "params": {...}}``; as in pymilvus, the index
    parameters may also sit at the top level (a key given in both places with two values is an
    error). The core reads ``ef``, ``nprobe``, ``radius`` and ``range_filter`` and refuses every
    other key."""
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise ParamError(message=f"search_params must be a dict, got {type(params).__name__}")
    inner = params.get("params") or {}
    if not isinstance(inner, dict):
        raise ParamError(message=f"search_params['params'] must be a dict, got {type(inner).__name__}")
    merged = dict(inner)
    for key, value in params.items():
        if key in ("params", "metric_type", "offset"):
            continue
        if key in merged and merged[key] != value:
            raise ParamError(message=f"search param `{key}` is given twice: {value!r} and {merged[key]!r} in 'params'")
        merged[key] = value
    metric = params.get("metric_type")
    if metric is not None and not isinstance(metric, str):
        raise ParamError(message=f"metric_type must be a str, got {metric!r}")
    return SearchParams(
        metric or None,
        param_texts("search param", merged),
        opt_uint("offset", params.get("offset")),
    )


def _is_number(text: str) -> bool:
    """Whether ``text`` is a decimal number (what Milvus accepts for a numeric parameter)."""
    try:
        float(text)
    except ValueError:
        return False
    return text.strip().lower() not in ("nan", "inf", "-inf", "+inf", "infinity", "-infinity", "+infinity")


def param_texts(what: str, params: Dict[str, Any], strings: bool = False) -> List[Tuple[str, str]]:
    """Search or index parameters as the ``(key, text)`` pairs the core parses: numbers and
    booleans as JSON writes them, numbers written as strings (``"drop_ratio_search": "0.2"``, as
    Milvus reads them), any string when ``strings`` (index parameters, such as
    ``inverted_index_algo``'s names: the core parses and checks them), None = not given; any
    other value is a ParamError naming the key."""
    out = []
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, (bool, np.bool_)):
            text = "true" if value else "false"
        elif isinstance(value, (int, np.integer)):
            text = str(int(value))
        elif isinstance(value, (float, np.floating)):
            text = repr(float(value))
        elif isinstance(value, str) and (strings or _is_number(value)):
            text = value.strip() if not strings else value
        else:
            raise ParamError(message=f"{what} `{key}` must be a number or a bool{' or a string' if strings else ''}, got {type(value).__name__} {value!r}")
        out.append((str(key), text))
    return out
