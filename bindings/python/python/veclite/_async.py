"""``AsyncMilvusClient``: pymilvus's asyncio client over an embedded veclite directory.

Every method is the coroutine form of the :class:`veclite.MilvusClient` method of the same name
and arguments: it runs the synchronous call in the event loop's default executor
(``asyncio.to_thread``), so the loop keeps running while the engine works. The engine releases
the GIL for its data operations (writes, deletes, reads, searches, flushes, compactions, index
builds), so those run in parallel with the loop's Python code; catalog calls (has, list,
describe, create collection) hold it for their short run."""

from __future__ import annotations

import asyncio
import functools
from typing import Any, Callable, Coroutine, Optional

from ._types import CollectionSchema
from .milvus_client import IndexParams, MilvusClient

#: MilvusClient methods that stay synchronous on the async client (they build objects and do
#: no I/O), as in pymilvus.
_SYNC_METHODS = frozenset({"create_schema", "prepare_index_params", "create_field_schema"})


class AsyncMilvusClient:
    """``AsyncMilvusClient(uri)``: the arguments of :class:`veclite.MilvusClient` (a local
    directory, ``timeout``, the engine options). ``await client.insert(...)``,
    ``await client.search(...)``, ... take the arguments of the synchronous methods and return
    their results; ``create_schema`` and ``prepare_index_params`` are synchronous, as in
    pymilvus. ``async with AsyncMilvusClient(uri) as client:`` closes the client at the end."""

    def __init__(self, uri: str = "./milvus.db", user: str = "", password: str = "", db_name: str = "",
                 token: str = "", timeout: Optional[float] = None, **kwargs: Any) -> None:
        self._client = MilvusClient(uri, user, password, db_name, token, timeout, **kwargs)

    @property
    def _using(self) -> str:
        """The ORM connection alias of the underlying client."""
        return self._client._using

    @classmethod
    def create_schema(cls, **kwargs: Any) -> CollectionSchema:
        """An empty :class:`veclite.CollectionSchema` (see :meth:`MilvusClient.create_schema`)."""
        return MilvusClient.create_schema(**kwargs)

    @staticmethod
    def prepare_index_params(field_name: str = "", **kwargs: Any) -> IndexParams:
        """An empty :class:`veclite.IndexParams` (or one index on ``field_name``)."""
        return MilvusClient.prepare_index_params(field_name, **kwargs)

    async def close(self) -> None:
        """Releases the directory (when no other client or connection uses it). Idempotent."""
        await asyncio.to_thread(self._client.close)

    async def __aenter__(self) -> "AsyncMilvusClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    def __getattr__(self, name: str) -> Any:
        """The coroutine form of the MilvusClient method ``name`` (AttributeError when it has
        none)."""
        if name.startswith("_"):
            raise AttributeError(name)
        method = getattr(self._client, name)
        if not callable(method) or name in _SYNC_METHODS:
            return method
        return _coroutine(method)


def _coroutine(method: Callable[..., Any]) -> Callable[..., Coroutine[Any, Any, Any]]:
    """``method`` as a coroutine function that runs it in the default executor."""

    @functools.wraps(method)
    async def run(*args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(method, *args, **kwargs)

    return run
