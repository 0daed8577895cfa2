"""Input preparation for Sparsey: binary images and the published 16×24 MNIST form.

Sparsey's MNIST study used digits scaled to 16×24 (width × height), binarised and
skeletonised with ImageJ (sparsey.com). :func:`mnist_16x24` derives that form from the
original 28×28 grey images: the whole 28×28 frame is resampled bilinearly to 24 rows ×
16 columns (pixel-centre convention, the best match to the published files; the digit is
squeezed horizontally by 16/28), rounded to 8 bits, thresholded per image at its IsoData
level (ImageJ's default automatic threshold) and thinned with scikit-image's
``skeletonize`` (Zhang–Suen). Checked against 1000 published 16×24 files (the k-th MNIST
*test* image of each class, mirrored in SashwatAnagolum/SparseyTestingSystem): Jaccard
overlap 0.87 of the skeleton pixels, 22 % of images identical; the remaining differences
are one-pixel offsets where ImageJ's table-driven thinning keeps the other side of a
two-pixel-wide stroke (docs/sparsey.md).

Example
-------
>>> import numpy as np
>>> from neuromem.sparsey.data import mnist_16x24
>>> img = np.zeros((1, 28, 28), dtype=np.uint8); img[0, 4:24, 12:16] = 255
>>> out = mnist_16x24(img)
>>> out.shape, out.dtype, int(out[0].sum()) < 4 * 24
((1, 24, 16), dtype('bool'), True)
"""
from __future__ import annotations

import numpy as np

from ..errors import ModelError


def binarise(images: np.ndarray, max_value: float, threshold: float = 0.5) -> np.ndarray:
    """Boolean images: pixel >= ``threshold`` · ``max_value`` (grey levels, any shape)."""
    return np.asarray(images) >= threshold * max_value


def mnist_16x24(images: np.ndarray, max_value: float = 255.0) -> np.ndarray:
    """28×28 grey MNIST images (N × 28 × 28, 0..``max_value``) → N × 24 × 16 boolean
    skeletons (rows × columns)."""
    try:
        from skimage.filters import threshold_isodata
        from skimage.morphology import skeletonize
        from skimage.transform import resize
    except ImportError as err:  # pragma: no cover - depends on the installation
        raise ModelError("mnist_16x24 needs scikit-image: pip install neuromem[data]") from err
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise ModelError(f"mnist_16x24: images have shape {images.shape}, expected (N, 28, 28)")
    out = np.zeros((images.shape[0], 24, 16), dtype=bool)
    for n, image in enumerate(images):
        scaled = resize(image.astype(np.float64) / max_value, (24, 16), order=1, anti_aliasing=False,
                        mode="constant")
        grey = np.round(255.0 * np.clip(scaled, 0.0, 1.0)).astype(np.uint8)
        if grey.min() < grey.max():   # a blank image stays blank
            out[n] = skeletonize(grey > threshold_isodata(grey))
    return out


def _outline(size: int, top: int, left: int, side: int) -> np.ndarray:
    frame = np.zeros((size, size), dtype=bool)
    rows = np.clip(np.arange(top, top + side), 0, size - 1)
    cols = np.clip(np.arange(left, left + side), 0, size - 1)
    for r in (rows[0], rows[-1]):
        frame[r, cols] = True
    for c in (cols[0], cols[-1]):
        frame[rows, c] = True
    return frame


def _frame(kind: int, t: float, size: int, offset: int) -> np.ndarray:
    """One edge frame of motion class ``kind`` at (fractional) step ``t``."""
    frame = np.zeros((size, size), dtype=bool)
    x = int(round(offset + t)) % size
    mid = size // 2 + offset % 3 - 1
    if kind == 0:            # vertical edge moving right
        frame[:, x] = True
    elif kind == 1:          # vertical edge moving left
        frame[:, size - 1 - x] = True
    elif kind == 2:          # horizontal edge moving down
        frame[x, :] = True
    elif kind == 3:          # horizontal edge moving up
        frame[size - 1 - x, :] = True
    elif kind == 4:          # square outline moving down-right
        frame = _outline(size, x % (size - 5), x % (size - 5), 5)
    elif kind == 5:          # square outline moving up-left
        frame = _outline(size, (size - 6) - x % (size - 5), (size - 6) - x % (size - 5), 5)
    elif kind == 6:          # square outline growing from the centre
        half = 1 + int(t / 2) % (size // 2 - 1)
        frame = _outline(size, mid - half, mid - half, 2 * half)
    elif kind == 7:          # square outline shrinking to the centre
        half = size // 2 - 1 - int(t / 2) % (size // 2 - 1)
        frame = _outline(size, mid - half, mid - half, 2 * half)
    elif kind == 8:          # diagonal edge moving right
        r = np.arange(size)
        frame[r, (r + x) % size] = True
    else:                    # plus sign moving down the middle column
        frame[x, max(mid - 3, 0):mid + 4] = True
        frame[max(x - 3, 0):x + 4, mid] = True
    return frame


def moving_edges(clips_per_class: int = 9, size: int = 16, frames: tuple[int, int] = (16, 24),
                 seed: int = 0) -> tuple[list[np.ndarray], np.ndarray]:
    """A synthetic event-recognition set: 10 classes of moving edge shapes.

    Classes: vertical edge right / left, horizontal edge down / up, square outline
    down-right / up-left, square growing / shrinking, diagonal edge right, plus sign
    down. Each clip has a random start offset, speed (0.7–1.3 px per frame) and length
    (``frames`` range, inclusive). Returns a list of clips (T × size × size bool) and
    their labels (int64).

    >>> clips, labels = moving_edges(clips_per_class=2, seed=1)
    >>> len(clips), clips[0].shape[1:], labels[:3].tolist()
    (20, (16, 16), [0, 0, 1])
    """
    rng = np.random.default_rng(seed)
    clips, labels = [], []
    for kind in range(10):
        for _ in range(clips_per_class):
            n, offset, speed = rng.integers(frames[0], frames[1] + 1), int(rng.integers(0, size)), rng.uniform(0.7, 1.3)
            clips.append(np.array([_frame(kind, speed * t, size, offset) for t in range(n)]))
            labels.append(kind)
    return clips, np.array(labels, dtype=np.int64)


def add_noise(frames: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Move ``fraction`` of each frame's active pixels to random inactive positions
    (the active count, and so the π gates, are unchanged)."""
    if not 0.0 <= fraction <= 1.0:
        raise ModelError(f"add_noise: fraction must lie in [0, 1], got {fraction!r}")
    noisy = np.array(frames, dtype=bool, copy=True)
    for frame in noisy.reshape(-1, *noisy.shape[-2:]):
        on, off = np.flatnonzero(frame), np.flatnonzero(~frame)
        n = int(round(fraction * on.size))
        flat = frame.reshape(-1)
        flat[rng.choice(on, n, replace=False)] = False
        flat[rng.choice(off, n, replace=False)] = True
    return noisy
