"""The off-grid (foreign block grid) and copy-move detectors: positives with their region, and negatives."""

import io
import math
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageOps

from fixtures import docgen, forgery
from idcheck.config import Config
from idcheck.tamper import copymove, grid, jpegq

from .conftest import check


def _edits(report, detector=None):
    return [f for f in report.findings if f.code == "tamper.local_edit"
            and (detector is None or f.details.get("detector") == detector)]


def _overlaps(region, box) -> bool:
    xs = [p[0] for p in region]
    ys = [p[1] for p in region]
    x0, y0, x1, y1 = box
    return min(xs) < x1 and max(xs) > x0 and min(ys) < y1 and max(ys) > y0


def _box(poly) -> tuple[float, float, float, float]:
    return float(poly[:, 0].min()), float(poly[:, 1].min()), float(poly[:, 0].max()), float(poly[:, 1].max())


# ----------------------------------------------------------------------------------------- off-grid ---
def _off_grid_splice(base, shift=(3, 5), q_donor=55, q_camera=90, q_final=92) -> bytes:
    """The field of photo_b, saved as JPEG on a grid shifted by ``shift`` (cropped before saving), pasted
    into the camera JPEG at its place and saved again (forgery.py's ``splice_shifted``, fixed parameters)."""
    a, b = base["photo_a"], base["photo_b"]
    dx, dy = shift
    img = forgery.decode(forgery.jpeg(a, q_camera)).copy()
    donor = np.roll(forgery.decode(forgery.jpeg(np.roll(b, (dy, dx), axis=(0, 1)), q_donor)), (-dy, -dx), axis=(0, 1))
    mask = forgery._poly_mask(img.shape[:2], base["poly"]) > 0
    img[mask] = donor[mask]
    return forgery.jpeg(img, q_final)


def test_off_grid_paste_is_found_on_its_grid_with_region(base):
    report = check(_off_grid_splice(base))
    found = _edits(report, "grid")
    assert found, [(f.details.get("detector"), f.measured) for f in _edits(report)]
    f = found[0]
    assert _overlaps(f.region, _box(base["poly"]))
    # the donor's grid, in the file's coordinates: np.roll by (3, 5) then back puts its block origins at
    # x = -3 = 5 (mod 8), y = -5 = 3 (mod 8)
    assert tuple(f.details["grid_shift"]) == (5, 3)
    assert abs(f.details["earlier_quality"] - 55) <= 6
    assert f.threshold is not None and f.threshold.op == ">="
    assert f.measured.value >= f.threshold.value == Config().tamper.grid_z


def test_lattice_scan_names_the_shift_of_a_shifted_jpeg():
    rng = np.random.default_rng(4)
    # textured content (a random smooth field plus strokes), saved at q60 on a grid shifted by (2, 6)
    base = cv2.GaussianBlur(rng.normal(128, 40, (200, 264)).astype(np.float32), (0, 0), 2.0)
    img = np.clip(base + rng.normal(0, 3, base.shape), 0, 255).astype(np.uint8)
    rgb = np.repeat(img[..., None], 3, axis=2)
    shifted = np.roll(rgb, (6, 2), axis=(0, 1))
    donor = np.roll(forgery.decode(forgery.jpeg(shifted, 60)), (-6, -2), axis=(0, 1))
    final = forgery.jpeg(donor, 92)
    y = np.asarray(Image.open(io.BytesIO(final)).convert("L"))
    q = jpegq.read(final).luma
    scan = grid.lattice_scan(y, [(16, 16, 112, 80)], q, grid.TABLE_RATIO)[0]
    assert scan is not None
    assert scan.shift == ((8 - 2) % 8, (8 - 6) % 8)
    assert scan.contrast > grid.SEED


# ---------------------------------------------------------------------------------------- copy-move ---
def test_copy_move_is_found_with_the_pasted_block(base):
    rng = np.random.default_rng(21)
    img = forgery.decode(forgery.jpeg(base["photo_a"], 92)).copy()
    donor, mask = forgery._copy_move(img, base, rng)
    m = (mask > 0)[..., None]
    out = np.where(m, donor, img).astype(np.uint8)
    report = check(forgery.jpeg(out, 90))
    found = _edits(report, "copy")
    assert found, [(f.details.get("detector"), f.measured) for f in _edits(report)]
    ys, xs = np.nonzero(mask)
    target = (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
    f = found[0]
    assert _overlaps(f.region, target)
    assert f.details["noise_correlation"] >= Config().tamper.copy_noise_corr
    assert "copied_from" in f.details


def _repeated_glyph_document(noise: bool) -> bytes:
    """A page of the same glyphs and words printed again and again (a number with repeated digits, a repeated
    name), photographed: every print carries its own sensor noise."""
    page = Image.new("RGB", (1012, 638), (236, 233, 226))
    d = ImageDraw.Draw(page)
    font = docgen._font(docgen._SANS, 40)
    for row in range(7):
        d.text((40, 30 + row * 86), "1111 0000 8888 伟伟伟 国国国", font=font, fill=(30, 30, 30))
    doc = np.asarray(page)
    rng = np.random.default_rng(5)
    if noise:
        photo, _ = docgen.compose_photo(doc, rng, background="desk", out_size=(1400, 1050))
    else:  # a noiseless rendering (a digital document): identical prints are identical pixels
        photo = np.full((1050, 1400, 3), 90, np.uint8)
        photo[200:200 + 638, 194:194 + 1012] = doc
    return forgery.jpeg(photo, 92)


@pytest.mark.parametrize("noise", [True, False])
def test_repeated_printed_glyphs_are_no_copy_move(noise):
    data = _repeated_glyph_document(noise)
    report = check(data)
    assert _edits(report, "copy") == []


def test_repeated_glyphs_do_form_keypoint_clusters_that_verification_rejects():
    """The negative above is meaningful: the repeats do give displacement clusters; the noise rejects them."""
    from idcheck.intake.decode import decode
    from idcheck.intake.sniff import sniff
    from idcheck.pipeline import make_context
    from idcheck.tamper import local

    data = _repeated_glyph_document(True)
    cfg = Config()
    r = decode(data, sniff(data[:65536]).spec, cfg)
    ctx = make_context(r.image, cfg, r.facts, data=data)
    mask = local._doc_mask_working(ctx)
    assert mask is not None
    cands = copymove.candidates(ctx.gray, mask, cfg.tamper)
    assert cands, "repeated glyphs should give keypoint clusters"
    assert local.detect_copy_move(ctx, cfg.tamper) == []


def test_untouched_and_resaved_photos_have_no_new_detector_findings(base):
    for case, seed in (("camera", 2), ("camera_resaved", 4), ("png_resaved", 6), ("editor_resave", 8)):
        data, _ = forgery.make_case(case, np.random.default_rng(seed), base)
        report = check(data)
        assert _edits(report) == [], (case, [(f.details.get("detector"), f.measured) for f in _edits(report)])


def test_near_pairs_is_exact_within_seven_bits():
    rng = np.random.default_rng(0)
    des = rng.integers(0, 256, (400, 32), dtype=np.uint8)
    flips = np.zeros((50, 256), np.uint8)
    for i in range(50):
        flips[i, rng.choice(256, size=int(rng.integers(0, 8)), replace=False)] = 1
    des[200:250] = des[:50] ^ np.packbits(flips, axis=1)
    pairs, dist = copymove.near_pairs(des, 15)
    found = {(int(a), int(b)) for a, b in pairs}
    assert all((i, 200 + i) in found for i in range(50))
    assert (dist <= 15).all()


# ------------------------------------------------------------------------------- copy-move at 12 MP ---
def _context(data):
    from idcheck.intake.decode import decode
    from idcheck.intake.sniff import sniff
    from idcheck.pipeline import make_context

    cfg = Config()
    r = decode(data, sniff(data[:65536]).spec, cfg)
    return make_context(r.image, cfg, r.facts, data=data), cfg


def _oriented_jpeg(rgb: np.ndarray, quality: int, orientation: int) -> bytes:
    """``rgb`` (upright) stored turned so that EXIF ``orientation`` shows it upright again."""
    stored = {1: rgb, 3: rgb[::-1, ::-1], 6: np.rot90(rgb, 1), 8: np.rot90(rgb, -1)}[orientation]
    exif = Image.Exif()
    exif[0x0112] = orientation
    return forgery.jpeg(np.ascontiguousarray(stored), quality, exif)


def _base_12mp():
    return forgery.base_photos(np.random.default_rng([5, 2]), out_size=(4000, 3000))


@pytest.fixture(scope="module")
def copy_move_12mp():
    """A business licence (portrait) in a landscape 4000 x 3000 photo, part of a field copied elsewhere on it: the
    document is drawn small on the 1600 x 1200 working copy, its text too (the forgery benchmark's 12 MP case; a
    base photo of another seed than the benchmark's, the copy missed before the keypoint view)."""
    base = _base_12mp()
    assert base["kind"] == "business_license"
    img = forgery.decode(forgery.jpeg(base["photo_a"], 92)).copy()
    donor, mask = forgery._copy_move(img, base, np.random.default_rng(0))
    out = np.where((mask > 0)[..., None], donor, img).astype(np.uint8)
    ys, xs = np.nonzero(mask)
    pasted = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    return out, pasted


@pytest.mark.parametrize("orientation", [1, 6])
def test_copy_move_at_12mp_is_found_with_the_pasted_block(copy_move_12mp, orientation):
    out, pasted = copy_move_12mp
    report = check(_oriented_jpeg(out, 90, orientation))
    found = _edits(report, "copy")
    assert found, [(f.details.get("detector"), f.measured) for f in _edits(report)]
    f = found[0]
    assert _overlaps(f.region, pasted)
    assert f.details["noise_correlation"] >= Config().tamper.copy_noise_corr
    # the displacement in upright pixels is the one the block was moved by (up to the exact pixel)
    src = np.array(f.details["copied_from"])
    assert abs(float(src[:, 0].min()) - float(min(p[0] for p in f.region))) > 10 or \
        abs(float(src[:, 1].min()) - float(min(p[1] for p in f.region))) > 10


def test_12mp_copy_is_among_the_candidates_on_the_finer_view_only(copy_move_12mp):
    """The cause the view answers: on the working copy repeated glyphs outvote the copy, on the 2 x 2 average of
    the full resolution the copy's displacement is a candidate."""
    from idcheck.tamper import local

    out, pasted = copy_move_12mp
    ctx, cfg = _context(forgery.jpeg(out, 90))
    mask = local._doc_mask_working(ctx)
    assert mask is not None and ctx.full_luma is not None
    quad = ctx.document.quad
    assert max(np.hypot(*(quad[(i + 1) % 4] - quad[i])) for i in range(4)) < copymove.DOC_PX
    view = local._keypoint_view(ctx, mask, ctx.full_luma)
    assert view is not None
    img, kmask, px, to_stored = view
    assert 1.2 <= px <= 1.3  # 2.5 full-resolution pixels per working pixel, 2 per keypoint pixel
    # the true displacement (stored = upright here), sign-normalised as the candidates are
    x0, y0 = pasted[:2]
    src_x, src_y = (float(v) for v in np.floor(_base_12mp()["poly"].min(axis=0)))
    true = np.array([x0 - src_x, y0 - src_y])

    def has_true(cands, to_full):
        for c in cands:
            d = np.median(to_full(c.dst) - to_full(c.src), axis=0)
            if np.abs(np.abs(d) - np.abs(true)).max() <= 6:
                return True
        return False

    work = copymove.candidates(ctx.gray, mask, cfg.tamper)
    finer = copymove.candidates(img, kmask, cfg.tamper, px)
    assert not has_true(work, lambda p: local.working_to_stored(ctx, p))
    assert has_true(finer, to_stored)


@pytest.mark.parametrize("orientation", [1, 6])
def test_keypoint_view_pixels_are_block_means_of_the_full_resolution(copy_move_12mp, orientation):
    """Every keypoint-image pixel maps back onto the f x f block of the full-resolution luminance it averages, in
    the stored orientation of a turned file too."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from idcheck.tamper import local
    from tests.strategies import examples

    out, _ = copy_move_12mp
    ctx, _ = _context(_oriented_jpeg(out, 90, orientation))
    mask = local._doc_mask_working(ctx)
    y = ctx.full_luma
    view = local._keypoint_view(ctx, mask, y)
    assert view is not None
    img, kmask, px, to_stored = view
    f = int(round(math.sqrt(ctx.scale_x * ctx.scale_y) / px))
    assert f == 2
    # the document's mask lands on the view (the view is the document's box and a margin)
    assert cv2.countNonZero(kmask) > 0.3 * kmask.size

    @settings(max_examples=examples(40), deadline=None)
    @given(st.integers(0, img.shape[1] - 1), st.integers(0, img.shape[0] - 1))
    def prop(j, i):
        sx, sy = to_stored(np.array([[j, i]], np.float64))[0]
        # the block's centre is at (j + 0.5) f - 0.5 from the crop's origin: its first pixel (f - 1) / 2 before it
        bx, by = int(round(sx - (f - 1) / 2)), int(round(sy - (f - 1) / 2))
        block = y[by:by + f, bx:bx + f].astype(np.float64)
        assert block.shape == (f, f)
        assert abs(block.mean() - float(img[i, j])) <= 0.5 + 1e-9

    prop()


# ------------------------------------------------------------------------- periodic texture, not a copy ---
def _search_part(y, x0, y0, t=96):
    pad = 4
    return copymove._hp(y[y0 - pad:y0 + t + pad, x0 - pad:x0 + t + pad])[pad:-pad, pad:-pad]


def _match(y, hs, x0, y0, dx, dy, r=4):
    pad = 4
    t = hs.shape[0]
    hb = copymove._hp(y[y0 + dy - r - pad:y0 + dy + t + r + pad, x0 + dx - r - pad:x0 + dx + t + r + pad])
    return float(cv2.matchTemplate(hb[pad:-pad, pad:-pad], hs, cv2.TM_CCORR_NORMED).max())


def test_a_texture_repeating_at_the_displacement_is_no_copy_and_a_pasted_block_is():
    rng = np.random.default_rng(11)
    period = 37
    tile = rng.normal(0, 3.0, (period, period))
    paper = 200 + np.tile(tile, (16, 16))[:560, :560] + rng.normal(0, 1.5, (560, 560))  # embossed paper + noise
    y = np.clip(paper, 0, 255).astype(np.uint8)
    hs = _search_part(y, 200, 200)
    exact = _match(y, hs, 200, 200, period, 0)
    assert exact > 0.5  # the emboss lines up one period on: as a copy would
    assert copymove._repeats_beyond(y, hs, (200, 200), (period, 0), 4, 4, exact)
    # plain paper (white noise) with one block pasted 150 px to the right: it lines up once, nowhere else
    plain = np.clip(200 + rng.normal(0, 2.0, (560, 560)), 0, 255).astype(np.uint8)
    plain[190:310, 340:450] = plain[190:310, 190:300]
    hs = _search_part(plain, 200, 200)
    exact = _match(plain, hs, 200, 200, 150, 0)
    assert exact > 0.9
    assert not copymove._repeats_beyond(plain, hs, (200, 200), (150, 0), 4, 4, exact)


def test_a_real_textured_sheet_saved_as_png_is_not_called_copied():
    """p0050 of the real development photos (a logo printed on embossed paper), decoded and saved losslessly, was a
    copy-move error before the periodicity test: its emboss repeats every 57 px."""
    path = Path(__file__).resolve().parents[3] / "shared" / "photos-dev" / "p0050.jpg"
    if not path.is_file():
        pytest.skip("../shared/photos-dev is not beside the checkout")
    with Image.open(path) as im:
        rgb = np.asarray(ImageOps.exif_transpose(im).convert("RGB"))
    buf = io.BytesIO()
    Image.fromarray(rgb[::2, ::2].copy()).save(buf, "PNG", compress_level=1)
    assert _edits(check(buf.getvalue()), "copy") == []


# ------------------------------------------------------------------------- photos put together ---
def _stitched(left: np.ndarray, right: np.ndarray, gap: int = 37) -> np.ndarray:
    """Two photos side by side with a light grey gap, as a collage app puts a card's front and back (a gap whose
    width puts the second photo off the first one's 8 px block grid)."""
    h = max(left.shape[0], right.shape[0])
    pad = [np.pad(p, ((0, h - p.shape[0]), (0, 0), (0, 0)), constant_values=235) for p in (left, right)]
    return np.hstack([pad[0], np.full((h, gap, 3), 210, np.uint8), pad[1]])


def test_the_same_photo_put_in_twice_is_no_copy_move_and_no_paste(camera_jpeg):
    """A front-and-back collage made of two JPEG photos: each brings its own block grid and noise; the second is no
    paste into the first, and the same photo twice is no copy-move of itself."""
    photo = forgery.decode(camera_jpeg)
    report = check(forgery.jpeg(_stitched(photo, photo), 92))
    assert any(f.code == "image.composite" for f in report.findings)
    assert _edits(report) == []
    assert report.extra["tamper"]["not_compared"].startswith("jpeg history")
    # the control: the photo alone is no different (nothing was found in it)
    assert _edits(check(camera_jpeg)) == []


def test_a_copy_move_inside_one_photo_of_a_composite_is_still_found(base):
    rng = np.random.default_rng(21)
    img = forgery.decode(forgery.jpeg(base["photo_a"], 92)).copy()
    donor, mask = forgery._copy_move(img, base, rng)
    edited = np.where((mask > 0)[..., None], donor, img).astype(np.uint8)
    other = forgery.decode(forgery.jpeg(base["photo_b"], 90))
    report = check(forgery.jpeg(_stitched(edited, other), 90))
    assert any(f.code == "image.composite" for f in report.findings)
    found = _edits(report, "copy")
    assert found
    ys, xs = np.nonzero(mask)
    assert _overlaps(found[0].region, (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1))
