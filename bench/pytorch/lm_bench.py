"""PyTorch reference for `quick lm`: the same language policy (TinyGpt d=64, 2 layers, 4 heads, vocabulary 23,
context 11) on one thread: KV-cache generation of 64 completions of 5 tokens after 6-token prompts at T = 0.7 with
per-token log-probs, and the learner's update steps on such a mini-batch — online DPO (32 pairs; policy and frozen
reference) and PPO-LM (policy, reference, value model with a scalar head, KL-penalised per-token rewards, GAE,
clipped surrogate), each with gradient clipping and AdamW. Training tokens = 64 × (6 + 5 − 1).

Run: python3 bench/pytorch/lm_bench.py   (Debian: apt-get install python3-torch)
"""
import torch
import torch.nn.functional as F

from timing import median_time
from tinygpt import TinyGpt

V, D, L, H, TP, TC, ROWS, TEMP = 23, 64, 2, 4, 6, 5, 64, 0.7
CTX = TP + TC


def generate(model, prompts):
    """64 × 5 tokens with the KV cache, sampled at TEMP, with their log-probs (no early stop: fixed work)."""
    with torch.no_grad():
        caches = [{} for _ in range(L)]
        logits, _ = model(prompts, caches, 0)
        tokens, logps = [], []
        for step in range(TC):
            z = logits[:, -1] / TEMP
            nxt = torch.multinomial(z.softmax(-1), 1)
            logps.append(z.log_softmax(-1).gather(1, nxt))
            tokens.append(nxt)
            if step + 1 < TC:
                logits, _ = model(nxt, caches, TP + step)
        return torch.cat(tokens, 1), torch.cat(logps, 1)


def token_logprobs(model, inputs, completions, mask):
    logits, scalars = model(inputs)
    sel = logits[:, TP - 1:] / TEMP
    lp = sel.log_softmax(-1).gather(2, completions.unsqueeze(-1)).squeeze(-1) * mask
    return lp, (scalars[:, TP - 1:] if scalars is not None else None)


def main():
    torch.manual_seed(1)
    torch.set_num_threads(1)
    policy, reference, value = (TinyGpt(V, D, L, H, CTX, scalar_head=head) for head in (False, False, True))
    prompts = torch.randint(2, V, (ROWS, TP))
    t_gen = median_time(lambda: generate(policy, prompts), seconds=3, rounds=5)

    completions, behaviour = generate(policy, prompts)
    inputs = torch.cat([prompts, completions[:, :-1]], 1)
    mask = torch.ones(ROWS, TC)

    dpo_opt = torch.optim.AdamW(policy.parameters(), lr=3e-4, weight_decay=0)

    def dpo_step():
        with torch.no_grad():
            ref, _ = token_logprobs(reference, inputs, completions, mask)
        lp, _ = token_logprobs(policy, inputs, completions, mask)
        s, r = lp.sum(-1), ref.sum(-1)
        margin = 0.1 * ((s[0::2] - r[0::2]) - (s[1::2] - r[1::2]))
        loss = -F.logsigmoid(margin).mean()
        dpo_opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(policy.parameters(), 1.0)
        dpo_opt.step()

    params = list(policy.parameters()) + list(value.parameters())
    ppo_opt = torch.optim.AdamW(params, lr=3e-4, weight_decay=0)
    scores = torch.randn(ROWS)

    def ppo_step():
        with torch.no_grad():
            ref, _ = token_logprobs(reference, inputs, completions, mask)
        lp, _ = token_logprobs(policy, inputs, completions, mask)
        _, values = token_logprobs(value, inputs, completions, mask)
        rewards = -0.05 * (behaviour - ref) * mask
        rewards[:, -1] += scores
        with torch.no_grad():
            v = values.detach()
            adv = torch.zeros_like(rewards)
            last = torch.zeros(ROWS)
            for t in reversed(range(TC)):
                nxt = v[:, t + 1] if t + 1 < TC else torch.zeros(ROWS)
                delta = rewards[:, t] + nxt - v[:, t]
                last = delta + 0.95 * last
                adv[:, t] = last
            returns = adv + v
            adv = (adv - adv.mean()) / (adv.std() + 1e-8)
        ratio = (lp - behaviour).exp()
        pg = -torch.min(ratio * adv, ratio.clamp(0.8, 1.2) * adv).mean()
        vf = 0.5 * ((values - returns) ** 2).mean()
        loss = pg + 0.5 * vf
        ppo_opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        ppo_opt.step()

    t_dpo = median_time(dpo_step, seconds=3, rounds=5)
    t_ppo = median_time(ppo_step, seconds=3, rounds=5)
    tokens = ROWS * (TP + TC - 1)
    n = sum(p.numel() for p in policy.parameters())
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, policy {n:,} parameters")
    print(f"generate 64×5 (KV cache)  : {t_gen * 1e3:8.2f} ms  ({ROWS * TC / t_gen:10,.0f} generated tokens/s)")
    print(f"dpo update     (64 rows)  : {t_dpo * 1e3:8.2f} ms  ({tokens / t_dpo:10,.0f} training tokens/s)")
    print(f"ppo-lm update  (64 rows)  : {t_ppo * 1e3:8.2f} ms  ({tokens / t_ppo:10,.0f} training tokens/s)")


if __name__ == "__main__":
    main()
