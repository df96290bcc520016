"""PyTorch reference for `quick tinygpt`: the same TinyGpt (2 layers, d=128, 4 heads, context 64,
vocabulary 32), training tokens/s and KV-cache generation tokens/s at batch 8.

Run: python3 bench/pytorch/tinygpt_bench.py   (Debian: apt-get install python3-torch)
"""
import torch
import torch.nn.functional as F

from timing import median_time
from tinygpt import TinyGpt

B, T, V, D, L, H = 8, 64, 32, 128, 2, 4


def main():
    torch.manual_seed(1)
    torch.set_num_threads(2)
    model = TinyGpt(V, D, L, H, T)
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    data = torch.randint(0, V, (B, T))
    x, y = data[:, :-1], data[:, 1:]

    def train():
        loss = F.cross_entropy(model(x)[0].reshape(-1, V), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()

    def generate():
        with torch.no_grad():
            caches = [{} for _ in range(L)]
            idx = torch.zeros(B, 1, dtype=torch.long)
            logits, _ = model(idx, caches, 0)
            for step in range(1, T):
                nxt = torch.multinomial(logits[:, -1].softmax(-1), 1)
                logits, _ = model(nxt, caches, step)

    t_train = median_time(train, seconds=3, rounds=5)
    t_gen = median_time(generate, seconds=3, rounds=5)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    print(f"train step (8×63 tokens)   : {t_train * 1e3:8.2f} ms  ({B * (T - 1) / t_train:10,.0f} tokens/s)")
    print(f"generate 8×63 (KV cache)   : {t_gen * 1e3:8.2f} ms  ({B * (T - 1) / t_gen:10,.0f} tokens/s)")


if __name__ == "__main__":
    main()
