"""Issue 17, items 6-9: fail closed."""

from __future__ import annotations

import idcheck
from idcheck import codes

from . import craft


def _codes(report):
    return [f.code for f in report.findings]


def test_png_pillow_cannot_decode_is_unreadable():
    # before: verdict decided by checks on a half-decoded picture (getexif() swallowed the load error)
    report = idcheck.check(craft.corrupt_idat_png())
    assert "file.unreadable" in _codes(report)
    assert report.verdict == "fail"
    unreadable = next(f for f in report.findings if f.code == "file.unreadable")
    assert unreadable.details.get("stage") == "decode"


def test_crashed_check_fails_the_file():
    # before: 1x1 "document": nine internal.check_failed warnings, verdict warn, exit 0
    report = idcheck.check(craft.tiny_png(1, 1))
    crashed = [f for f in report.findings if f.code == "internal.check_failed"]
    assert report.verdict == "fail"
    assert all(f.severity == "error" for f in crashed)
    assert codes.get("internal.check_failed").severity == "error"


def test_copymove_verify_near_border_never_crashes():
    # before: 263 of these 512 candidates raised cv2.error (empty slice into GaussianBlur)
    import itertools

    import numpy as np

    from idcheck.config import DEFAULT
    from idcheck.tamper import copymove

    rng = np.random.default_rng(0)
    y = np.clip(rng.normal(128, 6, (200, 260)), 0, 255).astype(np.uint8)
    for x0, y0, dx, dy, scale in itertools.product([0, 3, 6, 60], [0, 3, 6, 60], [-40, -3, 3, 40],
                                                   [-40, -3, 3, 40], [1.0, 1.5]):
        src = np.array([[x0 + i * 5, y0 + j * 5] for i in range(10) for j in range(10)], float)
        copymove.verify(y, src, src + [dx, dy], scale, DEFAULT.tamper)


def test_watermark_index_on_a_flat_grey_copy():
    # before: ValueError "zero-size array to reduction operation maximum"
    import numpy as np

    from idcheck.image.checks.watermark import lattice_index

    index, _ = lattice_index(np.full((200, 300), 128, np.uint8))
    assert index == 0.0
