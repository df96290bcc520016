# shellcheck shell=bash
# Shared by load.sh and soak.sh: a private copy of the CLI build, one learner and its actor node processes on
# loopback, /proc sampling, and an orderly stop (SIGTERM to the actors first, then the learner).

LOAD_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
MODE=${MODE:-cluster}  # cluster: actors join through --seed-nodes (the usual deployment); grpc: --learner URL only
ACTOR_PIDS=()
LEARNER_PID=

# load_init DIR: the working folder (LOGS, where the processes' output goes, is DIR too unless set later). The build
# is copied there so that a rebuild during a long run does not replace assemblies under running processes.
load_init() {
  WORK=$1
  LOGS=$1
  local build="$LOAD_ROOT/src/Cli/bin/Release/net10.0"
  [ -f "$build/asyncrl.dll" ] || { echo "no Release build: run 'dotnet build AsyncRL.sln -c Release' first" >&2; exit 2; }
  [ "$MODE" = cluster ] || [ "$MODE" = grpc ] || { echo "MODE is cluster or grpc, not '$MODE'" >&2; exit 2; }
  mkdir -p "$WORK"
  [ -d "$WORK/bin" ] || cp -r "$build" "$WORK/bin"
  trap load_abort EXIT
}

export DOTNET_CLI_TELEMETRY_OPTOUT=1

# wait_for WHAT SECONDS CMD...: polls CMD every second; gives up (status 1) after SECONDS.
wait_for() {
  local what=$1 deadline=$((SECONDS + $2)); shift 2
  until "$@"; do
    if [ "$SECONDS" -ge "$deadline" ]; then echo "timed out waiting for $what" >&2; return 1; fi
    sleep 1
  done
}

# start_learner RUN_DIR: sets LEARNER_PID, GRPC_URL and SEED (both ports chosen by the learner).
start_learner() {
  local out="$LOGS/learner.out"
  # Started directly (not through a shell function, which would run in a subshell): $! is the process itself.
  dotnet "$WORK/bin/asyncrl.dll" learner --listen http://127.0.0.1:0 --cluster-port 0 --out "$1" --no-early-stop --steps 1000000000000 \
    --checkpoint-interval 60 >"$out" 2>&1 &
  LEARNER_PID=$!
  wait_for "the learner's addresses" 180 grep -qs '^cluster at ' "$out" || return 1
  GRPC_URL=$(sed -n 's|^learner listening on \(http://[0-9.:]*\).*|\1|p' "$out" | head -1)
  SEED=$(sed -n 's|^cluster at \(akka\.tcp://[^ ]*\) .*|\1|p' "$out" | head -1)
}

# start_actor K: actor node nK, one rollout actor with 4 environments; its output in actor-K.out.
start_actor() {
  local target=(--learner "$GRPC_URL")
  [ "$MODE" = cluster ] && target=(--seed-nodes "$SEED")
  dotnet "$WORK/bin/asyncrl.dll" actor "${target[@]}" --actors 1 --envs-per-actor 4 --node-id "n$1" >"$LOGS/actor-$1.out" 2>&1 &
  ACTOR_PIDS[$1]=$!
}

# actors_streaming N: how many of actors 1..N have had a batch accepted (so are past their start and streaming).
actors_streaming() {
  local k count=0
  for ((k = 1; k <= $1; k++)); do grep -Eq 'accepted [1-9]' "$LOGS/actor-$k.out" 2>/dev/null && count=$((count + 1)); done
  echo "$count"
}

# actors_running N: every one of actors 1..N is streaming.
actors_running() { [ "$(actors_streaming "$1")" -eq "$1" ]; }

# proc_sample PID: "RSS_MiB THREADS FDS" from /proc (RSS with one decimal).
proc_sample() {
  local fds
  fds=$(find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
  awk -v fds="$fds" '/^VmRSS:/ { r = $2 } /^Threads:/ { t = $2 } END { printf "%.1f %d %d\n", r / 1024, t, fds }' "/proc/$1/status"
}

# alive PID: running (an exited child stays a zombie until reaped, and kill -0 still finds it).
alive() {
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) && [ -n "$state" ] && [ "$state" != Z ]
}

# await_exit PID SECONDS: waits for a process this shell started (not from a subshell: only the parent can reap
# it) and sets EXIT_STATUS to its exit status, or "timeout" (after a SIGKILL) when it outlives SECONDS.
await_exit() {
  local pid=$1 deadline=$((SECONDS + $2))
  while alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.5; done
  if alive "$pid"; then
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null || true
    EXIT_STATUS=timeout
  else
    EXIT_STATUS=0
    wait "$pid" 2>/dev/null || EXIT_STATUS=$?
  fi
}

# stop_actors N: SIGTERM to actors 1..N at once; their exit statuses in ACTOR_EXITS[K].
stop_actors() {
  local k
  for ((k = 1; k <= $1; k++)); do kill -TERM "${ACTOR_PIDS[$k]}" 2>/dev/null; done
  for ((k = 1; k <= $1; k++)); do await_exit "${ACTOR_PIDS[$k]}" 90; ACTOR_EXITS[k]=$EXIT_STATUS; done
  ACTOR_PIDS=()
}

# stop_learner: SIGTERM once the actors are gone; its exit status in LEARNER_EXIT (summary.json is written by then).
stop_learner() {
  kill -TERM "$LEARNER_PID" 2>/dev/null
  await_exit "$LEARNER_PID" 120
  LEARNER_EXIT=$EXIT_STATUS
  LEARNER_PID=
}

# last_status K: "accepted duplicate rejected seq unacked" of actor K's newest status line (unacked 0 if absent).
last_status() {
  grep -E 'accepted [0-9]+, duplicate [0-9]+, rejected [0-9]+, seq [0-9]+' "$LOGS/actor-$1.out" | tail -1 |
    sed -E 's/.*accepted ([0-9]+), duplicate ([0-9]+), rejected ([0-9]+), seq ([0-9]+)(.*unacked ([0-9]+))?.*/\1 \2 \3 \4 \6/' |
    awk '{ print $1, $2, $3, $4, ($5 == "" ? 0 : $5) }'
}

# json_number FILE KEY: the number after "KEY": in a JSON file or line.
json_number() { grep -o "\"$2\": *-\?[0-9.eE+-]*" "$1" | tail -1 | sed 's/.*: *//'; }

# last_metrics RUN_DIR: "time_s env_steps" of the newest metrics line (0 0 before the first update).
last_metrics() {
  local line
  line=$(tail -1 "$1/metrics.jsonl" 2>/dev/null)
  [ -n "$line" ] || { echo "0 0"; return; }
  printf '%s %s\n' "$(json_number <(echo "$line") time_s)" "$(json_number <(echo "$line") env_steps)"
}

# On an early exit (error, Ctrl-C): nothing of ours is left running.
load_abort() {
  local pid
  for pid in "${ACTOR_PIDS[@]}" $LEARNER_PID; do kill -KILL "$pid" 2>/dev/null; done
}

# account N RUN_DIR: after stop_actors and stop_learner, compares what actors 1..N saw with the learner's
# summary.json. Sets A_ACC A_DUP A_REJ A_SEQ A_UNACKED (actor sums), L_ACC L_DUP L_REJ (learner), LOST (batches
# actors saw accepted that the learner does not count: Σ actor accepted − learner accepted, when positive) and
# UNSEEN (batches the learner accepted whose ack no actor saw: at most the batches in flight at the stop).
account() {
  local k acc dup rej seq unacked
  A_ACC=0 A_DUP=0 A_REJ=0 A_SEQ=0 A_UNACKED=0
  for ((k = 1; k <= $1; k++)); do
    read -r acc dup rej seq unacked < <(last_status "$k")
    A_ACC=$((A_ACC + ${acc:-0})) A_DUP=$((A_DUP + ${dup:-0})) A_REJ=$((A_REJ + ${rej:-0}))
    A_SEQ=$((A_SEQ + ${seq:-0})) A_UNACKED=$((A_UNACKED + ${unacked:-0}))
  done
  L_ACC=$(json_number "$2/summary.json" accepted_batches)
  L_DUP=$(json_number "$2/summary.json" duplicate_batches)
  L_REJ=$(json_number "$2/summary.json" rejected_batches)
  LOST=$((A_ACC > L_ACC ? A_ACC - L_ACC : 0))
  UNSEEN=$((L_ACC > A_ACC ? L_ACC - A_ACC : 0))
}
