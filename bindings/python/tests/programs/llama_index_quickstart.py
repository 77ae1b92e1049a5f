# llama-index-vector-stores-milvus quickstart (its guide's steps without an embedding model or an
# LLM: nodes carry their own embeddings, queries give a query embedding) on veclite: the only
# change from the guide is `veclite.install_as_pymilvus()` first and a local directory as the URI.
import sys

import veclite

veclite.install_as_pymilvus()

from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode  # noqa: E402
from llama_index.core.vector_stores import (  # noqa: E402
    FilterCondition, FilterOperator, MetadataFilter, MetadataFilters, VectorStoreQuery,
)
from llama_index.vector_stores.milvus import MilvusVectorStore  # noqa: E402

uri = sys.argv[1] if len(sys.argv) > 1 else "./milvus_llamaindex.db"
vector_store = MilvusVectorStore(uri=uri, dim=4, overwrite=True, similarity_metric="L2")

books = [
    ("The Lord of the Rings", "fantasy", 1954, [1.0, 0.0, 0.0, 0.0]),
    ("The Hobbit", "fantasy", 1937, [0.9, 0.1, 0.0, 0.0]),
    ("Dune", "science fiction", 1965, [0.0, 1.0, 0.0, 0.0]),
    ("Foundation", "science fiction", 1951, [0.1, 0.9, 0.0, 0.0]),
    ("Pride and Prejudice", "romance", 1813, [0.0, 0.0, 1.0, 0.0]),
]
nodes = []
for i, (title, genre, year, embedding) in enumerate(books):
    node = TextNode(text=title, id_=f"node-{i}", embedding=embedding, metadata={"genre": genre, "year": year})
    node.relationships[NodeRelationship.SOURCE] = RelatedNodeInfo(node_id=f"doc-{genre}")
    nodes.append(node)
print("added:", vector_store.add(nodes))


def show(label, query):
    result = vector_store.query(query)
    print(label, [(n.text, round(s, 3)) for n, s in zip(result.nodes, result.similarities)])


show("nearest:", VectorStoreQuery(query_embedding=[1.0, 0.0, 0.0, 0.0], similarity_top_k=2))
show("science fiction:", VectorStoreQuery(
    query_embedding=[1.0, 0.0, 0.0, 0.0], similarity_top_k=3,
    filters=MetadataFilters(filters=[MetadataFilter(key="genre", value="science fiction")])))
show("before 1950 or romance:", VectorStoreQuery(
    query_embedding=[0.0, 0.0, 1.0, 0.0], similarity_top_k=5,
    filters=MetadataFilters(filters=[
        MetadataFilter(key="year", value=1950, operator=FilterOperator.LT),
        MetadataFilter(key="genre", value="romance"),
    ], condition=FilterCondition.OR)))
show("genre in:", VectorStoreQuery(
    query_embedding=[0.0, 1.0, 0.0, 0.0], similarity_top_k=5,
    filters=MetadataFilters(filters=[
        MetadataFilter(key="genre", value=["romance", "science fiction"], operator=FilterOperator.IN)])))

vector_store.delete(ref_doc_id="doc-fantasy")
show("after delete:", VectorStoreQuery(query_embedding=[1.0, 0.0, 0.0, 0.0], similarity_top_k=5))
vector_store.delete_nodes(node_ids=["node-4"])
print("nodes left:", sorted(n.node_id for n in vector_store.get_nodes(node_ids=[f"node-{i}" for i in range(5)])))
sf = vector_store.get_nodes(filters=MetadataFilters(filters=[MetadataFilter(key="year", value=1960,
                                                                            operator=FilterOperator.GT)]))
print("after 1960:", [(n.node_id, n.metadata["genre"]) for n in sf])
vector_store.clear()
print("collections after clear:", vector_store.client.list_collections())
