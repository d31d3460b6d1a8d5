#!/usr/bin/env bash
# Fuzzing with SharpFuzz + AFL++ (fuzz/CvmCheck.Fuzz; each target registers itself).
#
#   fuzz/run.sh TARGET SECONDS   fuzz one target (e.g. policy-yaml 60); fails if AFL saved a crash
#   fuzz/run.sh --smoke          replay every seed of every target (CvmCheck.Fuzz --list) once; with
#                                SMOKE_SECONDS=N (and afl-fuzz present) also fuzz each target N seconds
#   fuzz/run.sh --list
# Installs afl++ from Debian and the `sharpfuzz` instrumenter (NuGet SharpFuzz.CommandLine, into
# fuzz/out/tools) when missing. Output: fuzz/out/<target>/ (AFL's findings dir; ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=fuzz/out/bin        # plain build: --list, --replay
abin=fuzz/out/afl-bin   # instrumented copy for afl-fuzz (replaying there outside AFL faults)
tools=fuzz/out/tools

build() {
  dotnet build fuzz/CvmCheck.Fuzz -c Release -o "$bin" -v q -nologo >/dev/null
}

targets() { dotnet "$bin/CvmCheck.Fuzz.dll" --list; }

# Seeds for a target: fuzz/seeds/<target>/ plus the real inputs of that kind in the repository.
collect_seeds() { # target dir [small-only]
  local target=$1 dir=$2 small=${3:-}
  mkdir -p "$dir"
  if [[ -d "fuzz/seeds/$target" ]]; then cp fuzz/seeds/"$target"/* "$dir"/ 2>/dev/null || true; fi
  if [[ -d "fuzz/corpus/$target" ]]; then cp fuzz/corpus/"$target"/* "$dir"/ 2>/dev/null || true; fi
  if [[ -d "fixtures/fuzz-regressions/$target" ]]; then cp fixtures/fuzz-regressions/"$target"/* "$dir"/ 2>/dev/null || true; fi
  local i=0 f
  case "$target" in
    policy-yaml) for f in policies/*.yaml policies/signatures/*.yaml; do [[ -f $f ]] && cp "$f" "$dir/repo-$((i++)).yaml"; done ;;
    nvidia-smi-xml) [[ -n "$small" ]] || while IFS= read -r f; do cp "$f" "$dir/repo-$((i++)).xml"; done < <(find fixtures tests -name 'nvidia-smi_-q_-x.out' 2>/dev/null) ;;
    tdx-quote) while IFS= read -r f; do cp "$f" "$dir/repo-$((i++)).bin"; done < <(find fixtures/attestation -name 'quote.bin' 2>/dev/null) ;;
    kernel-log) while IFS= read -r f; do cp "$f" "$dir/repo-$((i++)).log"; done < <(find fixtures/logs fixtures/fuzz-regressions/kernel-log -type f -size -64k ! -name '*.md' 2>/dev/null) ;;
    rim-xml) while IFS= read -r f; do cp "$f" "$dir/repo-$((i++)).xml"; done < <(find fixtures/attestation/gpu/rims -type f -size -64k 2>/dev/null) ;;
    spdm-report) while IFS= read -r f; do cp "$f" "$dir/repo-$((i++)).hex"; done < <(find fixtures/attestation/gpu/reports -name 'report.hex' 2>/dev/null) ;;
  esac
  if [[ -z "$(ls -A "$dir")" ]]; then printf 'x' > "$dir/empty-seed"; fi
}

ensure_afl() {
  if ! command -v afl-fuzz >/dev/null 2>&1; then
    [[ "$(id -u)" == 0 ]] || { echo "fuzz: afl-fuzz missing (apt-get install -y afl++)" >&2; exit 1; }
    echo "fuzz: installing afl++" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ >/dev/null
  fi
  if [[ ! -x "$tools/sharpfuzz" ]]; then
    echo "fuzz: installing the sharpfuzz instrumenter into $tools" >&2
    dotnet tool install SharpFuzz.CommandLine --tool-path "$tools" >/dev/null
  fi
}

# Instrument a copy of our assemblies (not the harness, not third-party ones).
instrument() {
  local dll
  rm -rf "$abin" && cp -r "$bin" "$abin"
  for dll in "$abin"/CvmCheck.Formats.dll "$abin"/CvmCheck.Core.dll "$abin"/CvmCheck.Policy.dll "$abin"/CvmCheck.Attestation.dll; do
    [[ -f "$dll" ]] || continue
    "$tools/sharpfuzz" "$dll" >/dev/null
  done
}

fuzz_one() { # target seconds
  local target=$1 seconds=$2 work="fuzz/out/$1"
  rm -rf "$work" && mkdir -p "$work"
  collect_seeds "$target" "$work/in" small
  echo "fuzz: $target for ${seconds}s (seeds: $(ls "$work/in" | wc -l))" >&2
  AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1 \
    afl-fuzz -i "$work/in" -o "$work" -t 10000 -m none -V "$seconds" -- dotnet "$abin/CvmCheck.Fuzz.dll" "$target" \
    > "$work/afl.log" 2>&1 || { tail -30 "$work/afl.log" >&2; echo "fuzz: afl-fuzz failed for $target" >&2; return 1; }
  local stats="$work/default/fuzzer_stats" crashes
  crashes=$(find "$work/default/crashes" -type f ! -name README.txt 2>/dev/null | wc -l)
  awk -F' *: *' -v t="$target" '
    $1 == "execs_done" { e = $2 } $1 == "execs_per_sec" { s = $2 } $1 == "corpus_count" { c = $2 }
    $1 == "saved_crashes" { k = $2 } $1 == "saved_hangs" { h = $2 } $1 == "bitmap_cvg" { b = $2 } $1 == "run_time" { r = $2 }
    END { printf "%-16s run %ss  execs %s (%s/s)  corpus %s  coverage %s  crashes %s  hangs %s\n", t, r, e, s, c, b, k, h }' "$stats"
  if (( crashes > 0 )); then
    echo "fuzz: $target: $crashes crashing input(s) in $work/default/crashes/" >&2
    return 1
  fi
}

case "${1:-}" in
  --list)
    build
    targets
    ;;
  --smoke)
    build
    status=0
    for t in $(targets); do
      seeds=$(mktemp -d)
      collect_seeds "$t" "$seeds"
      dotnet "$bin/CvmCheck.Fuzz.dll" "$t" --replay "$seeds" || status=1
      rm -rf "$seeds"
    done
    if [[ -n "${SMOKE_SECONDS:-}" ]]; then
      ensure_afl
      instrument
      for t in $(targets); do fuzz_one "$t" "$SMOKE_SECONDS" || status=1; done
    fi
    exit $status
    ;;
  ""|-h|--help)
    sed -n '2,9p' "$0"
    exit 2
    ;;
  *)
    target=$1 seconds=${2:-60}
    build
    targets | grep -qx "$target" || { echo "fuzz: unknown target '$target'; known: $(targets | tr '\n' ' ')" >&2; exit 2; }
    ensure_afl
    instrument
    fuzz_one "$target" "$seconds"
    ;;
esac
