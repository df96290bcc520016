#!/usr/bin/env bash
# Publishes the asyncrl CLI into OUT_DIR: framework-dependent (the runtime image brings ASP.NET Core),
# started as `dotnet OUT_DIR/asyncrl.dll`. The Dockerfile's build stage runs this script, and the
# deploy tests run it too and check the Dockerfile's paths and entrypoint against what it wrote.
set -euo pipefail
if [ $# -lt 1 ]; then
  echo "usage: $0 OUT_DIR [more dotnet publish arguments]" >&2
  exit 2
fi
out=$1
shift
root=$(cd "$(dirname "$0")/../.." && pwd)
dotnet publish "$root/src/Cli/AsyncRL.Cli.csproj" -c Release -o "$out" --no-self-contained -p:UseAppHost=false -nologo "$@"
test -f "$out/asyncrl.dll"
