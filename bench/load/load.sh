#!/usr/bin/env bash
# Load: for each node count, one learner and that many actor node processes on loopback (1 actor x 4 envs each),
# measured for DURATION seconds once every node has had a batch accepted; then SIGTERM to the actors, then to the
# learner. One table row per node count:
#   up_s        seconds from starting the actors until every one has had a batch accepted; when not all are
#               within START_WAIT, ">START_WAIT (K/N)" with K streaming, and the window is measured all the same
#   rows/s      env steps (rows) the learner ingested per second over the window (metrics.jsonl)
#   learner     batches the learner counted accepted/duplicate/rejected (summary.json, written at its stop)
#   actors      the sum of the actors' accepted/duplicate/rejected (their final status lines)
#   unseen      batches the learner accepted whose ack no actor saw / batches in flight when the actors stopped
#               (the actors' final "unacked"; the first is at most the second)
#   lost        batches an actor saw accepted that the learner does not count (Σ actors − learner, if positive)
#   p50/p99     push-to-ack time over all answered batches of all actors (merged histograms; each actor's from its
#               first batch to its stop), the upper bound of the holding bucket (at most ~9% above)
#   RSS         the learner's resident set: idle (before any actor), at the window's start and end
#   threads/fds the learner's threads and open file descriptors at the window's start and end
#   load        the machine's 1-minute load average at the window's start and end (/proc/loadavg)
#   exit0       actors that exited 0 on SIGTERM, and the learner's exit status
# Usage: bench/load/load.sh [NODES ...]   (default 8 16 32; env DURATION=180, START_WAIT=300, SETTLE=0 (seconds
# between every node streaming and the window), MODE=cluster|grpc, DIR=work folder)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DURATION=${DURATION:-180}
START_WAIT=${START_WAIT:-300}
SETTLE=${SETTLE:-0}
NODE_COUNTS=("$@")
[ ${#NODE_COUNTS[@]} -gt 0 ] || NODE_COUNTS=(8 16 32)
load_init "${DIR:-$(mktemp -d -t asyncrl-load.XXXXXX)}"
TABLE="$WORK/load.tsv"

# push_ack_percentiles FILES...: "p50 p99" in ms over the merged "push-ack ms" histogram lines of actor outputs.
push_ack_percentiles() {
  grep -h '^push-ack ms (bucket upper bound:count):' "$@" | sed "s/^.*count): //" | tr ' ' '\n' | grep . |
    awk -F: '{ n[$1] += $2; total += $2 } END { for (b in n) print b, n[b], total }' | sort -g |
    awk 'BEGIN { p50 = p99 = "-" }
         { seen += $2; if (p50 == "-" && seen >= 0.5 * $3) p50 = $1; if (p99 == "-" && seen >= 0.99 * $3) p99 = $1 }
         END { if (p50 == "-") print "- -"; else printf("%.3g %.3g\n", p50, p99) }'
}

echo "# load: $MODE, 1 actor x 4 envs per node, ${DURATION}s per node count (after ${SETTLE}s settling); processes' output under $WORK"
printf 'nodes\tup_s\trows/s\tlearner acc/dup/rej\tactors acc/dup/rej\tunseen\tlost\tp50/p99 ms\tRSS idle/start/end MiB\tthreads\tfds\tload\texit0\n' | tee "$TABLE"
for n in "${NODE_COUNTS[@]}"; do
  LOGS="$WORK/n$n"
  mkdir -p "$LOGS"
  run="$LOGS/run"
  start_learner "$run"
  sleep 5 # past the learner's own start, before any actor
  read -r rss_idle _ _ < <(proc_sample "$LEARNER_PID")

  began=$SECONDS
  for ((k = 1; k <= n; k++)); do start_actor "$k"; done
  if wait_for "every actor node's first accepted batch" "$START_WAIT" actors_running "$n"; then
    up=$((SECONDS - began))
  else
    up=">$START_WAIT ($(actors_streaming "$n")/$n)"
  fi
  sleep "$SETTLE"
  load0=$(cut -d' ' -f1 /proc/loadavg)
  read -r rss0 threads0 fds0 < <(proc_sample "$LEARNER_PID")
  read -r time0 steps0 < <(last_metrics "$run")
  sleep "$DURATION"
  read -r rss1 threads1 fds1 < <(proc_sample "$LEARNER_PID")
  load1=$(cut -d' ' -f1 /proc/loadavg)
  read -r time1 steps1 < <(last_metrics "$run")

  stop_actors "$n"
  stop_learner
  account "$n" "$run"
  clean=0
  for ((k = 1; k <= n; k++)); do [ "${ACTOR_EXITS[$k]}" = 0 ] && clean=$((clean + 1)); done
  read -r p50 p99 < <(push_ack_percentiles "$LOGS"/actor-*.out)
  rate=$(awk -v s0="$steps0" -v s1="$steps1" -v t0="$time0" -v t1="$time1" 'BEGIN { printf("%.0f", (t1 > t0) ? (s1 - s0) / (t1 - t0) : 0) }')
  printf '%s\t%s\t%s\t%s/%s/%s\t%s/%s/%s\t%s\t%s\t%s/%s\t%s/%s/%s\t%s→%s\t%s→%s\t%s→%s\t%s/%s, learner %s\n' \
    "$n" "$up" "$rate" "$L_ACC" "$L_DUP" "$L_REJ" "$A_ACC" "$A_DUP" "$A_REJ" "$UNSEEN/$A_UNACKED" "$LOST" "$p50" "$p99" \
    "$rss_idle" "$rss0" "$rss1" "$threads0" "$threads1" "$fds0" "$fds1" "$load0" "$load1" "$clean" "$n" "$LEARNER_EXIT" | tee -a "$TABLE"
done
