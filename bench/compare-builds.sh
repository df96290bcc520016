#!/usr/bin/env bash
# Side by side: an old commit's build against this tree's, on one quick benchmark and end to end.
#   1. builds the old commit's benchmark and CLI in a temporary git worktree, runs `quick QUICK` there;
#   2. builds this tree's benchmark and CLI, runs `quick QUICK`;
#   3. prints both tables, labelled;
#   4. end to end: `asyncrl train --seed S` for seeds 1 2 3, old build then new build back to back, and prints
#      env_steps, wall_s / solved_at_s and samples_per_s from each run's summary.json.
# The temporary worktree and run directories are removed at the end.
#
# Usage: bench/compare-builds.sh QUICK OLD_COMMIT OLD_NAME NEW_NAME   (env SEEDS="1 2 3" to change the seeds);
# bench/transport/compare.sh and bench/actors/compare.sh call it for the changes they measure.
# Both sides share the machine's cores with each other's server and client: run it on a quiet machine.
set -euo pipefail

quick="$1"
old_commit="$2"
old_name="$3"
new_name="$4"
seeds="${SEEDS:-1 2 3}"
repo="$(git -C "$(dirname "${BASH_SOURCE[0]}")" rev-parse --show-toplevel)"
tmp="$(mktemp -d)"
old_tree="$tmp/old"

cleanup() {
    git -C "$repo" worktree remove --force "$old_tree" >/dev/null 2>&1 || true
    git -C "$repo" worktree prune >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT

old_label="old: $old_name ($(git -C "$repo" rev-parse --short "$old_commit"))"
new_label="new: $new_name ($(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- src bench || echo ', with uncommitted changes'))"

build() { # build <project dir>
    dotnet build "$1" -c Release -nologo -v quiet -clp:ErrorsOnly >&2
}

echo "== building $old_label" >&2
git -C "$repo" worktree add --detach "$old_tree" "$old_commit" >/dev/null 2>&1
build "$old_tree/bench/AsyncRL.Benchmarks"
build "$old_tree/src/Cli"
echo "== building $new_label" >&2
build "$repo/bench/AsyncRL.Benchmarks"
build "$repo/src/Cli"

bench_dll() { echo "$1/bench/AsyncRL.Benchmarks/bin/Release/net10.0/AsyncRL.Benchmarks.dll"; }
cli_dll() { echo "$1/src/Cli/bin/Release/net10.0/asyncrl.dll"; }

echo "== running the old benchmark" >&2
(cd "$tmp" && dotnet "$(bench_dll "$old_tree")" quick "$quick") >"$tmp/old.txt"
echo "== running the new benchmark" >&2
(cd "$tmp" && dotnet "$(bench_dll "$repo")" quick "$quick") >"$tmp/new.txt"

echo "### $old_label"
cat "$tmp/old.txt"
echo
echo "### $new_label"
cat "$tmp/new.txt"
echo

summary() { # summary <summary.json>
    python3 - "$1" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
def f(key, fmt):
    v = s.get(key)
    return "-" if v is None else format(v, fmt)
print(f"{f('env_steps', ',')} | {f('wall_s', '.1f')} | {f('solved_at_s', '.1f')} | {f('samples_per_s', ',.0f')}")
PY
}

echo "### end to end: asyncrl train (defaults), old build then new build per seed"
echo "| seed | build | env_steps | wall_s | solved_at_s | samples_per_s |"
echo "|---|---|---|---|---|---|"
for seed in $seeds; do
    for side in old new; do
        if [ "$side" = old ]; then tree="$old_tree"; else tree="$repo"; fi
        out="$tmp/runs/$side-$seed"
        echo "== train seed $seed, $side build" >&2
        if (cd "$tmp" && dotnet "$(cli_dll "$tree")" train --seed "$seed" --out "$out" >"$tmp/train-$side-$seed.log" 2>&1) \
            && [ -f "$out/summary.json" ]; then
            echo "| $seed | $side | $(summary "$out/summary.json") |"
        else
            echo "| $seed | $side | failed (last lines below) | | | |"
            tail -n 5 "$tmp/train-$side-$seed.log" | sed 's/^/    /'
        fi
    done
done
