"""benchmarks.watermark_real's overlays: the held-out styles differ from the tuned ones, and the overlay is what an app
lays (a tiled, semi-transparent phrase: more opaque -> a larger change; its rows at the style's tilt)."""

import dataclasses

import numpy as np
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from PIL import Image

from benchmarks.watermark_real import HELDOUT, STYLES, overlay
from tests.strategies import examples


def _paper(w=480, h=320):
    return Image.fromarray(np.full((h, w, 3), 230, np.uint8))


def test_heldout_styles_differ_from_the_tuned_ones():
    tuned = {(s.text, s.angle_deg, s.size, s.row_gap) for s in STYLES}
    assert all((s.text, s.angle_deg, s.size, s.row_gap) not in tuned for s in HELDOUT)
    assert {s.text for s in HELDOUT}.isdisjoint({s.text for s in STYLES})
    assert any(s.angle_deg < 0 for s in HELDOUT) and min(abs(s.angle_deg) for s in HELDOUT) <= 15
    assert max(abs(s.angle_deg) for s in HELDOUT) >= 60
    assert any(s.stagger == 0.0 for s in HELDOUT)


@hsettings(max_examples=examples(12), deadline=None)
@given(k=st.integers(0, len(STYLES) + len(HELDOUT) - 1), lo=st.floats(0.1, 0.3), step=st.floats(0.15, 0.4))
def test_a_more_opaque_watermark_changes_the_picture_more(k, lo, step):
    style = (STYLES + HELDOUT)[k]
    paper = _paper()
    base = np.asarray(paper, np.float32)
    faint = np.abs(np.asarray(overlay(paper, dataclasses.replace(style, alpha=lo)), np.float32) - base).sum()
    strong = np.abs(np.asarray(overlay(paper, dataclasses.replace(style, alpha=lo + step)), np.float32) - base).sum()
    assert faint > 0
    assert strong > faint * 1.2


def test_the_rows_run_at_the_styles_tilt():
    # the marked pixels' principal direction over a large blank page follows the rows' tilt (sign included)
    for style in HELDOUT:
        marked = np.asarray(overlay(_paper(900, 900), dataclasses.replace(style, alpha=0.9, gap=0.3, row_gap=12.0)))
        ys, xs = np.nonzero(np.abs(marked.astype(int) - 230).sum(axis=2) > 60)
        # one row only: the pixels nearest the centre row (rows are 12 font sizes apart)
        fs = style.size * 900
        rot = np.radians(style.angle_deg)
        across = -(xs - 450) * np.sin(rot) - (ys - 450) * np.cos(rot)  # distance from the row through the centre
        near = np.abs(across - np.median(across[np.abs(across) < 6 * fs])) < fs
        x, y = xs[near] - xs[near].mean(), ys[near] - ys[near].mean()
        angle = np.degrees(0.5 * np.arctan2(2 * (x * y).mean(), (x * x).mean() - (y * y).mean()))
        assert abs(-angle - style.angle_deg) < 6, (style.name, angle)


def test_the_bases_are_every_picture_of_a_folder_without_labels_or_the_labelled_corners_crops(tmp_path):
    from PIL import Image

    from benchmarks.watermark_real import _base_picture, _bases

    assert _bases(str(tmp_path / "absent"), "photos") is None
    for name in ("b.png", "a.jpg"):
        Image.new("RGB", (40, 30), (200, 190, 180)).save(tmp_path / name)
    (tmp_path / "notes.txt").write_text("not a picture")
    assert [p["file"] for p in _bases(str(tmp_path), "photos")] == ["a.jpg", "b.png"]
    # no hand-labelled corners for this folder (benchmarks/labels/<folder>-outlines.jsonl): nothing to cut out
    assert _bases(str(tmp_path), "crop") == []
    crop = _base_picture(str(tmp_path), {"file": "a.jpg", "quad": [[5, 5], [35, 5], [35, 25], [5, 25]]}, "crop")
    assert crop.size == (30, 20)
