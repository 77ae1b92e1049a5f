# pymilvus examples/milvus_client/index.py shape, with HNSW and IVF_FLAT indexes (create, list,
# describe, search with params, drop); only the import line and the URI differ from a pymilvus
# program.
import numpy as np
from veclite import MilvusClient, DataType

fmt = "\n=== {:30} ===\n"
dim = 16
num_entities = 3000
collection_name = "hello_index"
milvus_client = MilvusClient("./milvus_index_demo.db")

if milvus_client.has_collection(collection_name, timeout=5):
    milvus_client.drop_collection(collection_name)

schema = milvus_client.create_schema(auto_id=False)
schema.add_field("id", DataType.INT64, is_primary=True)
schema.add_field("embeddings", DataType.FLOAT_VECTOR, dim=dim)
schema.add_field("title", DataType.VARCHAR, max_length=64)

# no index yet: the collection is created without index_params
milvus_client.create_collection(collection_name, schema=schema, consistency_level="Strong")

rng = np.random.default_rng(seed=19530)
vectors = rng.random((num_entities, dim), dtype=np.float32)
rows = [{"id": i, "embeddings": vectors[i], "title": f"t{i}"} for i in range(num_entities)]

print(fmt.format("Start inserting entities"))
insert_result = milvus_client.insert(collection_name, rows)
print("insert_count:", insert_result["insert_count"])
milvus_client.flush(collection_name)

queries = rng.random((20, dim), dtype=np.float32)
exact = np.argsort(((queries[:, None, :] - vectors[None, :, :]) ** 2).sum(-1), axis=1)[:, :10]


def recall(result):
    found = [[hit["id"] for hit in hits] for hits in result]
    return np.mean([len(set(f) & set(e)) / 10 for f, e in zip(found, exact.tolist())])


def show_indexes():
    index_names = milvus_client.list_indexes(collection_name)
    print(f"index names for {collection_name}:", index_names)
    for index_name in index_names:
        info = milvus_client.describe_index(collection_name, index_name=index_name)
        print(f"index info for index {index_name}: type={info['index_type']} metric={info['metric_type']} "
              f"params={ {k: info[k] for k in ('M', 'efConstruction', 'nlist') if k in info} }")


print(fmt.format("Start create index HNSW"))
index_params = milvus_client.prepare_index_params()
index_params.add_index(field_name="embeddings", index_type="HNSW", index_name="emb_hnsw", metric_type="L2",
                       params={"M": 16, "efConstruction": 200})
milvus_client.create_index(collection_name, index_params)
show_indexes()

milvus_client.load_collection(collection_name)
for ef in (16, 64):
    result = milvus_client.search(collection_name, queries, limit=10, anns_field="embeddings",
                                  search_params={"metric_type": "L2", "params": {"ef": ef}}, output_fields=["title"])
    print(f"HNSW ef={ef} recall@10: {recall(result):.2f}")
top = result[0][0]
print(f"HNSW top hit: id={top['id']} title={top['entity']['title']} distance={top['distance']:.4f}")

print(fmt.format("Drop index and create IVF_FLAT"))
milvus_client.release_collection(collection_name)
milvus_client.drop_index(collection_name, "emb_hnsw")
print("indexes after drop:", milvus_client.list_indexes(collection_name))
index_params = milvus_client.prepare_index_params()
index_params.add_index(field_name="embeddings", index_type="IVF_FLAT", index_name="emb_ivf", metric_type="L2",
                       params={"nlist": 64})
milvus_client.create_index(collection_name, index_params)
show_indexes()

milvus_client.load_collection(collection_name)
for nprobe in (1, 64):
    result = milvus_client.search(collection_name, queries, limit=10,
                                  search_params={"metric_type": "L2", "params": {"nprobe": nprobe}})
    print(f"IVF_FLAT nprobe={nprobe} recall@10: {recall(result):.2f}")

field_index_names = milvus_client.list_indexes(collection_name, field_name="embeddings")
print(f"index names for {collection_name}`s field embeddings:", field_index_names)

try:
    milvus_client.search(collection_name, queries[:1], limit=3, search_params={"metric_type": "IP"})
except Exception as e:
    print(f"caught {type(e).__name__}")

milvus_client.release_collection(collection_name)
milvus_client.drop_index(collection_name, "emb_ivf")
milvus_client.drop_collection(collection_name)
