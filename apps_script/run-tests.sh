#!/bin/sh
# The Apps Script's tests: Node's own test runner over src/*.js loaded into a vm with fakes; no npm packages.
set -eu
cd "$(dirname "$0")"
exec node --test test/*.test.js
