#!/usr/bin/env bash
# The project's test command (README "Run the tests"): build everything, run every test project.
set -euo pipefail
cd "$(dirname "$0")"
dotnet test CvmCheck.sln -c Release "$@"
