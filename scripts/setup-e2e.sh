#!/usr/bin/env bash
# Installs what the end-to-end tests need on a Debian machine without download access beyond the npm
# registry and Debian's packages: Chromium (driven by playwright-core) and code-server 4.100.3 (VS Code
# 1.100.3's server and web workbench), into .vscode-test/code-server, outside the project's dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v rg >/dev/null || missing+=(ripgrep)
dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

dest=.vscode-test/code-server
if [ ! -x "$dest/node_modules/.bin/code-server" ]; then
  # @vscode/ripgrep's postinstall would download ripgrep; give it Debian's rg in the cache it looks in.
  cache="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
  mkdir -p "$cache"
  if [ ! -f "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" ]; then
    tmp=$(mktemp -d)
    cp "$(command -v rg)" "$tmp/rg"
    tar czf "$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$tmp" rg
    rm -rf "$tmp"
  fi
  mkdir -p "$dest"
  [ -f "$dest/package.json" ] || echo '{ "name": "e2e-code-server", "private": true }' > "$dest/package.json"
  npm_config_unsafe_perm=true npm_config_yes=true npm install --prefix "$dest" --no-audit --no-fund --no-save code-server@4.100.3 >"$dest/install.log" 2>&1 \
    || { tail -30 "$dest/install.log"; exit 1; }
fi
echo "e2e setup: chromium $(chromium --version 2>/dev/null | awk '{print $2}'), code-server $("$dest/node_modules/.bin/code-server" --version 2>/dev/null | head -1 | awk '{print $1}')"
