"""A photo re-sent through a chat app (downscaled, re-saved at quality 45-75) is untouched: no local edit."""

import io

import numpy as np
import pytest
from PIL import Image

import idcheck
import idcheck.tamper.checks  # noqa: F401  (registers the checks)
from fixtures import docgen


@pytest.mark.parametrize("seed", [0, 2, 4, 6])
def test_a_downscaled_low_quality_copy_gives_no_local_edit(seed):
    rng = np.random.default_rng(seed)
    photo, _ = docgen.make_photo(docgen.KINDS[seed % 2], rng, [], background=docgen.BACKGROUNDS[seed % 5])
    small = Image.fromarray(np.clip(photo, 0, 255).astype(np.uint8)).resize((1200, 900), Image.Resampling.LANCZOS)
    for quality in (45, 60, 75):
        buf = io.BytesIO()
        small.save(buf, "JPEG", quality=quality)
        report = idcheck.check(buf.getvalue())
        assert not [f for f in report.findings if f.code == "tamper.local_edit"], (seed, quality)


def test_a_photo_of_a_screen_is_no_copy_move():
    """A screen's pixel grid repeats every few pixels: two places a period apart share the "noise" without any
    copying (the demo's idcard-recapture.jpg was a copy-move error before the periodicity guard)."""
    sample = dict(docgen.sample_set(2026))
    report = idcheck.check(sample["idcard-recapture.jpg"])
    assert not [f for f in report.findings if f.code == "tamper.local_edit"]
