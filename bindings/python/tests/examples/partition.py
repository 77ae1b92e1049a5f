# pymilvus examples/milvus_client/partition.py shape (no dynamic fields); only the import line and
# the URI differ from a pymilvus program.
import numpy as np
from veclite import MilvusClient, DataType

fmt = "\n=== {:30} ===\n"
dim = 8
collection_name = "hello_partitions"
milvus_client = MilvusClient("./milvus_partition_demo.db")

if milvus_client.has_collection(collection_name, timeout=5):
    milvus_client.drop_collection(collection_name)

schema = milvus_client.create_schema(auto_id=False)
schema.add_field("id", DataType.INT64, is_primary=True)
schema.add_field("vector", DataType.FLOAT_VECTOR, dim=dim)
schema.add_field("label", DataType.VARCHAR, max_length=16)
index_params = milvus_client.prepare_index_params()
index_params.add_index(field_name="vector", index_type="FLAT", metric_type="L2")
milvus_client.create_collection(collection_name, schema=schema, index_params=index_params,
                                consistency_level="Strong")

rng = np.random.default_rng(seed=19530)
vectors = rng.random((6, dim))

print(fmt.format("Insert into partitions p1, p2"))
milvus_client.create_partition(collection_name, partition_name="p1")
res = milvus_client.insert(collection_name, [{"id": i, "vector": vectors[i - 1], "label": f"p1-{i}"}
                                             for i in (1, 2, 3)], partition_name="p1")
print("insert p1:", res)
milvus_client.create_partition(collection_name, partition_name="p2")
res = milvus_client.insert(collection_name, [{"id": i, "vector": vectors[i - 1], "label": f"p2-{i}"}
                                             for i in (4, 5, 6)], partition_name="p2")
print("insert p2:", res)

print("has partition p1:", milvus_client.has_partition(collection_name, "p1"))
print("has partition p3:", milvus_client.has_partition(collection_name, "p3"))
print("partitions:", milvus_client.list_partitions(collection_name))

milvus_client.release_collection(collection_name)
milvus_client.load_partitions(collection_name, partition_names=["p1", "p2"])

print(fmt.format("Search in partition p1"))
query = vectors[4] + 0.01  # closest to id 5, which lives in p2
result = milvus_client.search(collection_name, [query], limit=3, output_fields=["label"], partition_names=["p1"])
for hits in result:
    for hit in hits:
        print(f"p1 hit: {hit['id']} {hit['entity']['label']}")

print(fmt.format("Search in every partition"))
result = milvus_client.search(collection_name, [query], limit=3, output_fields=["label"])
for hits in result:
    for hit in hits:
        print(f"all hit: {hit['id']} {hit['entity']['label']}")

print(fmt.format("Count per partition"))
for p in ("_default", "p1", "p2"):
    n = milvus_client.query(collection_name, filter="", output_fields=["count(*)"], partition_names=[p])
    print(f"count {p}: {n[0]['count(*)']}")

milvus_client.release_partitions(collection_name, partition_names=["p1"])
milvus_client.drop_partition(collection_name, partition_name="p1", timeout=2.0)
print("successfully drop partition p1")
print("has partition p1:", milvus_client.has_partition(collection_name, "p1"))

print(fmt.format("Query by primary keys"))
print("query id 2:", milvus_client.query(collection_name, ids=[2]))
print("query id 4:", milvus_client.query(collection_name, ids=[4], output_fields=["label"]))
result = milvus_client.query(collection_name, filter="id >= 5", output_fields=["label"])
print("query id >= 5:", sorted(r["label"] for r in result))

try:
    milvus_client.create_partition(collection_name, partition_name="p2")
except Exception as e:
    print(f"caught {type(e).__name__}")

milvus_client.drop_collection(collection_name)
print("collections left:", milvus_client.list_collections())
