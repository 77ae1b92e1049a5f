"""veclite: an embedded vector database with Milvus semantics, shaped like pymilvus.

Two APIs, as in pymilvus: ``MilvusClient("./dir")`` and the ORM (``connections``,
``Collection``, ``Partition``, ``CollectionSchema``, ``FieldSchema``, ``DataType``, ``utility``).
Change ``from pymilvus import ...`` to ``from veclite import ...`` and point the URI at a local
directory.
"""

import logging as _logging
import sys as _sys

from . import _veclite
from ._client_types import FunctionType, IndexType, LoadState, Shard
from ._core import Hit, Hits, SearchResult
from ._function import Function
from ._hybrid import AnnSearchRequest, BaseRanker, RRFRanker, WeightedRanker
from ._index import Index
from ._partial import FieldOp, FieldOpType
from ._types import CollectionSchema, DataType, FieldSchema
from .exceptions import *  # noqa: F401,F403
from .exceptions import MilvusException, STATUS_CLASSES
from .milvus_client import IndexParams, MilvusClient
from .orm import Collection, Connections, MutationResult, Partition, connections, utility
from ._async import AsyncMilvusClient
from ._modules import install_as_pymilvus, register as _register_modules
from . import db  # noqa: E402  (pymilvus's `db` module)

__version__ = "0.1.0"

# pymilvus's module-level helpers (``from pymilvus import list_collections``): the ORM utility's.
has_collection = utility.has_collection
drop_collection = utility.drop_collection
list_collections = utility.list_collections
has_partition = utility.has_partition
loading_progress = utility.loading_progress
wait_for_loading_complete = utility.wait_for_loading_complete
index_building_progress = utility.index_building_progress
wait_for_index_building_complete = utility.wait_for_index_building_complete

# The core's events go to the logger "veclite" (and its children); like any library, it prints
# nothing unless the application configures logging.
_logging.getLogger("veclite").addHandler(_logging.NullHandler())

__all__ = [
    "MilvusClient", "IndexParams", "LoadState", "DataType", "FieldSchema", "CollectionSchema", "Collection",
    "Partition", "connections", "Connections", "utility", "MutationResult", "SearchResult", "Hits", "Hit",
    "MilvusException", "STATUS_CLASSES", "AnnSearchRequest", "BaseRanker", "RRFRanker", "WeightedRanker",
    "AsyncMilvusClient", "Function", "FunctionType", "IndexType", "Index", "Shard", "install_as_pymilvus",
    "has_collection", "drop_collection", "list_collections", "has_partition", "loading_progress",
    "wait_for_loading_complete", "index_building_progress", "wait_for_index_building_complete",
    "db", "FieldOp", "FieldOpType",
] + [c.__name__ for c in STATUS_CLASSES.values()] + [
    "CollectionNotExistException", "PartitionNotExistException", "FieldNotExistException", "IndexNotExistException",
    "NotFoundException",
]

# ``veclite.client.types``, ``veclite.orm.types``, ``veclite.milvus_client.index``, ...: pymilvus's
# deep module paths (see veclite._modules).
_register_modules(_sys.modules[__name__])
