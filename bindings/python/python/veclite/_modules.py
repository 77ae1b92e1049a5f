"""pymilvus's module paths over veclite's names, and :func:`install_as_pymilvus`.

Programs import from pymilvus's deep modules (``pymilvus.client.types``, ``pymilvus.orm.types``,
``pymilvus.milvus_client.index``, ...). :data:`MODULES` lists each such path with the veclite
names it holds; :func:`register` makes them importable under ``veclite.`` (so changing the
``pymilvus`` of an import to ``veclite`` works for deep imports too) and
:func:`install_as_pymilvus` under ``pymilvus.`` as well. A path naming one of veclite's own
modules (``exceptions``, ``milvus_client``, ``orm``) is that module; the others are modules made
here that hold the listed names."""

from __future__ import annotations

import importlib
import sys
import types
from typing import Dict, Tuple

#: Deep pymilvus module paths (relative to the package) -> the veclite names each one holds.
#: A name is ``"attribute"`` of the package, or ``"attribute:module"`` of one of its modules.
MODULES: Dict[str, Tuple[str, ...]] = {
    "client": ("__version__",),
    "client.types": (
        "DataType", "LoadState", "IndexType", "MetricType:_client_types", "IndexState:_client_types", "FunctionType",
        "ReplicaInfo:_client_types", "Shard",
    ),
    "client.abstract": (
        "AnnSearchRequest", "BaseRanker", "RRFRanker", "WeightedRanker", "SearchResult", "Hits", "Hit",
    ),
    "client.search_result": ("SearchResult", "Hits", "Hit"),
    "client.field_ops": ("FieldOp", "FieldOpType"),
    "milvus_client.index": ("IndexParams", "IndexParam:milvus_client"),
    "milvus_client.milvus_client": ("MilvusClient",),
    "milvus_client.async_milvus_client": ("AsyncMilvusClient",),
    "orm.types": (
        "DataType", "infer_dtype_bydata:_infer", "infer_dtype_by_scalar_data:_infer",
    ),
    "orm.schema": ("CollectionSchema", "FieldSchema", "Function"),
    "orm.collection": ("Collection",),
    "orm.partition": ("Partition",),
    "orm.index": ("Index",),
    "orm.mutation": ("MutationResult",),
    "orm.connections": ("connections", "Connections"),
    "orm.utility": (
        "has_collection", "drop_collection", "list_collections", "has_partition", "loading_progress", "load_state",
        "wait_for_loading_complete", "index_building_progress", "wait_for_index_building_complete",
        "list_indexes", "create_alias", "alter_alias", "drop_alias", "list_aliases", "get_server_version",
    ),
}

#: veclite's own modules that pymilvus programs import by pymilvus's path.
REAL_MODULES = ("exceptions", "milvus_client", "orm")

#: Names added to a real module so its pymilvus path holds what pymilvus's does.
EXTRA_NAMES: Dict[str, Tuple[str, ...]] = {
    "milvus_client": ("AsyncMilvusClient",),
    "orm": ("db",),
}


def _resolve(package: types.ModuleType, spec: str) -> object:
    """The object a :data:`MODULES` entry names (see there)."""
    name, _, module = spec.partition(":")
    if module:
        return getattr(importlib.import_module(f"{package.__name__}.{module}"), name)
    if hasattr(package, name):
        return getattr(package, name)
    return getattr(package.utility, name)


def register(package: types.ModuleType) -> Dict[str, types.ModuleType]:
    """Makes every path of :data:`MODULES` importable under ``package`` (``veclite``), sets
    each module as an attribute of its parent unless the parent has that name already, and
    returns ``{relative path: module}`` (real modules included)."""
    made: Dict[str, types.ModuleType] = {r: sys.modules[f"{package.__name__}.{r}"] for r in REAL_MODULES}
    for real, names in EXTRA_NAMES.items():
        for name in names:
            setattr(made[real], name, _resolve(package, name))
    for rel, names in MODULES.items():
        full = f"{package.__name__}.{rel}"
        module = sys.modules.get(full)
        if module is None:
            module = types.ModuleType(full, f"pymilvus's ``{rel}`` names, from veclite.")
            module.__package__ = full.rpartition(".")[0]
            sys.modules[full] = module
        exported = []
        for spec in names:
            name = spec.partition(":")[0]
            setattr(module, name, _resolve(package, spec))
            exported.append(name)
        module.__all__ = exported  # type: ignore[attr-defined]
        made[rel] = module
    for rel in sorted(made, key=lambda r: r.count(".")):
        parent, _, leaf = rel.rpartition(".")
        owner = made[parent] if parent else package
        if not hasattr(owner, leaf):  # orm's `connections` and `utility` objects stay what they are
            setattr(owner, leaf, made[rel])
    return made


def install_as_pymilvus(lenient_kwargs: bool = False) -> None:
    """Registers veclite under the ``pymilvus`` module names (``pymilvus``,
    ``pymilvus.client.types``, ``pymilvus.orm.types``, ``pymilvus.milvus_client.index``, ...),
    so libraries that import pymilvus themselves (langchain-milvus, llama-index, haystack)
    run on the embedded engine; the precedent is PyMySQL's ``install_as_MySQLdb()``.

    :param lenient_kwargs: veclite refuses a keyword argument it does not act on; pymilvus
        silently drops the ``**kwargs`` its calls do not know, and some libraries pass such
        arguments (langchain-milvus 0.4 gives its own ``embeddings`` and ``metadatas`` to
        ``MilvusClient.insert`` on the first insert into a new collection). With ``True``, such
        an argument is dropped with a warning on the ``veclite`` logger instead, for the rest of
        the process.

    Call it before importing such a library: a module that imported the real pymilvus earlier
    keeps it. Modules of a real pymilvus already imported are unregistered, so one process
    never mixes the two; a pymilvus path veclite does not provide then fails to import
    (``ModuleNotFoundError``) instead of loading the real one.
    """
    from ._args import set_lenient_kwargs

    set_lenient_kwargs(lenient_kwargs)
    package = sys.modules[__package__]
    made = register(package)
    for name in [n for n in sys.modules if n == "pymilvus" or n.startswith("pymilvus.")]:
        del sys.modules[name]
    sys.modules["pymilvus"] = package
    for rel, module in made.items():
        sys.modules[f"pymilvus.{rel}"] = module
