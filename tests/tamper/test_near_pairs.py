"""copymove.near_pairs gives, pair for pair, what its former form gave (a stable argsort of each 32-bit chunk and
np.unique of the candidates): only the sorting changed."""

import numpy as np
import pytest

from idcheck.tamper import copymove


def _near_pairs_before(des: np.ndarray, max_dist: int, max_run: int = 8) -> tuple[np.ndarray, np.ndarray]:
    n = len(des)
    des = np.ascontiguousarray(des, np.uint8)
    d32 = des.view(np.uint32)
    cand = []
    for c in range(d32.shape[1]):
        k = d32[:, c]
        order = np.argsort(k, kind="stable")
        ks = k[order]
        for off in range(1, max_run):
            eq = ks[off:] == ks[:-off]
            if not eq.any():
                break
            i = order[:-off][eq]
            j = order[off:][eq]
            cand.append(np.minimum(i, j).astype(np.int64) * n + np.maximum(i, j))
    if not cand:
        return np.zeros((0, 2), np.int64), np.zeros(0, np.int32)
    u = np.unique(np.concatenate(cand))
    i, j = u // n, u % n
    d64 = des.view(np.uint64)
    dist = np.bitwise_count(d64[i] ^ d64[j]).sum(1, dtype=np.int32)
    keep = dist <= max_dist
    return np.stack([i[keep], j[keep]], 1), dist[keep]


@pytest.mark.parametrize("seed", range(6))
def test_near_pairs_are_the_former_pairs(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 3000))
    des = rng.integers(0, 256, (n, 32), dtype=np.uint8)
    # near copies (a few bits flipped) and runs of descriptors sharing a chunk (more than max_run of them)
    src = rng.integers(0, n, n // 3)
    des[rng.integers(0, n, n // 3)] = des[src] ^ (rng.random((len(src), 32)) < 0.02).astype(np.uint8)
    des[rng.integers(0, n, 30), :4] = des[0, :4]
    got, want = copymove.near_pairs(des, 15), _near_pairs_before(des, 15)
    assert len(want[0]) > 0
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype and np.array_equal(g, w)


def test_no_pairs():
    des = np.arange(64 * 32, dtype=np.uint32).astype(np.uint8).reshape(64, 32)[:1]
    pairs, dist = copymove.near_pairs(des, 15)
    assert pairs.shape == (0, 2) and len(dist) == 0
