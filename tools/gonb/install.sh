#!/usr/bin/env bash
# Installs GoNB (the Go Jupyter kernel), goimports, which it needs, and gopls, which gives
# the notebook completion and help on Tab, at pinned versions, into $GOBIN (default
# $(go env GOPATH)/bin), and registers the kernel with Jupyter. gopls takes about 80 s to
# build on 2 cores: --no-gopls leaves it out (.ci/run does: running notebooks needs none).
# Jupyter itself comes from Debian: apt-get install jupyter-nbconvert python3-nbclient
# jupyter-client. Used by .ci/run for the notebook check (notebooks/notebook_test.go).
set -euo pipefail
gopls=yes
[ "${1:-}" = "--no-gopls" ] && gopls=no
bin=${GOBIN:-$(go env GOPATH)/bin}
mkdir -p "$bin"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
# A throwaway module pins the versions (the proxy serves them, not their @latest lists).
cat > go.mod <<'MOD'
module gonbinstall

go 1.26

require (
	github.com/janpfeifer/gonb v0.11.1
	golang.org/x/tools v0.52.0
)
MOD
if [ $gopls = yes ]; then # in a module of its own: it pins its own x/tools
  mkdir gopls
  printf 'module goplsinstall\n\ngo 1.26\n\nrequire golang.org/x/tools/gopls v0.23.0\n' > gopls/go.mod
  (cd gopls && GOFLAGS=-mod=mod go build -o "$bin/gopls" golang.org/x/tools/gopls)
fi
GOFLAGS=-mod=mod go build -o "$bin/gonb" github.com/janpfeifer/gonb
GOFLAGS=-mod=mod go build -o "$bin/goimports" golang.org/x/tools/cmd/goimports
PATH="$bin:$PATH" gonb --install --force_deps >/dev/null
echo "GoNB installed in $bin and registered with Jupyter"
