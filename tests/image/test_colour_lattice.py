"""image.colour_lattice: a coloured phrase tiled at a tilt over a picture repeats in its chroma; print, coloured
guilloche and axis-aligned colour grids do not make a tilted isolated repeat."""

import dataclasses

import cv2
import numpy as np
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from PIL import Image

from benchmarks.watermark_real import HELDOUT, STYLES, overlay
from idcheck.config import DEFAULT
from idcheck.image.colour_lattice import lattice_measures, lattice_peak
from tests.strategies import examples

THRESHOLD = DEFAULT.watermark.min_colour_lattice


def _document(seed=0, w=800, h=560):
    """A light card on a darker desk: noise, black print in rows along the axes, a coloured portrait block."""
    rng = np.random.default_rng(seed)
    img = np.full((h, w, 3), (70, 60, 50), np.uint8)
    img[60:h - 60, 60:w - 60] = (225, 222, 215)
    for i, y in enumerate(range(110, h - 100, 34)):
        cv2.putText(img, f"NAME {seed * 97 + i * 13:05d} DOMAIN HOLDER", (300, y), cv2.FONT_HERSHEY_SIMPLEX, 0.7,
                    (20, 20, 20), 2)
    img[120:360, 90:260] = rng.integers(60, 200, 3)
    noisy = img.astype(np.int16) + rng.normal(0, 3, img.shape).astype(np.int16)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def _marked(doc, style, alpha):
    return np.asarray(overlay(Image.fromarray(doc), dataclasses.replace(style, alpha=alpha)))


COLOURED = [s for s in STYLES + HELDOUT if max(s.colour) - min(s.colour) >= 80]


def test_a_coloured_tiled_phrase_is_found_and_the_bare_document_is_not():
    # at the working size (1600 px); a sparse phrase (rows 5 font sizes apart, 4 between phrases) repeats too few
    # times in the picture and stays under the threshold: a known miss, still well above the bare document
    for seed in range(2):
        doc = _document(seed, 1600, 1120)
        bare = lattice_peak(doc)[0]
        assert bare < THRESHOLD / 2, seed
        for style in COLOURED:
            peak, (dx, dy) = lattice_peak(_marked(doc, style, 0.3))
            assert dx != 0 and dy != 0  # a tilted displacement
            if "sparse" in style.name:
                assert peak > 2 * bare, (seed, style.name, peak, bare)
            else:
                assert peak >= THRESHOLD, (seed, style.name, peak)


@hsettings(max_examples=examples(10), deadline=None)
@given(k=st.integers(0, len(COLOURED) - 1), alpha=st.floats(0.04, 0.1), seed=st.integers(0, 20))
def test_a_more_opaque_watermark_scores_higher(k, alpha, seed):
    # below the stroke clip (a faint overlay); above it every stroke weighs alike and the score levels off
    doc = _document(seed)
    # the peak itself (lattice_peak also sets it to 0 when it is a cross term, as a faint one can be)
    faint = lattice_measures(_marked(doc, COLOURED[k], alpha))[0]
    strong = lattice_measures(_marked(doc, COLOURED[k], alpha + 0.15))[0]
    assert strong > faint


def test_coloured_guilloche_and_an_axis_grid_are_not_a_watermark():
    h, w = 560, 800
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    doc = _document(5)
    # fine, continuous wavy lines in pale green and pink (the security print of an ID card), every 5 px
    wave = 0.5 + 0.5 * np.sin(2 * np.pi * (yy + 6 * np.sin(2 * np.pi * xx / 90)) / 5.0)
    guil = doc.astype(np.float32)
    guil[..., 0] -= 40 * wave
    guil[..., 2] -= 30 * (1 - wave)
    assert lattice_peak(np.clip(guil, 0, 255).astype(np.uint8))[0] < THRESHOLD
    # a red form's table: lines along the picture's axes every 40 x 28 px
    grid = doc.copy()
    grid[::28, :, 1:] = 60
    grid[:, ::40, 1:] = 60
    assert lattice_peak(grid)[0] < THRESHOLD


def test_a_grey_watermark_has_no_chroma_to_repeat():
    # the measure's stated blind spot: a grey phrase shifts no colour (the spectral and text-row evidence remain)
    grey = next(s for s in STYLES if s.colour[0] == s.colour[1] == s.colour[2])
    assert lattice_peak(_marked(_document(1), grey, 0.4))[0] < THRESHOLD


def test_the_check_reports_it_only_when_switched_on():
    import io

    import idcheck
    from idcheck.config import Config

    def run(rgb, on):
        buf = io.BytesIO()
        Image.fromarray(rgb).save(buf, "JPEG", quality=90)
        # (the faint strokes' repeat, which finds this phrase too, held off: this is the chroma's own test)
        cfg = Config.from_dict({"watermark": {"colour_lattice": on, "min_phrase_repeat": 1e9}})
        report = idcheck.check(buf.getvalue(), config=cfg)
        return [f for f in report.findings if f.code == "document.watermark"]

    # a red phrase over a plain coloured surface: no print for the text detector, no outline for the spectrum
    plain = np.full((1120, 1600, 3), (200, 190, 170), np.uint8)
    marked = _marked(plain, STYLES[1], 0.3)
    found = run(marked, True)
    assert found and found[0].details["evidence"] == "coloured phrase repeated at a tilt", found
    assert found[0].measured.value >= THRESHOLD
    assert not run(marked, False)
    assert not run(plain, True)
