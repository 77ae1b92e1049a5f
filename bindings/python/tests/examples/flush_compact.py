# pymilvus examples/flush.py and examples/compact.py shape (no dynamic fields); only the import
# line and the URI differ from a pymilvus program. veclite compacts synchronously, so the job it
# returns is "Completed" at once.
import time
import numpy as np
from veclite import MilvusClient

fmt = "\n=== {:30} ===\n"
dim = 8
collection_name = "hello_flush"
milvus_client = MilvusClient("./milvus_flush_demo.db")

has_collection = milvus_client.has_collection(collection_name, timeout=5)
if has_collection:
    milvus_client.drop_collection(collection_name)
milvus_client.create_collection(collection_name, dim, consistency_level="Strong", metric_type="L2")

rng = np.random.default_rng(seed=19530)
rows = [{"id": i, "vector": rng.random((1, dim))[0]} for i in range(1, 7)]

print(fmt.format("Start inserting entities"))
insert_result = milvus_client.insert(collection_name, rows)
print(fmt.format("Inserting entities done"))
print(insert_result)

upsert_ret = milvus_client.upsert(collection_name, {"id": 2, "vector": rng.random((1, dim))[0]})
print(upsert_ret)

print(fmt.format("Start flush"))
milvus_client.flush(collection_name)
print(fmt.format("flush done"))

result = milvus_client.query(collection_name, "", output_fields=["count(*)"])
print(f"final entities in {collection_name} is {result[0]['count(*)']}")

print(f"start to delete by specifying ids in collection {collection_name}")
delete_result = milvus_client.delete(collection_name, ids=[6])
print(delete_result)

print(fmt.format("Start flush"))
milvus_client.flush(collection_name)
print(fmt.format("flush done"))

result = milvus_client.query(collection_name, "", output_fields=["count(*)"])
print(f"final entities in {collection_name} is {result[0]['count(*)']}")

rows = [{"id": i, "vector": rng.random((1, dim))[0]} for i in range(7, 13)]
print(fmt.format("Start inserting entities"))
insert_result = milvus_client.insert(collection_name, rows)
print(insert_result)

print(fmt.format("Start flush"))
milvus_client.flush(collection_name)
print(fmt.format("flush done"))

result = milvus_client.query(collection_name, "", output_fields=["count(*)"])
print(f"final entities in {collection_name} is {result[0]['count(*)']}")

print(fmt.format("Start compact"))
job_id = milvus_client.compact(collection_name)
print(f"job_id:{job_id}")

cnt = 0
state = milvus_client.get_compaction_state(job_id)
while state != "Completed" and cnt < 10:
    time.sleep(1.0)
    state = milvus_client.get_compaction_state(job_id)
    print(f"compaction state: {state}")
    cnt += 1

if state == "Completed":
    print(fmt.format("compact done"))
else:
    print(fmt.format("compact timeout"))

result = milvus_client.query(collection_name, "", output_fields=["count(*)"])
print(f"final entities in {collection_name} is {result[0]['count(*)']}")
print("row 2 after compaction:", milvus_client.get(collection_name, ids=[2], output_fields=["id"]))
print("row 6 after compaction:", milvus_client.get(collection_name, ids=[6], output_fields=["id"]))

milvus_client.drop_collection(collection_name)
