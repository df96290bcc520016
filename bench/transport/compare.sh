#!/usr/bin/env bash
# Our own gRPC transport (the last commit that had it) against grpc-dotnet (this tree): `quick transport` and
# `asyncrl train` end to end, old and new back to back (see bench/compare-builds.sh).
# Usage: bench/transport/compare.sh [OLD_COMMIT]   (default 1860de5; env SEEDS="1 2 3" to change the seeds)
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/../compare-builds.sh" transport "${1:-1860de5}" "own transport" "grpc-dotnet"
