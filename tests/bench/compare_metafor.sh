#!/usr/bin/env bash
# Same fits, same data, one run: native engine vs R metafor. Prints medians and the ratio.
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=$(mktemp -d)
cargo build -q --profile native -p livemeta-cli
cargo build -q --profile native -p livemeta-core --example time_fits
for k in 8 16 20 100 10000; do ./target/native/livemeta synthetic "$k" 42 > "$dir/k$k.csv"; done
./target/native/examples/time_fits "$dir" > "$dir/native.txt"
Rscript tests/bench/metafor_timings.R "$dir" > "$dir/metafor.txt"
# metafor's REML at k = 10,000 can run for many minutes: stop it after 5 and report a bound.
timeout 300 Rscript tests/bench/metafor_timings.R "$dir" reml10000 >> "$dir/metafor.txt" || echo "REML 10000 -300" >> "$dir/metafor.txt"
printf '| fit | k | livemeta (median) | metafor (median) | metafor / livemeta |\n|---|---|---|---|---|\n'
join -j1 <(awk '{print $1"@"$2, $3}' "$dir/native.txt" | sort) <(awk '{print $1"@"$2, $3}' "$dir/metafor.txt" | sort) |
  awk '{split($1, a, "@");
        # A negative metafor time means "stopped after that many seconds".
        if ($3 < 0) printf "| %s | %s | %.3g s | > %.0f s (stopped) | > %.0fx |\n", a[1], a[2], $2, -$3, -$3 / $2;
        else printf "| %s | %s | %.3g s | %.3g s | %.0fx |\n", a[1], a[2], $2, $3, $3 / $2 }' | sort -t'|' -k2,2 -k3n
