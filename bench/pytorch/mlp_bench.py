"""PyTorch reference timings for the MLP hot paths (compare with `quick mlp`).

Run: python3 bench/pytorch/mlp_bench.py   (Debian: apt-get install python3-torch)
"""

import torch

from timing import median_time


def main():
    torch.manual_seed(1)
    torch.set_num_threads(2)
    mlp = torch.nn.Sequential(torch.nn.Linear(4, 64), torch.nn.Tanh(), torch.nn.Linear(64, 64), torch.nn.Tanh(), torch.nn.Linear(64, 2))
    obs = torch.randn(1, 4)
    with torch.no_grad():
        single = median_time(lambda: mlp(obs))
        b = torch.randn(256, 4)
        batch = median_time(lambda: mlp(b))
    x, y = torch.randn(128, 4), torch.randn(128, 2)
    opt = torch.optim.Adam(mlp.parameters(), lr=1e-4)

    def step():
        loss = torch.nn.functional.mse_loss(mlp(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()

    train = median_time(step)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    print(f"single-observation forward : {single * 1e6:8.3f} µs")
    print(f"batch-256 forward          : {batch * 1e6:8.3f} µs")
    print(f"train step (batch 128)     : {train * 1e6:8.3f} µs")


if __name__ == "__main__":
    main()
