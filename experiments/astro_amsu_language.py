"""AM-SU character-level language model: AM-SU vs its coupling-0 ablation vs an LSTM.

Corpus: any UTF-8 text file (default ``/work/shared/data/tinyshakespeare.txt``, read where
it lies); the last 10 % is the validation split. Each model is trained with Adam on
next-character cross-entropy over random windows (truncated BPTT, state reset per
window) for the same number of updates, then measured:

* validation bits per character: the first ``--valid-chars`` characters of the
  validation split as 16 contiguous streams, state carried across 128-character chunks;
* training throughput (tokens/s) and generation throughput (batch 1, sampled
  token by token);
* memory per generated token vs context length: bytes of the recurrent state and the
  process's resident memory after generating 256 … ``--max-context`` tokens in one
  unbroken context (a Transformer's KV cache would grow linearly here; these models
  carry a fixed state).

Writes ``experiments/results/astro_amsu_language/``: language.h5, language.png and
amsu_language.md.

Usage: ``python experiments/astro_amsu_language.py [--text PATH] [--updates 1200]``
"""
from __future__ import annotations

import argparse
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F

from astro_common import output_dir, save_figure, save_tables, write_summary
from neuromem.astro.amsu_models import SpikingRNN, matched_lstm, parameter_count, state_bytes
from neuromem.astro.amsu_tasks import CharCorpus

MODELS = ("amsu", "ablation", "lstm")
DEFAULT_TEXT = "/work/shared/data/tinyshakespeare.txt"


def build(kind: str, vocab: int, hidden: int, seed: int) -> torch.nn.Module:
    torch.manual_seed(seed)
    if kind == "lstm":
        target = parameter_count(SpikingRNN(vocab, hidden, vocab, coupling=True, tokens=True))
        return matched_lstm(vocab, vocab, target, tokens=True)
    return SpikingRNN(vocab, hidden, vocab, coupling=(kind == "amsu"), tokens=True)


def resident_mib() -> float:
    """Resident set size of this process (MiB), from /proc/self/statm."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def validation_bpc(model: torch.nn.Module, ids: np.ndarray, streams: int = 16, chunk: int = 128) -> float:
    per = ids.size // streams
    data = torch.from_numpy(ids[: per * streams].reshape(streams, per).T.copy())   # per × streams
    total, count, state = 0.0, 0, None
    with torch.no_grad():
        for start in range(0, per - 1, chunk):
            x = data[start:start + chunk]
            y = data[start + 1:start + chunk + 1]
            x = x[: y.shape[0]]
            logits, state = model(x, state)
            total += float(F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1),
                                           reduction="sum"))
            count += y.numel()
    return total / count / math.log(2.0)


def generation(model: torch.nn.Module, vocab: int, checkpoints: list[int], seed: int) -> dict[str, list]:
    """Sample token by token (batch 1); at each checkpoint record state bytes, RSS and speed."""
    gen = torch.Generator().manual_seed(seed)
    token = torch.zeros(1, 1, dtype=torch.long)
    state = None
    out = {"context": [], "state_bytes": [], "rss_mib": [], "tokens_per_s": []}
    done, last_t, last_n = 0, time.perf_counter(), 0
    with torch.no_grad():
        for target in checkpoints:
            while done < target:
                logits, state = model(token, state)
                token = torch.multinomial(F.softmax(logits[-1, 0], -1), 1, generator=gen).view(1, 1)
                done += 1
            now = time.perf_counter()
            out["context"].append(done)
            out["state_bytes"].append(state_bytes(tuple(state)))
            out["rss_mib"].append(resident_mib())
            out["tokens_per_s"].append((done - last_n) / (now - last_t))
            last_t, last_n = now, done
    return out


def interleaved_throughput(corpus: CharCorpus, args, rounds: int = 3) -> dict[str, dict[str, float]]:
    """Median training and generation tokens/s of fresh models, measured round-robin so
    that all three see the same machine load (weights do not change the dense arithmetic)."""
    vocab = len(corpus.vocab)
    models = {kind: build(kind, vocab, args.hidden, 0) for kind in MODELS}
    rng = np.random.default_rng(0)
    samples: dict[str, dict[str, list[float]]] = {k: {"train": [], "generate": []} for k in MODELS}
    for _ in range(rounds):
        for kind, model in models.items():
            opt = torch.optim.Adam(model.parameters(), lr=args.lr)
            started = time.perf_counter()
            for _ in range(10):
                x, y = corpus.batch(rng, args.batch, args.window)
                logits, _ = model(torch.from_numpy(x))
                loss = F.cross_entropy(logits.reshape(-1, vocab), torch.from_numpy(y).reshape(-1))
                opt.zero_grad()
                loss.backward()
                opt.step()
            samples[kind]["train"].append(10 * args.batch * args.window / (time.perf_counter() - started))
            gen = generation(model, vocab, [1000], 0)
            samples[kind]["generate"].append(gen["tokens_per_s"][0])
    return {k: {m: float(np.median(v)) for m, v in d.items()} for k, d in samples.items()}


def train(kind: str, corpus: CharCorpus, args, seed: int) -> dict:
    vocab = len(corpus.vocab)
    model = build(kind, vocab, args.hidden, seed)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    rng = np.random.default_rng(seed)
    curve = []
    started = time.perf_counter()
    for update in range(1, args.updates + 1):
        x, y = corpus.batch(rng, args.batch, args.window)
        logits, _ = model(torch.from_numpy(x))
        loss = F.cross_entropy(logits.reshape(-1, vocab), torch.from_numpy(y).reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if update % max(1, args.updates // 20) == 0:
            curve.append((update, loss.item() / math.log(2.0)))
            print(f"{kind:9s} seed {seed} update {update:5d} train bpc {curve[-1][1]:.3f}", flush=True)
    train_s = time.perf_counter() - started
    valid = corpus.valid[: args.valid_chars]
    bpc = validation_bpc(model, valid)
    checkpoints = [c for c in (256, 1024, 4096, 16384, 65536) if c <= args.max_context]
    gen = generation(model, vocab, checkpoints, seed)
    print(f"{kind:9s} seed {seed} valid bpc {bpc:.3f} train {train_s:.0f} s gen {gen['tokens_per_s']}", flush=True)
    return {"model": kind, "seed": seed, "parameters": parameter_count(model), "valid_bpc": bpc, "train_s": train_s,
            "train_tokens_per_s": args.updates * args.batch * args.window / train_s,
            "curve": curve, "generation": gen}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", default=DEFAULT_TEXT)
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--updates", type=int, default=1200)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--window", type=int, default=64)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--valid-chars", type=int, default=32768)
    parser.add_argument("--max-context", type=int, default=16384)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    corpus = CharCorpus.load(args.text)
    rows = [train(kind, corpus, args, seed) for seed in args.seeds for kind in MODELS]
    speed = interleaved_throughput(corpus, args)
    print(speed, flush=True)
    report(rows, speed, corpus, args)


def report(rows: list[dict], speed: dict[str, dict[str, float]], corpus: CharCorpus, args) -> None:
    import matplotlib.pyplot as plt

    out = output_dir("amsu_language")
    tables = {"summary": {k: [r[k] for r in rows] for k in ("model", "seed", "parameters", "valid_bpc", "train_s",
                                                           "train_tokens_per_s")}}
    for r in rows:
        tag = f"{r['model']}_seed{r['seed']}"
        tables[f"generation_{tag}"] = r["generation"]
        tables[f"curve_{tag}"] = {"update": [u for u, _ in r["curve"]], "train_bpc": [b for _, b in r["curve"]]}
    tables["throughput_interleaved"] = {"model": list(MODELS),
                                        "train_tokens_per_s": [speed[k]["train"] for k in MODELS],
                                        "generate_tokens_per_s": [speed[k]["generate"] for k in MODELS]}
    save_tables(out / "language.h5", tables,
                {"text": args.text, "vocab": len(corpus.vocab), "train_chars": corpus.train.size,
                 "valid_chars_scored": min(args.valid_chars, corpus.valid.size), "updates": args.updates,
                 "batch": args.batch, "window": args.window, "lr": args.lr, "seeds": list(args.seeds),
                 "hidden_snn": args.hidden})
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.5))
    for r in rows:
        tag = f"{r['model']} seed {r['seed']}"
        axes[0].plot([u for u, _ in r["curve"]], [b for _, b in r["curve"]], label=tag)
        axes[1].plot(r["generation"]["context"], np.array(r["generation"]["state_bytes"]) / 1024, "o-", label=tag)
    axes[0].set_xlabel("update")
    axes[0].set_ylabel("training bits/char")
    axes[1].set_xlabel("context length (tokens)")
    axes[1].set_ylabel("recurrent state (KiB)")
    axes[1].set_xscale("log")
    axes[0].legend()
    fig.tight_layout()
    save_figure(fig, out / "language.png")
    lines = ["| model | seed | parameters | validation bits/char | train tokens/s | generation tokens/s (last span) |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {r['model']} | {r['seed']} | {r['parameters']} | {r['valid_bpc']:.3f} | "
              f"{r['train_tokens_per_s']:.0f} | {r['generation']['tokens_per_s'][-1]:.0f} |" for r in rows]
    means = ["| model | mean validation bits/char over seeds | train tokens/s | generation tokens/s (batch 1) |",
             "|---|---|---|---|"]
    means += [f"| {k} | {np.mean([r['valid_bpc'] for r in rows if r['model'] == k]):.3f} | "
              f"{speed[k]['train']:.0f} | {speed[k]['generate']:.0f} |" for k in MODELS]
    mem = ["| model | seed | context | state bytes | RSS MiB | tokens/s over the span |", "|---|---|---|---|---|---|"]
    for r in rows:
        g = r["generation"]
        mem += [f"| {r['model']} | {r['seed']} | {c} | {b} | {m:.1f} | {s:.0f} |"
                for c, b, m, s in zip(g["context"], g["state_bytes"], g["rss_mib"], g["tokens_per_s"])]
    body = (f"Corpus `{args.text}` ({corpus.train.size} training / {corpus.valid.size} validation "
            f"characters, vocabulary {len(corpus.vocab)}). {args.updates} Adam updates per model (lr {args.lr}, "
            f"batch {args.batch} windows of {args.window} characters, grad-norm clip 1, seeds {args.seeds}); "
            f"validation bits/char on the first {min(args.valid_chars, corpus.valid.size)} validation "
            f"characters. Spiking networks: {args.hidden} recurrent units, membrane readout; AM-SU is "
            "neuromem's formulation (not the AstroSNN paper's). The LSTM is sized to the AM-SU "
            f"parameter count. One CPU thread (torch.set_num_threads({args.threads})) on a shared machine, "
            "so throughputs are indicative (other jobs shared the two cores). The throughputs in the first "
            "table are medians of 3 round-robin measurements (10 training updates, 1000 generated "
            "tokens per model and round), so the three models saw the same load; the per-run "
            "figures further down were taken at different times and loads.\n\n" + "\n".join(means) +
            "\n\n" + "\n".join(lines) +
            "\n\nMemory per generated token vs context length (batch 1; the recurrent state is what a "
            "token carries to the next):\n\n" + "\n".join(mem))
    write_summary(out / "amsu_language.md", "AM-SU character-level language model",
                  "python experiments/astro_amsu_language.py " + " ".join(
                      f"--{k.replace('_', '-')} {' '.join(map(str, v)) if isinstance(v, list) else v}"
                      for k, v in vars(args).items()), body)


if __name__ == "__main__":
    main()
