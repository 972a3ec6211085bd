#!/usr/bin/env bash
# Runs each libFuzzer target for a bounded time (FUZZ_SECONDS, default 60) and reports
# executions and findings. Crashing inputs land in Fuzz/findings/; each one found so far is a
# regression test in the main suite. Inputs grow up to FUZZ_MAX_LEN bytes (default 1 MiB: the
# largest files yoi reads are 1 MiB of Lua and 256 KiB of TOML).
set -euo pipefail
cd "$(dirname "$0")/../Fuzz"
seconds="${FUZZ_SECONDS:-60}"
swift build --sanitize=fuzzer -c release >/dev/null
mkdir -p findings
status=0
for target in Selector Registry Manifest Profile; do
  name="$(echo "$target" | tr 'A-Z' 'a-z')"
  # New inputs go to a working corpus under .build (not committed); seeds are read from the
  # committed seeds/ and, for profiles, from the test fixtures and the hostile corpus.
  corpus=".build/corpus/$name"
  mkdir -p "$corpus"
  seeds=("seeds/$name")
  [ "$target" = Profile ] && seeds=(../Tests/YoiProfilesTests/Fixtures ../Tests/YoiProfilesTests/Hostile ../Benchmarks/fixtures)
  log=$(mktemp)
  if SWIFT_BACKTRACE=enable=no ".build/release/Fuzz$target" "$corpus" "${seeds[@]}" -max_total_time="$seconds" -timeout=10 \
      -rss_limit_mb=4096 -max_len="${FUZZ_MAX_LEN:-1048576}" -artifact_prefix="findings/$target-" >"$log" 2>&1; then
    echo "Fuzz$target: $(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" | head -1), no findings"
  else
    status=1
    echo "Fuzz$target: FINDING: $(grep -E 'Assertion|Fatal error|precondition|ERROR' "$log" | head -1)"
    grep -E 'Test unit written' "$log" || true
  fi
  rm -f "$log"
done
exit $status
