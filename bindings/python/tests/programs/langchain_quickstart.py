# langchain-milvus quickstart (the vector store guide's steps) on veclite: the only change from the
# guide is `veclite.install_as_pymilvus()` first and a local directory as the URI. Embeddings are
# langchain_core's deterministic fake (no model download).
import asyncio
import sys

import veclite

veclite.install_as_pymilvus(lenient_kwargs=True)

from langchain_core.documents import Document  # noqa: E402
from langchain_core.embeddings import DeterministicFakeEmbedding  # noqa: E402
from langchain_milvus import Milvus  # noqa: E402

uri = sys.argv[1] if len(sys.argv) > 1 else "./milvus_example.db"
embeddings = DeterministicFakeEmbedding(size=16)

vector_store = Milvus(
    embedding_function=embeddings,
    connection_args={"uri": uri},
    index_params={"index_type": "FLAT", "metric_type": "L2"},
    auto_id=False,
    drop_old=True,
)

texts = [
    "I had chocolate chip pancakes and scrambled eggs for breakfast this morning.",
    "The weather forecast for tomorrow is cloudy and overcast, with a high of 62 degrees.",
    "Building an exciting new project with LangChain - come check it out!",
    "Robbers broke into the city bank and stole $1 million in cash.",
    "Wow! That was an amazing movie. I can't wait to see it again.",
    "Is the new iPhone worth the price? Read this review to find out.",
]
sources = ["tweet", "news", "tweet", "news", "tweet", "website"]
ids = [str(i) for i in range(1, len(texts) + 1)]
documents = [Document(page_content=t, metadata={"source": s}) for t, s in zip(texts, sources)]
print("added:", vector_store.add_documents(documents=documents, ids=ids))

added = vector_store.add_texts(["LangChain provides abstractions to make working with LLMs easy"],
                               metadatas=[{"source": "tweet"}], ids=["7"])
print("add_texts:", added)

# The fake embedding of a text is a pure function of the text: searching for a stored text finds it.
for doc, score in vector_store.similarity_search_with_score(texts[3], k=2):
    print(f"score: {score:.3f} {doc.metadata['pk']} {doc.metadata['source']}")

tweets = vector_store.similarity_search(texts[0], k=10, expr='source == "tweet"')
print("tweets:", sorted(d.metadata["pk"] for d in tweets))

vector_store.delete(ids=["3"])
print("after delete:", sorted(d.metadata["pk"] for d in vector_store.similarity_search(texts[0], k=10)))

vector_store.upsert(ids=["5"], documents=[Document(page_content="A boring movie.", metadata={"source": "news"})])
(doc,) = vector_store.similarity_search("A boring movie.", k=1)
print("upserted:", doc.metadata["pk"], doc.page_content, doc.metadata["source"])

print("pks of news:", sorted(vector_store.get_pks('source == "news"')))

retriever = vector_store.as_retriever(search_type="similarity", search_kwargs={"k": 1})
(found,) = retriever.invoke(texts[5])
print("retriever:", found.metadata["pk"], found.page_content)



async def async_steps():
    """The same calls through langchain's async API (pymilvus's AsyncMilvusClient)."""
    await vector_store.aadd_texts(["An async text about pancakes."], metadatas=[{"source": "async"}], ids=["8"])
    found = await vector_store.asimilarity_search_with_score("An async text about pancakes.", k=1,
                                                             expr='source == "async"')
    print("async search:", [(d.metadata["pk"], round(s, 3)) for d, s in found])
    await vector_store.adelete(ids=["8"])
    print("async after delete:", sorted(vector_store.get_pks('source == "async"') or []))


asyncio.run(async_steps())
vector_store.client.close()
