#!/usr/bin/env bash
# Quotes verified per second (TdxQuoteVerifyBench.VerifyQuote, collateral cached) beside OpenSSL's raw
# ECDSA P-256 verify/s on the same machine, as a ratio. A full verification does several ECDSA verifies
# (quote, QE report, PCK leaf and Platform CA certificates, CRLs, TCB Info/QE Identity are cached), so the
# target is quotes/s >= 0.5 x (openssl verify/s / 2).
# Usage: bench/tdx-vs-openssl.sh   (needs openssl: apt-get install -y openssl)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v openssl >/dev/null || { echo "openssl not found (apt-get install -y openssl)" >&2; exit 2; }

dotnet build bench/CvmCheck.Bench -c Release -v q -nologo >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
dotnet bench/CvmCheck.Bench/bin/Release/net10.0/CvmCheck.Bench.dll \
  --filter '*TdxQuoteVerifyBench.VerifyQuote*' --job short --exporters csv --artifacts "$out" >/dev/null
csv=$(find "$out" -name '*TdxQuoteVerifyBench*.csv' | head -1)
# Mean column, e.g. "123.4 us"; convert to seconds.
mean=$(python3 - "$csv" <<'PY'
import csv, sys
row = next(csv.DictReader(open(sys.argv[1])))
value, unit = row['Mean'].replace(',', '').split()
scale = {'ns': 1e-9, 'us': 1e-6, 'μs': 1e-6, 'ms': 1e-3, 's': 1.0}[unit]
print(float(value) * scale)
PY
)
quotes_per_s=$(python3 -c "print(round(1/$mean))")

verify_per_s=$(openssl speed -seconds 3 ecdsap256 2>/dev/null | awk '/256 bits ecdsa \(nistp256\)/ {print $NF}' | tail -1)
verify_per_s=${verify_per_s%.*}
python3 - "$quotes_per_s" "$verify_per_s" <<'PY'
import sys
q, v = float(sys.argv[1]), float(sys.argv[2])
target = 0.5 * (v / 2)
print(f"cvmcheck TDX quotes verified/s (collateral cached): {q:,.0f}")
print(f"openssl speed ecdsap256 verify/s:                   {v:,.0f}")
print(f"ratio quotes/s : openssl verify/s = {q / v:.3f}  (target >= 0.25, i.e. >= {target:,.0f} quotes/s): {'met' if q >= target else 'NOT met'}")
PY
