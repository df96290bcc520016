"""Writes the PyTorch golden fixtures that AsyncRL.Models.Tests compares against.

Each fixture is a safetensors file (written here with json + struct, no extra package) holding the
inputs, parameters, outputs and gradients of one case. Names: "in.*" inputs, "p.*" parameters (a
module state dict), "out.*" outputs, "grad.*" gradients, "meta.*" small integer data stored as F32.

Run from the repository root (Debian: apt-get install python3-torch):
    python3 tests/golden/make_golden.py
The fixtures are committed; CI does not need torch.
"""
import json
import math
import os
import struct

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "AsyncRL.Models.Tests", "Golden", "fixtures")


def save(name, tensors):
    tensors = {k: v.detach().to(torch.float32).contiguous() for k, v in tensors.items()}
    header, offset, blobs = {}, 0, []
    for key in sorted(tensors):
        data = tensors[key].numpy().tobytes()
        header[key] = {"dtype": "F32", "shape": list(tensors[key].shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    header["__metadata__"] = {"generator": "tests/golden/make_golden.py", "torch": torch.__version__}
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * ((8 - len(raw) % 8) % 8)
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name + ".safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for b in blobs:
            f.write(b)


def leaf(t):
    return t.clone().requires_grad_(True)


def mlp_case():
    torch.manual_seed(1)
    mlp = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    x = leaf(torch.randn(5, 4))
    w = torch.randn(5, 3)
    y = mlp(x)
    (y * w).sum().backward()
    t = {"in.x": x, "in.w": w, "out.y": y, "grad.x": x.grad}
    for k, v in mlp.state_dict().items():
        t["p." + k] = v
    for k, v in mlp.named_parameters():
        t["grad.p." + k] = v.grad
    save("mlp", t)


def adam_case():
    torch.manual_seed(2)
    mlp = torch.nn.Sequential(torch.nn.Linear(3, 16), torch.nn.Tanh(), torch.nn.Linear(16, 2))
    init = {k: v.clone() for k, v in mlp.state_dict().items()}
    x, y = torch.randn(32, 3), torch.randn(32, 2)
    opt = torch.optim.Adam(mlp.parameters(), lr=1e-2, eps=1e-5)
    for _ in range(10):
        loss = F.mse_loss(mlp(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    t = {"in.x": x, "in.y": y}
    for k, v in init.items():
        t["p." + k] = v
    for k, v in mlp.state_dict().items():
        t["out.p." + k] = v
    save("adam10", t)


def losses_case():
    torch.manual_seed(3)
    t = {}
    a, b = leaf(torch.randn(6, 4)), torch.randn(6, 4) * 2
    F.mse_loss(a, b).backward()
    t.update({"in.mse.a": a, "in.mse.b": b, "out.mse": F.mse_loss(a, b), "grad.mse.a": a.grad})
    a = leaf(torch.randn(6, 4) * 3)
    F.huber_loss(a, b, delta=1.0).backward()
    t.update({"in.huber.a": a, "out.huber": F.huber_loss(a, b, delta=1.0), "grad.huber.a": a.grad})
    logits = leaf(torch.randn(7, 5) * 4)
    target = torch.tensor([0, 4, -100, 2, 2, 1, -100])
    F.cross_entropy(logits, target, ignore_index=-100).backward()
    t.update({"in.ce.logits": logits, "meta.ce.target": target.float(), "out.ce": F.cross_entropy(logits, target, ignore_index=-100), "grad.ce.logits": logits.grad})
    z = leaf(torch.randn(9) * 6)
    yb = torch.tensor([1, 0, 1, 1, 0, 0, 1, 0, 1]).float()
    F.binary_cross_entropy_with_logits(z, yb).backward()
    t.update({"in.bce.z": z, "in.bce.y": yb, "out.bce": F.binary_cross_entropy_with_logits(z, yb), "grad.bce.z": z.grad})
    s = leaf(torch.linspace(-30, 30, 13))
    F.logsigmoid(s).sum().backward()
    t.update({"in.logsig.x": s, "out.logsig": F.logsigmoid(s), "grad.logsig.x": s.grad})
    save("losses", t)


def ops_case():
    torch.manual_seed(4)
    t = {}
    x = leaf(torch.randn(3, 10))
    w = torch.randn(3, 10)
    g = F.gelu(x, approximate="tanh")
    (g * w).sum().backward()
    t.update({"in.x": x, "in.w": w, "out.gelu": g, "grad.gelu.x": x.grad})
    x2 = leaf(x.detach())
    ls = torch.log_softmax(x2, -1)
    (ls * w).sum().backward()
    t.update({"out.logsoftmax": ls, "grad.logsoftmax.x": x2.grad, "out.softmax": torch.softmax(x, -1)})
    x3 = leaf(torch.randn(2, 3, 16))
    gamma, beta = leaf(torch.rand(16) + 0.5), leaf(torch.randn(16))
    y = F.layer_norm(x3, (16,), gamma, beta, eps=1e-5)
    w3 = torch.randn(2, 3, 16)
    (y * w3).sum().backward()
    t.update({"in.ln.x": x3, "in.ln.gamma": gamma, "in.ln.beta": beta, "in.ln.w": w3, "out.ln": y,
              "grad.ln.x": x3.grad, "grad.ln.gamma": gamma.grad, "grad.ln.beta": beta.grad})
    q, k, v = leaf(torch.randn(2, 2, 5, 4)), leaf(torch.randn(2, 2, 5, 4)), leaf(torch.randn(2, 2, 5, 4))
    mask = torch.ones(5, 5).tril().bool()
    att = (q @ k.transpose(-1, -2) / 2.0).masked_fill(~mask, float("-inf")).softmax(-1) @ v
    wa = torch.randn(2, 2, 5, 4)
    (att * wa).sum().backward()
    t.update({"in.att.q": q, "in.att.k": k, "in.att.v": v, "in.att.w": wa, "out.att": att,
              "grad.att.q": q.grad, "grad.att.k": k.grad, "grad.att.v": v.grad})
    save("ops", t)


class Block(torch.nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln1 = torch.nn.LayerNorm(d)
        self.attn = torch.nn.Module()
        self.attn.qkv = torch.nn.Linear(d, 3 * d)
        self.attn.proj = torch.nn.Linear(d, d)
        self.ln2 = torch.nn.LayerNorm(d)
        self.mlp = torch.nn.Module()
        self.mlp.fc = torch.nn.Linear(d, 4 * d)
        self.mlp.proj = torch.nn.Linear(4 * d, d)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.attn.qkv(self.ln1(x)).split(d, dim=2)
        q, k, v = (z.view(b, t, self.heads, d // self.heads).transpose(1, 2) for z in (q, k, v))
        mask = torch.ones(t, t).tril().bool()
        att = (q @ k.transpose(-1, -2) / math.sqrt(d // self.heads)).masked_fill(~mask, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.attn.proj(y)
        return x + self.mlp.proj(F.gelu(self.mlp.fc(self.ln2(x)), approximate="tanh"))


class TinyGpt(torch.nn.Module):
    def __init__(self, vocab, ctx, d, layers, heads):
        super().__init__()
        self.tok_emb = torch.nn.Embedding(vocab, d)
        self.pos_emb = torch.nn.Embedding(ctx, d)
        self.blocks = torch.nn.ModuleList([Block(d, heads) for _ in range(layers)])
        self.ln_f = torch.nn.LayerNorm(d)
        self.lm_head = torch.nn.Linear(d, vocab, bias=False)

    def forward(self, idx):
        x = self.tok_emb(idx) + self.pos_emb(torch.arange(idx.shape[1]))
        for blk in self.blocks:
            x = blk(x)
        return self.lm_head(self.ln_f(x))


def tinygpt_case():
    torch.manual_seed(5)
    model = TinyGpt(vocab=32, ctx=16, d=32, layers=2, heads=4)
    for p in model.parameters():  # larger than default init so the logits are not all near zero
        torch.nn.init.normal_(p, std=0.2)
    idx = torch.randint(0, 32, (2, 12))
    logits = model(idx)
    target = torch.randint(0, 32, (2, 12))
    loss = F.cross_entropy(logits.reshape(-1, 32), target.reshape(-1))
    loss.backward()
    t = {"meta.idx": idx.float(), "meta.target": target.float(), "out.logits": logits, "out.loss": loss}
    for k, v in model.state_dict().items():
        t["p." + k] = v
    for k, v in model.named_parameters():
        t["grad.p." + k] = v.grad
    save("tinygpt", t)


if __name__ == "__main__":
    torch.set_num_threads(1)
    for case in (mlp_case, adam_case, losses_case, ops_case, tinygpt_case):
        case()
    print("fixtures written to", os.path.normpath(OUT))
