"""Range search, grouping search, filter templates, hybrid search and aliases through the
pymilvus-shaped API, checked against brute force computed here with numpy."""

import numpy as np
import pytest

from veclite import AnnSearchRequest, DataType, MilvusClient, RRFRanker, WeightedRanker
from veclite.exceptions import MilvusException

DIM = 8
N = 300


@pytest.fixture
def client(tmp_path):
    c = MilvusClient(str(tmp_path / "db"))
    schema = c.create_schema(auto_id=False, enable_dynamic_field=False)
    schema.add_field("id", DataType.INT64, is_primary=True)
    schema.add_field("doc", DataType.INT64)
    schema.add_field("v", DataType.FLOAT_VECTOR, dim=DIM)
    schema.add_field("w", DataType.FLOAT_VECTOR, dim=4)
    c.create_collection("docs", schema=schema)
    rng = np.random.default_rng(5)
    v = rng.random((N, DIM), dtype=np.float32)
    w = rng.random((N, 4), dtype=np.float32)
    c.insert("docs", [{"id": i, "doc": i % 7, "v": v[i].tolist(), "w": w[i].tolist()} for i in range(N)])
    c.v, c.w = v, w
    yield c
    c.close()


def l2(vectors, q):
    return ((vectors - q) ** 2).sum(axis=1)


def test_range_search_keeps_the_band_only(client):
    q = client.v[3]
    d = l2(client.v, q)
    order = np.argsort(d, kind="stable")
    radius = float((d[order[20]] + d[order[21]]) / 2)
    range_filter = float((d[order[4]] + d[order[5]]) / 2)
    params = {"metric_type": "L2", "params": {"radius": radius, "range_filter": range_filter}}
    hits = client.search("docs", [q.tolist()], limit=100, anns_field="v", search_params=params)[0]
    assert hits.ids == [int(i) for i in order[5:21]]


def test_grouping_search_returns_groups_ranked_by_their_best_hit(client):
    q = client.v[10]
    d = l2(client.v, q)
    order = np.argsort(d, kind="stable")
    want, seen = [], {}
    for i in order:
        g = int(i) % 7
        members = seen.setdefault(g, [])
        if len(members) < 2:
            members.append(int(i))
    groups = sorted(seen.values(), key=lambda m: d[m[0]])[:3]
    want = [i for g in groups for i in g]
    hits = client.search("docs", [q.tolist()], limit=3, anns_field="v", search_params={"metric_type": "L2"},
                         group_by_field="doc", group_size=2, strict_group_size=True, output_fields=["doc"])[0]
    assert hits.ids == want
    assert [h["entity"]["doc"] for h in hits] == [i % 7 for i in want]


def test_filter_params_fill_placeholders_in_search_query_and_delete(client):
    rows = client.query("docs", filter="doc in {docs} and id < {top}", filter_params={"docs": [1, 2], "top": 30},
                        output_fields=["doc"])
    assert sorted(r["id"] for r in rows) == [i for i in range(30) if i % 7 in (1, 2)]
    hits = client.search("docs", [client.v[0].tolist()], limit=5, anns_field="v", filter="doc == {d}",
                         filter_params={"d": 4}, output_fields=["doc"])[0]
    assert {h["entity"]["doc"] for h in hits} == {4}
    assert client.delete("docs", filter="id == {x}", filter_params={"x": 8})["delete_count"] == 1
    with pytest.raises(MilvusException, match="no value for placeholder `top`"):
        client.query("docs", filter="id < {top}", filter_params={"other": 1})


def test_hybrid_search_fuses_with_rrf_and_weights(client):
    qv, qw = client.v[1], client.w[2]
    dv, dw = l2(client.v, qv), l2(client.w, qw)
    rv = [int(i) for i in np.argsort(dv, kind="stable")[:20]]
    rw = [int(i) for i in np.argsort(dw, kind="stable")[:20]]
    reqs = [AnnSearchRequest([qv.tolist()], "v", {"metric_type": "L2"}, 20),
            AnnSearchRequest([qw.tolist()], "w", {"metric_type": "L2"}, 20)]
    scores = {}
    for ranked in (rv, rw):
        for rank, i in enumerate(ranked):
            scores[i] = scores.get(i, 0.0) + 1.0 / (60 + rank + 1)
    want = sorted(scores, key=lambda i: (-scores[i], i))[:10]
    hits = client.hybrid_search("docs", reqs, RRFRanker(), limit=10)[0]
    assert hits.ids == want
    assert hits.distances == pytest.approx([scores[i] for i in want], abs=1e-6)

    norm = lambda x: 1 - 2 * np.arctan(x) / np.pi  # noqa: E731 (Milvus's L2 normalisation)
    weighted = {}
    for weight, ranked, dist in ((0.8, rv, dv), (0.2, rw, dw)):
        for i in ranked:
            weighted[i] = weighted.get(i, 0.0) + weight * norm(dist[i])
    want = sorted(weighted, key=lambda i: (-weighted[i], i))[:5]
    hits = client.hybrid_search("docs", reqs, WeightedRanker(0.8, 0.2), limit=5)[0]
    assert hits.ids == want
    with pytest.raises(MilvusException, match="1 weights for 2"):
        client.hybrid_search("docs", reqs, WeightedRanker(1.0), limit=5)


def test_aliases_stand_for_collections(client):
    client.create_alias("docs", "current")
    assert client.describe_alias("current") == {"alias": "current", "collection_name": "docs", "db_name": "default"}
    assert client.list_aliases("docs")["aliases"] == ["current"]
    assert len(client.query("current", filter="id < 10")) == 10
    with pytest.raises(MilvusException, match="has aliases"):
        client.drop_collection("docs")
    client.drop_alias("current")
    client.drop_alias("current")  # a missing alias is no error
    assert client.list_aliases()["aliases"] == []
