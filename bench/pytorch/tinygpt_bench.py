"""PyTorch reference for `quick tinygpt`: the same TinyGpt (2 layers, d=128, 4 heads, context 64,
vocabulary 32), training tokens/s and KV-cache generation tokens/s at batch 8.

Run: python3 bench/pytorch/tinygpt_bench.py   (Debian: apt-get install python3-torch)
"""
import math

import torch
import torch.nn.functional as F

from timing import median_time

B, T, V, D, L, H = 8, 64, 32, 128, 2, 4


class Block(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1, self.ln2 = torch.nn.LayerNorm(D), torch.nn.LayerNorm(D)
        self.qkv, self.proj = torch.nn.Linear(D, 3 * D), torch.nn.Linear(D, D)
        self.fc, self.fc_proj = torch.nn.Linear(D, 4 * D), torch.nn.Linear(4 * D, D)

    def forward(self, x, cache=None):
        b, t, _ = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(D, dim=2)
        q, k, v = (z.view(b, t, H, D // H).transpose(1, 2) for z in (q, k, v))
        if cache is not None:
            if "k" in cache:
                k = torch.cat([cache["k"], k], dim=2)
                v = torch.cat([cache["v"], v], dim=2)
            cache["k"], cache["v"] = k, v
        tk = k.shape[2]
        att = q @ k.transpose(-1, -2) / math.sqrt(D // H)
        mask = torch.ones(t, tk, dtype=torch.bool).tril(diagonal=tk - t)
        att = att.masked_fill(~mask, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, D)
        x = x + self.proj(y)
        return x + self.fc_proj(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class TinyGpt(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.tok, self.pos = torch.nn.Embedding(V, D), torch.nn.Embedding(T, D)
        self.blocks = torch.nn.ModuleList([Block() for _ in range(L)])
        self.ln_f, self.head = torch.nn.LayerNorm(D), torch.nn.Linear(D, V, bias=False)

    def forward(self, idx, caches=None, start=0):
        x = self.tok(idx) + self.pos(torch.arange(start, start + idx.shape[1]))
        for i, blk in enumerate(self.blocks):
            x = blk(x, None if caches is None else caches[i])
        return self.head(self.ln_f(x))


def main():
    torch.manual_seed(1)
    torch.set_num_threads(2)
    model = TinyGpt()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-4)
    data = torch.randint(0, V, (B, T))
    x, y = data[:, :-1], data[:, 1:]

    def train():
        loss = F.cross_entropy(model(x).reshape(-1, V), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()

    def generate():
        with torch.no_grad():
            caches = [{} for _ in range(L)]
            idx = torch.zeros(B, 1, dtype=torch.long)
            logits = model(idx, caches, 0)
            for step in range(1, T):
                nxt = torch.multinomial(logits[:, -1].softmax(-1), 1)
                logits = model(nxt, caches, step)

    t_train = median_time(train, seconds=3, rounds=5)
    t_gen = median_time(generate, seconds=3, rounds=5)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    print(f"train step (8×63 tokens)   : {t_train * 1e3:8.2f} ms  ({B * (T - 1) / t_train:10,.0f} tokens/s)")
    print(f"generate 8×63 (KV cache)   : {t_gen * 1e3:8.2f} ms  ({B * (T - 1) / t_gen:10,.0f} tokens/s)")


if __name__ == "__main__":
    main()
