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
command -v jsonnet >/dev/null || need+=(jsonnet)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
python3 -c "import matplotlib" 2>/dev/null || pip install -q matplotlib >/dev/null 2>&1 || true

swift build -c release --static-swift-stdlib -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld -Xlinker -z -Xlinker pack-relative-relocs --product yoi >/dev/null
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

hyperfine -N --warmup 20 --min-runs 200 --export-markdown "$tmp/eval.md" --export-json "$tmp/eval.json" \
  -n "yoi eval (60-line profile)" "$yoi eval $fixtures/profile.lua" \
  -n "lua5.4 (same file)" "lua5.4 $fixtures/profile.lua" >/dev/null
cat "$tmp/eval.md" >> "$out"; echo >> "$out"

nix_cmd="nix --extra-experimental-features nix-command eval --json --file $fixtures/coder.nix"
hyperfine -N --warmup 20 --min-runs 100 --export-markdown "$tmp/resolve.md" --export-json "$tmp/resolve.json" \
  -n "yoi profile resolve builtin:coder" "$yoi profile resolve builtin:coder --workspace $tmp --pod-name bench" \
  -n "lua5.4 (coder as plain Lua, serialised)" "lua5.4 $fixtures/coder-plain.lua" \
  -n "nix eval --json (coder as Nix)" "$nix_cmd" \
  -n "jsonnet (coder as Jsonnet)" "jsonnet $fixtures/coder.jsonnet" >/dev/null
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
hyperfine -N --warmup 10 --min-runs 50 --export-markdown "$tmp/list.md" --export-json "$tmp/list.json" \
  -n "yoi profile list (1,000 project entries)" "$yoi profile list --workspace $tmp/big" \
  -n "yoi profile list --json (1,000 project entries)" "$yoi profile list --json --workspace $tmp/big" >/dev/null
cat "$tmp/list.md" >> "$out"; echo >> "$out"

# Pods: spawn and resume cold, and `pod list` over a store of 10,000 Pods.
export YOI_DATA_DIR="$tmp/data" YOI_CONFIG_DIR="$tmp/config"
mkdir -p "$tmp/ws"
"$yoi" pod spawn --profile builtin:coder --workspace "$tmp/ws" --name seed >/dev/null
python3 - "$tmp/data/yoi.sqlite" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
pod = db.execute("SELECT * FROM pod WHERE name = 'seed'").fetchone()
cols = [d[0] for d in db.execute("SELECT * FROM pod LIMIT 0").description]
snap = db.execute("SELECT manifest_json, sha256, yoi_version, lua_version, reason, created_at FROM snapshot WHERE pod_id = ?", (pod[0],)).fetchone()
for i in range(1, 10000):
    row = dict(zip(cols, pod)); row.pop("id"); row["name"] = f"pod{i:05d}"
    cur = db.execute(f"INSERT INTO pod ({','.join(row)}) VALUES ({','.join('?' * len(row))})", list(row.values()))
    db.execute("INSERT INTO snapshot (pod_id, manifest_json, sha256, yoi_version, lua_version, reason, is_current, created_at) VALUES (?,?,?,?,?,?,1,?)", (cur.lastrowid, *snap))
db.commit()
PY
hyperfine -N --warmup 5 --min-runs 30 --export-markdown "$tmp/pods.md" --export-json "$tmp/pods.json" \
  -n "yoi pod spawn --profile builtin:coder" --prepare "rm -f $tmp/data/spawned" \
  "sh -c '$yoi pod spawn --profile builtin:coder --workspace $tmp/ws --name bench-\$\$ >/dev/null'" \
  -n "yoi pod resume (10,000 Pods in the store)" "$yoi pod resume seed" \
  -n "yoi pod list (10,000 Pods)" "$yoi pod list" \
  -n "yoi pod list --json (10,000 Pods)" "$yoi pod list --json" >/dev/null
cat "$tmp/pods.md" >> "$out"; echo >> "$out"
unset YOI_DATA_DIR YOI_CONFIG_DIR

{
  echo "## Medians and ratios (cold processes)"
  echo
  echo "Chart: [cold.png](cold.png)."
  echo
} >> "$out"
python3 scripts/bench-report.py "$out" docs/benchmarks/cold.png "$tmp/eval.json" "$tmp/resolve.json" "$tmp/list.json" "$tmp/pods.json"

{
  echo "## Peak memory"
  echo
  echo "| process | peak resident set |"
  echo "|:--|--:|"
} >> "$out"
for command in "$yoi profile resolve builtin:coder --workspace $tmp --pod-name bench" "lua5.4 $fixtures/coder-plain.lua" "$nix_cmd"; do
  kib=$(python3 -c 'import resource, subprocess, sys; subprocess.run(sys.argv[1].split(), stdout=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$command")
  echo "| \`${command/$root\//}\` | $((kib / 1024)) MiB |" >> "$out"
done
echo >> "$out"

{
  echo "## In process (ordo-one/benchmark, wall clock)"
  echo
} >> "$out"
(cd Benchmarks && BENCHMARK_DISABLE_MALLOC_INTERPOSER=1 swift package --allow-writing-to-package-directory benchmark --format markdown 2>/dev/null) \
  | awk '/^### /{print; next} /Time \(wall clock\)|Memory \(resident peak\)/{if (!header) {print "| metric | p0 | p25 | p50 | p75 | p90 | p99 | p100 | samples |"; print "|:--|--:|--:|--:|--:|--:|--:|--:|--:|"} header=1; print; next} /^$/{if (header) print ""; header=0}' >> "$out"
{
  echo
  echo "## The runtime (scripts/runtime-bench.py: cold processes against a scripted provider on loopback)"
  echo
} >> "$out"
python3 scripts/runtime-bench.py "$yoi" "$tmp/runtime.md" >/dev/null
cat "$tmp/runtime.md" >> "$out"
{
  echo
  echo "## Run-time features (scripts/features-bench.py: skills, AGENTS.md, memory at start; memory search)"
  echo
} >> "$out"
python3 scripts/features-bench.py "$yoi" >> "$out"
{
  echo
  echo "## MCP servers (scripts/mcp-bench.py: two servers started in parallel; a tool round trip)"
  echo
} >> "$out"
python3 scripts/mcp-bench.py "$yoi" >> "$out"
{
  echo
  echo "## Attach (scripts/attach-bench.py: start to the input line, 6 and 12,000 events)"
  echo
} >> "$out"
python3 scripts/attach-bench.py "$yoi" >> "$out"
{
  echo
  echo "## Tickets (scripts/ticket-bench.py: 2,000 tickets, 20,000 events)"
  echo
} >> "$out"
python3 scripts/ticket-bench.py "$yoi" >> "$out"
{
  echo
  echo "## A Pod's age (scripts/history-bench.py: start to the first request, 3,000 events, with and without a /clear)"
  echo
} >> "$out"
python3 scripts/history-bench.py "$yoi" >> "$out"
echo "wrote $out"
