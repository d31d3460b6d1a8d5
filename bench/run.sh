#!/usr/bin/env bash
# Benchmarks, side by side (docs/performance.md records the results):
#   1. every comparison script bench/*-vs-*.sh present (others add theirs; none is required);
#   2. cold start of the Native AOT `cvmcheck check --root <fixture>` against an AOT hello-world
#      (bench/hello, published here, not part of CvmCheck.sln), and peak RSS of both.
# Targets: cold start <= 2x hello-world; peak RSS < 40 MB.
#
#   bench/run.sh                 # everything
#   RUNS=50 bench/run.sh         # more runs per timing (default 30)
#   SKIP_PUBLISH=1 bench/run.sh  # reuse publish/linux-x64/cvmcheck and publish/bench-hello/hello
#   COLD_ONLY=1 bench/run.sh     # only the cold-start comparison
set -uo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-30}
status=0

install_if_missing() { # command package
  if ! command -v "$1" >/dev/null 2>&1 && [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "bench: installing $2" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2"; } >/dev/null 2>&1 || true
  fi
}

# 1. Side-by-side comparisons contributed by other parts of the project.
if [[ -z "${COLD_ONLY:-}" ]]; then
  shopt -s nullglob
  for script in bench/*-vs-*.sh; do
    echo "== $script"
    if ! bash "$script"; then
      echo "bench: $script failed" >&2
      status=1
    fi
  done
  shopt -u nullglob
fi

# 2. Cold start and peak RSS.
echo "== cold start: AOT cvmcheck check vs AOT hello-world"
if [[ -z "${SKIP_PUBLISH:-}" || ! -x publish/linux-x64/cvmcheck ]]; then
  scripts/publish.sh --x64-only >/dev/null || { echo "bench: AOT publish of cvmcheck failed" >&2; exit 1; }
fi
if [[ -z "${SKIP_PUBLISH:-}" || ! -x publish/bench-hello/hello ]]; then
  dotnet publish bench/hello/Hello.csproj -c Release -r linux-x64 -p:PublishAot=true -o publish/bench-hello >/dev/null \
    || { echo "bench: AOT publish of bench/hello failed" >&2; exit 1; }
fi
cvm=publish/linux-x64/cvmcheck
hello=publish/bench-hello/hello

fixture=""
for candidate in fixtures/snapshots/h100-tdx-cc-on fixtures/snapshots/h100-cc-off tests/CvmCheck.Reporting.Tests/golden/inputs/h100x8-passthrough-580; do
  if [[ -d "$candidate" ]]; then fixture=$candidate; break; fi
done
[[ -n "$fixture" ]] || { echo "bench: no snapshot fixture found" >&2; exit 1; }
policy=h100-tdx-cc-production
check=("$cvm" check --root "$fixture" --policy "$policy" --format json)
echo "fixture: $fixture   policy: $policy   runs: $RUNS"

install_if_missing hyperfine hyperfine
[[ -x /usr/bin/time ]] || install_if_missing /usr/bin/time time

# Wall time of a command in ms: sets MEAN, MIN and CPU (user+sys). `check` exits 1 on a failing
# verdict, which is not a bench failure (-i). On a loaded machine MIN and CPU are the stable numbers.
measure() {
  if command -v hyperfine >/dev/null 2>&1; then
    local csv
    csv=$(mktemp)
    hyperfine -N -i --warmup 3 --runs "$RUNS" --export-csv "$csv" "$*" >/dev/null 2>&1
    read -r MEAN MIN CPU < <(awk -F, 'NR==2 { printf "%.2f %.2f %.2f", $2 * 1000, $7 * 1000, ($5 + $6) * 1000 }' "$csv")
    rm -f "$csv"
  else
    local start end i
    for i in 1 2 3; do "$@" >/dev/null 2>&1; done
    start=$(date +%s%N)
    for ((i = 0; i < RUNS; i++)); do "$@" >/dev/null 2>&1; done
    end=$(date +%s%N)
    MEAN=$(awk -v ns=$((end - start)) -v n="$RUNS" 'BEGIN { printf "%.2f", ns / n / 1e6 }')
    MIN=n/a
    CPU=n/a
  fi
}

# peak resident set size in MB
peak_rss_mb() {
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F: '/Maximum resident set size/ { gsub(/ /, "", $2); printf "%.1f", $2 / 1024 }'
  else
    echo "n/a"
  fi
}

measure "$hello"; hello_mean=$MEAN hello_min=$MIN hello_cpu=$CPU
measure "${check[@]}"; check_mean=$MEAN check_min=$MIN check_cpu=$CPU
hello_rss=$(peak_rss_mb "$hello")
check_rss=$(peak_rss_mb "${check[@]}")
ratio_of() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a") print "n/a"; else printf "%.2fx", a / b }'; }
mib() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f", b / 1048576 }'; }
ratio=$(ratio_of "$check_mean" "$hello_mean")
timer=$(command -v hyperfine >/dev/null 2>&1 && echo "hyperfine -N, $RUNS runs, 3 warm-up" || echo "loop of $RUNS runs, date +%s%N")

echo
printf '%-34s %12s %12s %8s %10s\n' "measure" "cvmcheck" "hello-world" "ratio" "target"
printf '%-34s %12s %12s %8s %10s\n' "cold start, mean wall (ms)" "$check_mean" "$hello_mean" "$ratio" "<= 2x"
printf '%-34s %12s %12s %8s %10s\n' "cold start, fastest run (ms)" "$check_min" "$hello_min" "$(ratio_of "$check_min" "$hello_min")" ""
printf '%-34s %12s %12s %8s %10s\n' "CPU time user+sys, mean (ms)" "$check_cpu" "$hello_cpu" "$(ratio_of "$check_cpu" "$hello_cpu")" ""
printf '%-34s %12s %12s %8s %10s\n' "peak RSS (MB)" "$check_rss" "$hello_rss" "" "< 40"
printf '%-34s %12s %12s %8s %10s\n' "binary size (MiB)" "$(mib "$cvm")" "$(mib "$hello")" "" ""
echo "timing: $timer; machine: $(nproc) cores, $(uname -m), load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%Y-%m-%d)"

awk -v r="${ratio%x}" 'BEGIN { exit !(r > 2) }' && { echo "bench: cold start ratio ${ratio} is above the 2x target" >&2; status=1; }
if [[ "$check_rss" != "n/a" ]]; then
  awk -v m="$check_rss" 'BEGIN { exit !(m >= 40) }' && { echo "bench: peak RSS ${check_rss} MB is above the 40 MB target" >&2; status=1; }
fi
exit $status
