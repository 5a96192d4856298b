import io

import numpy as np
import pytest

from fixtures import forgery
from idcheck.tamper import local

from .conftest import check, tamper_findings


def _case(name, base, seed=3):
    return forgery.make_case(name, np.random.default_rng(seed), base)


def test_untouched_camera_photo_has_no_tamper_finding(camera_jpeg):
    report = check(camera_jpeg)
    assert tamper_findings(report) == []
    assert not report.has("tamper.jpeg_quality")  # a file fact now, not a finding
    assert 50 <= report.file["jpeg_quality"] <= 100 and report.file["jpeg_tables"] in ("ijg", "non-ijg", "unknown")
    assert "internal.check_failed" not in report.codes


@pytest.mark.parametrize("case", ["camera_resaved", "png", "png_resaved"])
def test_untouched_variants_are_clean(base, case):
    data, _ = _case(case, base)
    assert tamper_findings(check(data)) == []


def test_editor_resave_names_the_tool_and_field(base):
    data, lab = _case("editor_resave", base)
    report = check(data)
    found = [f for f in report.findings if f.code == "tamper.editing_software"]
    assert len(found) == 1 and found[0].severity == "warning"
    assert lab["software"][:4].lower() in found[0].message.lower() or found[0].details["tools"]
    assert "EXIF Software" in found[0].message or "XMP CreatorTool" in found[0].message
    assert not report.has("tamper.local_edit")


def test_field_pasted_from_low_quality_jpeg_is_found_with_region(base):
    a, b = base["photo_a"], base["photo_b"]
    cam = forgery.jpeg(a, 90)
    img = forgery.decode(cam).copy()
    donor = forgery.decode(forgery.jpeg(b, 55))
    mask = forgery._poly_mask(img.shape[:2], base["poly"])
    img[mask > 0] = donor[mask > 0]
    report = check(forgery.jpeg(img, 95))
    edits = [f for f in report.findings if f.code == "tamper.local_edit"]
    assert edits, report.codes
    f = edits[0]
    xs = [p[0] for p in f.region]
    ys = [p[1] for p in f.region]
    px, py = base["poly"][:, 0], base["poly"][:, 1]
    assert min(xs) < px.max() and max(xs) > px.min() and min(ys) < py.max() and max(ys) > py.min()
    assert f.details["detector"] == "ghost" and abs(f.details["earlier_quality"] - 55) <= 5


def test_typed_text_is_found(base):
    data, lab = _case("typed", base)
    report = check(data)
    assert report.has("tamper.local_edit"), report.codes


@pytest.mark.parametrize("orientation", range(1, 9))
def test_orientation_matrix_round_trip(orientation):
    m = local.orientation_matrix(orientation, 40, 30)
    corners = local.apply(m, [(0, 0), (40, 0), (40, 30), (0, 30)])
    w, h = (40, 30) if orientation < 5 else (30, 40)
    assert corners[:, 0].min() == 0 and corners[:, 0].max() == w
    assert corners[:, 1].min() == 0 and corners[:, 1].max() == h
    back = local.apply(np.linalg.inv(m), corners)
    assert np.allclose(back, [(0, 0), (40, 0), (40, 30), (0, 30)])


def test_full_luma_is_decoded_once_and_only_for_jpeg(camera_jpeg):
    from idcheck.config import Config
    from idcheck.intake.decode import decode
    from idcheck.intake.sniff import sniff
    from idcheck.pipeline import make_context

    r = decode(camera_jpeg, sniff(camera_jpeg[:65536]).spec, Config())
    ctx = make_context(r.image, Config(), r.facts, data=camera_jpeg)
    y1 = local.full_luma(ctx)
    assert y1 is local.full_luma(ctx)
    assert y1.shape == (r.facts["stored_height"], r.facts["stored_width"])
    ctx.decoded.format = "png"
    del ctx.full_luma  # drop the cached view
    assert local.full_luma(ctx) is None


def test_no_sensor_noise_analysis_on_a_screen_capture(base, monkeypatch):
    """A screenshot has no camera noise anywhere, so "no noise over this text" says nothing about an edit."""
    called = []
    monkeypatch.setattr(local, "detect_noise", lambda ctx, cfg, within=None: called.append(1) or [])
    photo = np.asarray(base["photo_a"])
    check(_jpeg(photo))
    assert called, "the noise analysis runs on a camera photo"
    called.clear()
    shot = np.array(photo, copy=True)
    shot[:40] = (245, 245, 250)  # an app bar and a status bar drawn in exact colours: a screen capture
    shot[40:70] = (33, 150, 243)
    report = check(_jpeg(shot))
    assert report.has("image.screenshot") and not called


def _jpeg(rgb):
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=95)
    return buf.getvalue()
