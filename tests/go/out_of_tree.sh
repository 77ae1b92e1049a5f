#!/usr/bin/env bash
# The Go package used from a module outside this repository, exactly as bindings/go/README.md
# says: for each way the README gives (the `replace` directive; a vendored copy with
# -tags veclite_static), a new module example.com/app in a temporary directory gets the README's
# example program as main.go, the README's sh blocks of that section run there as written (with
# /path/to/veclite = this checkout, /your/module = the temporary module), and the built program
# must print what the example's comments say and need no libveclite at run time. Offline:
# GOPROXY=off (the module has no dependencies), and no go.work or GOFLAGS from the host.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
readme=bindings/go/README.md
sections=("### From the checkout (a \`replace\` directive)" "### A vendored copy (\`go mod vendor\`, \`-tags veclite_static\`)")
export GOPROXY=off GOWORK=off GOFLAGS=-buildvcs=false CGO_ENABLED=1

# Prints the fenced blocks of language $2 in the README section whose heading line is $1.
blocks() {
  awk -v heading="$1" -v lang="$2" '
    $0 == heading { inside = 1; next }
    inside && /^#/ && !fenced { exit }
    inside && !fenced && $0 == "```" lang { fenced = 1; next }
    fenced && $0 == "```" { fenced = 0; next }
    fenced { print }
  ' "$readme"
}

fail() { echo "out_of_tree: $*" >&2; exit 1; }

example=$(blocks "## Example" go)
[ -n "$example" ] || fail "no go block under '## Example' in $readme"
# The expected output: the trailing comments of the example's fmt.Println lines.
expected=$(printf '%s\n' "$example" | sed -n 's|^[[:space:]]*fmt\.Println(.*) // \(.*\)$|\1|p')
[ -n "$expected" ] || fail "the example in $readme has no 'fmt.Println(...) // output' lines"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for section in "${sections[@]}"; do
  n=$((n + 1))
  script=$(blocks "$section" sh)
  [ -n "$script" ] || fail "no sh block under '$section' in $readme"
  module="$tmp/app$n"
  mkdir "$module"
  printf '%s\n' "$example" > "$module/main.go"
  (cd "$module" && go mod init example.com/app >/dev/null 2>&1)
  script=${script//\/path\/to\/veclite/$repo}
  script=${script//\/your\/module/$module}
  log="$tmp/build$n.log"
  if ! (set -euo pipefail; eval "$script") > "$log" 2>&1; then
    cat "$log" >&2
    fail "the commands of '$section' failed (above)"
  fi
  [ -x "$module/app" ] || fail "'$section' built no ./app"
  if [ "$n" -eq 2 ]; then
    dir=$(cd "$module" && go list -tags veclite_static -f '{{.Dir}}' github.com/veclite/veclite/bindings/go/client)
    [ "$dir" = "$module/vendor/github.com/veclite/veclite/bindings/go/client" ] || fail "'$section' built from $dir, not vendor/"
  fi
  if readelf -d "$module/app" | grep -F veclite >/dev/null; then
    fail "'$section': the program needs $(readelf -d "$module/app" | grep -F veclite)"
  fi
  got=$(cd "$module" && ./app)
  [ "$got" = "$expected" ] || fail "'$section': ./app printed '$got', the README says '$expected'"
  echo "out_of_tree: ${section#\#\#\# }: built outside the repository, static, printed $(printf '%s' "$got" | tr '\n' '/')"
done
