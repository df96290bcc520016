"""Reference for the DQN wall-clock figure: DQN on CartPole with CleanRL's dqn.py settings in PyTorch.

Settings (CleanRL defaults): Q-network 120-84 ReLU, Adam 2.5e-4, replay 10,000, batch 128, gamma 0.99,
hard target copy every 500 steps, epsilon 1 -> 0.05 over half of 500,000 steps, learning starts at 10,000,
one update every 10 env steps, one environment. CartPole-v1 dynamics are written out here (the Gymnasium
equations) so the script needs only torch and numpy. It stops when the mean return of the last 20
episodes reaches 475 and prints the wall time, to compare with `quick replay-learning` on the same machine.

    python3 bench/pytorch/dqn_cartpole.py --seed 1
"""
import argparse
import math
import random
import time

import numpy as np
import torch
from torch import nn


class CartPole:
    def __init__(self, rng):
        self.rng = rng

    def reset(self):
        self.s = self.rng.uniform(-0.05, 0.05, size=4)
        self.t = 0
        return self.s.astype(np.float32)

    def step(self, a):
        x, x_dot, th, th_dot = self.s
        force = 10.0 if a == 1 else -10.0
        cos, sin = math.cos(th), math.sin(th)
        temp = (force + 0.05 * th_dot * th_dot * sin) / 1.1
        th_acc = (9.8 * sin - cos * temp) / (0.5 * (4.0 / 3.0 - 0.1 * cos * cos / 1.1))
        x_acc = temp - 0.05 * th_acc * cos / 1.1
        x, x_dot = x + 0.02 * x_dot, x_dot + 0.02 * x_acc
        th, th_dot = th + 0.02 * th_dot, th_dot + 0.02 * th_acc
        self.s = np.array([x, x_dot, th, th_dot])
        self.t += 1
        terminated = abs(x) > 2.4 or abs(th) > 12 * 2 * math.pi / 360
        truncated = not terminated and self.t >= 500
        return self.s.astype(np.float32), 1.0, terminated, truncated


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--total-steps", type=int, default=500_000)
    args = p.parse_args()
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)

    q = nn.Sequential(nn.Linear(4, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 2))
    target = nn.Sequential(nn.Linear(4, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 2))
    target.load_state_dict(q.state_dict())
    opt = torch.optim.Adam(q.parameters(), lr=2.5e-4)
    cap, n = 10_000, 0
    obs_b = np.zeros((cap, 4), np.float32)
    next_b = np.zeros((cap, 4), np.float32)
    act_b = np.zeros(cap, np.int64)
    rew_b = np.zeros(cap, np.float32)
    done_b = np.zeros(cap, np.float32)

    env = CartPole(np.random.default_rng(args.seed))
    obs = env.reset()
    returns, ep_ret = [], 0.0
    start = time.perf_counter()
    for step in range(args.total_steps):
        eps = max(0.05, 1.0 - (1.0 - 0.05) * step / (0.5 * args.total_steps))
        if random.random() < eps:
            a = random.randrange(2)
        else:
            with torch.no_grad():
                a = int(q(torch.from_numpy(obs)).argmax())
        nxt, r, term, trunc = env.step(a)
        i = n % cap
        obs_b[i], next_b[i], act_b[i], rew_b[i], done_b[i] = obs, nxt, a, r, float(term)
        n += 1
        ep_ret += r
        obs = nxt
        if term or trunc:
            returns.append(ep_ret)
            ep_ret = 0.0
            obs = env.reset()
            if len(returns) >= 20 and sum(returns[-20:]) / 20 >= 475:
                print(f"solved at {step + 1} env steps in {time.perf_counter() - start:.1f} s")
                return
        if step >= 10_000 and step % 10 == 0:
            idx = np.random.randint(0, min(n, cap), 128)
            with torch.no_grad():
                y = torch.from_numpy(rew_b[idx]) + 0.99 * target(torch.from_numpy(next_b[idx])).max(1).values * (1 - torch.from_numpy(done_b[idx]))
            qa = q(torch.from_numpy(obs_b[idx])).gather(1, torch.from_numpy(act_b[idx]).unsqueeze(1)).squeeze(1)
            loss = nn.functional.mse_loss(qa, y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        if step % 500 == 0:
            target.load_state_dict(q.state_dict())
    print(f"not solved after {args.total_steps} env steps, {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
