"""Asynchronous against synchronous RLHF in AsyncRL (the speed-up of Noukhovitch et al. 2025, §6 of the issue).

Runs `asyncrl train` on one language task with the default asynchronous pipeline (generation of mini-batch i+1
overlaps the update on mini-batch i) and with --sync (generation and training alternate), seed by seed with the
modes interleaved, each until the held-out score reaches --target. Reports the wall time to the target, also
without the periodic held-out evaluation (`eval_s` in metrics.jsonl: the paper evaluates offline), and the
speed-up = sync time / async time.

Run (after `dotnet build src/Cli -c Release`), on a machine with nothing else running:
    python3 bench/lm/async_vs_sync.py --algo dpo --env arith --k 2 --target 0.85 --seeds 1,2,3
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile


def run(cli, args, out, sync):
    cmd = cli + ["train", "--algo", args.algo, "--env", args.env, "--k", str(args.k), "--seed", str(args.seed_now),
                 "--target-score", str(args.target), "--score-every", str(args.score_every), "--steps", str(args.max_steps),
                 "--completions-per-batch", str(args.batch), "--sft-cache", args.sft_cache, "--out", out]
    if sync:
        cmd.append("--sync")
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    evaluation, to_target = 0.0, None
    with open(os.path.join(out, "metrics.jsonl")) as f:
        for line in f:
            m = json.loads(line)
            evaluation += m.get("eval_s") or 0.0
            if m.get("score") is not None and m["score"] >= args.target:
                to_target = (m["time_s"], m["time_s"] - evaluation, m["update"])
                break
    return summary, to_target


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--algo", default="dpo")
    p.add_argument("--env", default="arith")
    p.add_argument("--k", type=int, default=2)
    p.add_argument("--batch", type=int, default=64, help="completions per mini-batch")
    p.add_argument("--target", type=float, default=0.85)
    p.add_argument("--score-every", type=int, default=5)
    p.add_argument("--max-steps", type=int, default=64 * 1000)
    p.add_argument("--seeds", default="1,2,3")
    p.add_argument("--cli", default="dotnet src/Cli/bin/Release/net10.0/asyncrl.dll")
    p.add_argument("--out", default=None)
    p.add_argument("--sft-cache", default=None)
    args = p.parse_args()
    out = args.out or tempfile.mkdtemp(prefix="asyncrl-speedup-")
    args.sft_cache = args.sft_cache or os.path.join(out, "sft-cache")
    cli = args.cli.split()
    rows = {"async": [], "sync": []}
    for seed in [int(s) for s in args.seeds.split(",")]:
        args.seed_now = seed
        for mode in ("async", "sync"):
            summary, hit = run(cli, args, os.path.join(out, f"{mode}-s{seed}"), mode == "sync")
            rows[mode].append((seed, summary, hit))
            wall = f"{hit[0]:7.2f} s ({hit[1]:7.2f} s without evaluation) at update {hit[2]}" if hit else "target not reached"
            print(f"{mode:5} seed {seed}: {wall}; final score {summary['final_score']:.3f} (SFT {summary['sft_score']:.3f}), "
                  f"staleness mean {summary['staleness']['mean']:.2f}", flush=True)
    for i, label in ((0, "wall time"), (1, "without evaluation")):
        a = [h[i] for _, _, h in rows["async"] if h]
        s = [h[i] for _, _, h in rows["sync"] if h]
        if a and s:
            print(f"{label}: async mean {statistics.mean(a):.2f} s, sync mean {statistics.mean(s):.2f} s, "
                  f"speed-up {statistics.mean(s) / statistics.mean(a):.2f}x ({len(a)}/{len(rows['async'])} async and "
                  f"{len(s)}/{len(rows['sync'])} sync runs reached {args.target})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
