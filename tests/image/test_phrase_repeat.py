"""image.phrase_repeat: a phrase tiled over a document repeats glyph for glyph at a tilted shift; the document's own
print, and a patch of tilted security print, do not make such a repeat."""

import cv2
import numpy as np
import pytest

from fixtures import docgen
from idcheck.config import Config
from idcheck.image.autocorr import autocorrelation, isolated_peak
from idcheck.image.phrase_repeat import MIN_SHIFT, colour_phrase_repeat, phrase_repeat

from .test_watermark_frame import _page

CFG = Config().watermark


def _tiled_phrase(shape, angle_deg=30.0, font_share=0.045, seed=0):
    """A 0-1 mask of one Latin phrase tiled in staggered rows over ``shape`` (h, w), rotated by ``angle_deg``."""
    h, w = shape
    diag = int(np.hypot(w, h)) + 20
    layer = np.zeros((diag, diag), np.uint8)
    scale = font_share * min(h, w) / 22.0  # Hershey simplex: about 22 px high at scale 1
    text = "FOR VERIFICATION ONLY"
    (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 2)
    step, row_gap = tw + 2 * th, int(3 * th)
    for row, y in enumerate(range(th, diag, row_gap)):
        x = -(row % 2) * step // 2
        while x < diag:
            cv2.putText(layer, text, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, 255, 2, cv2.LINE_AA)
            x += step
    rot = cv2.warpAffine(layer, cv2.getRotationMatrix2D((diag / 2, diag / 2), angle_deg, 1.0), (diag, diag))
    y0, x0 = (diag - h) // 2, (diag - w) // 2
    return rot[y0:y0 + h, x0:x0 + w].astype(np.float32) / 255.0


def _overlay(page, alpha, colour=(120, 120, 120), **kw):
    a = _tiled_phrase(page.shape[:2], **kw)[..., None] * alpha
    return np.clip(page * (1 - a) + np.array(colour, np.float32) * a, 0, 255).astype(np.uint8)


def _gray(rgb):
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)


def _found(rep):
    return (rep is not None and rep.peak >= CFG.min_phrase_repeat and rep.peak >= CFG.min_phrase_over_parents
            * rep.parents and rep.phrase_like and rep.spread >= CFG.min_phrase_spread)


LATTICE_U, LATTICE_V = np.array([70, 40]), np.array([-30, 75])
LATTICE = {tuple(a * LATTICE_U + b * LATTICE_V) for a in range(-3, 4) for b in range(-3, 4)}


def _stamped_lattice(rng):
    """A 400 x 512 layer: one random 15 px patch stamped at the points of a tilted lattice (LATTICE_U, LATTICE_V)."""
    patch = rng.normal(0, 1, (15, 15)).astype(np.float32)
    layer = np.zeros((400, 512), np.float32)
    for i in range(-12, 13):
        for j in range(-12, 13):
            x, y = 250 + i * LATTICE_U + j * LATTICE_V
            if 0 <= x < 512 - 15 and 0 <= y < 400 - 15:
                layer[y:y + 15, x:x + 15] += patch
    return layer


def test_the_peak_is_the_layers_own_repeat_vector():
    layer = _stamped_lattice(np.random.default_rng(1))
    layer -= layer.mean()
    peak, shift, parents = isolated_peak(autocorrelation(layer), 0.06, 0.6, 10.0)
    assert shift in LATTICE and peak > 0.3
    assert parents < 0.1 * peak  # a tilted lattice has no parents on the axes


def test_a_partly_whitened_spectrum_sharpens_a_repeat_under_strong_rows():
    # the same stamped lattice under strong rows of "print" 24 px apart and noise: the rows' few strong periods take
    # most of the energy; raised to the power 0.75 they weigh less, and the lattice's peak stands out more
    rng = np.random.default_rng(1)
    layer = _stamped_lattice(rng)
    layer[::24, :] += 4.0
    layer[1::24, :] += 4.0
    layer += rng.normal(0, 0.5, layer.shape).astype(np.float32)
    layer -= layer.mean()
    plain = isolated_peak(autocorrelation(layer), 0.06, 0.6, 10.0)
    whitened = isolated_peak(autocorrelation(layer, spectrum_power=0.75), 0.06, 0.6, 10.0)
    assert whitened[1] in LATTICE
    assert whitened[0] > 2 * plain[0]


def test_a_faint_tiled_phrase_repeats_and_the_print_does_not():
    page = _page((900, 640), seed=4)
    assert not _found(phrase_repeat(_gray(page), CFG.print_below_paper, spread_from=CFG.min_phrase_repeat))
    for angle in (30.0, -35.0, 60.0):
        marked = _overlay(page, 0.25, angle_deg=angle)
        rep = phrase_repeat(_gray(marked), CFG.print_below_paper, spread_from=CFG.min_phrase_repeat)
        assert _found(rep), (angle, rep)
        assert np.hypot(*rep.shift) >= MIN_SHIFT * 512 * 640 / 900


def test_more_opacity_a_stronger_repeat():
    page = _page((900, 640), seed=6)
    peaks = [phrase_repeat(_gray(_overlay(page, a))).peak for a in (0.08, 0.2, 0.45)]
    assert peaks[0] < peaks[1] < peaks[2]


def test_a_patch_of_tilted_security_print_does_not_hold_across_the_document():
    # a fine diamond lattice (two families of lines at +-45 degrees, 26 px apart) printed over the top-left third
    page = _page((900, 640), seed=7)
    h, w = page.shape[:2]
    pattern = np.zeros((h, w), np.uint8)
    for c in range(-h, w + h, 26):
        cv2.line(pattern, (c, 0), (c + h, h), 255, 1, cv2.LINE_AA)
        cv2.line(pattern, (c, 0), (c - h, h), 255, 1, cv2.LINE_AA)
    pattern[int(0.4 * h):, :] = 0
    pattern[:, int(0.4 * w):] = 0
    a = pattern.astype(np.float32)[..., None] / 255.0 * 0.35
    guilloche = np.clip(page * (1 - a) + np.array((200, 120, 150), np.float32) * a, 0, 255).astype(np.uint8)
    rep = phrase_repeat(_gray(guilloche), CFG.print_below_paper, spread_from=0.0)
    assert not _found(rep), rep


@pytest.mark.parametrize("seed", [0, 3])
def test_generated_documents_with_guilloche_are_not_called_watermarked(seed):
    rng = np.random.default_rng(seed)
    for kind in ("id_card", "business_license"):
        doc, _ = docgen.render_document(kind, rng)
        rep = phrase_repeat(_gray(doc.astype(np.uint8)), CFG.print_below_paper, spread_from=CFG.min_phrase_repeat)
        assert not _found(rep), (kind, rep)
        # their tinted guilloche, red seal and titles repeat no more in the chroma
        rep = colour_phrase_repeat(doc.astype(np.uint8), CFG.print_below_paper, spread_from=CFG.min_phrase_repeat)
        assert not _found(rep), (kind, "colour", rep)


# a pink, an orange and a pale blue of the paper's own grey (BT.601 luma 233-237 against the paper's 233): blended
# over it, the phrase changes the chroma, and the grey hardly at all
PAPER_GREY_COLOURS = [(250, 222, 250), (255, 215, 200), (200, 235, 255)]


@pytest.mark.parametrize("colour", PAPER_GREY_COLOURS)
def test_a_coloured_phrase_the_grey_misses_repeats_in_the_chroma(colour):
    page = _page((900, 640), seed=4)
    marked = _overlay(page, 0.3, colour=colour, angle_deg=30.0)
    assert not _found(phrase_repeat(_gray(marked), CFG.print_below_paper, spread_from=CFG.min_phrase_repeat))
    rep = colour_phrase_repeat(marked, CFG.print_below_paper, spread_from=CFG.min_phrase_repeat)
    assert _found(rep), rep
    # and the page alone does not repeat in its chroma
    assert not _found(colour_phrase_repeat(page, CFG.print_below_paper, spread_from=CFG.min_phrase_repeat))


def test_more_opacity_a_stronger_colour_repeat():
    page = _page((900, 640), seed=6)
    peaks = [colour_phrase_repeat(_overlay(page, a, colour=(220, 40, 40))).peak for a in (0.08, 0.2, 0.45)]
    assert peaks[0] < peaks[1] < peaks[2]


def test_a_grey_picture_has_no_colour_repeat():
    grey = _gray(_overlay(_page((900, 640), seed=4), 0.3, angle_deg=30.0))
    rep = colour_phrase_repeat(np.repeat(grey[..., None], 3, axis=2))
    assert rep is not None and rep.peak == 0.0 and not _found(rep)


def test_the_check_reports_the_repeat_when_the_other_measures_say_nothing():
    from dataclasses import replace

    from idcheck.image.context import DecodedImage, ImageContext
    from idcheck.pipeline import run_checks

    page = _overlay(_page(), 0.22, angle_deg=25.0)
    base = Config()
    # the spectrum and the strokes' directions turned off: what is found comes from the repeat alone
    quiet = replace(base.watermark, min_lattice=1e9, min_stroke_tilt=1e9, rows_from_stroke_tilt=1e9)

    def watermark_findings(cfg):
        ctx = ImageContext(DecodedImage(page, (page.shape[1], page.shape[0]), "jpeg", "RGB"),
                           replace(base, watermark=cfg))
        return ctx, [f for f in run_checks(ctx, {}) if f.code == "document.watermark"]

    ctx, marks = watermark_findings(quiet)
    if not (ctx.frame_document or ctx.document_confident):
        pytest.skip("the page is neither outlined surely nor read as the picture (no text detector here)")
    assert marks and marks[0].details["evidence"] == "faint strokes repeating at a tilted shift"
    assert marks[0].details["spread"] >= base.watermark.min_phrase_spread
    _, marks = watermark_findings(replace(quiet, min_phrase_repeat=1e9))
    assert not marks


def test_the_check_reports_a_coloured_repeat_the_grey_misses():
    from dataclasses import replace

    from idcheck.image.context import DecodedImage, ImageContext
    from idcheck.pipeline import run_checks

    page = _overlay(_page(), 0.3, colour=PAPER_GREY_COLOURS[0], angle_deg=25.0)
    base = Config()
    quiet = replace(base.watermark, min_lattice=1e9, min_stroke_tilt=1e9, rows_from_stroke_tilt=1e9)
    ctx = ImageContext(DecodedImage(page, (page.shape[1], page.shape[0]), "jpeg", "RGB"),
                       replace(base, watermark=quiet))
    marks = [f for f in run_checks(ctx, {}) if f.code == "document.watermark"]
    if not (ctx.frame_document or ctx.document_confident):
        pytest.skip("the page is neither outlined surely nor read as the picture (no text detector here)")
    assert marks and marks[0].details["evidence"] == "faint coloured strokes repeating at a tilted shift"
    measures = ctx.extra["measures"]
    assert measures["watermark_phrase_colour_repeat"] >= 2 * measures["watermark_phrase_repeat"]


def test_a_repeat_over_part_of_the_document_does_not_spread():
    from idcheck.image.phrase_repeat import repeat_spread

    rng = np.random.default_rng(2)
    patch = rng.normal(0, 1, (12, 12)).astype(np.float32)
    whole = np.zeros((360, 512), np.float32)
    for y in range(0, 360 - 12, 40):
        for x in range((y // 40) * 17 % 60, 512 - 12, 60):
            whole[y:y + 12, x:x + 12] = patch
    part = whole.copy()
    part[130:, :] = 0
    part[:, 180:] = 0
    shift = (17, 40)  # the next row's copy
    assert repeat_spread(whole - whole.mean(), shift) >= 0.88
    assert repeat_spread(part - part.mean(), shift) <= 0.34


def _rows_at(angle_deg, size, n=8):
    """``n`` long text-line quads at ``angle_deg`` spread over a picture of ``size`` (w, h), reaching every side."""
    w, h = size
    t = np.radians(angle_deg)
    d, nrm = np.array([np.cos(t), np.sin(t)]), np.array([-np.sin(t), np.cos(t)])
    centre, half = np.array([w / 2, h / 2]), 0.75 * np.hypot(w, h)
    quads = []
    for k in np.linspace(-0.45, 0.45, n) * np.hypot(w, h):
        c = centre + k * nrm
        a, b = c - half * d, c + half * d
        quad = np.array([a - 8 * nrm, b - 8 * nrm, b + 8 * nrm, a + 8 * nrm], np.float32)
        quads.append(np.clip(quad, [1, 1], [w - 2, h - 2]).astype(np.float32))
    return quads


def test_print_filling_the_picture_at_a_tilt_is_read_for_the_repeat_alone():
    # the detector found only an app's rows (at 30 degrees, reaching every side): the picture is not a frame document
    # (its print is not square to it), yet the phrase's repeat over the whole picture tells the watermark
    from idcheck.image.checks.watermark import check_watermark

    from .conftest import context

    marked = _overlay(_page((900, 1200), seed=8), 0.3, angle_deg=30.0)
    clean = _page((900, 1200), seed=8)
    for rgb, expect in ((marked, True), (clean, False)):
        ctx = context(rgb)
        ctx.__dict__["document"] = None
        ctx.__dict__["text_lines"] = _rows_at(30.0, (ctx.width, ctx.height))
        assert ctx.print_fills_picture and not ctx.frame_document
        found = list(check_watermark(ctx))
        assert bool(found) == expect
        if found:
            assert found[0].details["evidence"] == "faint strokes repeating at a tilted shift"
            assert found[0].details["read"] == "the whole picture"


def _scene(weave_px, base):
    """A page (800 x 740) on cloth of grey ``base`` in a 1200 x 900 picture; a weave of rows and columns of
    ``weave_px`` px in the cloth (none: 0)."""
    rng = np.random.default_rng(weave_px)
    h, w = 900, 1200
    yy, xx = np.mgrid[0:h, 0:w]
    cloth = base + 4 * rng.normal(size=(h, w))
    if weave_px:
        cloth += 12 * np.sin(2 * np.pi * xx / weave_px) * np.sin(2 * np.pi * yy / weave_px)
    scene = np.repeat(np.clip(cloth, 0, 255)[..., None], 3, axis=2).astype(np.uint8)
    scene[80:80 + 740, 200:200 + 800] = _page((800, 740), seed=9)
    return scene


@pytest.mark.parametrize("background", ["wood", "desk"])
def test_a_phrase_tiled_over_the_whole_photo_repeats_in_the_picture_as_taken(background):
    # an app tiles its phrase in the picture's own frame, over the licence and the desk alike: the picture as taken
    # repeats by an exact translation; the same photo without it does not
    from idcheck.image.checks.watermark import _picture_repeat

    from .conftest import context, photo

    licence, _ = photo("business_license", seed=3, background=background)
    ctx = context(licence)
    assert ctx.document_confident
    assert _picture_repeat(ctx) == []
    found = _picture_repeat(context(_overlay(licence, 0.3, colour=(200, 40, 40), angle_deg=35.0)))
    assert found and found[0].details["read"] == "the whole picture as taken"
    assert found[0].details["evidence"] == "faint strokes repeating at a tilted shift"


def test_without_a_sure_outline_the_picture_as_taken_is_read_along_its_print():
    # no outline to tell the directions the print runs in: the text lines the document stage read tell them
    from idcheck.image.checks.watermark import _picture_repeat, print_direction

    from .conftest import context

    ctx = context(_overlay(_scene(0, 150), 0.3, colour=(200, 40, 40), angle_deg=35.0))
    assert not ctx.document_confident
    assert abs(print_direction(ctx.text_lines_if_found, 1)) < 2.0
    found = _picture_repeat(ctx)
    assert found and found[0].details["read"] == "the whole picture as taken"
    page = context(_scene(0, 150))
    assert not page.document_confident and _picture_repeat(page) == []


@pytest.mark.parametrize("turn_deg", [-25.0, 20.0])
def test_a_page_turned_in_the_picture_is_no_watermark(turn_deg):
    # its rows and columns repeat at a tilt to the picture's axes (a receipt scanned at a turn was once called
    # watermarked): they are the print's own directions, read from its lines
    from idcheck.image.checks.watermark import _picture_repeat, print_direction

    from .conftest import context

    scene = _scene(0, 150)
    M = cv2.getRotationMatrix2D((600, 450), turn_deg, 1.0)
    turned = cv2.warpAffine(scene, M, (1200, 900), borderValue=(150, 150, 150))
    ctx = context(turned)
    assert not ctx.document_confident  # (the document stage runs: it reads the print)
    along = print_direction(ctx.text_lines_if_found, 1)
    assert along is not None and abs(abs(along) - abs(turn_deg)) < 3.0
    assert _picture_repeat(ctx) == []


def test_without_a_sure_outline_or_print_nothing_is_read():
    from idcheck.image.checks.watermark import _picture_repeat, print_direction

    from .conftest import context

    cloth = np.repeat(np.clip(150 + 4 * np.random.default_rng(1).normal(size=(900, 1200)), 0, 255)[..., None], 3,
                      axis=2).astype(np.uint8)
    ctx = context(_overlay(cloth, 0.3, colour=(200, 40, 40), angle_deg=35.0))
    assert ctx.document is None or not ctx.document_confident  # (the document stage runs: it reads the print)
    assert print_direction(ctx.text_lines_if_found, 1) is None
    assert _picture_repeat(ctx) == []


def test_the_print_direction_is_the_lines_median_turn():
    from idcheck.image.checks.watermark import print_direction

    def box(deg, cx=100.0, cy=100.0, length=80.0, height=12.0):
        t = np.radians(deg)
        u, v = np.array([np.cos(t), np.sin(t)]), np.array([-np.sin(t), np.cos(t)])
        c = np.array([cx, cy])
        return np.array([c - u * length / 2 - v * height / 2, c + u * length / 2 - v * height / 2,
                         c + u * length / 2 + v * height / 2, c - u * length / 2 + v * height / 2])

    assert print_direction([box(10.0), box(12.0), box(11.0)], 3) == pytest.approx(11.0, abs=1e-6)
    assert print_direction([box(100.0), box(100.0), box(-80.0)], 3) == pytest.approx(10.0, abs=1e-6)  # folded
    assert print_direction([box(-30.0)] * 5 + [box(40.0)] * 2, 3) == pytest.approx(-30.0, abs=1e-6)
    assert print_direction([box(5.0)] * 2, 3) is None and print_direction(None, 1) is None


@pytest.mark.parametrize("shape", [(384, 512), (512, 384), (301, 455)])
def test_the_shift_band_is_the_ring_of_radii_off_the_axes(shape):
    from idcheck.image.autocorr import _geometry

    h, w = shape
    band = _geometry(h, w, 0.09, 0.6, 10.0)
    yy, xx = np.mgrid[-(h // 2):h - h // 2, -(w // 2):w - w // 2]
    r = np.hypot(xx, yy)
    off_axis = np.degrees(np.arctan2(np.minimum(abs(xx), abs(yy)), np.maximum(abs(xx), abs(yy))))
    want = (r >= 0.09 * min(h, w)) & (r <= 0.6 * min(h, w)) & (off_axis >= 10.0)
    assert np.array_equal(band, want)
    assert band[h // 2 + 40, w // 2 + 40] and not band[h // 2, w // 2 + 100]  # 45 degrees in, on the axis out
