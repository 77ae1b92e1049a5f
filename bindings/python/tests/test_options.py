"""The engine options of ``MilvusClient`` and ``connections.connect``: ``sync_policy``,
``sync_interval``, ``seal_threshold_bytes`` and ``worker_threads`` are honoured, bad values
refused with a ParamError naming the argument, and a second client of an open directory must ask
for the options it was opened with."""

import os

import numpy as np
import pytest

import veclite
from veclite import MilvusClient, ParamError, connections

DIM = 16


def opened_with(client):
    """The options the client's database was opened with."""
    return client._engine.db.options()


def sealed_files(path):
    """The sealed segment files under a database directory."""
    return [name for _, _, names in os.walk(path) for name in names if name.endswith(".seg")]


def batch(first, n):
    vectors = np.random.default_rng(first).random((n, DIM), dtype=np.float32)
    return [{"id": first + i, "vector": vectors[i]} for i in range(n)]


@pytest.mark.parametrize("kwargs, want", [
    ({}, {"sync_policy": "every_write", "sync_interval": None}),
    ({"sync_policy": "every_write"}, {"sync_policy": "every_write", "sync_interval": None}),
    ({"sync_policy": "none"}, {"sync_policy": "none", "sync_interval": None}),
    ({"sync_policy": "interval"}, {"sync_policy": "interval", "sync_interval": 1.0}),
    ({"sync_policy": "interval", "sync_interval": 0.25}, {"sync_policy": "interval", "sync_interval": 0.25}),
    ({"sync_policy": "interval", "sync_interval": 2}, {"sync_policy": "interval", "sync_interval": 2.0}),
])
def test_sync_policy_is_honoured(tmp_path, kwargs, want):
    with MilvusClient(str(tmp_path / "d"), **kwargs) as c:
        got = opened_with(c)
        assert {k: got[k] for k in want} == want
        c.create_collection("x", dimension=DIM)
        assert c.insert("x", batch(0, 10))["insert_count"] == 10
    with MilvusClient(str(tmp_path / "d")) as c:  # the rows are there whatever the policy
        assert c.get_collection_stats("x") == {"row_count": 10}


def test_defaults_are_the_engines(tmp_path):
    with MilvusClient(str(tmp_path / "d")) as c:
        got = opened_with(c)
    assert got == veclite._veclite.default_options()
    assert got["seal_threshold_bytes"] == 64 << 20
    assert got["worker_threads"] >= 1


def test_seal_threshold_seals_segments_without_flush(tmp_path):
    # A batch of 200 rows x 16 float32 is over 12 KiB: with a 4 KiB threshold every batch seals
    # the growing segment, and each seal waits for the previous one, so after five batches at
    # least four sealed segment files are on disk. The default threshold (64 MiB) seals none.
    for threshold, sealed in ((4096, True), (None, False)):
        path = tmp_path / f"d{threshold}"
        with MilvusClient(str(path), seal_threshold_bytes=threshold) as c:
            assert opened_with(c)["seal_threshold_bytes"] == (threshold or 64 << 20)
            c.create_collection("x", dimension=DIM)
            for i in range(5):
                rows = batch(i * 200, 200)
                c.insert("x", rows)
            files = sealed_files(path)
            assert (len(files) >= 4) if sealed else (files == []), files
            assert c.get_collection_stats("x") == {"row_count": 1000}
            hits = c.search("x", [rows[-1]["vector"]], limit=1)
            assert hits[0][0]["id"] == 999


def test_worker_threads_is_honoured(tmp_path):
    with MilvusClient(str(tmp_path / "d"), worker_threads=3) as c:
        assert opened_with(c)["worker_threads"] == 3
        c.create_collection("x", dimension=DIM)
        c.insert("x", batch(0, 50))
        assert len(c.search("x", [[0.5] * DIM] * 4, limit=5)) == 4


def test_connect_takes_the_same_options(tmp_path):
    connections.connect("opts", uri=str(tmp_path / "d"), sync_policy="interval", sync_interval=0.5,
                        seal_threshold_bytes=1 << 20, worker_threads=2)
    try:
        got = connections._get("opts").db.options()
        assert got == {"sync_policy": "interval", "sync_interval": 0.5, "seal_threshold_bytes": 1 << 20,
                       "worker_threads": 2}
    finally:
        connections.disconnect("opts")


POLICY = "sync_policy must be one of"
NOT_INTERVAL = "sync_interval applies to sync_policy='interval' only"
INTERVAL = "sync_interval must be a finite number of seconds, at least 0.001"
BAD = [
    ({"sync_policy": "always"}, POLICY),
    ({"sync_policy": "EVERY_WRITE"}, POLICY),
    ({"sync_policy": 1}, POLICY),
    ({"sync_interval": 1.0}, NOT_INTERVAL),
    ({"sync_policy": "none", "sync_interval": 1.0}, NOT_INTERVAL),
    ({"sync_policy": "every_write", "sync_interval": 1.0}, NOT_INTERVAL),
    ({"sync_policy": "interval", "sync_interval": 0}, INTERVAL),
    ({"sync_policy": "interval", "sync_interval": -1.0}, INTERVAL),
    ({"sync_policy": "interval", "sync_interval": 0.0005}, INTERVAL),
    ({"sync_policy": "interval", "sync_interval": float("nan")}, INTERVAL),
    ({"sync_policy": "interval", "sync_interval": float("inf")}, INTERVAL),
    ({"sync_policy": "interval", "sync_interval": 10**400}, INTERVAL),
    ({"sync_policy": "interval", "sync_interval": "1"}, INTERVAL),
    ({"sync_policy": "interval", "sync_interval": True}, INTERVAL),
    ({"seal_threshold_bytes": 0}, "seal_threshold_bytes must be at least 1"),
    ({"seal_threshold_bytes": -1}, "seal_threshold_bytes must be at least 1"),
    ({"seal_threshold_bytes": 1.5}, "seal_threshold_bytes must be an integer"),
    ({"seal_threshold_bytes": "64MiB"}, "seal_threshold_bytes must be an integer"),
    ({"seal_threshold_bytes": 2**64}, "seal_threshold_bytes must be at most"),
    ({"worker_threads": 0}, "worker_threads must be at least 1"),
    ({"worker_threads": -2}, "worker_threads must be at least 1"),
    ({"worker_threads": 2.0}, "worker_threads must be an integer"),
    ({"worker_threads": True}, "worker_threads must be an integer"),
    ({"sync": "none"}, "argument `sync` is not supported"),
    ({"seal_threshold": 4096}, "argument `seal_threshold` is not supported"),
]


@pytest.mark.parametrize("kwargs, rule", BAD)
def test_bad_options_are_refused(tmp_path, kwargs, rule):
    path = tmp_path / "d"
    with pytest.raises(ParamError) as e:
        MilvusClient(str(path), **kwargs)
    assert "MilvusClient()" in str(e.value) and rule in str(e.value)
    with pytest.raises(ParamError) as e:
        connections.connect("bad", uri=str(path), **kwargs)
    assert "connections.connect()" in str(e.value) and rule in str(e.value)
    assert not connections.has_connection("bad")
    assert not path.exists()  # refused before anything is opened


@pytest.mark.parametrize("kwargs, name", [
    ({"sync_policy": "always"}, "sync_policy"),
    ({"sync_interval": 1.0}, "sync_interval"),
    ({"sync_policy": "interval"}, "sync_interval"),
    ({"sync_policy": "interval", "sync_interval": 0.0}, "sync_interval"),
    ({"sync_policy": "interval", "sync_interval": float("nan")}, "sync_interval"),
    ({"sync_policy": "interval", "sync_interval": 1e300}, "sync_interval"),
    ({"seal_threshold_bytes": 0}, "seal_threshold_bytes"),
    ({"worker_threads": 0}, "worker_threads"),
])
def test_native_database_refuses_bad_options(tmp_path, kwargs, name):
    with pytest.raises(veclite._veclite.VecliteError, match=name) as e:
        veclite._veclite.Database(str(tmp_path / "d"), **kwargs)
    assert e.value.args[1] == "INVALID_ARGUMENT"


def test_second_client_must_ask_for_the_open_options(tmp_path):
    uri = str(tmp_path / "d")
    a = MilvusClient(uri, sync_policy="none", seal_threshold_bytes=1 << 20)
    try:
        a.create_collection("x", dimension=DIM)
        for kwargs, differ in [
            ({}, "sync_policy='none'"),
            ({"sync_policy": "none"}, "seal_threshold_bytes=1048576"),
            ({"sync_policy": "every_write", "seal_threshold_bytes": 1 << 20}, "sync_policy='none'"),
            ({"sync_policy": "none", "seal_threshold_bytes": 1 << 20, "worker_threads": 10**6}, "worker_threads"),
        ]:
            with pytest.raises(ParamError, match="already open in this process with other options") as e:
                MilvusClient(uri, **kwargs)
            assert differ in str(e.value)
            with pytest.raises(ParamError, match="already open in this process with other options"):
                connections.connect("other", uri=uri, **kwargs)
            assert not connections.has_connection("other")
        # The same options share the open database; its first client is untouched by the refusals.
        b = MilvusClient(uri, sync_policy="none", seal_threshold_bytes=1 << 20)
        assert b.has_collection("x")
        connections.connect("same", uri=uri, sync_policy="none", seal_threshold_bytes=1 << 20)
        connections.disconnect("same")
        b.close()
        a.insert("x", batch(0, 3))
        assert a.get_collection_stats("x") == {"row_count": 3}
    finally:
        a.close()
    # Once every client is closed the directory opens with any options.
    with MilvusClient(uri, sync_policy="interval", sync_interval=0.1) as c:
        assert opened_with(c)["sync_policy"] == "interval"
        assert c.get_collection_stats("x") == {"row_count": 3}


def test_clients_share_an_interval_only_if_it_is_the_same(tmp_path):
    uri = str(tmp_path / "d")
    with MilvusClient(uri, sync_policy="interval", sync_interval=0.1):
        with MilvusClient(uri, sync_policy="interval", sync_interval=0.1) as b:
            assert opened_with(b)["sync_interval"] == pytest.approx(0.1)
        with pytest.raises(ParamError, match="sync_interval"):
            MilvusClient(uri, sync_policy="interval")  # the default interval, 1.0, is not 0.1
