"""Reference for the PPO wall-clock figure: PPO on CartPole with CleanRL's ppo.py settings in PyTorch.

Settings (CleanRL defaults): 4 environments × 128 steps per rollout, 64-64 tanh actor and critic, Adam 2.5e-4
annealed linearly to 0 over 500,000 steps, GAE (gamma 0.99, lambda 0.95), 4 epochs × 4 minibatches, normalised
advantages, ratio clip 0.2 and clipped value loss, entropy 0.01, value 0.5, gradients clipped to norm 0.5. The
CartPole-v1 dynamics come from dqn_cartpole.py. It stops when the mean return of the last 20 episodes reaches 475
and prints the wall time, to compare with `asyncrl train` (PPO on CartPole) on the same machine.

    python3 bench/pytorch/ppo_cartpole.py --seed 1
"""
import argparse
import time

import numpy as np
import torch
from torch import nn

from dqn_cartpole import CartPole

ENVS, STEPS, EPOCHS, MINIBATCHES = 4, 128, 4, 4
GAMMA, LAMBDA, CLIP, ENT, VF, MAX_NORM, LR = 0.99, 0.95, 0.2, 0.01, 0.5, 0.5, 2.5e-4


def mlp(out, std):
    layers = [nn.Linear(4, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(), nn.Linear(64, out)]
    for i, layer in enumerate(l for l in layers if isinstance(l, nn.Linear)):
        nn.init.orthogonal_(layer.weight, std if i == 2 else np.sqrt(2))
        nn.init.zeros_(layer.bias)
    return nn.Sequential(*layers)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--total-steps", type=int, default=500_000)
    args = p.parse_args()
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)

    actor, critic = mlp(2, 0.01), mlp(1, 1.0)
    params = list(actor.parameters()) + list(critic.parameters())
    opt = torch.optim.Adam(params, lr=LR, eps=1e-5)
    envs = [CartPole(np.random.default_rng(args.seed * 100 + i)) for i in range(ENVS)]
    obs = np.stack([e.reset() for e in envs])
    ep_ret = np.zeros(ENVS)
    returns = []
    updates = args.total_steps // (ENVS * STEPS)
    start = time.perf_counter()
    for update in range(updates):
        opt.param_groups[0]["lr"] = LR * (1 - update / updates)
        b_obs = np.zeros((STEPS, ENVS, 4), np.float32)
        b_act, b_logp, b_rew, b_val, b_done = (np.zeros((STEPS, ENVS), np.float32) for _ in range(5))
        with torch.no_grad():
            for t in range(STEPS):
                x = torch.from_numpy(obs)
                dist = torch.distributions.Categorical(logits=actor(x))
                a = dist.sample()
                b_obs[t], b_act[t], b_logp[t] = obs, a.numpy(), dist.log_prob(a).numpy()
                b_val[t] = critic(x).squeeze(-1).numpy()
                for i, e in enumerate(envs):
                    o, r, term, trunc = e.step(int(a[i]))
                    ep_ret[i] += r
                    # As CleanRL: a cut episode (500 steps) ends its returns like a terminated one.
                    b_rew[t, i], b_done[t, i] = r, float(term or trunc)
                    if term or trunc:
                        returns.append(ep_ret[i])
                        ep_ret[i] = 0.0
                        o = e.reset()
                    obs[i] = o
                if len(returns) >= 20 and np.mean(returns[-20:]) >= 475:
                    steps = (update * STEPS + t + 1) * ENVS
                    print(f"solved at {steps} env steps in {time.perf_counter() - start:.1f} s")
                    return
            next_val = critic(torch.from_numpy(obs)).squeeze(-1).numpy()
        adv = np.zeros_like(b_rew)
        last = np.zeros(ENVS, np.float32)
        for t in reversed(range(STEPS)):
            nv = next_val if t == STEPS - 1 else b_val[t + 1]
            nonterminal = 1.0 - b_done[t]
            delta = b_rew[t] + GAMMA * nv * nonterminal - b_val[t]
            last = delta + GAMMA * LAMBDA * nonterminal * last
            adv[t] = last
        ret = adv + b_val
        o_, a_, lp_, ad_, r_, v_ = (torch.from_numpy(np.ascontiguousarray(z.reshape(ENVS * STEPS, *z.shape[2:])))
                                    for z in (b_obs, b_act, b_logp, adv, ret, b_val))
        rows = ENVS * STEPS
        for _ in range(EPOCHS):
            perm = torch.randperm(rows)
            for mb in perm.split(rows // MINIBATCHES):
                dist = torch.distributions.Categorical(logits=actor(o_[mb]))
                ratio = (dist.log_prob(a_[mb].long()) - lp_[mb]).exp()
                a_mb = (ad_[mb] - ad_[mb].mean()) / (ad_[mb].std() + 1e-8)
                pg = torch.max(-a_mb * ratio, -a_mb * ratio.clamp(1 - CLIP, 1 + CLIP)).mean()
                v = critic(o_[mb]).squeeze(-1)
                v_clipped = v_[mb] + (v - v_[mb]).clamp(-CLIP, CLIP)
                vl = 0.5 * torch.max((v - r_[mb]) ** 2, (v_clipped - r_[mb]) ** 2).mean()
                loss = pg - ENT * dist.entropy().mean() + VF * vl
                opt.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(params, MAX_NORM)
                opt.step()
    print(f"not solved after {args.total_steps} env steps, {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
