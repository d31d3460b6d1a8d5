#!/usr/bin/env bash
# Release build: the Native AOT single-file `cvmcheck` for linux-x64 (and linux-arm64 when the cross
# toolchain is present), plus the `dotnet tool` package. Fails on any trimming/AOT warning (IL2xxx,
# IL3xxx): a warning there means code that may break only in the published binary.
#
#   scripts/publish.sh            # linux-x64 (+ arm64 if possible) and the nupkg
#   scripts/publish.sh --x64-only # skip the arm64 attempt
# Needs clang and zlib headers for the native link: apt-get install -y clang zlib1g-dev
set -euo pipefail
cd "$(dirname "$0")/.."

x64_only=false
[[ "${1:-}" == "--x64-only" ]] && x64_only=true

need_native_toolchain() {
  if ! command -v clang >/dev/null 2>&1 || [[ ! -e /usr/include/zlib.h ]]; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
      echo "publish: installing clang and zlib1g-dev for the AOT link" >&2
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang zlib1g-dev >/dev/null
    else
      echo "publish: Native AOT needs clang and zlib1g-dev (apt-get install -y clang zlib1g-dev)" >&2
      exit 1
    fi
  fi
}

publish_rid() {
  local rid=$1 out="publish/$1" log
  log=$(mktemp)
  echo "publish: dotnet publish src/CvmCheck.Cli -c Release -r $rid -p:PublishAot=true -o $out" >&2
  if ! dotnet publish src/CvmCheck.Cli -c Release -r "$rid" -p:PublishAot=true -o "$out" 2>&1 | tee "$log" >&2; then
    rm -f "$log"
    return 1
  fi
  # Trim/AOT analysis warnings: IL2xxx (trimming) and IL3xxx (AOT). TreatWarningsAsErrors already
  # covers our own projects; this also catches those reported for packages.
  if grep -E "warning IL[23][0-9]{3}" "$log" | sort -u | grep . >&2; then
    echo "publish: FAILED: trimming/AOT warnings above for $rid" >&2
    rm -f "$log"
    exit 1
  fi
  rm -f "$log"
  local size
  size=$(stat -c %s "$out/cvmcheck")
  printf 'publish: %s/cvmcheck  %d bytes (%.1f MiB)\n' "$out" "$size" "$(echo "$size / 1048576" | bc -l)"
}

need_native_toolchain
publish_rid linux-x64

if ! $x64_only; then
  # Cross-linking for arm64 needs an aarch64 sysroot and linker (e.g. gcc-aarch64-linux-gnu plus
  # the arm64 zlib); without them the ILCompiler link step fails, so try and report why.
  if [[ "$(uname -m)" != "aarch64" ]] && ! command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 \
     && [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "publish: installing the aarch64 cross toolchain (gcc-aarch64-linux-gnu) for linux-arm64" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu >/dev/null 2>&1 || true
  fi
  if [[ "$(uname -m)" == "aarch64" ]] || command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || command -v aarch64-linux-gnu-ld >/dev/null 2>&1; then
    publish_rid linux-arm64 || echo "publish: linux-arm64 skipped: the AOT cross link failed (see the output above)" >&2
  else
    echo "publish: linux-arm64 skipped: no aarch64 cross linker (aarch64-linux-gnu-gcc) on this machine" >&2
  fi
fi

echo "publish: dotnet pack src/CvmCheck.Cli -c Release -o publish/nupkg" >&2
dotnet pack src/CvmCheck.Cli -c Release -o publish/nupkg >&2
ls -l publish/nupkg/*.nupkg
