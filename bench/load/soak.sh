#!/usr/bin/env bash
# Soak: one learner and ACTOR_NODES actor node processes on loopback for MINUTES, sampling the learner's and
# actor node n1's RSS, threads and open file descriptors (/proc) every INTERVAL seconds. Prints the samples
# (also kept in DIR/soak.tsv), then per series its start, end, range, least-squares slope per hour over all
# samples and over those after WARMUP seconds, and whether it is flat: the fitted line after the warm-up moves
# less than max(a floor, 5% of the series' mean) over that window (floors: 16 MiB RSS, 4 threads, 4 fds).
# Usage: bench/load/soak.sh [MINUTES] [DIR]   (default 30 minutes; env ACTOR_NODES=4, INTERVAL=30,
# WARMUP=300, MODE=cluster|grpc)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MINUTES=${1:-30}
ACTOR_NODES=${ACTOR_NODES:-4}
INTERVAL=${INTERVAL:-30}
WARMUP=${WARMUP:-300}
load_init "${2:-$(mktemp -d -t asyncrl-soak.XXXXXX)}"
RUN="$WORK/run"
TSV="$WORK/soak.tsv"

start_learner "$RUN"
for ((k = 1; k <= ACTOR_NODES; k++)); do start_actor "$k"; done
wait_for "every actor node's first accepted batch" 600 actors_running "$ACTOR_NODES"

echo "# soak: learner and $ACTOR_NODES actor nodes ($MODE, 1 actor x 4 envs each), a sample every ${INTERVAL}s for ${MINUTES} min; samples in $TSV"
printf 't_s\tlearner_rss_mib\tlearner_threads\tlearner_fds\tactor_rss_mib\tactor_threads\tactor_fds\tenv_steps\n' | tee "$TSV"
start=$SECONDS
for ((i = 0; i * INTERVAL <= MINUTES * 60; i++)); do
  while [ $((SECONDS - start)) -lt $((i * INTERVAL)) ]; do sleep 1; done
  alive "$LEARNER_PID" || { echo "the learner exited" >&2; exit 1; }
  alive "${ACTOR_PIDS[1]}" || { echo "actor node n1 exited" >&2; exit 1; }
  read -r lr lt lf < <(proc_sample "$LEARNER_PID")
  read -r ar at af < <(proc_sample "${ACTOR_PIDS[1]}")
  read -r _ steps < <(last_metrics "$RUN")
  printf '%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' $((SECONDS - start)) "$lr" "$lt" "$lf" "$ar" "$at" "$af" "$steps" | tee -a "$TSV"
done

stop_actors "$ACTOR_NODES"
stop_learner
account "$ACTOR_NODES" "$RUN"

echo
awk -F'\t' -v warmup="$WARMUP" '
  NR == 1 { for (c = 2; c <= 7; c++) name[c] = $c; next }
  {
    n++; t[n] = $1
    for (c = 2; c <= 8; c++) v[n, c] = $c
  }
  function fit(c, from,   i, m, st, sy, stt, sty, d) {  # least-squares slope per hour over samples from..n
    m = 0; st = sy = stt = sty = 0
    for (i = from; i <= n; i++) { h = t[i] / 3600; m++; st += h; sy += v[i, c]; stt += h * h; sty += h * v[i, c] }
    d = m * stt - st * st
    mean_y = sy / m
    return d > 0 ? (m * sty - st * sy) / d : 0
  }
  END {
    for (w = 1; w <= n && t[w] < warmup; w++) {}
    if (w > n - 1) w = 1
    hours = (t[n] - t[w]) / 3600
    printf "%-16s %9s %9s %9s %9s %12s %14s  %s\n", "series", "start", "end", "min", "max", "slope/h", "slope/h >" warmup "s", "verdict"
    for (c = 2; c <= 7; c++) {
      lo = hi = v[1, c]
      for (i = 2; i <= n; i++) { if (v[i, c] < lo) lo = v[i, c]; if (v[i, c] > hi) hi = v[i, c] }
      all = fit(c, 1); late = fit(c, w)
      floor = name[c] ~ /rss/ ? 16 : 4
      tol = 0.05 * mean_y > floor ? 0.05 * mean_y : floor
      move = late * hours
      verdict = (move <= tol && move >= -tol) ? "flat" : (move > 0 ? "grows" : "shrinks")
      printf "%-16s %9s %9s %9s %9s %+12.2f %+14.2f  %s (fitted change %+.1f over %.0f s after warm-up, tolerance %.1f)\n",
        name[c], v[1, c], v[n, c], lo, hi, all, late, verdict, move, t[n] - t[w], tol
    }
    printf "ingest: %.0f env steps/s over the soak\n", (v[n, 8] - v[1, 8]) / (t[n] > 0 ? t[n] : 1)
  }' "$TSV"
echo "batches: actors accepted $A_ACC, duplicate $A_DUP, rejected $A_REJ, in flight at stop $A_UNACKED;" \
  "learner accepted $L_ACC, duplicate $L_DUP, rejected $L_REJ; lost $LOST"
echo "exit on SIGTERM: learner $LEARNER_EXIT, actors ${ACTOR_EXITS[*]}"
