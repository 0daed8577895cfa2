"""The derivation of the published 16×24 MNIST form (neuromem.sparsey.data.mnist_16x24)."""
import numpy as np

from neuromem.sparsey.data import mnist_16x24


def _box(top, bottom, left, right):
    img = np.zeros((1, 28, 28), dtype=np.uint8)
    img[0, top:bottom, left] = img[0, top:bottom, right - 1] = 255
    img[0, top, left:right] = img[0, bottom - 1, left:right] = 255
    return img


def test_whole_frame_is_squeezed_to_16_by_24():
    # A 20-px-wide outline spanning MNIST's 20×20 digit box (rows/cols 4..23). Scaling the
    # whole 28×28 frame maps it to about 20·16/28 ≈ 11.4 columns and 20·24/28 ≈ 17 rows;
    # the earlier central-crop derivation stretched it to all 16 columns. ±1 px allows
    # for where the bilinear edge falls relative to the IsoData threshold.
    out = mnist_16x24(_box(4, 24, 4, 24))[0]
    cols, rows = np.nonzero(out.any(axis=0))[0], np.nonzero(out.any(axis=1))[0]
    assert abs((cols[-1] - cols[0] + 1) - 11.4) <= 1.0 and cols[0] >= 2 and cols[-1] <= 13
    assert abs((rows[-1] - rows[0] + 1) - 17.1) <= 1.0


def test_threshold_is_per_image_and_blank_stays_blank():
    # IsoData picks each image's own level: a faint stroke (grey 60 of 255) survives
    # as well as a full-intensity one, and a blank frame gives no pixels.
    img = np.zeros((3, 28, 28), dtype=np.uint8)
    img[0, 4:24, 12:15] = 255
    img[1, 4:24, 12:15] = 60
    out = mnist_16x24(img)
    np.testing.assert_array_equal(out[0], out[1])
    assert out[0].sum() >= 15 and not out[2].any()
