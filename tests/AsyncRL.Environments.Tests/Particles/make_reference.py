"""Reference trajectories for the particle tasks (simple_spread, simple_adversary, simple_tag), written from the
multi-agent particle environments' equations (openai/multiagent-particle-envs: core.py, environment.py with
discrete action input, scenarios/*.py) with numpy alone, independently of the C# code, so the tests can pin our
physics, rewards and observations step by step.

Run: python3 tests/AsyncRL.Environments.Tests/Particles/make_reference.py   (Debian: python3-numpy)
Writes particles_reference.json beside this script (committed).
"""
import json
import os
import sys

import numpy as np

DT, DAMPING, STIFFNESS, MARGIN = 0.1, 0.25, 1e2, 1e-3

# Per task: agent bodies (size, collide, accel, max_speed), landmark bodies (size, collide), shared reward.
TASKS = {
    "simple_spread": dict(agents=[(0.15, True, None, None)] * 3, landmarks=[(0.05, False)] * 3, shared=True),
    "simple_adversary": dict(agents=[(0.15, False, None, None)] * 3, landmarks=[(0.08, False)] * 2, shared=False),
    "simple_tag": dict(agents=[(0.075, True, 3.0, 1.0)] * 3 + [(0.05, True, 4.0, 1.3)],
                       landmarks=[(0.2, True)] * 2, shared=False),
}


def step(task, pos, vel, actions):
    t = TASKS[task]
    n = len(t["agents"])
    sizes = [a[0] for a in t["agents"]] + [l[0] for l in t["landmarks"]]
    collide = [a[1] for a in t["agents"]] + [l[1] for l in t["landmarks"]]
    movable = [True] * n + [False] * len(t["landmarks"])
    force = [None] * len(sizes)
    for i, (size, _, accel, _) in enumerate(t["agents"]):
        u = np.zeros(2)
        if actions[i] == 1: u[0] = -1.0
        if actions[i] == 2: u[0] = +1.0
        if actions[i] == 3: u[1] = -1.0
        if actions[i] == 4: u[1] = +1.0
        force[i] = u * (5.0 if accel is None else accel)
    for a in range(len(sizes)):
        for b in range(a + 1, len(sizes)):
            if not (collide[a] and collide[b]):
                continue
            delta = pos[a] - pos[b]
            dist = np.sqrt(np.sum(np.square(delta)))
            penetration = np.logaddexp(0, -(dist - (sizes[a] + sizes[b])) / MARGIN) * MARGIN
            f = STIFFNESS * delta / dist * penetration
            if movable[a]:
                force[a] = f + (0.0 if force[a] is None else force[a])
            if movable[b]:
                force[b] = -f + (0.0 if force[b] is None else force[b])
    pos, vel = pos.copy(), vel.copy()
    for e in range(len(sizes)):
        if not movable[e]:
            continue
        vel[e] = vel[e] * (1 - DAMPING)
        if force[e] is not None:
            vel[e] += force[e] / 1.0 * DT
        max_speed = t["agents"][e][3]
        if max_speed is not None:
            speed = np.sqrt(np.square(vel[e][0]) + np.square(vel[e][1]))
            if speed > max_speed:
                vel[e] = vel[e] / speed * max_speed
        pos[e] += vel[e] * DT
    return pos, vel


def dist(p, q):
    return np.sqrt(np.sum(np.square(p - q)))


def rewards(task, pos, goal):
    t = TASKS[task]
    n = len(t["agents"])
    sizes = [a[0] for a in t["agents"]]
    hit = lambda i, j: dist(pos[i], pos[j]) < sizes[i] + sizes[j]
    r = []
    if task == "simple_spread":
        for i in range(n):
            rew = -sum(min(dist(pos[a], pos[n + l]) for a in range(n)) for l in range(3))
            rew -= sum(1 for a in range(n) if hit(a, i))  # the reference counts the agent itself
            r.append(rew)
        return [float(np.sum(r))] * n
    if task == "simple_adversary":
        g = pos[n + goal]
        for i in range(n):
            if i == 0:
                r.append(-np.sum(np.square(pos[0] - g)))
            else:
                r.append(-min(dist(pos[a], g) for a in (1, 2)) + dist(pos[0], g))
        return [float(x) for x in r]
    # simple_tag
    def bound(x):
        if x < 0.9: return 0
        if x < 1.0: return (x - 0.9) * 10
        return min(np.exp(2 * x - 2), 10)
    for i in range(n):
        if i < 3:
            r.append(10.0 * sum(1 for adv in range(3) if hit(3, adv)))
        else:
            rew = -10.0 * sum(1 for adv in range(3) if hit(adv, 3))
            r.append(rew - bound(abs(pos[3][0])) - bound(abs(pos[3][1])))
    return [float(x) for x in r]


def observations(task, pos, vel, goal):
    t = TASKS[task]
    n, m = len(t["agents"]), len(t["landmarks"])
    obs = []
    for i in range(n):
        rel = lambda e: list(pos[e] - pos[i])
        others = [e for a in range(n) if a != i for e in rel(a)]
        lms = [e for l in range(m) for e in rel(n + l)]
        if task == "simple_spread":
            o = list(vel[i]) + list(pos[i]) + lms + others + [0.0] * 4
        elif task == "simple_adversary":
            o = (rel(n + goal) if i > 0 else []) + lms + others
        else:
            o = list(vel[i]) + list(pos[i]) + lms + others + ([e for e in vel[3]] if i < 3 else [])
        obs.append([float(x) for x in o])
    return obs


def rollout(task, rng, steps, crowd):
    t = TASKS[task]
    n, m = len(t["agents"]), len(t["landmarks"])
    # Crowded starts put every agent near one point so contacts (and their forces) happen from the first step.
    spread = 0.05 if crowd else 1.0
    pos = np.concatenate([rng.uniform(-spread, spread, (n, 2)), rng.uniform(-0.9, 0.9, (m, 2))])
    if task == "simple_tag" and not crowd:
        pos[3] = [0.95, -1.05]  # the good agent starts at the edge: the boundary penalty's three pieces
    vel = np.concatenate([rng.uniform(-0.5, 0.5, (n, 2)), np.zeros((m, 2))])
    goal = int(rng.integers(0, m))
    actions = rng.integers(0, 5, (steps, n))
    out = dict(goal=goal, start_pos=pos.tolist(), start_vel=vel.tolist(), actions=actions.tolist(),
               pos=[], vel=[], rewards=[], obs=[])
    for k in range(steps):
        pos, vel = step(task, pos, vel, actions[k])
        out["pos"].append(pos.tolist())
        out["vel"].append(vel.tolist())
        out["rewards"].append(rewards(task, pos, goal))
        out["obs"].append(observations(task, pos, vel, goal))
    return out


def main():
    rng = np.random.default_rng(20170607)
    data = {task: [rollout(task, rng, steps, crowd) for crowd, steps in ((True, 10), (False, 25))] for task in TASKS}
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "particles_reference.json")
    with open(path, "w") as f:
        json.dump(data, f, indent=None, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
