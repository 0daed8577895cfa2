"""The multilayer perceptron of the homeostatic learner: ELU hidden layers, softmax output.

Layer ``l`` maps activations ``a_l`` (rows = samples) to ``z_{l+1} = a_l W_lᵀ + b_l``;
hidden units apply ELU (``z`` if ``z > 0`` else ``α(eᶻ − 1)``), the output a softmax.
The loss is cross-entropy, so the output error is ``softmax − one_hot``. Weights are
He-normal (``N(0, 1)·sqrt(2 / fan_in)``) and biases standard normal, as in the code of
Man, Damasio & Neven (2022). All quantities are dimensionless; inputs are pixels in [0, 1].

Minibatch SGD sums the per-sample gradients of a batch and applies them with
``lr / batch_size`` (:meth:`MLP.apply_update`).

Example
-------
>>> import numpy as np
>>> net = MLP.he_normal((64, 80, 60, 10), np.random.default_rng(0))
>>> x = np.random.default_rng(1).random((5, 64))
>>> net.predict(x).shape
(5,)
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import ModelError


def elu(z: np.ndarray, alpha: float) -> np.ndarray:
    """ELU activation (dimensionless)."""
    return np.where(z > 0.0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def elu_derivative(z: np.ndarray, alpha: float) -> np.ndarray:
    """Derivative of :func:`elu` with respect to ``z``."""
    return np.where(z > 0.0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))


def softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise softmax, shifted by the row maximum for numerical safety."""
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class MLP:
    """Fully connected ELU network with a softmax output (float64).

    ``weights[l]`` has shape (n_out, n_in) and ``biases[l]`` shape (n_out,).
    """

    def __init__(self, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray], alpha: float = 1.0) -> None:
        if len(weights) != len(biases) or not weights:
            raise ModelError(f"MLP: {len(weights)} weight matrices but {len(biases)} bias vectors; "
                             "give one bias vector per weight matrix")
        for l, (w, b) in enumerate(zip(weights, biases)):
            if w.ndim != 2 or b.shape != (w.shape[0],):
                raise ModelError(f"MLP: layer {l} has weights {w.shape} and biases {b.shape}; "
                                 "expected (n_out, n_in) and (n_out,)")
            if l and w.shape[1] != weights[l - 1].shape[0]:
                raise ModelError(f"MLP: layer {l} takes {w.shape[1]} inputs but layer {l - 1} "
                                 f"has {weights[l - 1].shape[0]} outputs")
        self.weights = [np.array(w, dtype=np.float64) for w in weights]
        self.biases = [np.array(b, dtype=np.float64) for b in biases]
        self.alpha = float(alpha)

    @classmethod
    def he_normal(cls, sizes: Sequence[int], rng: np.random.Generator, alpha: float = 1.0) -> "MLP":
        """He-normal weights and standard-normal biases for layer ``sizes`` (input first)."""
        if len(sizes) < 2 or any(int(s) < 1 for s in sizes):
            raise ModelError(f"MLP.he_normal: sizes={list(sizes)} must list at least two positive layer sizes")
        weights, biases = [], []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            weights.append(rng.standard_normal((n_out, n_in)) * np.sqrt(2.0 / n_in))
            biases.append(rng.standard_normal(n_out))
        return cls(weights, biases, alpha)

    @property
    def sizes(self) -> tuple[int, ...]:
        """Layer sizes, input first."""
        return (self.weights[0].shape[1],) + tuple(w.shape[0] for w in self.weights)

    def forward(self, x: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Pre-activations ``z`` (one per layer) and activations ``a`` (input first, softmax last)."""
        acts, pres = [x], []
        last = len(self.weights) - 1
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = acts[-1] @ w.T + b
            pres.append(z)
            acts.append(softmax(z) if l == last else elu(z, self.alpha))
        return pres, acts

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Predicted class (argmax of the output) of each row of ``x``."""
        return np.argmax(self.forward(x)[1][-1], axis=1)

    def errors(self, pres: list[np.ndarray], acts: list[np.ndarray], targets: np.ndarray) -> list[np.ndarray]:
        """Back-propagated errors ``δ`` of each layer for one-hot ``targets`` (cross-entropy loss)."""
        deltas = [acts[-1] - targets]
        for l in range(len(self.weights) - 1, 0, -1):
            deltas.insert(0, (deltas[0] @ self.weights[l]) * elu_derivative(pres[l - 1], self.alpha))
        return deltas

    def apply_update(self, acts: list[np.ndarray], deltas: list[np.ndarray], step: float) -> None:
        """In place: ``W_l -= step·δ_lᵀ a_l`` and ``b_l -= step·Σ δ_l`` (``step`` = lr / batch size)."""
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            w -= step * (deltas[l].T @ acts[l])
            b -= step * deltas[l].sum(axis=0)

    def predict_after_update(self, x: np.ndarray, acts: list[np.ndarray], deltas: list[np.ndarray],
                             step: float) -> np.ndarray:
        """Predictions on ``x`` of the network that :meth:`apply_update` would leave, without changing it.

        The updated layer is applied as ``h W_lᵀ − step·((h a_lᵀ) δ_l)``, so no weight
        matrix is copied; ``acts``/``deltas`` are those of the (partial) batch.
        """
        h = x
        last = len(self.weights) - 1
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = h @ w.T + b - step * ((h @ acts[l].T) @ deltas[l] + deltas[l].sum(axis=0))
            h = z if l == last else elu(z, self.alpha)
        return np.argmax(h, axis=1)
