#!/usr/bin/env bash
# yoi's main job on the builtin default profile: resolve it into a manifest, store a Pod with
# its snapshot, and run a task in it. No real provider is configured here, so the model is the
# scripted one on loopback (yoi-stub-provider): the default's model is swapped for it, nothing
# else changes. Everything lives under .build/demo; ~/.yoi is never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
YOI=.build/debug/yoi
DEMO=$PWD/.build/demo
rm -rf "$DEMO" && mkdir -p "$DEMO/config" "$DEMO/data" "$DEMO/workspace"
export YOI_CONFIG_DIR=$DEMO/config YOI_DATA_DIR=$DEMO/data

.build/debug/yoi-stub-provider openai_chat "$DEMO/base-url" &
stub=$!
trap 'kill $stub 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$DEMO/base-url" ] && break; sleep 0.05; done

cat > "$DEMO/config/demo.lua" <<LUA
-- The builtin default, with its model pointed at the scripted provider.
local yoi = require("yoi")
local p = yoi.profile.import("builtin:default")
p.model = { scheme = "openai_chat", base_url = "$(cat "$DEMO/base-url")", model_id = "scripted", auth = { kind = "none" } }
return p
LUA

set -x
$YOI --version
$YOI profile show default --workspace "$DEMO/workspace"
$YOI pod spawn --profile "$DEMO/config/demo.lua" --workspace "$DEMO/workspace" --name demo
$YOI pod run demo "Say hello in a file in the workspace."
$YOI pod log demo --tail 4
cat "$DEMO/workspace/hello.md"
