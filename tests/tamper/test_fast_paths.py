"""The tamper5 speed-ups give, bit for bit, what the code they replaced gave.

Each helper is compared with the plain numpy idiom it replaces on random and edge-case inputs.
"""

import numpy as np
import pytest

from idcheck.tamper import local


@pytest.mark.parametrize("seed", range(4))
def test_clipped_blocks_equal_the_row_min_max(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 3000))
    blocks = rng.integers(3, 253, size=(n, 64), dtype=np.uint8)
    # no clipped pixel at all: the fast path
    assert not local._clipped(blocks).any()
    # clipped pixels at every value 0-2 and 253-255 and every position of a block, plus the limits 3 and 252
    for v in (0, 1, 2, 3, 252, 253, 254, 255):
        rows = rng.choice(n, size=max(1, n // 10), replace=False)
        blocks[rows, rng.integers(0, 64, size=len(rows))] = v
    ref = (blocks.max(axis=1) >= 253) | (blocks.min(axis=1) <= 2)
    np.testing.assert_array_equal(local._clipped(blocks), ref)
    # a non-contiguous view (every second block)
    np.testing.assert_array_equal(local._clipped(blocks[::2]), ref[::2])


def test_table_pairs_are_the_membership_columns():
    rng = np.random.default_rng(0)
    member = (rng.random((60, 30)) < 0.12).astype(np.float32)
    for j, pj in enumerate(local._table_pairs(member)):
        np.testing.assert_array_equal(pj, np.flatnonzero(member[:, j]))
        assert np.all(np.diff(pj) > 0)
