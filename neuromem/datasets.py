"""Image data sets for the memory modules: scikit-learn's digits and IDX files (MNIST, Fashion-MNIST).

Nothing is ever downloaded. :func:`load_digits` uses the 1797 8×8 digits bundled with
scikit-learn (``pip install neuromem[data]``); :func:`load_idx_folder` reads the four
original IDX files of MNIST or Fashion-MNIST from a folder the user names, gzipped or
not. Images keep their integer pixel values (0..``max_value``); :meth:`ImageDataset.flat`
gives the float vectors in [0, 1] that learners take.

Example
-------
>>> from neuromem.datasets import load_digits
>>> data = load_digits(seed=0)
>>> data.train_images.shape[1:], data.max_value, data.n_classes
((8, 8), 16, 10)
>>> float(data.flat("train").max())
1.0
"""
from __future__ import annotations

import gzip
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np

from .errors import ModelError

# IDX type byte -> big-endian numpy dtype (LeCun's IDX specification)
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_IDX_FILES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


@dataclass(frozen=True)
class ImageDataset:
    """Labelled grey-level images split into a training and a test (validation) part.

    ``*_images``: integer pixels, shape (N, height, width), values 0..``max_value``.
    ``*_labels``: int64 class indices 0..``n_classes``-1, shape (N,).
    """

    name: str
    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    max_value: int
    n_classes: int = 10

    @property
    def n_pixels(self) -> int:
        """Pixels per image (input size of a network)."""
        return int(np.prod(self.train_images.shape[1:]))

    def flat(self, part: str) -> np.ndarray:
        """Images of ``part`` ("train" or "test") as float64 rows scaled to [0, 1], shape (N, n_pixels)."""
        if part not in ("train", "test"):
            raise ModelError(f"ImageDataset.flat: part {part!r} is not 'train' or 'test'")
        images = self.train_images if part == "train" else self.test_images
        return images.reshape(images.shape[0], -1).astype(np.float64) / self.max_value

    def subset(self, n_train: int, n_test: int) -> "ImageDataset":
        """The first ``n_train`` training and ``n_test`` test images (for quick runs)."""
        for field, n, available in (("n_train", n_train, len(self.train_labels)),
                                    ("n_test", n_test, len(self.test_labels))):
            if not 0 < n <= available:
                raise ModelError(f"ImageDataset.subset: {field}={n} must lie in 1..{available}")
        return ImageDataset(f"{self.name}[{n_train}/{n_test}]", self.train_images[:n_train],
                            self.train_labels[:n_train], self.test_images[:n_test],
                            self.test_labels[:n_test], self.max_value, self.n_classes)


def load_digits(test_fraction: float = 0.2, seed: int = 0) -> ImageDataset:
    """scikit-learn's bundled 8×8 digits (pixels 0..16), shuffled with ``seed`` and split.

    ``test_fraction`` of the 1797 images (rounded) form the test part. Needs scikit-learn
    (``pip install neuromem[data]``); works offline.
    """
    if not 0.0 < test_fraction < 1.0:
        raise ModelError(f"load_digits: test_fraction={test_fraction} must lie strictly between 0 and 1")
    try:
        from sklearn.datasets import load_digits as sklearn_digits
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise ModelError("load_digits needs scikit-learn: pip install 'neuromem[data]'") from exc
    bunch = sklearn_digits()
    images = bunch.images.astype(np.uint8)
    labels = bunch.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(labels))
    n_test = int(round(test_fraction * len(labels)))
    test, train = order[:n_test], order[n_test:]
    return ImageDataset("digits", images[train], labels[train], images[test], labels[test], max_value=16)


def read_idx(path: str | PathLike[str]) -> np.ndarray:
    """Read one IDX file (optionally gzip-compressed) into an array of its stored shape and type.

    Layout: two zero bytes, a type byte (0x08 uint8 … 0x0E float64), the number of
    dimensions, one big-endian int32 size per dimension, then the data.
    """
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"read_idx: file {str(path)!r} does not exist")
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise ModelError(f"read_idx: {str(path)!r} is not an IDX file (bad magic number {raw[:4].hex()}); "
                         "expected 0x0000 then a type byte 08/09/0B/0C/0D/0E and the number of dimensions")
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    ndim = raw[3]
    header = 4 + 4 * ndim
    shape = tuple(int(s) for s in np.frombuffer(raw[4:header], dtype=">i4"))
    expected = header + dtype.itemsize * int(np.prod(shape, dtype=np.int64))
    if len(shape) != ndim or len(raw) != expected:
        raise ModelError(f"read_idx: {str(path)!r} holds {len(raw)} bytes but its header (shape {shape}, "
                         f"{dtype}) implies {expected}; the file is truncated or corrupt")
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def _find_idx(folder: Path, stem: str) -> Path:
    for name in (stem, stem + ".gz"):
        if (folder / name).is_file():
            return folder / name
    raise ModelError(f"load_idx_folder: {str(folder)!r} has no {stem} or {stem}.gz; the folder must hold "
                     f"the four original files {sorted(_IDX_FILES.values())} (gzipped or not)")


def load_idx_folder(folder: str | PathLike[str], name: str = "mnist") -> ImageDataset:
    """MNIST or Fashion-MNIST from ``folder`` holding the four original IDX files (``.gz`` or plain).

    Expected names: ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``,
    ``t10k-images-idx3-ubyte``, ``t10k-labels-idx1-ubyte`` (each optionally ``.gz``), as both
    data sets ship them. The t10k part becomes the test part. Pixels 0..255.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ModelError(f"load_idx_folder: folder {str(folder)!r} does not exist")
    arrays = {key: read_idx(_find_idx(folder, stem)) for key, stem in _IDX_FILES.items()}
    for part in ("train", "test"):
        images, labels = arrays[f"{part}_images"], arrays[f"{part}_labels"]
        if images.ndim != 3 or labels.ndim != 1 or images.shape[0] != labels.shape[0]:
            raise ModelError(f"load_idx_folder: {part} images of shape {images.shape} do not match "
                             f"labels of shape {labels.shape}; expected (N, rows, cols) and (N,)")
        if images.dtype != np.uint8:
            raise ModelError(f"load_idx_folder: {part} images are stored as {images.dtype}; "
                             "expected unsigned bytes (IDX type 0x08) as MNIST and Fashion-MNIST use")
    return ImageDataset(name, arrays["train_images"], arrays["train_labels"].astype(np.int64),
                        arrays["test_images"], arrays["test_labels"].astype(np.int64),
                        max_value=255)
