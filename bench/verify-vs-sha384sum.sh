#!/usr/bin/env bash
# `cvmcheck verify --allow-unsigned` on a bundle of SIZE_MIB MiB of random artifacts, against sha384sum(1)
# over the same artifact bytes: wall time, throughput ratio (target >= 0.8x sha384sum) and peak RSS of
# both (GNU time -v; apt-get install -y time if missing). The bundle is built from the documented format
# with python3 + GNU tar + gzip (not with cvmcheck), so this also checks that a third party's bundle reads.
# Usage: bench/verify-vs-sha384sum.sh [SIZE_MIB=1024] [FILE_MIB=64]
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-1024}
file_mib=${2:-64}
[ -x /usr/bin/time ] || apt-get install -y time >/dev/null
command -v sha384sum >/dev/null || { echo "sha384sum not found (coreutils)" >&2; exit 2; }

if [ -z "${CVMCHECK:-}" ]; then
  dotnet build src/CvmCheck.Cli -c Release -v q -nologo >/dev/null
  CVMCHECK="dotnet src/CvmCheck.Cli/bin/Release/net10.0/cvmcheck.dll"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/cvmcheck-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/b/artifacts/blob"
count=$(( size_mib / file_mib ))
for i in $(seq -f '%04g' 1 "$count"); do
  head -c "$(( file_mib * 1024 * 1024 ))" /dev/urandom > "$work/b/artifacts/blob/$i"
done

python3 - "$work/b" <<'PY'
import hashlib, json, os, sys
root = sys.argv[1]
arts = []
for name in sorted(os.listdir(os.path.join(root, "artifacts/blob"))):
    path = os.path.join(root, "artifacts/blob", name)
    h = hashlib.sha384()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    arts.append({"path": "artifacts/blob/" + name, "kind": "file", "size": os.path.getsize(path), "sha384": h.hexdigest()})
manifest = {"schema": "cvmcheck/manifest/v1", "tool": {"name": "bench", "version": "0"},
            "created": "2026-01-01T00:00:00Z", "host": "bench", "source": "random", "nonce": "00" * 32, "artifacts": arts}
open(os.path.join(root, "manifest.json"), "w").write(json.dumps(manifest, indent=2) + "\n")
PY
# Files only (no directory entries: the manifest lists none), manifest first, fast gzip.
(cd "$work/b" && tar --format=pax --owner=0 --group=0 --numeric-owner -cf - manifest.json artifacts/blob/*) | gzip -1 > "$work/bundle.tar.gz"
bundle_bytes=$(stat -c %s "$work/bundle.tar.gz")

measure() { # label, command...: prints "seconds rss_kib"
  local label=$1; shift
  sync; cat "$work/bundle.tar.gz" "$work"/b/artifacts/blob/* > /dev/null # warm the page cache for both
  /usr/bin/time -v -o "$work/$label.time" "$@" > "$work/$label.out"
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/$label.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/$label.time")
  python3 -c "import sys; p=sys.argv[1].split(':'); s=sum(float(x)*60**i for i,x in enumerate(reversed(p))); print(s, sys.argv[2])" "$wall" "$rss"
}

read -r sum_s sum_rss < <(measure sha384sum sha384sum "$work"/b/artifacts/blob/*)
read -r ver_s ver_rss < <(measure verify $CVMCHECK verify "$work/bundle.tar.gz" --allow-unsigned)
grep -q "verdict  pass" "$work/verify.out" || { cat "$work/verify.out"; echo "verify did not pass" >&2; exit 1; }

python3 - "$size_mib" "$bundle_bytes" "$sum_s" "$sum_rss" "$ver_s" "$ver_rss" <<'PY'
import sys
mib, bundle, s, srss, v, vrss = int(sys.argv[1]), int(sys.argv[2]), *map(float, sys.argv[3:])
print(f"artifacts: {mib} MiB random, bundle {bundle / 2**20:.0f} MiB (gzip -1)")
print(f"sha384sum of the artifacts:        {s:7.2f} s  {mib / s:7.1f} MiB/s  peak RSS {srss / 1024:6.1f} MiB")
print(f"cvmcheck verify --allow-unsigned:  {v:7.2f} s  {mib / v:7.1f} MiB/s  peak RSS {vrss / 1024:6.1f} MiB")
ratio = s / v
print(f"throughput ratio verify : sha384sum = {ratio:.2f}x (target >= 0.8x): {'met' if ratio >= 0.8 else 'NOT met'}")
PY
