"""idcheck.image.stats: histogram order statistics equal numpy's on 8-bit data."""

import numpy as np
import pytest

from idcheck.image.stats import median_f, median_u8, percentile_f, percentile_u8


@pytest.mark.parametrize("seed", range(4))
def test_histogram_median_and_percentile_equal_numpy(seed):
    rng = np.random.default_rng(seed)
    for _ in range(200):
        h, w = rng.integers(1, 120, 2)
        lo, hi = sorted(rng.integers(0, 256, 2))
        x = rng.integers(lo, hi + 1, (h, w)).astype(np.uint8)
        assert median_u8(x) == float(np.median(x))
        for q in (0, 10, 25, 50, 75, 90, 99.5, 100):
            assert percentile_u8(x, q) == float(np.percentile(x, q))
        mask = rng.random((h, w)) < 0.5
        if mask.any():
            assert median_u8(x, mask) == float(np.median(x[mask]))
            assert median_u8(x, mask.astype(np.uint8) * 255) == float(np.median(x[mask]))
            assert percentile_u8(x, 75, mask) == float(np.percentile(x[mask], 75))
        # a channel of an interleaved picture (a strided view) and a 1-D array
        ycc = rng.integers(0, 256, (h, w, 3)).astype(np.uint8)
        assert median_u8(ycc[:, :, 1]) == float(np.median(ycc[:, :, 1]))
        assert median_u8(x.ravel()) == float(np.median(x))


def test_rejects_other_types_and_empty_data():
    with pytest.raises(TypeError):
        median_u8(np.zeros((4, 4), np.float32))
    with pytest.raises(ValueError):
        median_u8(np.zeros((4, 4), np.uint8), np.zeros((4, 4), np.uint8))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", range(3))
def test_one_partition_median_and_percentile_equal_numpy(dtype, seed):
    rng = np.random.default_rng(seed)
    for _ in range(300):
        n = int(rng.integers(1, 400))
        x = rng.normal(0, rng.uniform(0.1, 100), n).astype(dtype)
        if rng.random() < 0.3:  # ties, as a picture's spectrum or a clipped measure has them
            x = np.round(x / 10) * 10
        x = x.reshape(-1, 1) if rng.random() < 0.5 else x
        assert median_f(x) == float(np.median(x))
        for q in (0, 1, 10, 25, 50, 62.5, 90, 99, 99.9, 100):
            assert percentile_f(x, q) == float(np.percentile(x, q)), (n, q)
