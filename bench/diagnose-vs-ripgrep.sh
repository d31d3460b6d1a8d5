#!/usr/bin/env bash
# Times `cvmcheck diagnose --log` against `rg -c -f bench/patterns.txt` (the knowledge base's literals) on a
# generated kernel log: every line of fixtures/logs/*.log (real corpus lines) repeated, dmesg timestamps
# rewritten so no two repeats are identical, until SIZE_MB is reached (default 1024 = 1 GiB).
# Prints both times and the ratio rg/cvmcheck (target >= 0.5: cvmcheck at most twice ripgrep's time).
# Usage: bench/diagnose-vs-ripgrep.sh [SIZE_MB]      (needs ripgrep: apt-get install ripgrep)
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB="${1:-1024}"
command -v rg >/dev/null || { echo "ripgrep (rg) not found: apt-get install ripgrep" >&2; exit 2; }
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
LOG="$TMP/kernel.log"

python3 - "$LOG" "$SIZE_MB" <<'PY'
import glob, re, sys
out, size_mb = sys.argv[1], int(sys.argv[2])
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
        data = b"\n".join(chunk) + b"\n"
        f.write(data)
        written += len(data)
        round_ += 1
PY
echo "log: $(du -m "$LOG" | cut -f1) MiB, $(wc -l < "$LOG") lines"

dotnet build -c Release src/CvmCheck.Cli -v q -nologo >/dev/null
CVM=src/CvmCheck.Cli/bin/Release/net10.0/cvmcheck
cat "$LOG" > /dev/null   # warm the page cache for both

t() { local s e; s=$(date +%s.%N); "$@" > "$TMP/out" 2>&1 || true; e=$(date +%s.%N); echo "$e - $s" | bc; }
RG=$(t rg -c -f bench/patterns.txt "$LOG")
echo "rg -c -f bench/patterns.txt: ${RG}s ($(cat "$TMP/out") matching lines)"
CV=$(t "$CVM" diagnose --log "$LOG" --format json)
echo "cvmcheck diagnose --log:     ${CV}s ($(grep -c '"id"' "$TMP/out") diagnoses)"
echo "ratio rg/cvmcheck: $(echo "scale=2; $RG / $CV" | bc) (target >= 0.5)"
