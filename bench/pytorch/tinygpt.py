"""The TinyGpt of AsyncRL.Models in PyTorch, for the reference benchmarks: pre-LayerNorm blocks, causal attention
with an optional KV cache (a dict per block), tanh-GELU MLP, learned positions, an untied head and an optional
scalar head (the value model)."""
import math

import torch
import torch.nn.functional as F


class Block(torch.nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.d, self.heads = d, heads
        self.ln1, self.ln2 = torch.nn.LayerNorm(d), torch.nn.LayerNorm(d)
        self.qkv, self.proj = torch.nn.Linear(d, 3 * d), torch.nn.Linear(d, d)
        self.fc, self.fc_proj = torch.nn.Linear(d, 4 * d), torch.nn.Linear(4 * d, d)

    def forward(self, x, cache=None):
        b, t, _ = x.shape
        d, h = self.d, self.heads
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
        q, k, v = (z.view(b, t, h, d // h).transpose(1, 2) for z in (q, k, v))
        if cache is not None:
            if "k" in cache:
                k = torch.cat([cache["k"], k], dim=2)
                v = torch.cat([cache["v"], v], dim=2)
            cache["k"], cache["v"] = k, v
        tk = k.shape[2]
        att = q @ k.transpose(-1, -2) / math.sqrt(d // h)
        mask = torch.ones(t, tk, dtype=torch.bool).tril(diagonal=tk - t)
        att = att.masked_fill(~mask, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.proj(y)
        return x + self.fc_proj(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class TinyGpt(torch.nn.Module):
    """forward(idx, caches, start) → (logits, scalar head or None); caches: one dict per layer, or None."""

    def __init__(self, vocab, d, layers, heads, context, scalar_head=False):
        super().__init__()
        self.tok, self.pos = torch.nn.Embedding(vocab, d), torch.nn.Embedding(context, d)
        self.blocks = torch.nn.ModuleList([Block(d, heads) for _ in range(layers)])
        self.ln_f, self.head = torch.nn.LayerNorm(d), torch.nn.Linear(d, vocab, bias=False)
        self.scalar = torch.nn.Linear(d, 1) if scalar_head else None

    def forward(self, idx, caches=None, start=0):
        x = self.tok(idx) + self.pos(torch.arange(start, start + idx.shape[1]))
        for i, blk in enumerate(self.blocks):
            x = blk(x, None if caches is None else caches[i])
        h = self.ln_f(x)
        return self.head(h), (self.scalar(h).squeeze(-1) if self.scalar is not None else None)
