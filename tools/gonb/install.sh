#!/usr/bin/env bash
# Installs GoNB (the Go Jupyter kernel) and goimports, which it needs, at pinned versions,
# into $GOBIN (default $(go env GOPATH)/bin), and registers the kernel with Jupyter.
# Jupyter itself comes from Debian: apt-get install jupyter-nbconvert python3-nbclient
# jupyter-client. Used by .ci/run for the notebook check (notebooks/notebook_test.go).
set -euo pipefail
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
GOFLAGS=-mod=mod go build -o "$bin/gonb" github.com/janpfeifer/gonb
GOFLAGS=-mod=mod go build -o "$bin/goimports" golang.org/x/tools/cmd/goimports
# gopls (completion in editors) is not needed to run notebooks.
PATH="$bin:$PATH" gonb --install --force_deps >/dev/null
echo "GoNB installed in $bin and registered with Jupyter"
