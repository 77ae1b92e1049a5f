"""The core's events reach Python's ``logging`` under the logger ``veclite``."""

import logging
import threading

SEAL = "sealed collection `logged`: 1 segments, 100 rows, "


class Arrival(logging.Handler):
    """Sets an event when a record whose message contains ``needle`` is handled."""

    def __init__(self, needle):
        super().__init__()
        self.needle = needle
        self.arrived = threading.Event()

    def emit(self, record):
        if self.needle in record.getMessage():
            self.arrived.set()


def test_flush_logs_the_seal_to_the_veclite_logger(client, caplog):
    caplog.set_level(logging.INFO, logger="veclite")
    # Events are handed to ``logging`` by veclite's forwarding thread, shortly after the flush.
    # This handler is added to the root logger after caplog's, so by the time it fires caplog
    # holds the record too.
    arrival = Arrival(SEAL)
    logging.getLogger().addHandler(arrival)
    try:
        client.create_collection("logged", dimension=4)
        client.insert("logged", [{"id": i, "vector": [float(i), 0.0, 1.0, 2.0]} for i in range(100)])
        client.flush("logged")
        assert arrival.arrived.wait(timeout=10), "no seal record within 10 s"
    finally:
        logging.getLogger().removeHandler(arrival)
    seals = [r for r in caplog.records if SEAL in r.getMessage()]
    assert len(seals) == 1, [r.getMessage() for r in caplog.records]
    assert seals[0].levelno == logging.INFO
    assert seals[0].name.startswith("veclite."), seals[0].name
    # Debug detail is below the level set for the logger: not kept.
    assert not [r for r in caplog.records if r.name.startswith("veclite") and r.levelno < logging.INFO]


def test_the_veclite_logger_prints_nothing_unless_configured():
    handlers = logging.getLogger("veclite").handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers), handlers
