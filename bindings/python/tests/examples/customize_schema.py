# pymilvus examples/milvus_client/customize_schema.py shape (typed fields instead of dynamic
# ones); only the import line and the URI differ from a pymilvus program.
import numpy as np
from veclite import MilvusClient, DataType

fmt = "\n=== {:30} ===\n"
dim = 8
collection_name = "hello_schema"
milvus_client = MilvusClient("./milvus_schema_demo.db")

if milvus_client.has_collection(collection_name, timeout=5):
    milvus_client.drop_collection(collection_name)

schema = milvus_client.create_schema(auto_id=False, description="customized schema")
schema.add_field("id", DataType.INT64, is_primary=True)
schema.add_field("embeddings", DataType.FLOAT_VECTOR, dim=dim)
schema.add_field("title", DataType.VARCHAR, max_length=64)
schema.add_field("year", DataType.INT16)
schema.add_field("rating", DataType.FLOAT)
schema.add_field("in_stock", DataType.BOOL)
schema.add_field("note", DataType.VARCHAR, max_length=32, nullable=True)
schema.add_field("copies", DataType.INT32, default_value=1)

index_params = milvus_client.prepare_index_params()
index_params.add_index(field_name="embeddings", metric_type="L2")
milvus_client.create_collection(collection_name, schema=schema, index_params=index_params,
                                consistency_level="Strong")

print(fmt.format("    all collections    "))
print(milvus_client.list_collections())

print(fmt.format(f"schema of collection {collection_name}"))
desc = milvus_client.describe_collection(collection_name)
for field in desc["fields"]:
    print(f"field: {field['name']} {field['type'].name} {field.get('params', {})} "
          f"primary={field.get('is_primary', False)} nullable={field.get('nullable', False)} "
          f"default={field.get('default_value')}")

rng = np.random.default_rng(seed=19530)
rows = [
    {"id": 1, "embeddings": rng.random((1, dim))[0], "title": "t1", "year": 1999, "rating": 4.5, "in_stock": True,
     "note": "classic", "copies": 3},
    {"id": 2, "embeddings": rng.random((1, dim))[0], "title": "t2", "year": 2004, "rating": 3.0, "in_stock": False,
     "note": None},
    {"id": 3, "embeddings": rng.random((1, dim))[0], "title": "t3", "year": 2011, "rating": 2.5, "in_stock": True},
    {"id": 4, "embeddings": rng.random((1, dim))[0], "title": "t4", "year": 2016, "rating": 5.0, "in_stock": True,
     "copies": 7},
    {"id": 5, "embeddings": rng.random((1, dim))[0], "title": "t5", "year": 2020, "rating": 1.5, "in_stock": False},
    {"id": 6, "embeddings": rng.random((1, dim))[0], "title": "t6", "year": 2023, "rating": 4.0, "in_stock": True},
]

print(fmt.format("Start inserting entities"))
insert_result = milvus_client.insert(collection_name, rows)
print(fmt.format("Inserting entities done"))
print(insert_result)

print(fmt.format("Start load collection "))
milvus_client.load_collection(collection_name)

print(fmt.format("Start query by specifying primary keys"))
query_results = milvus_client.query(collection_name, ids=[2], output_fields=["title", "note", "copies"])
print(query_results[0])

print(fmt.format("Start query by specifying filtering expression"))
query_results = milvus_client.query(collection_name, filter="year >= 2016 or title == 't2'",
                                    output_fields=["title", "year", "in_stock"])
for ret in sorted(query_results, key=lambda r: r["id"]):
    print(ret)

vectors_to_search = [rows[3]["embeddings"]]
print(fmt.format("Start search with retrieve several fields."))
result = milvus_client.search(collection_name, vectors_to_search, limit=3, output_fields=["title", "rating"],
                              filter="in_stock == true")
for hits in result:
    for hit in hits:
        print(f"hit: {hit['id']} {hit['entity']['title']} {hit['entity']['rating']} {hit['distance']:.4f}")

milvus_client.drop_collection(collection_name)
