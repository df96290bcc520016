#!/usr/bin/env bash
# Our own actor runtime and lease registry (the last commit that had them) against Akka.NET actors and
# Akka.Cluster membership (this tree): `quick actors` (the new one times Akka actors and plain threads in the
# same run) and `asyncrl train` end to end, old and new back to back (see bench/compare-builds.sh).
# Usage: bench/actors/compare.sh [OLD_COMMIT]   (default a168bbe; env SEEDS="1 2 3" to change the seeds)
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/../compare-builds.sh" actors "${1:-a168bbe}" "own actor runtime" "Akka.NET"
