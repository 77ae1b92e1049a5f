"""veclite: an embedded vector database with Milvus semantics, shaped like pymilvus.

Two APIs, as in pymilvus: ``MilvusClient("./dir")`` and the ORM (``connections``,
``Collection``, ``Partition``, ``CollectionSchema``, ``FieldSchema``, ``DataType``, ``utility``).
Change ``from pymilvus import ...`` to ``from veclite import ...`` and point the URI at a local
directory.
"""

import logging as _logging

from . import _veclite
from ._core import Hit, Hits, SearchResult
from ._hybrid import AnnSearchRequest, BaseRanker, RRFRanker, WeightedRanker
from ._types import CollectionSchema, DataType, FieldSchema
from .exceptions import *  # noqa: F401,F403
from .exceptions import MilvusException, STATUS_CLASSES
from .milvus_client import IndexParams, LoadState, MilvusClient
from .orm import Collection, Connections, MutationResult, Partition, connections, utility
from . import db  # noqa: E402  (pymilvus's `db` module)

__version__ = "0.1.0"

# The core's events go to the logger "veclite" (and its children); like any library, it prints
# nothing unless the application configures logging.
_logging.getLogger("veclite").addHandler(_logging.NullHandler())

__all__ = [
    "MilvusClient", "IndexParams", "LoadState", "DataType", "FieldSchema", "CollectionSchema", "Collection",
    "Partition", "connections", "Connections", "utility", "MutationResult", "SearchResult", "Hits", "Hit",
    "MilvusException", "STATUS_CLASSES", "AnnSearchRequest", "BaseRanker", "RRFRanker", "WeightedRanker",
    "db",
] + [c.__name__ for c in STATUS_CLASSES.values()] + [
    "CollectionNotExistException", "PartitionNotExistException", "FieldNotExistException", "IndexNotExistException",
    "NotFoundException",
]
