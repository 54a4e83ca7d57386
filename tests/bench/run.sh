#!/usr/bin/env bash
# ./x bench: every benchmark, printing figures (medians). Run after ./x test has set things up.
set -euo pipefail
cd "$(dirname "$0")/../.."
echo "== wasm size (release build)"
trunk build --release >/dev/null 2>&1
wasm=dist/livemeta-web_bg.wasm
echo "raw $(stat -c %s "$wasm") bytes, gzip -9 $(gzip -9 -c "$wasm" | wc -c) bytes"
worker=dist/livemeta-worker_bg.wasm
echo "worker: raw $(stat -c %s "$worker") bytes, gzip -9 $(gzip -9 -c "$worker" | wc -c) bytes (loaded only for GOSH above 12 trials and to open a file)"
cargo build -q --profile native -p livemeta-cli
echo "== browser: cold load to interactive"
(cd tests/e2e && node bench/load.mjs)
echo "== browser: toggle to repaint"
(cd tests/e2e && node bench/toggle.mjs)
echo "== browser: 5,000 studies, import and toggle"
(cd tests/e2e && node bench/import.mjs 2>/dev/null)
echo "== browser: the multiverse"
(cd tests/e2e && node bench/multiverse.mjs)
echo "== browser: trial sequential analysis"
(cd tests/e2e && node bench/tsa.mjs)
echo "== browser: Bayesian, rare events, selection model, meta-regression"
(cd tests/e2e && node bench/models.mjs)
echo "== browser: fragility"
(cd tests/e2e && node bench/fragility.mjs)
echo "== browser: GOSH in the worker"
(cd tests/e2e && node bench/gosh.mjs 5)
echo "== native engine vs R metafor (same data, same run)"
bash tests/bench/compare_metafor.sh
echo "== criterion (engine)"
cargo bench -q -p livemeta-core --bench engine -- --noplot 2>/dev/null | grep -E "^[a-zA-Z_/0-9-]+\s|time:"
