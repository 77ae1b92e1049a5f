# pymilvus MilvusClient quick start; only the import line and URI differ.
import numpy as np
from veclite import MilvusClient

client = MilvusClient("./milvus_demo.db")

if client.has_collection(collection_name="demo_collection"):
    client.drop_collection(collection_name="demo_collection")
client.create_collection(
    collection_name="demo_collection",
    dimension=8,
    metric_type="L2",
)
print(client.list_collections())

rng = np.random.default_rng(seed=19530)
vectors = rng.random((10, 8)).tolist()
data = [{"id": i, "vector": vectors[i], "subject": "history" if i % 2 else "biology"} for i in range(len(vectors))]

res = client.upsert(collection_name="demo_collection", data=data)
print(res)
res = client.upsert(collection_name="demo_collection", data=data[:5])
print(res)

res = client.search(
    collection_name="demo_collection",
    data=[vectors[3]],
    limit=2,
    output_fields=["id"],
)
print("top:", res[0][0]["id"], res[0][0]["entity"])

res = client.query(collection_name="demo_collection", filter="id in [0, 2]", output_fields=["id"])
print("query:", sorted(r["id"] for r in res))

res = client.delete(collection_name="demo_collection", filter="id in [0, 2]")
print(res)
print(client.get_collection_stats("demo_collection"))

res = client.query(collection_name="demo_collection", filter="subject == 'history'", output_fields=["subject"])
print("history:", sorted((r["id"], r["subject"]) for r in res))
client.drop_collection(collection_name="demo_collection")
client.close()
