#!/usr/bin/env bash
# GPU report verification throughput (GpuReportVerifyBench, BenchmarkDotNet short job) next to
# `openssl speed -seconds 3 ecdsap384` verify/s, as a ratio. Target: >= 0.5x (one report = one
# ECDSA P-384 verify plus parsing and the cached-chain appraisal).
# Usage: bench/gpu-vs-openssl.sh        (needs openssl; apt-get install -y openssl if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v openssl >/dev/null || { echo "openssl not found (apt-get install -y openssl)" >&2; exit 2; }

artifacts=$(mktemp -d)
trap 'rm -rf "$artifacts"' EXIT
dotnet run -c Release --project bench/CvmCheck.Bench -- --filter '*GpuReportVerifyBench*' --job short \
  --exporters csv --artifacts "$artifacts" >"$artifacts/bdn.log" 2>&1 || { tail -40 "$artifacts/bdn.log" >&2; exit 1; }
csv=$(find "$artifacts" -name '*GpuReportVerifyBench*-report.csv' | head -1)

# Mean column (e.g. "412.3 us" or "1,234.5 ns") -> operations per second.
per_second() {
  python3 - "$csv" "$1" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
row = next(r for r in rows if sys.argv[2] in r['Method'])
value, unit = row['Mean'].replace(',', '').split()
scale = {'ns': 1e-9, 'μs': 1e-6, 'us': 1e-6, 'ms': 1e-3, 's': 1.0}[unit]
print(f"{1 / (float(value) * scale):.0f}")
PY
}
reports=$(per_second "parse + verify")
signatures=$(per_second "signature only")
openssl_verify=$(openssl speed -seconds 3 ecdsap384 2>/dev/null | awk '/nistp384/ && /ecdsa/ {print $NF}' | tail -1)
openssl_verify=${openssl_verify%.*}

printf '%-44s %10s/s\n' "cvmcheck reports verified (chain cached)" "$reports"
printf '%-44s %10s/s\n' "cvmcheck report signature only" "$signatures"
printf '%-44s %10s/s\n' "openssl speed ecdsap384 verify" "$openssl_verify"
python3 -c "print(f'ratio reports/openssl-verify: {$reports/$openssl_verify:.2f}x (target >= 0.5x)')"
