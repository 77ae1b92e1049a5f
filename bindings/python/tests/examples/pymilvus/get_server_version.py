from veclite import (
    MilvusClient,
)

milvus_client = MilvusClient("./milvus_demo.db")

version = milvus_client.get_server_version()
print(f"server version: {version}")
