#!/usr/bin/env bash
# Times `cvmcheck diagnose --log` against `rg -c -f bench/patterns.txt` (the knowledge base's literals) on a
# generated kernel log: every line of fixtures/logs/*.log (real corpus lines) repeated, dmesg timestamps
# rewritten so no two repeats are identical, until SIZE_MB is reached (default 1024 = 1 GiB).
# Prints both times and the ratio rg/cvmcheck (target >= 0.5: cvmcheck at most twice ripgrep's time).
# MIX=sparse dilutes the corpus 1:100 with an ordinary boot line, as in a real journal (default: dense,
# the corpus as is, where almost every line is an incident line).
# Usage: [MIX=dense|sparse] [LOG_FILE=path] [CVMCHECK=binary] bench/diagnose-vs-ripgrep.sh [SIZE_MB]      (needs ripgrep: apt-get install ripgrep)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB="${1:-1024}"
command -v rg >/dev/null || { echo "ripgrep (rg) not found: apt-get install ripgrep" >&2; exit 2; }
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
# LOG_FILE=path keeps the generated log there and reuses it when it exists (to compare builds on one log).
LOG="${LOG_FILE:-$TMP/kernel.log}"

[ -s "$LOG" ] || python3 - "$LOG" "$SIZE_MB" "${MIX:-dense}" <<'PY'
import glob, re, sys
out, size_mb, mix = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = []
for path in sorted(glob.glob("fixtures/logs/*.log")):
    with open(path, "rb") as f:
        lines += [l for l in f.read().split(b"\n") if l]
stamp = re.compile(rb"^\[ *\d+\.\d+\]")
target = size_mb * 1024 * 1024
written, round_ = 0, 0
with open(out, "wb", buffering=1 << 20) as f:
    while written < target:
        base = round_ * 7.0
        chunk = []
        for i, line in enumerate(lines):
            if stamp.match(line):
                line = stamp.sub(b"[%12.6f]" % (base + i * 0.000113), line, count=1)
            chunk.append(line)
            if mix == "sparse":
                chunk.extend([b"[%12.6f] pci 0000:00:02.0: reg 0x10: [mem 0xfe000000-0xfe7fffff pref]" % (base + i * 0.000113)] * 100)
        data = b"\n".join(chunk) + b"\n"
        f.write(data)
        written += len(data)
        round_ += 1
PY
echo "log (${MIX:-dense}): $(du -m "$LOG" | cut -f1) MiB, $(wc -l < "$LOG") lines"

# CVMCHECK=path/to/cvmcheck (e.g. the Native AOT build) to time another binary; default: a Release build.
if [ -n "${CVMCHECK:-}" ]; then CVM="$CVMCHECK"; else
  dotnet build -c Release src/CvmCheck.Cli -v q -nologo >/dev/null
  CVM=src/CvmCheck.Cli/bin/Release/net10.0/cvmcheck
fi
cat "$LOG" > /dev/null   # warm the page cache for both

# Wall time, and CPU time (user+sys), which stays meaningful on a shared, oversubscribed machine.
t() { /usr/bin/time -f "%e %U %S" -o "$TMP/time" "$@" > "$TMP/out" 2>/dev/null || true; tail -1 "$TMP/time" | awk '{printf "%s %.2f", $1, $2 + $3}'; }
read -r RG_WALL RG_CPU <<< "$(t rg -j1 -c -f bench/patterns.txt "$LOG")"
echo "rg -j1 -c -f bench/patterns.txt: wall ${RG_WALL}s cpu ${RG_CPU}s ($(cat "$TMP/out") matching lines)"
read -r CV_WALL CV_CPU <<< "$(t "$CVM" diagnose --log "$LOG" --format json)"
echo "cvmcheck diagnose --log:         wall ${CV_WALL}s cpu ${CV_CPU}s ($(grep -c '"id"' "$TMP/out") diagnoses)"
echo "ratio rg/cvmcheck: wall $(echo "scale=2; $RG_WALL / $CV_WALL" | bc), cpu $(echo "scale=2; $RG_CPU / $CV_CPU" | bc) (target >= 0.5)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg), cores: $(nproc)"
