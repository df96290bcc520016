"""Reference trajectories for CartPole-v1 and Acrobot-v1, written from Gymnasium's equations with
numpy alone (independently of the C# code), so the tests can pin our dynamics step by step.

Run: python3 tests/AsyncRL.Environments.Tests/Classic/make_reference.py   (Debian: python3-numpy)
Writes classic_reference.json beside this script (committed).
"""
import json
import os

import numpy as np


def cartpole_step(s, a):
    g, mc, mp, l, f, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    x, x_dot, th, th_dot = s
    force = f if a == 1 else -f
    ct, st = np.cos(th), np.sin(th)
    temp = (force + mp * l * th_dot**2 * st) / (mc + mp)
    th_acc = (g * st - ct * temp) / (l * (4.0 / 3.0 - mp * ct**2 / (mc + mp)))
    x_acc = temp - mp * l * th_acc * ct / (mc + mp)
    x, x_dot = x + tau * x_dot, x_dot + tau * x_acc
    th, th_dot = th + tau * th_dot, th_dot + tau * th_acc
    done = bool(x < -2.4 or x > 2.4 or th < -12 * 2 * np.pi / 360 or th > 12 * 2 * np.pi / 360)
    return np.array([x, x_dot, th, th_dot]), done


def acrobot_dsdt(s, a):
    m1 = m2 = l1 = i1 = i2 = 1.0
    lc1 = lc2 = 0.5
    g = 9.8
    t1, t2, dt1, dt2 = s
    d1 = m1 * lc1**2 + m2 * (l1**2 + lc2**2 + 2 * l1 * lc2 * np.cos(t2)) + i1 + i2
    d2 = m2 * (lc2**2 + l1 * lc2 * np.cos(t2)) + i2
    phi2 = m2 * lc2 * g * np.cos(t1 + t2 - np.pi / 2.0)
    phi1 = (-m2 * l1 * lc2 * dt2**2 * np.sin(t2) - 2 * m2 * l1 * lc2 * dt2 * dt1 * np.sin(t2)
            + (m1 * lc1 + m2 * l1) * g * np.cos(t1 - np.pi / 2) + phi2)
    ddt2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * dt1**2 * np.sin(t2) - phi2) / (m2 * lc2**2 + i2 - d2**2 / d1)
    ddt1 = -(d2 * ddt2 + phi1) / d1
    return np.array([dt1, dt2, ddt1, ddt2])


def wrap(x, lo, hi):
    diff = hi - lo
    while x > hi:
        x -= diff
    while x < lo:
        x += diff
    return x


def acrobot_step(s, a):
    dt, torque = 0.2, float(a - 1)
    k1 = acrobot_dsdt(s, torque)
    k2 = acrobot_dsdt(s + dt / 2 * k1, torque)
    k3 = acrobot_dsdt(s + dt / 2 * k2, torque)
    k4 = acrobot_dsdt(s + dt * k3, torque)
    ns = s + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    ns[0] = wrap(ns[0], -np.pi, np.pi)
    ns[1] = wrap(ns[1], -np.pi, np.pi)
    ns[2] = np.clip(ns[2], -4 * np.pi, 4 * np.pi)
    ns[3] = np.clip(ns[3], -9 * np.pi, 9 * np.pi)
    done = bool(-np.cos(ns[0]) - np.cos(ns[1] + ns[0]) > 1.0)
    return ns, done


def rollouts(step, n_actions, starts, length, rng):
    out = []
    for s0 in starts:
        s = np.array(s0, dtype=np.float64)
        actions, states, dones = [], [], []
        for _ in range(length):
            a = int(rng.integers(n_actions))
            s, done = step(s, a)
            actions.append(a)
            states.append(s.tolist())
            dones.append(done)
            if done:
                break
        out.append({"start": list(s0), "actions": actions, "states": states, "terminated": dones})
    return out


def main():
    rng = np.random.default_rng(0)
    cart_starts = [rng.uniform(-0.05, 0.05, 4).tolist() for _ in range(4)] + [[0.0, 0.0, 0.2, 0.0]]
    acro_starts = [rng.uniform(-0.1, 0.1, 4).tolist() for _ in range(3)] + [[3.0, -0.5, 6.0, -12.0], [0.5, 0.5, 12.5, 28.2]]
    data = {
        "cartpole": rollouts(cartpole_step, 2, cart_starts, 200, rng),
        "acrobot": rollouts(acrobot_step, 3, acro_starts, 200, rng),
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "classic_reference.json")
    with open(path, "w") as f:
        json.dump(data, f)
    print("wrote", path)


if __name__ == "__main__":
    main()
