"""Faint strokes at one tilt (idcheck.image.stroke_tilt): a phrase laid over a flattened document at an angle."""

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from idcheck.config import DEFAULT
from idcheck.image import stroke_tilt
from idcheck.image.stroke_tilt import tilted_strokes

from .conftest import photo, run

W, H = 1000, 630  # a flattened ID card, px
CFG = DEFAULT.watermark


def _glyphs(rng: np.random.Generator, size: int, width: int, height: int, gap: float, row_gap: float) -> np.ndarray:
    """A layer (H x W float32, 0-1) of CJK-like characters (horizontal and vertical strokes in a box) set in rows."""
    layer = np.zeros((height, width), np.float32)
    stroke = max(1, size // 9)
    y = size
    while y < height - size:
        x = size // 2
        while x < width - size:
            for _ in range(rng.integers(3, 6)):
                if rng.random() < 0.5:  # a horizontal stroke
                    yy = y + int(rng.integers(0, size))
                    x0, x1 = sorted(int(v) for v in x + rng.integers(0, size, 2))
                    cv2.line(layer, (x0, yy), (max(x1, x0 + size // 3), yy), 1.0, stroke)
                else:  # a vertical one
                    xx = x + int(rng.integers(0, size))
                    y0, y1 = sorted(int(v) for v in y + rng.integers(0, size, 2))
                    cv2.line(layer, (xx, y0), (xx, max(y1, y0 + size // 3)), 1.0, stroke)
            x += int(size * gap)
        y += int(size * row_gap)
    return layer


def _document(seed: int = 0) -> np.ndarray:
    """A pale card with rows of black print along its sides (grey, H x W uint8)."""
    rng = np.random.default_rng(seed)
    paper = np.full((H, W), 232.0, np.float32) + rng.normal(0, 2.0, (H, W)).astype(np.float32)
    ink = _glyphs(rng, 22, W, H, 1.15, 2.2)
    return np.clip(paper - 200 * ink, 0, 255).astype(np.uint8)


def _phrase_layer(width: int, height: int, angle_deg: float, seed: int, size: int = 34) -> np.ndarray:
    """A phrase of characters tiled in rows turned by ``angle_deg`` (counter-clockwise as seen), 0-1, height x width."""
    rng = np.random.default_rng(seed)
    span = int(np.hypot(width, height)) + 40
    layer = _glyphs(rng, size, span, span, 1.2, 3.0)
    m = cv2.getRotationMatrix2D((span / 2, span / 2), angle_deg, 1.0)
    m[:, 2] -= [(span - width) / 2, (span - height) / 2]
    return cv2.warpAffine(layer, m, (width, height), flags=cv2.INTER_LINEAR)


def _overlay(gray: np.ndarray, angle_deg: float, alpha: float, seed: int = 1, grey: float = 110.0) -> np.ndarray:
    """``gray`` with a phrase tiled over it at a tilt, semi-transparent (``alpha``), as watermark apps lay it."""
    layer = _phrase_layer(W, H, angle_deg, seed)
    out = gray.astype(np.float32) * (1 - alpha * layer) + grey * alpha * layer
    return np.clip(out, 0, 255).astype(np.uint8)


def _found(peak) -> bool:
    return peak is not None and peak.prominence >= CFG.min_stroke_tilt and peak.pair_prominence >= CFG.min_stroke_pair


def test_a_clean_document_has_no_tilted_strokes():
    for seed in range(3):
        peak = tilted_strokes(_document(seed))
        assert peak is not None and not _found(peak), peak


@pytest.mark.parametrize("angle", [20, 30, 45, -35, 60])
def test_a_phrase_tiled_at_a_tilt_is_found_at_its_angle(angle):
    peak = tilted_strokes(_overlay(_document(), angle, 0.3))
    assert _found(peak), peak
    # the strokes lie at the angle and its perpendicular: folded onto 0-90 degrees, the picture's y axis points down
    expected = (-angle) % 90
    assert min(abs(peak.angle_deg - expected), 90 - abs(peak.angle_deg - expected)) <= 3


@settings(max_examples=10, deadline=None)
@given(st.sampled_from([25, 40, -30]), st.integers(0, 50))
def test_a_more_opaque_phrase_stands_out_more(angle, seed):
    doc = _document(seed)
    faint, clear = (tilted_strokes(_overlay(doc, angle, a, seed=seed + 1)) for a in (0.12, 0.35))
    assert faint is not None and clear is not None
    assert clear.prominence > faint.prominence


def test_one_family_of_slanted_lines_is_not_text():
    """A logo's stripes or a triangle's side run one way: no perpendicular strokes, no watermark."""
    doc = _document(2).astype(np.float32)
    lines = np.zeros((H, W), np.float32)
    for k in range(-H, W, 18):
        cv2.line(lines, (k, H), (k + int(H / np.tan(np.radians(60))), 0), 1.0, 2)
    striped = np.clip(doc * (1 - 0.3 * lines) + 110 * 0.3 * lines, 0, 255).astype(np.uint8)
    peak = tilted_strokes(striped)
    assert peak is not None and peak.prominence >= CFG.min_stroke_tilt  # one direction stands out ...
    assert peak.pair_prominence < CFG.min_stroke_pair and not _found(peak)  # ... but not its perpendicular


def test_too_little_to_measure_says_none():
    assert tilted_strokes(np.full((20, 400), 200, np.uint8)) is None
    assert tilted_strokes(np.full((300, 400), 200, np.uint8)) is None  # no faint edge at all
    valid = np.zeros((300, 400), np.uint8)
    assert tilted_strokes(_document()[:300, :400], valid) is None


def test_the_check_reports_the_strokes_on_a_photo_whose_lattice_stays_quiet(monkeypatch):
    """Through document.watermark: with the lattice index out of reach, a tilted phrase over a generated card is
    found by its strokes' directions, and the same card without it is not."""
    import idcheck.image.checks.watermark as watermark

    monkeypatch.setattr(watermark, "lattice_index", lambda *a, **k: (0.0, {}))
    clean, _ = photo("id_card", seed=3, background="wood")
    _, findings = run(clean)
    assert not [f for f in findings if f.code == "document.watermark"]
    h, w = clean.shape[:2]
    # over the whole picture, as apps lay it; opaque enough for the card's own fine print and guilloche (which
    # dilute the strokes' directions: at alpha 0.3 this card measures 1.19)
    layer = _phrase_layer(w, h, 30, seed=4, size=28)[..., None] * 0.5
    marked = np.clip(clean * (1 - layer) + np.array([120, 120, 120]) * layer, 0, 255).astype(np.uint8)
    _, findings = run(marked)
    found = [f for f in findings if f.code == "document.watermark"]
    assert found and found[0].details["evidence"].startswith("faint strokes")


@pytest.mark.parametrize("prominence, asks", [(1.1, False), (1.5, True)])
def test_strokes_leaning_too_weakly_to_say_ask_the_text_detector_for_tilted_rows(monkeypatch, prominence, asks):
    """Under watermark.min_stroke_tilt but over watermark.rows_from_stroke_tilt, the strokes' tilt is a question:
    the text detector's rows at a tilt answer it (a finding "tilted rows of text"); under it, the detector is not
    run at all."""
    import idcheck.image.checks.watermark as watermark
    from idcheck.image.stroke_tilt import TiltPeak

    from .test_tilted_text import _print, _rows

    cfg = DEFAULT.watermark
    assert cfg.rows_from_stroke_tilt < prominence < cfg.min_stroke_tilt or prominence < cfg.rows_from_stroke_tilt
    monkeypatch.setattr(watermark, "lattice_index", lambda *a, **k: (0.0, {}))
    monkeypatch.setattr(watermark, "tilted_strokes", lambda *a, **k: TiltPeak(30.0, prominence, prominence))
    clean, _ = photo("id_card", seed=3, background="wood")
    ctx, _ = run(clean)
    assert ctx.document_confident and ctx.document.confidence >= cfg.min_outline_confidence
    ctx.__dict__.pop("text_lines", None)
    asked = []

    def lines(self):  # the detector's answer: the page's print and five rows at -30 degrees across it
        asked.append(True)
        return _print() + _rows()

    monkeypatch.setattr(type(ctx), "text_lines", property(lines))
    found = list(watermark.check_watermark(ctx))
    assert bool(asked) == asks
    assert [f.details["evidence"] for f in found] == (["tilted rows of text"] if asks else [])


def test_degree_bins_are_the_truncated_angles_modulo_180():
    """The folding table gives each phase (float32 degrees, 0-360 as OpenCV's phase has them) the bin its float angle
    modulo 180, truncated, had."""
    rng = np.random.default_rng(0)
    edges = np.array([0.0, 0.5, 179.0, 179.99998, 180.0, 180.00002, 359.0, 359.99997, 360.0], np.float32)
    ph = np.concatenate([edges, (rng.random(200_000) * 360).astype(np.float32)])
    want = np.minimum((ph % 180.0).astype(np.int32), 179)
    assert np.array_equal(stroke_tilt._DEGREE_BIN[ph.astype(np.intp)], want)
