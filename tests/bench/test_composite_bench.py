"""benchmarks.composite: the collages are what they say, and the summary counts what it says."""

from __future__ import annotations

import numpy as np

from benchmarks import composite as cb


def test_photos_are_put_together_at_one_scale_with_the_gap_between():
    rng = np.random.default_rng(0)
    a = rng.integers(0, 256, (300, 400, 3), dtype=np.uint8)
    b = rng.integers(0, 256, (500, 250, 3), dtype=np.uint8)
    above, a1, b1 = cb.put_together(a, b, "above, grey gap")
    assert a1.shape[1] == b1.shape[1] == cb.PHOTO_SIDE
    assert above.shape == (a1.shape[0] + cb.GAP + b1.shape[0], cb.PHOTO_SIDE, 3)
    assert (above[a1.shape[0]:a1.shape[0] + cb.GAP] == cb.GREY).all()
    beside, a2, b2 = cb.put_together(a, b, "beside, grey gap")
    assert a2.shape[0] == b2.shape[0] == cb.PHOTO_SIDE
    assert beside.shape == (cb.PHOTO_SIDE, a2.shape[1] + cb.GAP + b2.shape[1], 3)
    white, a3, _ = cb.put_together(a, b, "above, white gap")
    assert (white[a3.shape[0]:a3.shape[0] + cb.GAP] == cb.WHITE).all()


def test_the_summary_counts_photos_judged_as_alone_and_errors_gained_and_lost():
    records = [
        {"composite": True, "screenshot": False, "photos": [
            {"same": True, "errors_gained": [], "errors_lost": []},
            {"same": False, "errors_gained": ["document.corner_missing:error"], "errors_lost": []}]},
        {"composite": False, "screenshot": True, "photos": [
            {"same": False, "errors_gained": ["image.screenshot:error"], "errors_lost": ["image.grayscale:error"]},
            {"same": False, "errors_gained": ["image.screenshot:error"], "errors_lost": []}]},
    ]
    s = cb.summarise(records)
    assert (s["pictures"], s["composites_found"], s["screenshot_findings"], s["photos"]) == (2, 1, 1, 4)
    assert s["photos_judged_as_alone"] == 1
    assert s["errors_gained"] == {"document.corner_missing:error": 1, "image.screenshot:error": 2}
    assert s["errors_lost"] == {"image.grayscale:error": 1}
