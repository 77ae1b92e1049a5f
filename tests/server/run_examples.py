"""Runs pymilvus example programs against a veclite-server, all in this one process.

usage: run_examples.py URI WORKDIR LABEL

The programs are the ones the in-process Python package runs (bindings/python/tests/examples:
the pymilvus programs with `veclite` imports, and their pymilvus_imports variants). Each is
turned into a program for a Milvus
server at test time: `veclite` imports become `pymilvus` imports and the local database paths
(`"./name.db"`) become URI; nothing else changes. Each runs in a fresh directory under WORKDIR
with its output in NAME.out there, and the server is emptied (aliases, collections, databases,
ORM connections) before the next. A program in STOPS passes only when it stops with the texts
given there (as it stops in process); any other passes when it finishes. Prints one `ok`/`FAIL`
line per program, then `N passed, N failed`; exits 1 on any failure.
"""

import contextlib
import logging
import os
import pathlib
import re
import runpy
import sys
import time
import traceback

from pymilvus import MilvusClient, connections

REPO = pathlib.Path(__file__).resolve().parents[2]
IN_PROCESS = REPO / "bindings" / "python" / "tests" / "examples"

#: In-process programs that do not run through a server, with the reason.
SKIP = {
    "array_partial_update.py": "upsert with field_ops: veclite-server does not pass array field operations yet",
    "alter.py": "stops at alter_collection_field in process too (a field keeps its creation parameters)",
    "database.py": "alter_database_properties: veclite-server does not serve AlterDatabase yet",
    "sparse.py": "sparse float vectors: veclite-server does not convert them yet",
    "hello_sparse.py": "sparse float vectors: veclite-server does not convert them yet",
    "partition.py": "queries partition _default after loading only p1 and p2, which Milvus refuses "
                    "(partition not loaded); in process every partition is always loaded",
}


#: Programs that stop with an error in process (bindings/python/tests asserts where), and must
#: stop at the same call through the server: the texts their output (the traceback) must then
#: hold, and why they stop.
STOPS = {
    # The index takes Milvus's default metric (COSINE) and the program then searches with L2.
    "int8_example.py": (
        ("metric type not match", "c.search("),
        "creates its index without a metric_type (COSINE by default) and then searches with L2"),
}


def programs():
    """(name, source path) of every program, in-process ones first."""
    found = []
    for sub in ("", "pymilvus", "pymilvus_imports"):
        for path in sorted((IN_PROCESS / sub).glob("*.py")):
            found.append((f"{sub}/{path.name}".lstrip("/"), path))
    return found


def for_server(source, uri):
    """The program source with veclite imports and local database paths turned to pymilvus and
    uri (and a Milvus address written in a program to uri)."""
    host_port = uri.removeprefix("http://")
    source = re.sub(r"^(\s*)(from|import) veclite\b", r"\1\2 pymilvus", source, flags=re.M)
    source = re.sub(r"""(["'])\./[\w.\-]+\1""", repr(uri), source)
    source = source.replace("localhost:19530", host_port)
    return re.sub(r"""host=["']localhost["'], port=["']19530["']""",
                  'host="%s", port="%s"' % tuple(host_port.split(":")), source)


def reset(uri):
    """Drops every alias, collection and database but default, and every ORM connection."""
    for alias, _ in connections.list_connections():
        connections.disconnect(alias)
        connections.remove_connection(alias)
    c = MilvusClient(uri=uri)
    try:
        for db in c.list_databases():
            scoped = MilvusClient(uri=uri, db_name=db)
            for alias in scoped.list_aliases()["aliases"]:
                scoped.drop_alias(alias)
            for name in scoped.list_collections():
                scoped.drop_collection(name)
            scoped.close()
            if db != "default":
                c.drop_database(db)
    finally:
        c.close()


@contextlib.contextmanager
def log_handlers_to(out):
    """Points every logging stream handler at out for the block: pymilvus logs RPC errors
    through a handler it made at import, which redirect_stderr does not reach. (The stream is
    swapped without the flush setStream does: a handler a program made may hold that program's
    output file, closed since.)"""
    loggers = [logging.root] + [lg for lg in logging.root.manager.loggerDict.values() if isinstance(lg, logging.Logger)]
    handlers = [h for lg in loggers for h in lg.handlers if type(h) is logging.StreamHandler]
    streams = [h.stream for h in handlers]
    for h in handlers:
        h.stream = out
    try:
        yield
    finally:
        for h, stream in zip(handlers, streams):
            h.stream = stream


def run(name, path, uri, work):
    """Runs one program in its own directory; whether it finished without an exception (and
    its output file)."""
    cwd = work / name.replace("/", "-").removesuffix(".py")
    cwd.mkdir(parents=True)
    script = cwd / path.name
    script.write_text(for_server(path.read_text(), uri))
    out = (cwd.parent / (cwd.name + ".out")).open("w")
    old_cwd, old_argv = pathlib.Path.cwd(), sys.argv
    ok = True
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), log_handlers_to(out):
            sys.argv = [str(script)]
            os.chdir(cwd)
            try:
                runpy.run_path(str(script), run_name="__main__")
            except SystemExit as e:
                ok = e.code in (None, 0)
            except BaseException:
                traceback.print_exc()
                ok = False
    finally:
        os.chdir(old_cwd)
        sys.argv = old_argv
        out.close()
    return ok, cwd.parent / (cwd.name + ".out")


def outcome(name, path, uri, work):
    """Runs one program: whether it behaved (finished, or stopped as STOPS says), and a note."""
    ok, out = run(name, path, uri, work)
    if path.name not in STOPS:
        return ok, ""
    texts, why = STOPS[path.name]
    if ok:
        return False, f"finished, but should stop: {why}"
    missing = [t for t in texts if t not in out.read_text()]
    if missing:
        return False, f"stopped without {missing[0]!r} in its output"
    return True, f"stops as in process: {why}"


def main():
    uri, work, label = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
    passed = failed = 0
    for name, path in programs():
        if path.name in SKIP:
            print(f"skip pymilvus {label} example {name}: {SKIP[path.name]}", flush=True)
            continue
        t0 = time.monotonic()
        reset(uri)
        ok, note = outcome(name, path, uri, work)
        word = "ok  " if ok else "FAIL"
        note = f": {note}" if note else ""
        print(f"{word} pymilvus {label} example {name} ({time.monotonic() - t0:.1f} s){note}", flush=True)
        if not ok:
            out = work / (name.replace("/", "-").removesuffix(".py") + ".out")
            print("".join(out.read_text().splitlines(keepends=True)[-20:]), flush=True)
        passed, failed = passed + ok, failed + (not ok)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
