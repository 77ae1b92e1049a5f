"""langchain-milvus (unmodified, from PyPI) against veclite-server, with no shim: the store is
given only connection_args={"uri": ...}. Run by tests/server/run.sh with VECLITE_SERVER_URI."""

import os

from langchain_core.documents import Document
from langchain_core.embeddings import DeterministicFakeEmbedding
from langchain_milvus import Milvus

URI = os.environ["VECLITE_SERVER_URI"]


def test_store_search_delete_upsert_retriever():
    store = Milvus(
        embedding_function=DeterministicFakeEmbedding(size=16),
        collection_name="lc",
        connection_args={"uri": URI},
        auto_id=False,
        drop_old=True,
    )
    docs = [
        Document(page_content=f"text {i}", metadata={"topic": "a" if i % 2 else "b", "n": i})
        for i in range(10)
    ]
    assert store.add_documents(docs, ids=[f"id{i}" for i in range(10)]) == [f"id{i}" for i in range(10)]

    hits = store.similarity_search_with_score("text 3", k=2)
    assert hits[0][0].page_content == "text 3" and hits[0][1] == 0.0
    assert hits[0][0].metadata["n"] == 3 and hits[1][1] > 0

    filtered = store.similarity_search("text 2", k=3, expr='topic == "a"')
    assert len(filtered) == 3 and all(d.metadata["topic"] == "a" for d in filtered)

    store.delete(ids=["id3"])
    assert store.similarity_search("text 3", k=1)[0].page_content != "text 3"

    store.upsert(ids=["id4"], documents=[Document(page_content="new text", metadata={"topic": "c", "n": 4})])
    found = store.as_retriever(search_kwargs={"k": 2}).invoke("new text")
    assert found[0].page_content == "new text" and found[0].metadata["topic"] == "c"
