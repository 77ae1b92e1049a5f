"""pymilvus's ``client.types``: the enums :class:`LoadState`, :class:`IndexType`,
:class:`MetricType`, :class:`IndexState`, :class:`FunctionType` (pymilvus's numbers and string
forms, so code that compares, prints or stores them behaves as with pymilvus) and the replica
descriptions :class:`ReplicaInfo` and :class:`Shard`."""

from __future__ import annotations

from enum import IntEnum
from typing import Any, Dict, List, Set


class _NamedEnum(IntEnum):
    """An IntEnum whose ``str()`` is the member's name and whose ``repr()`` is
    ``<Class: NAME>`` (pymilvus's forms)."""

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__}: {self._name_}>"

    def __str__(self) -> str:
        return self._name_


class LoadState(_NamedEnum):
    """Load state of a collection or partition. veclite serves every collection without a
    load step, so an existing one is always ``Loaded``.

    NotExist: the collection or partition does not exist.
    NotLoad:  the collection or partition is not loaded.
    Loading:  the collection or partition is loading.
    Loaded:   the collection or partition is loaded.
    """

    NotExist = 0
    NotLoad = 1
    Loading = 2
    Loaded = 3


class IndexType(_NamedEnum):
    """pymilvus's (legacy) index type numbers. veclite builds FLAT, IVF_FLAT and HNSW; index
    types are given by name (``"HNSW"``) when an index is created."""

    INVALID = 0
    FLAT = 1
    IVFLAT = 2
    IVF_SQ8 = 3
    RNSG = 4
    IVF_SQ8H = 5
    IVF_PQ = 6
    HNSW = 11
    ANNOY = 12

    # alternative names
    IVF_FLAT = IVFLAT
    IVF_SQ8_H = IVF_SQ8H


class MetricType(_NamedEnum):
    """pymilvus's metric type numbers; metrics are given by name (``"L2"``) in params."""

    INVALID = 0
    L2 = 1
    IP = 2
    HAMMING = 3
    JACCARD = 4
    TANIMOTO = 5
    SUBSTRUCTURE = 6
    SUPERSTRUCTURE = 7


class IndexState(IntEnum):
    """Build state of an index (``utility.index_building_progress`` and friends)."""

    IndexStateNone = 0
    Unissued = 1
    InProgress = 2
    Finished = 3
    Failed = 4
    Deleted = 5


class FunctionType(IntEnum):
    """Kinds of schema :class:`veclite.Function`. veclite runs none of them yet: a schema with a
    function is refused when a collection is created from it."""

    UNKNOWN = 0
    BM25 = 1
    TEXTEMBEDDING = 2
    RERANK = 3
    MINHASH = 4


class Shard:
    """One shard of a replica: its channel, the nodes serving it and its leader."""

    def __init__(self, channel_name: str, shard_nodes: List[int], shard_leader: int) -> None:
        self._channel_name = channel_name
        self._shard_nodes = set(shard_nodes)
        self._shard_leader = shard_leader

    @property
    def channel_name(self) -> str:
        return self._channel_name

    @property
    def shard_nodes(self) -> Set[int]:
        return self._shard_nodes

    @property
    def shard_leader(self) -> int:
        return self._shard_leader

    def __repr__(self) -> str:
        return (f"Shard: <channel_name:{self.channel_name}>, <shard_leader:{self.shard_leader}>, "
                f"<shard_nodes:{self.shard_nodes}>")


class ReplicaInfo:
    """One loaded replica of a collection (what ``MilvusClient.describe_replica`` lists). A
    veclite collection has exactly one, served by this process (node 1) with one shard."""

    def __init__(self, replica_id: int, shards: List[Shard], nodes: List[int], resource_group: str,
                 num_outbound_node: Dict[str, Any]) -> None:
        self._id = replica_id
        self._shards = shards
        self._nodes = tuple(nodes)
        self._resource_group = resource_group
        self._num_outbound_node = num_outbound_node

    @property
    def id(self) -> int:
        return self._id

    @property
    def group_nodes(self) -> tuple:
        return self._nodes

    @property
    def shards(self) -> List[Shard]:
        return self._shards

    @property
    def resource_group(self) -> str:
        return self._resource_group

    @property
    def num_outbound_node(self) -> Dict[str, Any]:
        return self._num_outbound_node

    def __repr__(self) -> str:
        return (f"ReplicaInfo: <id:{self.id}>, <nodes:{self.group_nodes}>, <shards:{self.shards}>, "
                f"<resource_group: {self.resource_group}>, <num_outbound_node: {self.num_outbound_node}>")


def local_replica(collection_name: str) -> ReplicaInfo:
    """The one replica of a veclite collection: one shard, served by this process."""
    return ReplicaInfo(1, [Shard(f"{collection_name}-shard-0", [1], 1)], [1], "__default_resource_group", {})
