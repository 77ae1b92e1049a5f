#!/usr/bin/env bash
# veclite-server end to end, through clients nobody here wrote (make test-server):
#   1. the command line: a non-loopback address without --token is refused; a second server on
#      the same directory fails with the engine's LOCKED error; SIGTERM drains, flushes, closes;
#   2. tests/server/test_pymilvus.py through the real pymilvus, once with the 2.6.x pinned in
#      requirements.txt and once with the 3.0.x of requirements-3.txt (a venv each), against a
#      server and a second one started with --token; tests/server/test_langchain.py:
#      langchain-milvus (requirements-langchain.txt, a venv of its own); migration;
#   3. the example programs the in-process packages run, turned into programs for a server at
#      test time (imports and address rewritten; no second copies here): the pymilvus ones by
#      tests/server/run_examples.py, all in one Python process per pymilvus version against one
#      server, and milvus-sdk-go v2.4.2's (bindings/go/examples/sdk), each against a fresh
#      server; plus the server-only program gosdk/database, a
#      hello-world of the newer Go SDK (tests/server/gosdk-v2) and of the Node.js SDK
#      (tests/server/node, @zilliz/milvus2-sdk-node from npm).
# Every server listens on a free loopback port and is stopped by its pid. Venvs live under
# target/ and are reinstalled only when their requirements file changed.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
server=$repo/target/veclite-server
work=$repo/target/server-test
venv=$repo/target/server-venv
venv3=$repo/target/server-venv3
[ -x "$server" ] || { echo "run.sh: $server is missing (make server)" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_server NAME ARGS...: starts a server logging to $work/NAME.log; sets $pid and $port
# once it printed its URI (within 10 s).
start_server() {
  local name=$1
  shift
  port=${fixed_port:-$(free_port)}
  "$server" --dir "$work/$name.db" --address "127.0.0.1:$port" "$@" > "$work/$name.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do
    grep -q " at http://127.0.0.1:$port" "$work/$name.log" && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "run.sh: server $name did not start:" >&2
  cat "$work/$name.log" >&2
  exit 1
}

# stop_server NAME PID: SIGTERM, then the server must exit 0 after closing the database.
stop_server() {
  kill -TERM "$2"
  local st=0
  wait "$2" || st=$?
  if [ "$st" -ne 0 ] || ! grep -q "database closed" "$work/$1.log"; then
    echo "run.sh: server $1 exited $st without closing the database:" >&2
    cat "$work/$1.log" >&2
    exit 1
  fi
}

passed=0
failed=0
check() { # check NAME CMD...: runs CMD, counts it
  local t0=$SECONDS
  if "${@:2}"; then
    passed=$((passed + 1)); echo "ok   $1 ($((SECONDS - t0)) s)"
  else
    failed=$((failed + 1)); echo "FAIL $1 ($((SECONDS - t0)) s)"
  fi
}

# 1. The command line.
refuses_public_address() {
  local out st=0
  out=$("$server" --dir "$work/public.db" --address 0.0.0.0:0 2>&1) || st=$?
  [ "$st" -eq 2 ] && grep -q "not a loopback address" <<< "$out" && [ ! -e "$work/public.db" ]
}
check "non-loopback address without --token is refused" refuses_public_address

start_server main
main_pid=$pid main_port=$port
second_server_is_locked() {
  local out st=0
  out=$(timeout 20 "$server" --dir "$work/main.db" --address 127.0.0.1:0 2>&1) || st=$?
  [ "$st" -eq 1 ] && grep -q "LOCKED" <<< "$out"
}
check "a second server on the same directory fails with LOCKED" second_server_is_locked

# 2. pymilvus.
# ensure_venv DIR REQUIREMENTS: a venv at DIR with REQUIREMENTS installed (again only when the
# file differs from the one installed last).
ensure_venv() {
  [ -x "$1/bin/python" ] || python3 -m venv "$1"
  if ! cmp -s "$2" "$1/installed-requirements.txt"; then
    "$1/bin/pip" install -q -r "$2"
    cp "$2" "$1/installed-requirements.txt"
  fi
}
ensure_venv "$venv" tests/server/requirements.txt
ensure_venv "$venv3" tests/server/requirements-3.txt
pymilvus_version() { "$1/bin/python" -c 'import pymilvus; print(pymilvus.__version__)'; }
start_server token --token "s3cret-token"
token_pid=$pid token_port=$port
pytest_ok() { # pytest_ok VENV
  VECLITE_SERVER_URI="http://127.0.0.1:$main_port" \
    VECLITE_SERVER_TOKEN_URI="http://127.0.0.1:$token_port" VECLITE_SERVER_TOKEN="s3cret-token" \
    timeout 300 "$1/bin/python" -m pytest -q -p no:cacheprovider tests/server/test_pymilvus.py
}
for v in "$venv" "$venv3"; do
  check "pymilvus $(pymilvus_version "$v") tests (tests/server/test_pymilvus.py)" pytest_ok "$v"
done
stop_server token "$token_pid"

lcvenv=$repo/target/langchain-venv
ensure_venv "$lcvenv" tests/server/requirements-langchain.txt
langchain_ok() {
  VECLITE_SERVER_URI="http://127.0.0.1:$main_port" \
    timeout 300 "$lcvenv/bin/python" -m pytest -q -p no:cacheprovider tests/server/test_langchain.py
}
check "langchain-milvus (tests/server/test_langchain.py)" langchain_ok

unix_socket_serves() {
  local sock=$work/veclite.sock st=0
  "$server" --dir "$work/unix.db" --address "unix:$sock" > "$work/unix.log" 2>&1 &
  local p=$!
  pids+=("$p")
  for _ in $(seq 100); do
    grep -q " at unix:$sock" "$work/unix.log" && break
    sleep 0.1
  done
  timeout 60 "$venv/bin/python" -c 'import sys; from pymilvus import MilvusClient
c = MilvusClient(uri="unix:" + sys.argv[1]); c.create_collection("u", dimension=2)
assert c.list_collections() == ["u"]' "$sock" || st=$?
  stop_server unix "$p"
  [ "$st" -eq 0 ] && [ ! -e "$sock" ]
}
check "a unix socket serves pymilvus, and is removed at exit" unix_socket_serves
check "SIGTERM drains and closes (main server)" stop_server main "$main_pid"

# Migration: a veclite directory into a second server standing in for a remote Milvus, again
# after rows went missing there (resumed), then back from it into a new directory.
migrate_round_trip() {
  start_server mig-src
  local src=$pid src_port=$port
  timeout 120 "$venv/bin/python" - "http://127.0.0.1:$src_port" <<'PY' || return 1
import sys
from pymilvus import DataType, MilvusClient
c = MilvusClient(uri=sys.argv[1])
c.create_collection("m1", dimension=4, metric_type="L2")
c.create_partition("m1", "p1")
c.insert("m1", [{"id": i, "vector": [i, 0, 0, 1], "extra": i * 2} for i in range(2500)])
c.insert("m1", [{"id": i, "vector": [0, i, 0, 1], "extra": i} for i in range(5000, 5300)], partition_name="p1")
s = c.create_schema()
s.add_field("k", DataType.VARCHAR, is_primary=True, max_length=20)
s.add_field("v", DataType.FLOAT_VECTOR, dim=2)
c.create_collection("m2", schema=s)
c.insert("m2", [{"k": f"key-{i}", "v": [1.0, float(i)]} for i in range(1200)])
PY
  stop_server mig-src "$src"
  start_server mig-remote
  local remote=$pid remote_port=$port
  "$server" migrate --dir "$work/mig-src.db" --to "http://127.0.0.1:$remote_port" --batch 1000 \
    > "$work/migrate-to.out" 2> "$work/migrate-to.err" || return 1
  grep -q "m1: 2800 rows, counts match" "$work/migrate-to.out" || return 1
  timeout 120 "$venv/bin/python" - "http://127.0.0.1:$remote_port" <<'PY' || return 1
import sys
from pymilvus import MilvusClient
c = MilvusClient(uri=sys.argv[1])
assert sorted(c.list_collections()) == ["m1", "m2"]
assert c.list_partitions("m1") == ["_default", "p1"]
assert c.describe_index("m1", "vector")["metric_type"] == "L2"
assert c.query("m1", filter="id >= 5000", partition_names=["p1"], output_fields=["count(*)"])[0]["count(*)"] == 300
assert c.get("m1", ids=[7])[0]["extra"] == 14
c.delete("m1", filter="id >= 1000 and id < 1500")
c.delete("m2", filter='k == "key-3"')
PY
  "$server" migrate --dir "$work/mig-src.db" --to "http://127.0.0.1:$remote_port" \
    > "$work/migrate-resume.out" 2>&1 || return 1
  grep -q "m1: 2800 rows, counts match" "$work/migrate-resume.out" || return 1
  "$server" migrate --dir "$work/mig-back.db" --from "http://127.0.0.1:$remote_port" --collection m2 \
    > "$work/migrate-from.out" 2>&1 || return 1
  grep -q "m2: 1200 rows, counts match" "$work/migrate-from.out" || return 1
  stop_server mig-remote "$remote"
}
check "migrate --to a second server, resumed, and --from it" migrate_round_trip

# 3. The example programs.
# pymilvus: every program in one Python process per pymilvus version, against one server that
# the runner empties between programs; each program's line counts as a check.
pymilvus_examples() { # pymilvus_examples VENV
  local version out st=0
  version=$(pymilvus_version "$1")
  start_server "py-examples-$version"
  local p=$pid
  out=$work/py-examples-$version.txt
  timeout 600 "$1/bin/python" tests/server/run_examples.py "http://127.0.0.1:$port" \
    "$work/py-examples-$version" "$version" > "$out" 2>&1 || st=$?
  stop_server "py-examples-$version" "$p"
  grep -v '^[0-9]* passed, [0-9]* failed$' "$out" || true
  passed=$((passed + $(grep -c '^ok ' "$out" || true)))
  failed=$((failed + $(grep -c '^FAIL ' "$out" || true)))
  if [ "$st" -ne 0 ] && ! grep -q '^FAIL ' "$out"; then
    failed=$((failed + 1)); echo "FAIL pymilvus $version example runner exited $st"
  fi
}
for v in "$venv" "$venv3"; do
  pymilvus_examples "$v"
done

# milvus-sdk-go v2.4.2: the in-process package's copies of its examples
# (bindings/go/examples/sdk) with the import paths and the address turned back to the SDK's and
# to one port, which a fresh server serves for each; built once, in the SDK's module here.
declare -A go_skip=(
  [calcdistance]="CalcDistance: Milvus 2.4+ has no such RPC, and veclite-server does not serve it"
  [dynamic_schema]="inserts primary key 3000 twice; veclite keeps keys unique and refuses the second insert"
)
gosdk=$work/gosdk
mkdir -p "$gosdk"
cp tests/server/gosdk/go.mod tests/server/gosdk/go.sum bindings/go/examples/sdk/films.csv "$gosdk/"
fixed_port=$(free_port)
examples=""
for dir in bindings/go/examples/sdk/*/ tests/server/gosdk/*/; do
  ex=$(basename "$dir")
  if [ -n "${go_skip[$ex]:-}" ]; then
    echo "skip milvus-sdk-go v2.4.2 example $ex: ${go_skip[$ex]}"
    continue
  fi
  examples="$examples $ex"
  mkdir -p "$gosdk/$ex"
  for f in "$dir"*.go; do
    sed -e "s|github.com/veclite/veclite/bindings/go/|github.com/milvus-io/milvus-sdk-go/v2/|g" \
      -e "s|\`veclite_example_db\`|\`127.0.0.1:$fixed_port\`|g" \
      -e "s|localhost:19530|127.0.0.1:$fixed_port|g" "$f" > "$gosdk/$ex/$(basename "$f")"
  done
done
(cd "$gosdk" && GOWORK=off GOFLAGS=-buildvcs=false go build -o "$gosdk/bin/" ./...)
run_go_example() { # run_go_example NAME
  local name=go-$1 st=0
  start_server "$name"
  local p=$pid
  (cd "$gosdk/$1" && timeout 180 "$gosdk/bin/$1") > "$work/$name.out" 2>&1 || st=$?
  stop_server "$name" "$p"
  [ "$st" -eq 0 ] || { tail -20 "$work/$name.out"; return 1; }
}
for ex in $examples; do
  check "milvus-sdk-go v2.4.2 example $ex" run_go_example "$ex"
done
unset fixed_port

# The newer Go SDK (github.com/milvus-io/milvus/client/v2): a hello-world of our own.
(cd tests/server/gosdk-v2 && GOWORK=off GOFLAGS=-buildvcs=false go build -o "$work/hello_v2" ./hello)
go_v2_hello() {
  local st=0
  start_server go-v2
  local p=$pid
  timeout 120 "$work/hello_v2" "127.0.0.1:$port" > "$work/go-v2.out" 2>&1 || st=$?
  stop_server go-v2 "$p"
  [ "$st" -eq 0 ] || { tail -20 "$work/go-v2.out"; return 1; }
}
check "milvus client/v2 (milvusclient) hello-world" go_v2_hello

# The Node.js SDK (@zilliz/milvus2-sdk-node, pinned in tests/server/node/package-lock.json,
# installed from npm): a hello-world of our own.
node_hello() {
  local st=0 dir=$work/node
  mkdir -p "$dir"
  cp tests/server/node/package.json tests/server/node/package-lock.json tests/server/node/hello.js "$dir/"
  (cd "$dir" && timeout 300 npm ci --no-audit --no-fund --loglevel=error) > "$work/node-install.out" 2>&1 ||
    { tail -20 "$work/node-install.out"; return 1; }
  start_server node
  local p=$pid
  timeout 120 node "$dir/hello.js" "127.0.0.1:$port" > "$work/node.out" 2>&1 || st=$?
  stop_server node "$p"
  [ "$st" -eq 0 ] || { tail -20 "$work/node.out"; return 1; }
}
check "Node.js SDK (@zilliz/milvus2-sdk-node) hello-world" node_hello

echo "server: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
