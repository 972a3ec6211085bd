#!/usr/bin/env bash
# Benchmarks, side by side on this machine. Writes docs/benchmarks/latest.md.
#   - in-process: ordo-one/benchmark (Benchmarks/), sandbox creation, evaluation, resolution
#   - cold processes: hyperfine, yoi (release, static Swift runtime) against lua5.4 and nix eval
# nix-bin and hyperfine are installed here, for the benchmark only.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=docs/benchmarks/latest.md
mkdir -p docs/benchmarks

need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v nix >/dev/null || need+=(nix-bin)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

swift build -c release --static-swift-stdlib --product yoi >/dev/null
yoi="$root/.build/release/yoi"
fixtures="$root/Benchmarks/fixtures"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

{
  echo "# yoi benchmarks"
  echo
  echo "Machine: $(nproc) cores, $(uname -m), $(date -u +%Y-%m-%d). Medians; lower is better."
  echo
  echo "## Cold processes (hyperfine)"
  echo
} > "$out"

hyperfine -N --warmup 20 --min-runs 200 --export-markdown "$tmp/eval.md" \
  -n "yoi eval (60-line profile)" "$yoi eval $fixtures/profile.lua" \
  -n "lua5.4 (same file)" "lua5.4 $fixtures/profile.lua" >/dev/null
cat "$tmp/eval.md" >> "$out"; echo >> "$out"

nix_cmd="nix --extra-experimental-features nix-command eval --json --file $fixtures/coder.nix"
hyperfine -N --warmup 20 --min-runs 100 --export-markdown "$tmp/resolve.md" \
  -n "yoi profile resolve builtin:coder" "$yoi profile resolve builtin:coder --workspace $tmp --pod-name bench" \
  -n "lua5.4 (coder as plain Lua, serialised)" "lua5.4 $fixtures/coder-plain.lua" \
  -n "nix eval --json (coder as Nix)" "$nix_cmd" >/dev/null
cat "$tmp/resolve.md" >> "$out"; echo >> "$out"

# A project registry with 1,000 entries (each file must exist: discovery checks them).
mkdir -p "$tmp/big/.yoi/profiles"
{
  echo "[profile]"
  for i in $(seq 1000); do
    echo "p$i = { path = \"profiles/p$i.lua\", description = \"profile number $i\" }"
    echo "return require('yoi').profile.import('builtin:default')" > "$tmp/big/.yoi/profiles/p$i.lua"
  done
} > "$tmp/big/.yoi/profiles.toml"
hyperfine -N --warmup 10 --min-runs 50 --export-markdown "$tmp/list.md" \
  -n "yoi profile list (1,000 project entries)" "$yoi profile list --workspace $tmp/big" \
  -n "yoi profile list --json (1,000 project entries)" "$yoi profile list --json --workspace $tmp/big" >/dev/null
cat "$tmp/list.md" >> "$out"; echo >> "$out"

{
  echo "## In process (ordo-one/benchmark, wall clock)"
  echo
} >> "$out"
(cd Benchmarks && BENCHMARK_DISABLE_MALLOC_INTERPOSER=1 swift package --allow-writing-to-package-directory benchmark --format markdown 2>/dev/null) \
  | awk '/^### /{print; next} /Time \(wall clock\)/{print "| metric | p0 | p25 | p50 | p75 | p90 | p99 | p100 | samples |"; print "|:--|--:|--:|--:|--:|--:|--:|--:|--:|"; print; print ""}' >> "$out"
echo "wrote $out"
