"""Data loaders: bundled digits, and the IDX reader on small generated MNIST-layout files (plain and gzipped)."""
import gzip
import struct

import numpy as np
import pytest

from neuromem.datasets import load_digits, load_idx_folder, read_idx
from neuromem.errors import ModelError


def _idx_bytes(array: np.ndarray, type_byte: int = 0x08) -> bytes:
    header = bytes([0, 0, type_byte, array.ndim]) + struct.pack(f">{array.ndim}i", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def _write_folder(folder, compress: bool, n_train=6, n_test=4, rows=5, cols=3):
    rng = np.random.default_rng(0)
    arrays = {"train-images-idx3-ubyte": rng.integers(0, 256, (n_train, rows, cols), dtype=np.uint8),
              "train-labels-idx1-ubyte": rng.integers(0, 10, n_train, dtype=np.uint8),
              "t10k-images-idx3-ubyte": rng.integers(0, 256, (n_test, rows, cols), dtype=np.uint8),
              "t10k-labels-idx1-ubyte": rng.integers(0, 10, n_test, dtype=np.uint8)}
    for name, array in arrays.items():
        raw = _idx_bytes(array)
        if compress:
            (folder / f"{name}.gz").write_bytes(gzip.compress(raw))
        else:
            (folder / name).write_bytes(raw)
    return arrays


@pytest.mark.parametrize("compress", [False, True])
def test_idx_folder_round_trip(tmp_path, compress):
    arrays = _write_folder(tmp_path, compress)
    data = load_idx_folder(tmp_path, name="fashion")
    np.testing.assert_array_equal(data.train_images, arrays["train-images-idx3-ubyte"])
    np.testing.assert_array_equal(data.test_labels, arrays["t10k-labels-idx1-ubyte"])
    assert data.name == "fashion" and data.max_value == 255 and data.n_pixels == 15
    assert data.flat("train").shape == (6, 15) and data.flat("test").max() <= 1.0


def test_read_idx_other_types(tmp_path):
    values = np.arange(12, dtype=np.float32).reshape(3, 4) - 5.5
    (tmp_path / "f.idx").write_bytes(_idx_bytes(values, 0x0D))
    np.testing.assert_array_equal(read_idx(tmp_path / "f.idx"), values)


def test_bad_idx_files_are_named(tmp_path):
    (tmp_path / "junk").write_bytes(b"hello world")
    with pytest.raises(ModelError, match="not an IDX file"):
        read_idx(tmp_path / "junk")
    (tmp_path / "short").write_bytes(_idx_bytes(np.zeros((4, 2), np.uint8))[:-3])
    with pytest.raises(ModelError, match="truncated"):
        read_idx(tmp_path / "short")
    with pytest.raises(ModelError, match="t10k-images-idx3-ubyte"):
        load_idx_folder(tmp_path)


def test_digits_split_is_seeded_and_complete():
    a, b = load_digits(seed=3), load_digits(seed=3)
    np.testing.assert_array_equal(a.train_labels, b.train_labels)
    assert len(a.train_labels) + len(a.test_labels) == 1797 and len(a.test_labels) == 359
    assert a.train_images.shape[1:] == (8, 8) and a.flat("train").max() == 1.0
    with pytest.raises(ModelError, match="n_train"):
        a.subset(0, 10)


def test_real_mnist_when_present():
    from pathlib import Path
    folder = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"
    if not folder.is_dir():
        pytest.skip("../shared/data/mnist not present")
    data = load_idx_folder(folder)
    assert data.train_images.shape == (60000, 28, 28) and data.test_images.shape == (10000, 28, 28)
    assert data.test_labels[:5].tolist() == [7, 2, 1, 0, 4]  # the published first test labels
