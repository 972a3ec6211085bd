#!/usr/bin/env bash
# Installs the Debian packages yoi needs to build and test, only when they are missing.
#   liblua5.4-dev + pkg-config: the Lua library and headers the YoiCLua target links against
#   lua5.4: the stock interpreter the pattern-matcher tests compare against
#   libsqlite3-dev: the Pod store
#   tmux: end-to-end tests of the terminal dialog
#   nix-bin: `yoi profile migrate` evaluates old Nix profiles with it (and its tests do)
# and, from PyPI into .build/python-sdks, the providers' official Python SDKs: the tests prove
# the scripted provider speaks each wire format by having them parse its streams; and the
# official MCP SDK, which the MCP tests build their servers with.
set -euo pipefail

install_sdks() {
  local venv=.build/python-sdks
  if [ -x "$venv/bin/python3" ] && "$venv/bin/python3" -c "import openai, anthropic, google.genai, mcp" 2>/dev/null; then
    return 0
  fi
  echo "installing the provider SDKs into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "openai==3.57.0" "anthropic==2.14.0" "google-genai==3.6.1" "mcp==2.3.0"
}
install_sdks

missing=()
dpkg -s liblua5.4-dev >/dev/null 2>&1 || missing+=(liblua5.4-dev)
dpkg -s pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
dpkg -s lua5.4 >/dev/null 2>&1 || missing+=(lua5.4)
dpkg -s libsqlite3-dev >/dev/null 2>&1 || missing+=(libsqlite3-dev)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v nix >/dev/null 2>&1 || missing+=(nix-bin)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "installing: ${missing[*]}" >&2
if [ "$(id -u)" -eq 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null 2>&1; then
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "error: missing packages ${missing[*]}; install them with apt-get" >&2
  exit 1
fi
