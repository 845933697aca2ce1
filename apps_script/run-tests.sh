#!/bin/sh
# The Apps Script's tests: Node's own test runner over the built script loaded into a vm with
# strict fakes, and the sidebar in headless Chromium (npm ci installs playwright-core first).
set -eu
cd "$(dirname "$0")"
[ -d node_modules ] || npm ci --silent --no-audit --no-fund
exec node --test test/*.test.js
