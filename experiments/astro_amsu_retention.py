"""AM-SU memory retention: delayed recall, AM-SU vs its coupling-0 ablation vs an LSTM.

Task (:func:`neuromem.astro.amsu_tasks.delayed_recall_batch`): store ``length`` symbols
of an alphabet of ``n_symbols``, ignore ``delay`` distractor symbols, recall the stored
symbols in order. Each model is trained from scratch for each delay with Adam on
cross-entropy at the recall steps (fixed number of updates, same batch size, same
learning rate) and scored on 2048 fresh trials. The LSTM has the parameter count of the
AM-SU network (closest hidden size); the ablation is the same network with κ_g = κ_s = 0.

Writes ``experiments/results/astro_amsu_retention/``: retention.h5, retention.png and
amsu_retention.md.

Usage: ``python experiments/astro_amsu_retention.py [--updates 300] [--delays 5 20 50 100]``
"""
from __future__ import annotations

import argparse
import time

import numpy as np
import torch
import torch.nn.functional as F

from astro_common import output_dir, save_figure, save_tables, write_summary
from neuromem.astro.amsu_models import SpikingRNN, matched_lstm, parameter_count
from neuromem.astro.amsu_tasks import delayed_recall_batch

MODELS = ("amsu", "ablation", "lstm")


def build(kind: str, n_in: int, n_out: int, hidden: int, seed: int) -> torch.nn.Module:
    torch.manual_seed(seed)
    if kind == "lstm":
        target = parameter_count(SpikingRNN(n_in, hidden, n_out, coupling=True))
        return matched_lstm(n_in, n_out, target)
    return SpikingRNN(n_in, hidden, n_out, coupling=(kind == "amsu"))


def accuracy(model: torch.nn.Module, rng: np.random.Generator, delay: int, args) -> np.ndarray:
    """Recall accuracy per stored position (2048 fresh trials)."""
    correct = np.zeros(args.length)
    total = 0
    with torch.no_grad():
        for _ in range(4):
            x, y, mask = delayed_recall_batch(rng, 512, delay, args.symbols, args.length)
            logits, _ = model(torch.from_numpy(x))
            pred = logits[torch.from_numpy(mask)].argmax(-1)          # length × batch
            correct += (pred == torch.from_numpy(y[mask])).sum(dim=1).numpy()
            total += x.shape[1]
    return correct / total


def train_and_score(kind: str, delay: int, args, seed: int, updates: int) -> dict[str, float]:
    n_in, n_out = args.symbols + 2, args.symbols
    model = build(kind, n_in, n_out, args.hidden, seed)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    loss_value = float("nan")
    for _ in range(updates):
        x, y, mask = delayed_recall_batch(rng, args.batch, delay, args.symbols, args.length)
        logits, _ = model(torch.from_numpy(x))
        m = torch.from_numpy(mask)
        loss = F.cross_entropy(logits[m].reshape(-1, n_out), torch.from_numpy(y[mask]).reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        loss_value = loss.item()
    seconds = time.perf_counter() - started
    acc = accuracy(model, np.random.default_rng(10_000 + seed), delay, args)
    return {"accuracy": float(acc.mean()), "position_accuracy": acc.tolist(), "final_loss": loss_value,
            "train_s": seconds, "parameters": parameter_count(model), "updates": updates}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delays", type=int, nargs="+", default=[5, 20, 50, 100])
    parser.add_argument("--updates", type=int, default=400)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--symbols", type=int, default=4)
    parser.add_argument("--length", type=int, default=3)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--long-lstm-updates", type=int, default=2000,
                        help="also train the LSTM this long at the longest delay (0: skip)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rows = []
    for delay in args.delays:
        for seed in args.seeds:
            runs = [(kind, kind, args.updates) for kind in MODELS]
            if args.long_lstm_updates and delay == max(args.delays):
                runs.append(("lstm_long", "lstm", args.long_lstm_updates))
            for name, kind, updates in runs:
                r = train_and_score(kind, delay, args, seed, updates)
                rows.append({"model": name, "delay": delay, "seed": seed, **r})
                print(f"delay {delay:4d} seed {seed} {name:9s} acc {r['accuracy']:.3f} "
                      f"{np.round(r['position_accuracy'], 3)} loss {r['final_loss']:.3f} "
                      f"params {r['parameters']} {r['train_s']:.0f} s", flush=True)
    report(rows, args)


def report(rows: list[dict], args) -> None:
    import matplotlib.pyplot as plt

    out = output_dir("amsu_retention")
    table = {key: [r[key] for r in rows] for key in rows[0]}
    table["position_accuracy"] = np.array(table["position_accuracy"])
    save_tables(out / "retention.h5", {"runs": table},
                {"task": f"delayed recall, {args.length} of {args.symbols} symbols, ordered",
                 "updates": args.updates, "batch": args.batch, "lr": args.lr, "hidden": args.hidden,
                 "chance": 1.0 / args.symbols, "seeds": list(args.seeds)})
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for kind in MODELS:
        mean = [np.mean([r["accuracy"] for r in rows if r["model"] == kind and r["delay"] == d])
                for d in args.delays]
        ax.plot(args.delays, mean, "o-", label=kind)
    long = [r for r in rows if r["model"] == "lstm_long"]
    if long:
        ax.plot([long[0]["delay"]], [np.mean([r["accuracy"] for r in long])], "k*",
                label=f"lstm, {long[0]['updates']} updates")
    ax.axhline(1.0 / args.symbols, color="grey", ls=":", label="chance")
    ax.set_xlabel("delay (steps)")
    ax.set_ylabel("recall accuracy")
    ax.set_xscale("log")
    ax.legend()
    fig.tight_layout()
    save_figure(fig, out / "retention.png")
    lines = ["| delay | seed | model | parameters | updates | accuracy | per position | final loss | train s |",
             "|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['delay']} | {r['seed']} | {r['model']} | {r['parameters']} | {r['updates']} | "
              f"{r['accuracy']:.3f} | {' / '.join(f'{a:.2f}' for a in r['position_accuracy'])} | "
              f"{r['final_loss']:.3f} | {r['train_s']:.0f} |" for r in rows]
    means = ["| delay | " + " | ".join(MODELS) + " |", "|---" * (len(MODELS) + 1) + "|"]
    for d in args.delays:
        cells = [np.mean([r["accuracy"] for r in rows if r["model"] == k and r["delay"] == d]) for k in MODELS]
        means.append(f"| {d} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
    body = (f"Delayed recall of {args.length} symbols (alphabet {args.symbols}, chance "
            f"{1 / args.symbols:.3f}), in order, after a distractor delay. Each model trained from "
            f"scratch per delay: {args.updates} Adam updates (lr {args.lr}, batch {args.batch}, "
            f"grad-norm clip 1), scored on 2048 fresh trials. Spiking networks: {args.hidden} recurrent "
            "units, membrane readout; AM-SU is neuromem's formulation (not the AstroSNN paper's). "
            "The LSTM is sized to the AM-SU parameter count; the ablation has the same tensors "
            "with κ_g = κ_s = 0 (γ, K then have no effect). `lstm_long` is the same LSTM trained "
            f"{args.long_lstm_updates} updates at the longest delay, to show how much of the LSTM's result "
            "is the training budget.\n\nMean accuracy over seeds:\n\n" + "\n".join(means) +
            "\n\nAll runs:\n\n" + "\n".join(lines))
    write_summary(out / "amsu_retention.md", "AM-SU memory retention (delayed recall)",
                  "python experiments/astro_amsu_retention.py " + " ".join(
                      f"--{k} {' '.join(map(str, v)) if isinstance(v, list) else v}"
                      for k, v in vars(args).items()), body)


if __name__ == "__main__":
    main()
