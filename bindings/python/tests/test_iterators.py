"""query_iterator / search_iterator on MilvusClient and the ORM: key-ordered query pages, best-first
search pages, limits, filters, ties at a page boundary and writes between pages."""

import numpy as np
import pytest

import veclite
from veclite.exceptions import ParamError


def drain(it):
    pages = []
    while True:
        page = it.next()
        if not page:
            return pages
        pages.append(page)


@pytest.fixture
def coll(client):
    client.create_collection("t", dimension=4, metric_type="L2")
    rows = [{"id": i, "vector": [float(i), 0.0, 0.0, 0.0], "color": "red" if i % 2 else "blue"}
            for i in (np.random.default_rng(1).permutation(60).tolist())]
    client.insert("t", rows[:30])
    client.flush("t")
    client.insert("t", rows[30:])
    return client


def test_query_iterator_pages_in_key_order(coll):
    pages = drain(coll.query_iterator("t", batch_size=7, filter="id >= 5", output_fields=["color"]))
    assert [len(p) for p in pages] == [7] * 7 + [6]
    assert [r["id"] for p in pages for r in p] == list(range(5, 60))
    assert pages[0][0] == {"id": 5, "color": "red"}

    limited = drain(coll.query_iterator("t", batch_size=4, limit=10, offset=3, filter="color == {c}",
                                        filter_params={"c": "blue"}))
    assert [r["id"] for p in limited for r in p] == list(range(6, 46, 2))[:10]
    assert [len(p) for p in limited] == [4, 4, 2]

    with pytest.raises(ParamError, match="batch_size"):
        coll.query_iterator("t", batch_size=0)
    with pytest.raises(ParamError):
        coll.query_iterator("t", iterator_cp_file="x")


def test_query_iterator_sees_writes_between_pages_without_repeats(coll):
    it = coll.query_iterator("t", batch_size=10)
    seen = [r["id"] for r in it.next()]
    coll.delete("t", ids=[15, 16])
    coll.upsert("t", [{"id": 3, "vector": [0.0] * 4, "color": "x"},  # before the cursor: not again
                      {"id": 100, "vector": [0.0] * 4, "color": "x"}])
    seen += [r["id"] for p in drain(it) for r in p]
    assert seen == [i for i in range(60) if i not in (15, 16)] + [100]
    it.close()
    assert it.next() == []


def test_search_iterator_pages_best_first_and_covers_ties(coll):
    # Ten more rows at exactly the distance of id 5: ties straddle page boundaries.
    coll.insert("t", [{"id": 1000 + i, "vector": [5.0, 0.0, 0.0, 0.0], "color": "tie"} for i in range(10)])
    it = coll.search_iterator("t", [[0.0, 0.0, 0.0, 0.0]], batch_size=4, output_fields=["color"])
    pages = drain(it)
    hits = [h for p in pages for h in p]
    assert all(len(p) <= 4 for p in pages)
    ids = [h.id for h in hits]
    assert len(ids) == len(set(ids)) == 70
    d = [h.distance for h in hits]
    assert d == sorted(d)
    assert sum(1 for h in hits if h.distance == 25.0) == 11
    assert hits[0].entity["color"] == "blue"

    limited = drain(coll.search_iterator("t", [[0.0] * 4], batch_size=3, limit=5, filter="color == 'red'"))
    assert [h.id for p in limited for h in p] == [1, 3, 5, 7, 9]

    bounded = drain(coll.search_iterator("t", [[0.0] * 4], batch_size=5, search_params={"params": {"radius": 50.0}}))
    assert sorted(h.id for p in bounded for h in p) == sorted([0, 1, 2, 3, 4, 5, 6, 7] + list(range(1000, 1010)))

    with pytest.raises(ParamError, match="one vector"):
        coll.search_iterator("t", [[0.0] * 4, [1.0] * 4])


def test_orm_iterators(hello):
    ids = list(range(40))
    vectors = np.stack([np.full(8, i, dtype=np.float32) for i in ids])
    hello.insert([ids, [i / 10 for i in ids], vectors])
    pages = drain(hello.query_iterator(batch_size=16, expr="random < {r}", expr_params={"r": 2.0},
                                       output_fields=["random"]))
    assert [r["ID"] for p in pages for r in p] == list(range(20))
    hits = drain(hello.search_iterator(np.zeros((1, 8), dtype=np.float32), "embeddings", {"metric_type": "L2"},
                                       batch_size=16, limit=35, round_decimal=1))
    assert [h.id for p in hits for h in p] == list(range(35))


def test_search_iterator_external_filter_func(client):
    # Row i at (i, 0): from the origin, hits come in key order. The callback keeps multiples of
    # 3; pages hold batch_size kept hits (read across the search's pages) and limit counts kept hits.
    client.create_collection("ext", 2, metric_type="L2")
    client.insert("ext", [{"id": i, "vector": [float(i), 0.0]} for i in range(100)])
    seen = []

    def keep(hits):
        seen.append(len(hits))
        return [h for h in hits if h.id % 3 == 0]

    it = client.search_iterator("ext", [[0.0, 0.0]], batch_size=7, limit=20, external_filter_func=keep)
    pages = []
    while page := it.next():
        pages.append([h.id for h in page])
    assert [len(p) for p in pages] == [7, 7, 6]
    assert sum(pages, []) == list(range(0, 60, 3))
    assert all(n <= 7 for n in seen)
    with pytest.raises(veclite.ParamError, match="external_filter_func must be callable"):
        client.search_iterator("ext", [[0.0, 0.0]], batch_size=7, external_filter_func=3)
    bad = client.search_iterator("ext", [[0.0, 0.0]], batch_size=7, external_filter_func=lambda hits: None)
    with pytest.raises(veclite.ParamError, match="must return the hits to keep"):
        bad.next()
