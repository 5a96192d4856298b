"""Per-check positive and negative cases on small generated photos."""

import numpy as np
import pytest

from fixtures import docgen
from fixtures.formats import encode
from idcheck.config import DEFAULT

from .conftest import codes_of, context, photo, run


def test_clean_photos_pass(clean_card, clean_licence):
    for img, labels in (clean_card, clean_licence):
        ctx, findings = run(img)
        assert codes_of(findings) == set(), [f.message for f in findings]
        doc = ctx.extra["document"]
        q = np.array(doc["quad"])
        assert np.abs(q / 2 - np.array(labels["quad"])).max() < 0.03 * max(img.shape)  # original = 2 x working
        assert 0.2 < doc["frame_share"] < 0.9


def test_document_not_found_on_a_plain_picture():
    rng = np.random.default_rng(0)
    flat = np.clip(rng.normal(120, 3, (600, 800, 3)), 0, 255).astype(np.uint8)
    _, findings = run(flat)
    assert "document.not_found" in codes_of(findings)
    assert all(f.code != "internal.check_failed" for f in findings)


def test_corner_missing_names_the_corner():
    img, labels = photo("id_card", [("corner_cut", 0.08)], seed=3, background="dark_cloth")
    _, findings = run(img)
    f = next(f for f in findings if f.code == "document.corner_missing")
    assert set(labels["corners_cut"]) <= set(f.details["corners"])
    assert f.measured is not None and f.threshold is not None and f.region


def test_finger_is_occlusion_with_region():
    img, labels = photo("id_card", [("finger", 0.09)], seed=4, background="desk")
    _, findings = run(img)
    f = next(f for f in findings if f.code == "document.occluded")
    xs = [p[0] / 2 for p in f.region]  # original = 2 x working
    ys = [p[1] / 2 for p in f.region]
    lx = [p[0] for p in labels["region"]]
    ly = [p[1] for p in labels["region"]]
    assert max(xs) > min(lx) and min(xs) < max(lx) and max(ys) > min(ly) and min(ys) < max(ly)  # overlaps


@pytest.mark.parametrize("defect", [("defocus", 4.5), ("motion", 20.0)])
def test_blur(defect):
    img, _ = photo("business_license", [defect], seed=5, background="fabric")
    _, findings = run(img)
    assert "image.blurry" in codes_of(findings)


def test_a_watermark_over_sharp_print_does_not_read_blurry():
    """Faint paper-texture maxima beside the overlay's strokes must not borrow the strokes' step (read as soft
    edges)."""
    cv2 = __import__("cv2")
    from idcheck.image.checks.blur import edge_blur

    for kind in docgen.KINDS:
        for seed in (0, 2):
            doc, _ = docgen.render_document(kind, np.random.default_rng(seed))
            h, w = doc.shape[:2]
            f = 800 / max(h, w)

            def grey(img, w=w, h=h, f=f):  # bound now: ruff B023 (called within this iteration anyway)
                g = cv2.cvtColor(np.clip(img, 0, 255).astype(np.uint8), cv2.COLOR_RGB2GRAY)
                return cv2.resize(g, (int(w * f), int(h * f)), interpolation=cv2.INTER_AREA)

            marked = docgen._watermark(doc.astype(np.float32), np.random.default_rng(seed + 10), 0.55)
            plain, _ = edge_blur(grey(doc))
            wm, _ = edge_blur(grey(marked))
            soft, _ = edge_blur(cv2.GaussianBlur(grey(marked), (0, 0), 2.0))
            assert wm < plain + 0.15, (kind, seed, plain, wm)  # read 1.5-1.9 px (vs 0.9-1.05) before the fix
            assert soft > 1.7, (kind, seed, soft)  # real blur is still seen through the watermark


def test_glare_but_not_sheen():
    img, _ = photo("id_card", [("glare", 0.04)], seed=6, background="wood")
    _, findings = run(img)
    f = next(f for f in findings if f.code == "image.glare")
    assert f.region and f.measured.value > 0.6
    img, _ = photo("id_card", [("sheen", 0.35)], seed=6, background="wood")
    _, findings = run(img)
    assert "image.glare" not in codes_of(findings)


def test_grayscale_and_photocopy_but_colour_licence_passes(clean_licence):
    img, _ = photo("business_license", [("grayscale", 1.0)], seed=7, background="wood")
    _, findings = run(img)
    f = next(f for f in findings if f.code == "image.grayscale")
    assert f.severity == "error" and f.details["measured_on"] == "picture"
    # a photocopy photographed in colour: the desk has colour, the document none.  Told from a black-on-white
    # page only when the caller says the document is a licence (whose original has a red seal and title)
    img, _ = photo("business_license", [("photocopy", 0.6)], seed=7, background="wood")
    _, findings = run(img, kind="business_license")
    f = next(f for f in findings if f.code == "image.grayscale")
    assert f.severity == "warning" and f.details["measured_on"] == "document"
    _, findings = run(img)
    assert "image.grayscale" not in codes_of(findings)
    for kind in ("auto", "business_license"):
        _, findings = run(clean_licence[0], kind=kind)
        assert "image.grayscale" not in codes_of(findings)


def test_grayscale_is_an_error_only_for_a_picture_without_any_colour():
    """A file stored grey is certain (error); a faint tint left in a near-grey picture is what a colour photo of a
    black-and-white page cropped to the page also shows, so it is only a warning (issue 22's severity policy)."""
    img, _ = photo("business_license", [("grayscale", 1.0)], seed=7, background="wood")
    h, w = img.shape[:2]
    faint = img.astype(int)
    faint[:, : w // 2, 0] += 2  # half the picture a shade warmer: ~1.3 Lab units of colour around the tint
    faint[:, : w // 2, 2] -= 2
    faint = np.clip(faint, 0, 255).astype(np.uint8)
    for picture, severity in ((img, "error"), (faint, "warning")):
        _, findings = run(picture)
        f = next(f for f in findings if f.code == "image.grayscale")
        assert f.severity == severity, (severity, f.measured)
        assert f.details["measured_on"] == "picture"
    assert DEFAULT.colour.grey_file_chroma < 1.2 < DEFAULT.colour.max_picture_chroma


def test_picture_chroma_is_zero_for_grey_and_grows_with_colour():
    from idcheck.image.checks.colour import picture_chroma
    rng = np.random.default_rng(3)
    grey = np.repeat(rng.integers(0, 256, (120, 160, 1), dtype=np.uint8), 3, axis=2)
    assert picture_chroma(grey) < 0.5
    tinted = np.clip(grey.astype(int) + np.array([12, 6, -8]), 0, 255).astype(np.uint8)  # a scanner's warm grey
    assert picture_chroma(tinted) < 2.0
    coloured = grey.copy()
    coloured[:, :40] = np.clip(coloured[:, :40].astype(int) + np.array([40, -20, -20]), 0, 255)  # a red quarter
    assert picture_chroma(coloured) > 2 * picture_chroma(tinted) + 5


def test_low_resolution_in_original_pixels():
    img, _ = photo("id_card", seed=8, background="dark_cloth")
    # the same working copy claimed to come from a much smaller original -> too few pixels on the document
    _, findings = run(img, original=(400, 300))
    f = next(f for f in findings if f.code == "image.low_resolution")
    assert f.threshold.value == DEFAULT.resolution.min_long_side_card and f.measured.value < f.threshold.value
    _, findings = run(img, original=(4000, 3000))
    assert "image.low_resolution" not in codes_of(findings)


def test_small_document_is_info_only():
    img, _ = photo("id_card", seed=9, background="dark_cloth", fill=0.45, out_size=(2400, 1800))
    _, findings = run(img)
    assert "image.document_small" in {f.code for f in findings}
    assert all(f.severity == "info" for f in findings if f.code == "image.document_small")


def test_screenshot():
    img, _ = photo("business_license", [("screenshot", 1.0)], seed=10)
    _, findings = run(img)
    f = next(f for f in findings if f.code == "image.screenshot")
    assert "flat colour" in f.message


def test_a_chat_app_recompression_is_no_screenshot_but_a_jpeg_screenshot_is():
    """Quality 45 flattens a photo's paper into exactly constant 8 x 8 blocks (20% of it for seed 3): not a screen."""
    import io

    from PIL import Image

    import idcheck

    rng = np.random.default_rng(3)
    img, _ = docgen.make_photo("business_license", rng, [], background=docgen.BACKGROUNDS[3])
    small = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).resize((1200, 900), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    small.save(buf, "JPEG", quality=45)
    report = idcheck.check(buf.getvalue())
    assert report.extra["measures"]["flat_share"] >= 0.2  # the flat blocks are there ...
    assert "image.screenshot" not in {f.code for f in report.findings}  # ... and are not taken for a screen
    shot, _ = photo("business_license", [("screenshot", 1.0)], seed=10)
    report = idcheck.check(encode(shot, "jpeg", quality=45))
    assert "image.screenshot" in {f.code for f in report.findings}


def test_a_lossy_webp_photo_is_no_screenshot_but_a_lossless_webp_screenshot_is():
    """VP8's deblocking draws a defocused dark background as exactly flat blocks; VP8L keeps a capture's flat colour."""
    import idcheck

    rng = np.random.default_rng([1, 13, 7])  # the accuracy benchmark's seed-1 defocus #7, where this was seen
    img, _ = docgen.make_photo("business_license", rng, [("defocus", 7.0)], background="dark_cloth")
    report = idcheck.check(encode(img, "webp", quality=int(rng.integers(85, 96)), method=0))
    assert report.extra["measures"]["flat_share"] >= 0.15  # the flat blocks are there ...
    assert "image.screenshot" not in {f.code for f in report.findings}  # ... and are not taken for a screen
    shot, _ = photo("business_license", [("screenshot", 1.0)], seed=10)
    report = idcheck.check(encode(shot, "webp", lossless=True))
    assert "image.screenshot" in {f.code for f in report.findings}


def test_a_scanner_apps_crop_of_a_receipt_at_phone_proportions_is_no_screenshot():
    """A receipt cropped flat is as tall as a phone screen (2.1 : 1); saved as a JPEG, its smooth paper decodes to
    flat 8 x 8 blocks on the file's own grid (the quantiser's).  Drawn flat colour is flat at any offset."""
    import io

    from PIL import Image

    import idcheck

    rng = np.random.default_rng(3)
    h, w = 1190, 560
    yy, xx = np.mgrid[0:h, 0:w]
    paper = (225 + 0.02 * yy + 0.03 * xx)[..., None] * np.ones(3)  # the light's slow gradient over the paper
    receipt = np.clip(paper + rng.normal(0, 0.8, (h, w, 3)), 0, 255)
    for y in range(80, h - 80, 40):
        receipt[y:y + 14, 40:40 + int(rng.integers(200, 480))] = 40  # lines of print
    receipt = receipt.astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(receipt).save(buf, "JPEG", quality=88)
    report = idcheck.check(buf.getvalue())
    m = report.extra["measures"]
    assert m["flat_share"] >= 0.2 and m["aspect"] >= DEFAULT.screen.phone_aspect  # the old rule's evidence ...
    assert m["flat_unclipped_offset_share"] < 0.4 * m["flat_unclipped_share"]  # ... on the JPEG's grid
    assert "image.screenshot" not in codes_of(report.findings)
    drawn = receipt.copy()
    drawn[drawn > 200] = 238  # the same page drawn by an app: its background one exact colour
    buf = io.BytesIO()
    Image.fromarray(drawn).save(buf, "JPEG", quality=88)
    assert "image.screenshot" in codes_of(idcheck.check(buf.getvalue()).findings)


def test_every_finding_has_measure_and_threshold():
    for defect in (("glare", 0.08), ("defocus", 7.0), ("corner_cut", 0.16), ("finger", 0.09)):
        img, _ = photo("id_card", [defect], seed=11, background="dark_cloth")
        _, findings = run(img)
        for f in findings:
            if f.code != "document.not_found" and f.severity != "info":
                assert f.measured is not None and f.threshold is not None, f.code


def test_every_check_reports_its_time_on_a_12mp_photo():
    # how fast is measured in benchmarks/throughput.py (a wall-clock limit here fails on a loaded machine); what
    # is tested is that each check's time is recorded, so the benchmark and the report can say where time goes
    from idcheck.pipeline import CHECKS, run_checks

    img, _ = photo("id_card", seed=12, background="wood", out_size=(4000, 3000), scale=2.0)
    small = np.asarray(__import__("cv2").resize(img, (1600, 1200), interpolation=3))
    ctx = context(small, (4000, 3000))
    timings: dict[str, float] = {}
    run_checks(ctx, timings)
    assert timings and all(v >= 0 for v in timings.values())
    assert len([k for k in timings if k.startswith("check.")]) == len(CHECKS), sorted(timings)


def test_watermark_found_and_clean_documents_pass():
    from idcheck.image.checks.watermark import lattice_index

    for kind in docgen.KINDS:
        for seed in (0, 1):
            doc, _ = docgen.render_document(kind, np.random.default_rng(seed))
            gray = __import__("cv2").cvtColor(doc, __import__("cv2").COLOR_RGB2GRAY)
            clean, _ = lattice_index(gray)
            marked = docgen._watermark(doc.astype(np.float32), np.random.default_rng(seed + 10), 0.4)
            wm, details = lattice_index(__import__("cv2").cvtColor(np.clip(marked, 0, 255).astype(np.uint8),
                                                                  __import__("cv2").COLOR_RGB2GRAY))
            assert clean < 8.0 <= wm, (kind, seed, clean, wm)
            assert details["over_cross_term"] >= DEFAULT.watermark.min_over_cross_term, (kind, seed, details)


def test_the_tilted_cross_terms_of_a_print_lattice_are_not_a_watermark():
    """Blurred rows and columns of characters make tilted peaks, but never stronger than their axis parents."""
    cv2 = __import__("cv2")
    from idcheck.image.checks.watermark import lattice_index

    for pitch_x, pitch_y, sigma in ((20, 40, 2.0), (30, 50, 1.5), (18, 45, 2.5)):
        g = np.full((600, 800), 225, np.float32)
        for y in range(30, 570, pitch_y):
            for x in range(40, 760, pitch_x):
                g[y:y + 14, x:x + int(pitch_x * 0.7)] = 150
        g = cv2.GaussianBlur(g, (0, 0), sigma) + np.random.default_rng(0).normal(0, 1.5, g.shape)
        index, details = lattice_index(np.clip(g, 0, 255).astype(np.uint8))
        assert details["over_cross_term"] < DEFAULT.watermark.min_over_cross_term, (pitch_x, pitch_y, index, details)


def test_quad_confidence_and_refinement(clean_card):
    img, labels = clean_card
    ctx, _ = run(img)
    doc = ctx.extra["document"]
    assert doc["confident"] and doc["confidence"] >= 0.8
    assert all(s is None or s >= 0.8 for s in doc["straightness"])
    q = np.array(doc["quad"]) / 2
    assert np.abs(q - np.array(labels["quad"])).max() < 0.012 * max(img.shape)


def test_a_doubtful_quad_reports_no_errors():
    """A blank light sheet on a light desk with a stripe of texture: whatever outline is found is not straight."""
    rng = np.random.default_rng(3)
    img = np.clip(rng.normal(200, 2, (900, 1200, 3)), 0, 255).astype(np.uint8)
    cv2 = __import__("cv2")
    cv2.ellipse(img, (600, 450), (380, 250), 20, 0, 360, (120, 90, 60), -1)  # a round object, not a document
    _, findings = run(img)
    errors = {f.code for f in findings if f.severity == "error"}
    assert not errors & {"document.corner_missing", "document.occluded", "document.watermark", "image.glare",
                         "image.blurry"}, errors


@pytest.mark.parametrize("seed", [3, 4])
def test_screen_photo_has_colour_texture_and_paper_has_none(seed):
    """A screen's white is three coloured sub-pixels: colour texture on the document's plain areas."""
    shot, _ = photo("id_card", [("recapture", 1.0)], seed=seed, out_size=(1600, 1200))
    ctx, findings = run(shot)
    assert "image.screen_recapture" in codes_of(findings)
    clean, _ = photo("id_card", seed=seed, out_size=(1600, 1200))
    ctx2, findings2 = run(clean)
    assert "image.screen_recapture" not in codes_of(findings2)
    assert ctx.extra["measures"]["colour_texture"] > 2 * ctx2.extra["measures"]["colour_texture"]


def test_colour_stripes_measure_one_regular_chroma_band_not_coloured_print():
    """Colour moire folded to coarse periods by the reduction: one rainbow sinusoid across the crop is measured at
    its amplitude; coloured print (a red seal, blue lines) has chroma edges but no such single peak."""
    import cv2

    from idcheck.image.checks.screen import moire_measures

    rng = np.random.default_rng(7)
    yy, xx = np.mgrid[0:320, 0:320].astype(np.float32)
    paper = np.clip(rng.normal(236, 2.0, (320, 320, 3)), 0, 255).astype(np.float32)
    printed = paper.copy()
    for k in range(12):  # coloured print: strokes, a seal ring
        cv2.line(printed, (20, 20 + 24 * k), (300, 30 + 23 * k), (40, 60, 170), 2)
    cv2.circle(printed, (220, 200), 60, (200, 30, 30), 5)
    phase = 2 * np.pi * (xx * 0.06 + yy * 0.05)  # period ~12.8 px, diagonal
    amplitude = 6.0  # Cr/Cb levels
    ycc = cv2.cvtColor(np.clip(paper, 0, 255).astype(np.uint8), cv2.COLOR_RGB2YCrCb).astype(np.float32)
    ycc[:, :, 1] += amplitude * np.sin(phase)
    ycc[:, :, 2] += amplitude * np.cos(phase)
    striped = cv2.cvtColor(np.clip(ycc, 0, 255).astype(np.uint8), cv2.COLOR_YCrCb2RGB)
    cfg = DEFAULT.screen
    stripes = moire_measures(striped)
    assert stripes["stripe_ratio"] >= cfg.stripe_peak_ratio
    assert abs(stripes["colour_stripes"] - amplitude) < 1.5  # measured in Cr/Cb levels, as documented
    plain = moire_measures(np.clip(printed, 0, 255).astype(np.uint8))
    assert plain["stripe_ratio"] < cfg.stripe_peak_ratio or plain["colour_stripes"] < cfg.min_colour_stripes
    assert plain["colour_stripes"] < stripes["colour_stripes"] / 2


def test_glare_along_the_outline_rim_alone_is_not_glare():
    """A white strip only along the rim is what lies beyond a slightly wide outline (a white desk, an app's white
    background in a screenshot); a spot reaching into the document is counted whole, its part in the rim included."""
    from idcheck.image.checks.glare import blown_spots

    cfg = DEFAULT.glare
    mask = np.zeros((400, 640), np.uint8)
    area = float(mask.size)
    inset = int(round(cfg.rim_inset * 400))  # 5 px
    mask[:inset, :] = 255  # rim strip along the top: 1.25% of the document
    mask[:, -inset:] = 255
    share, keep, *_ = blown_spots(mask, area, cfg.rim_inset)
    assert share == 0.0 and keep == []
    mask[150:230, 600:] = 255  # a spot at the right edge, 40 px deep into the document
    share, keep, _, stats, _ = blown_spots(mask, area, cfg.rim_inset)
    assert len(keep) == 1 and share > 0.012  # the spot and the rim strips it touches, all counted
    assert share > cfg.max_share
    mask[:] = 0
    mask[150:230, 600:] = 255
    alone, *_ = blown_spots(mask, area, cfg.rim_inset)
    assert alone == pytest.approx(80 * 40 / area)


def test_uniform_rows_are_drawn_by_screens_not_cameras():
    """An app bar is one exact colour across the width; a photo's rows never are (noise), nor do clipped rows count."""
    from idcheck.image.capture import uniform_rows
    rng = np.random.default_rng(5)
    photo_like = np.clip(rng.normal(150, 4, (200, 300, 3)), 0, 255).astype(np.uint8)
    assert uniform_rows(photo_like) == 0
    shot = photo_like.copy()
    shot[50:62] = (33, 150, 243)  # a blue app bar, 12 rows
    assert uniform_rows(shot) == 12
    shot[62:90] = 255  # a white page background is clipped: a scanner's white looks the same
    assert uniform_rows(shot) == 12
    img, _ = photo("id_card", seed=11, background="wood")
    ctx, findings = run(img)
    assert ctx.uniform_rows == 0 and "image.screenshot" not in codes_of(findings)
    bar = img.copy()
    bar[:40] = (60, 60, 64)  # a dark grey status bar drawn over the photo ...
    bar[10:30, 20:140] = bar[10:30, -200:-40] = 250  # ... with its clock and icons
    ctx, findings = run(bar)
    f = next(f for f in findings if f.code == "image.screenshot")
    assert f.severity == "error" and ctx.drawn_on_screen
    assert "document.corner_missing" not in codes_of(findings) and "image.glare" not in codes_of(findings)


def test_a_frame_around_a_picture_is_not_a_screens_drawing():
    """A band of one colour along the picture's edge is a frame or padding (an editor's, an app's), laid around photos
    and captures alike: only rows between content count."""
    from idcheck.image.capture import uniform_rows
    rng = np.random.default_rng(5)
    photo_like = np.clip(rng.normal(150, 4, (200, 300, 3)), 0, 255).astype(np.uint8)
    framed = photo_like.copy()
    framed[:6] = framed[-6:] = framed[:, :6] = framed[:, -6:] = (100, 100, 100)  # a grey frame, 6 px
    assert uniform_rows(framed) == 0 and uniform_rows(np.ascontiguousarray(framed.transpose(1, 0, 2))) == 0
    framed[100:110] = (33, 150, 243)  # a bar drawn inside it still counts
    assert uniform_rows(framed) == 10
    assert uniform_rows(np.full((50, 80, 3), 120, np.uint8)) == 0  # one colour throughout: nothing drawn
    img, _ = photo("id_card", seed=11, background="wood")
    padded = np.pad(img, ((40, 40), (0, 0), (0, 0)), constant_values=128)  # padded to a taller shape
    ctx, findings = run(padded)
    assert not ctx.drawn_on_screen
    assert all(f.severity != "error" for f in findings if f.code == "image.screenshot")


def test_a_smooth_surface_within_a_level_is_not_a_drawn_row():
    """A blank card's face, its noise averaged down by the working copy's reduction, lies within a level of one
    colour along a whole row, yet few of its pixels are exactly that colour; a screen's bar is that colour."""
    from idcheck.image.capture import EXACT_SHARE, uniform_rows
    rng = np.random.default_rng(7)
    # noise of 0.7 levels, rounded: every pixel within 2 levels of the median, about a third exactly on it per channel
    face = np.clip(np.round(rng.normal(200.0, 0.7, (120, 400, 3))), 0, 255).astype(np.uint8)
    face[:5] = face[-5:] = rng.integers(0, 255, (5, 400, 3))  # print above and below it
    assert uniform_rows(face, exact=0.0) == 110  # within tolerance everywhere: the old rule counted every row
    assert uniform_rows(face) == 0
    bar = face.copy()
    bar[50:60] = (200, 200, 201)  # drawn: every pixel the same value
    assert uniform_rows(bar) == 10 and EXACT_SHARE > 0.5


def test_a_screenshot_turned_a_quarter_is_still_a_screenshot():
    """Uniform columns are the same evidence as uniform rows: a capture rotated in an editor keeps its error."""
    img, _ = photo("id_card", seed=11, background="wood")
    shot = img.copy()
    shot[:40] = (60, 60, 64)  # a status bar ...
    shot[10:30, 20:140] = shot[10:30, -200:-40] = 250  # ... with its clock and icons
    shot[-50:] = (245, 245, 240)  # a tool bar (unclipped) ...
    shot[-35:-15, 100:200] = 30  # ... with its buttons
    for turned in (shot, np.ascontiguousarray(np.rot90(shot)), np.ascontiguousarray(np.rot90(shot, 3))):
        ctx, findings = run(turned)
        f = next(f for f in findings if f.code == "image.screenshot")
        assert f.severity == "error" and ctx.drawn_on_screen
        assert max(ctx.uniform_rows, ctx.uniform_columns) >= 20
    assert "columns" in f.message and "rows are" not in f.message


def test_a_reflection_has_a_soft_halo_a_white_page_a_sharp_edge():
    import cv2

    from idcheck.image.checks.glare import hotspots, soft_halo
    h, w = 300, 400
    yy, xx = np.mgrid[0:h, 0:w]
    red = np.zeros((h, w, 3), np.float32)
    red[:] = (170, 40, 40)
    # a lamp's reflection: white light added with a gaussian falloff, clipped at its centre
    light = 400.0 * np.exp(-((xx - 200) ** 2 + (yy - 150) ** 2) / (2 * 25.0 ** 2))
    glare = np.clip(red + light[..., None], 0, 255).astype(np.uint8)
    gray = cv2.cvtColor(glare, cv2.COLOR_RGB2GRAY)
    sat = cv2.cvtColor(glare, cv2.COLOR_RGB2HSV)[:, :, 1]
    spots = hotspots(gray, sat, 245, 0.005)
    assert len(spots) == 1 and 0.005 < spots[0][0] < 0.1
    # a white page on a dark desk: as clipped and colourless, but it ends at a sharp edge
    page = np.full((h, w), 40, np.uint8)
    page[60:240, 120:280] = 255
    assert hotspots(page, np.zeros_like(page), 245, 0.005) == []
    assert not soft_halo(page, (page == 255).astype(np.uint8))
    # more light, a larger spot: still found, and larger (metamorphic)
    brighter = np.clip(red + 1.6 * light[..., None], 0, 255).astype(np.uint8)
    g2 = cv2.cvtColor(brighter, cv2.COLOR_RGB2GRAY)
    s2 = cv2.cvtColor(brighter, cv2.COLOR_RGB2HSV)[:, :, 1]
    assert hotspots(g2, s2, 245, 0.005)[0][0] > spots[0][0]


def cv2_count(mask):
    return int(np.count_nonzero(mask))


def _page_on_desk(finger_outside: bool):
    """A page on a grey desk with a smooth skin-toned patch at its left edge, crossing the edge or stopping at it."""
    import cv2
    rng = np.random.default_rng(8)
    img = np.empty((900, 1200, 3), np.float32)
    img[:] = (70, 72, 75)
    page = np.array([[250, 200], [950, 210], [942, 705], [258, 697]], np.int32)  # A4 proportions
    cv2.fillConvexPoly(img, page, (238, 236, 230))
    for y in range(260, 660, 26):  # rows of print
        cv2.line(img, (330, y), (880, y), (40, 40, 40), 3)
    skin = (205, 150, 125)
    x0 = 180 if finger_outside else 256  # a fingertip from beyond the edge, or a warm patch printed inside it
    cv2.ellipse(img, ((x0 + 330) // 2, 460), ((330 - x0) // 2, 45), 0, 0, 360, skin, -1)
    img += rng.normal(0, 2.0, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def test_occlusion_needs_skin_that_crosses_the_outline():
    """A warm patch that stops at the page's edge (shading, a punch hole over a wooden desk) is no finger; a
    generated finger over a card's edge is (test_finger_is_occlusion_with_region)."""
    ctx, findings = run(_page_on_desk(finger_outside=False))
    assert ctx.document_confident
    assert "document.occluded" not in codes_of(findings)
    from idcheck.image.checks import occlusion
    rect = ctx.rectified
    skin = occlusion.skin_mask(rect.rgb, rect.valid, 5.0, rect.gray, rect.saturation)
    assert cv2_count(skin) > 0.002 * skin.size  # the patch is skin-coloured: it is the outline test that rules it out


def test_a_check_that_cannot_judge_says_so():
    """A blank page has no edges to measure sharpness on: image.not_judged, never a silent pass."""
    rng = np.random.default_rng(1)
    blank = np.clip(rng.normal(200, 1.0, (600, 800, 3)), 0, 255).astype(np.uint8)
    _, findings = run(blank)
    nj = [f for f in findings if f.code == "image.not_judged"]
    assert any("image.blurry" in (f.details.get("codes") or [f.details.get("code")]) for f in nj)
    assert all(f.severity in ("warning", "info") for f in nj)


@pytest.mark.parametrize("index", range(4))
def test_guilloche_at_several_tilts_is_not_a_watermark(monkeypatch, index):
    """Real ID cards and licences print line families at many tilts under the text: periodic, tilted, and no
    watermark (the generator's default families are near-horizontal)."""
    monkeypatch.setattr(docgen, "_guilloche", docgen.guilloche_tilted)
    img, _ = photo(docgen.KINDS[index % 2], seed=90 + index, background=docgen.BACKGROUNDS[index])
    _, findings = run(img)
    assert "document.watermark" not in codes_of(findings)


def test_a_watermark_over_tilted_guilloche_is_still_found(monkeypatch):
    monkeypatch.setattr(docgen, "_guilloche", docgen.guilloche_tilted)
    for i in range(2):
        img, _ = photo(docgen.KINDS[i], [("watermark", 0.4)], seed=100 + i, background="wood")
        _, findings = run(img)
        assert "document.watermark" in codes_of(findings)


@pytest.mark.parametrize("size", [(1, 1), (8, 8), (1, 500), (500, 3), (31, 200)])
def test_a_picture_too_small_to_hold_a_document_fails_without_crashing(size):
    w, h = size
    img = np.random.default_rng(0).integers(0, 256, (h, w, 3), dtype=np.uint8)
    _, findings = run(img, original=(w, h))
    assert [f.code for f in findings] == ["image.low_resolution"] and findings[0].severity == "error"


def test_edge_blur_is_bit_repeatable_whatever_the_memory_alignment():
    """The same picture gives the same bits from arrays at any alignment (cv2.magnitude's last bit did not)."""
    import cv2

    from idcheck.image.checks.blur import edge_blur
    img, _ = photo("business_license", [("defocus", 3.0)], seed=5, background="fabric")
    gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    first = edge_blur(gray)
    for offset in (1, 3, 7):
        buf = np.empty(gray.size + offset, np.uint8)
        view = buf[offset:].reshape(gray.shape)
        view[:] = gray
        again = edge_blur(view)
        assert again[0] == first[0] and again[1] == first[1]


@pytest.mark.parametrize("seam", ["touching", "grey gap", "white gap", "side by side"])
def test_photos_stitched_together_are_a_composite_not_a_screenshot(seam):
    """A card's front and back stitched into one picture: the seam is a line no camera draws, but both sides of it are
    photographs, with no interface anywhere: image.composite (info), and the picture is judged, not called a capture."""
    front, _ = photo("id_card", seed=11, background="wood")
    back, _ = photo("id_card", seed=12, background="dark_cloth")
    gap = {"grey gap": 200, "white gap": 255}.get(seam)
    if seam == "side by side":
        picture = np.hstack([front, np.full((front.shape[0], 30, 3), 235, np.uint8), back])
    else:
        parts = [front] + ([np.full((40, front.shape[1], 3), gap, np.uint8)] if gap is not None else []) + [back]
        picture = np.vstack(parts)
    ctx, findings = run(picture)
    assert len(ctx.composite_parts) == 2 and not ctx.drawn_on_screen
    assert "image.screenshot" not in codes_of(findings)
    assert next(f for f in findings if f.code == "image.composite").severity == "info"


def test_each_photo_of_a_composite_is_judged_on_its_own():
    """A front whose corner the camera cut, stitched above a clean back: the cut corner is said of photo 1, inside
    photo 1's part of the picture; photo 2's document is outlined in its own part; nothing is said of photo 2."""
    front, labels = photo("id_card", [("corner_cut", 0.12)], seed=21, background="wood")
    back, _ = photo("id_card", seed=12, background="dark_cloth")
    assert labels["corners_cut"]
    gap = np.full((40, front.shape[1], 3), 200, np.uint8)
    ctx, findings = run(np.vstack([front, gap, back]))
    assert len(ctx.composite_parts) == 2
    corner = [f for f in findings if f.code == "document.corner_missing"]
    assert corner and all(f.details["photo"] == 1 for f in corner)
    assert corner[0].message.startswith("Photo 1 of 2: ")
    assert corner[0].render(lang="zh").startswith("第 1 张照片（共 2 张）：")
    # regions in the whole picture's full-resolution pixels (the working copy stands for one twice its size)
    h = front.shape[0] * 2
    assert all(y <= h for _, y in corner[0].region)
    assert not any(f.details.get("photo") == 2 for f in findings if f.severity != "info")
    photos = ctx.extra["photos"]
    assert [p["document"] is not None for p in photos] == [True, True]
    assert min(y for _, y in photos[1]["document"]["quad"]) >= 2 * (front.shape[0] + gap.shape[0]) - 4
    # the photos' own lines, taken from their contexts, are what the picture's would count on the same crops
    assert ctx.photo_lines == type(ctx).photo_lines.func(ctx)
    # the same front alone says the same
    _, alone = run(front)
    assert "document.corner_missing" in codes_of(alone)


def test_a_composite_with_a_photo_without_a_document_says_which():
    """A clean card stitched beside a photo of a bare desk: "no document" is said of photo 2 only."""
    card, _ = photo("id_card", seed=11, background="wood")
    rng = np.random.default_rng(3)
    desk = np.clip(rng.normal(120, 6, card.shape), 0, 255).astype(np.uint8)
    ctx, findings = run(np.hstack([card, np.full((card.shape[0], 30, 3), 230, np.uint8), desk]))
    assert len(ctx.composite_parts) == 2
    said = {(f.code, f.details.get("photo")) for f in findings if f.severity != "info"}
    assert ("document.not_found", 2) in said
    assert not any(photo_no == 1 for _, photo_no in said)


def test_an_interface_cut_along_its_lines_is_no_composite():
    """The same photo shown in an app, under a status bar with its clock and above a button bar: the interface's parts
    are drawn flat, so the lines stay a screen's drawing."""
    img, _ = photo("id_card", seed=11, background="wood")
    bar = np.full((120, img.shape[1], 3), (245, 245, 240), np.uint8)
    bar[40:80, 100:400] = 30  # a button's label
    shot = np.vstack([np.full((60, img.shape[1], 3), (60, 60, 64), np.uint8), img, bar])
    shot[20:40, 20:140] = 250  # the clock
    ctx, findings = run(shot)
    assert not ctx.composite_parts and ctx.drawn_on_screen
    assert "image.composite" not in codes_of(findings)
    assert next(f for f in findings if f.code == "image.screenshot").severity == "error"


def test_a_check_that_crashes_on_a_photo_of_a_composite_fails_that_photo_and_the_rest_runs(monkeypatch):
    import dataclasses

    from idcheck import pipeline

    def crash(ctx):
        raise ValueError("boom")

    checks = tuple(dataclasses.replace(c, fn=crash) if c.name == "glare" else c for c in pipeline.CHECKS)
    monkeypatch.setattr(pipeline, "CHECKS", checks)
    front, _ = photo("id_card", seed=11, background="wood")
    back, _ = photo("id_card", seed=12, background="dark_cloth")
    ctx, findings = run(np.vstack([front, np.full((40, front.shape[1], 3), 200, np.uint8), back]))
    crashed = [f for f in findings if f.code == "internal.check_failed"]
    assert sorted(f.details["photo"] for f in crashed) == [1, 2]
    assert all(f.severity == "error" for f in crashed)
    assert any(f.code == "image.composite" for f in findings)  # the whole picture's checks still ran
    assert [p["document"] is not None for p in ctx.extra["photos"]] == [True, True]


def _jpeg(rgb, quality=90):
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=quality)  # colour at half resolution (4:2:0), as apps save
    return buf.getvalue()


def _said(data):
    import idcheck

    report = idcheck.check(data)
    return report, {(f.code, f.severity) for f in report.findings}


def test_a_narrow_gap_whose_colour_rings_in_the_jpeg_still_parts_the_photos():
    """A 12 px grey gap between two photos, saved as a JPEG: its colour takes on the photos' ringing (stored at half
    resolution), its grey stays exact: the photos are still told apart."""
    front, _ = photo("id_card", seed=11, background="wood")
    back, _ = photo("business_license", seed=12, background="dark_cloth")
    data = _jpeg(np.vstack([front, np.full((12, front.shape[1], 3), 200, np.uint8), back]))
    report, said = _said(data)
    assert ("image.composite", "info") in said
    assert len(report.extra["photos"]) == 2
    assert not any(code == "image.screenshot" for code, _ in said)


def test_a_photo_with_straight_edges_of_its_own_in_a_collage_is_not_cut_to_pieces():
    """Two photos one above the other with a grey gap; the lower one holds a straight edge across it and, below that
    edge, another down it (a desk's edge, a monitor's frame).  Cut as deep as a grid, its corner pieces are too small
    for photos; cut along the first lines only, every piece is a large photographic one: a composite, not a screen's
    drawing."""
    from idcheck.image import capture

    rng = np.random.default_rng(5)

    def surface(h, w, level):
        return np.clip(rng.normal(level, 6, (h, w)), 0, 255).astype(np.uint8)

    lower = np.vstack([surface(250, 600, 90), np.hstack([surface(150, 240, 30), surface(150, 360, 200)])])
    gray = np.vstack([surface(400, 600, 120), np.full((24, 600), 210, np.uint8), lower])
    parts = capture.composite_parts(gray)
    assert len(parts) == 3 and parts[0][:3] == (0, 0, 600) and parts[0][3] >= 396  # the upper photo whole
    assert capture._photos(capture._parts(gray, capture.SEAM_DEPTH), gray.shape) == []  # the grid's cut fails


def test_a_white_gap_between_photos_is_a_gap_though_clipped_and_rippled():
    """A white gap is clipped (no row of it one unclipped level): only the steps at its sides cut the picture, and
    what lies between them is white rippled by the JPEG, few cells exactly flat.  Thin and within a few levels of
    white, it is the gap, not a piece of an interface."""
    from idcheck.image import capture

    rng = np.random.default_rng(6)
    photo_a = np.clip(rng.normal(120, 6, (300, 500)), 0, 255).astype(np.uint8)
    photo_b = np.clip(rng.normal(130, 6, (300, 500)), 0, 255).astype(np.uint8)
    gap = rng.integers(251, 256, (22, 500)).astype(np.uint8)
    gray = np.vstack([photo_a, gap, photo_b])
    assert len(capture.composite_parts(gray)) == 2
    words = gap.copy()
    words[5:17, 20:480:3] = 40  # a strip with a line of words in it is no gap: an interface's, not a collage's
    assert capture.composite_parts(np.vstack([photo_a, words, photo_b])) == []
