// A hello-world of the Milvus Node.js SDK (@zilliz/milvus2-sdk-node, from npm, unmodified)
// against veclite-server: create a collection, insert, search, query, delete.
// Usage: node hello.js 127.0.0.1:PORT (run by tests/server/run.sh).
'use strict';
const assert = require('node:assert/strict');
const { MilvusClient, DataType } = require('@zilliz/milvus2-sdk-node');

const DIM = 8;
const name = 'node_hello';

async function main(address) {
  const client = new MilvusClient({ address });
  try {
    await run(client);
  } finally {
    await client.closeConnection();
  }
}

async function run(client) {
  const check = (res, what) => {
    const status = res.status || res;
    assert.equal(status.error_code, 'Success', `${what}: ${status.reason}`);
  };
  if ((await client.hasCollection({ collection_name: name })).value) {
    check(await client.dropCollection({ collection_name: name }), 'dropCollection');
  }
  check(await client.createCollection({
    collection_name: name,
    fields: [
      { name: 'id', data_type: DataType.Int64, is_primary_key: true },
      { name: 'vector', data_type: DataType.FloatVector, dim: DIM },
      { name: 'title', data_type: DataType.VarChar, max_length: 64 },
    ],
    index_params: [{ field_name: 'vector', index_type: 'FLAT', metric_type: 'L2' }],
  }), 'createCollection');
  check(await client.loadCollectionSync({ collection_name: name }), 'loadCollection');

  const rows = [];
  for (let i = 0; i < 100; i++) {
    rows.push({ id: i, vector: Array.from({ length: DIM }, (_, j) => i + j / 10), title: `doc ${i}` });
  }
  const inserted = await client.insert({ collection_name: name, data: rows });
  check(inserted, 'insert');
  assert.equal(Number(inserted.insert_cnt), 100);

  const found = await client.search({
    collection_name: name,
    data: [rows[42].vector],
    limit: 3,
    // Milvus returns the primary key among the fields only when asked for it (or for '*'), and
    // this SDK reads a hit's id from the fields.
    output_fields: ['id', 'title'],
  });
  check(found, 'search');
  assert.equal(Number(found.results[0].id), 42);
  assert.equal(found.results[0].title, 'doc 42');
  assert.deepEqual(found.results.slice(1).map((r) => Number(r.id)).sort(), [41, 43]);

  const queried = await client.query({ collection_name: name, filter: 'id in [3, 5]', output_fields: ['title'] });
  check(queried, 'query');
  assert.deepEqual(queried.data.map((r) => r.title).sort(), ['doc 3', 'doc 5']);

  const deleted = await client.delete({ collection_name: name, filter: 'id >= 90' });
  check(deleted, 'delete');
  assert.equal(Number(deleted.delete_cnt), 10);
  const counted = await client.query({ collection_name: name, filter: '', output_fields: ['count(*)'] });
  check(counted, 'count');
  assert.equal(Number(counted.data[0]['count(*)']), 90);
  console.log('node hello: create, insert, search, query, delete ok');
}

main(process.argv[2]).catch((err) => {
  console.error(err);
  process.exit(1);
});
