#!/usr/bin/env bash
# Quotes verified per second (TdxQuoteVerifyBench, collateral cached) beside OpenSSL's raw ECDSA P-256
# verify/s measured in the same round, as a ratio; RUNS rounds (default 3), medians reported.
#   VerifyQuote          one real quote repeated;
#   VerifyDistinctQuotes the real fixture quotes whose signature verifies, rotated (different platforms,
#                        attestation keys, PCK chains and collateral).
# A full verification checks two quote-specific ECDSA signatures (quote, QE report) plus certificate, CRL
# and collateral signatures; the quote signature is verified on every call, the rest are cached by the
# exact bytes they cover. Target: quotes/s >= 0.5 x (openssl verify/s / 2), i.e. ratio >= 0.25.
# Usage: bench/tdx-vs-openssl.sh   (RUNS=5 for more rounds; needs openssl: apt-get install -y openssl)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v openssl >/dev/null || { echo "openssl not found (apt-get install -y openssl)" >&2; exit 2; }
runs=${RUNS:-3}

dotnet build bench/CvmCheck.Bench -c Release -v q -nologo >/dev/null
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for i in $(seq 1 "$runs"); do
  dotnet bench/CvmCheck.Bench/bin/Release/net10.0/CvmCheck.Bench.dll \
    --filter '*TdxQuoteVerifyBench.Verify*' --job short --iterationCount 10 --exporters csv --artifacts "$out/$i" >/dev/null
  openssl speed -seconds 3 ecdsap256 2>/dev/null | awk '/256 bits ecdsa \(nistp256\)/ {print $NF}' | tail -1 > "$out/$i/openssl.txt"
done

python3 - "$out" "$runs" <<'PY'
import csv, glob, os, statistics, sys
out, runs = sys.argv[1], int(sys.argv[2])
scale = {'ns': 1e-9, 'us': 1e-6, 'μs': 1e-6, 'ms': 1e-3, 's': 1.0}
rows = {'VerifyQuote': [], 'VerifyDistinctQuotes': []}
ssl = []
for i in range(1, runs + 1):
    d = os.path.join(out, str(i))
    v = float(open(os.path.join(d, 'openssl.txt')).read().strip())
    ssl.append(v)
    for row in csv.DictReader(open(glob.glob(os.path.join(d, '**', '*TdxQuoteVerifyBench*report.csv'), recursive=True)[0])):
        if row['Method'] in rows:
            value, unit = (row.get('Median') or row['Mean']).replace(',', '').split()
            q = 1 / (float(value) * scale[unit])
            rows[row['Method']].append((q, q / v))
            print(f"round {i}: {row['Method']:<21} {q:>8,.0f} quotes/s   openssl {v:>8,.0f} verify/s   ratio {q / v:.3f}")
print()
print(f"openssl speed -seconds 3 ecdsap256 verify/s, median: {statistics.median(ssl):,.0f}")
for name, vals in rows.items():
    q = statistics.median(x[0] for x in vals)
    r = statistics.median(x[1] for x in vals)
    print(f"{name:<21} median {q:>8,.0f} quotes/s, ratio {r:.3f} (target >= 0.25): {'met' if r >= 0.25 else 'NOT met'}")
PY
