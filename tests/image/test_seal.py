"""document.seal_missing: the red round seal of a licence (idcheck.image.checks.seal)."""

import io
from types import SimpleNamespace

import cv2
import numpy as np
import pytest
from PIL import Image

import idcheck
from fixtures import docgen
from idcheck.image.checks import seal


def _flat(**opts):
    doc, fields = docgen.render_document("business_license", np.random.default_rng(3), scale=0.7, **opts)
    return doc, fields


def _jpeg(arr):
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, format="JPEG", quality=90)
    return buf.getvalue()


@pytest.mark.parametrize("kind", ["red", "faded"])
def test_seal_found_on_a_flat_licence(kind):
    doc, fields = _flat(seal=kind, red_title=True, square_stamp=True)
    s = seal.find_seals(doc)
    assert s.found
    x0, y0, x1, y1 = fields["seal_box"]
    c = s.seals[0]
    assert x0 < c.cx < x1 and y0 < c.cy < y1
    assert abs(2 * c.r - (x1 - x0)) < 0.2 * (x1 - x0)


def test_red_title_square_stamp_and_emblem_are_no_seal():
    doc, _ = _flat(seal="none", red_title=True, square_stamp=True)
    s = seal.find_seals(doc)
    assert not s.found and s.red_share > 0.005  # there is red, but no ring


def test_plain_paper_and_a_solid_red_disc_are_no_seal():
    page = np.full((700, 990, 3), 245, np.uint8)
    assert not seal.find_seals(page).found
    cv2.circle(page, (600, 400), 80, (205, 30, 35), -1)
    assert not seal.find_seals(page).found
    cv2.circle(page, (300, 400), 80, (205, 30, 35), 4)  # a ring is
    assert seal.find_seals(page).found


def test_docgen_defaults_draw_the_same_licence():
    a, fa = docgen.render_document("business_license", np.random.default_rng(9), scale=0.5)
    b, fb = docgen.render_document("business_license", np.random.default_rng(9), scale=0.5, seal="red")
    assert np.array_equal(a, b)
    c, fc = docgen.render_document("business_license", np.random.default_rng(9), scale=0.5, seal="none",
                                   issued=(2026, 1, 2))
    assert fc["issued"] == "2026-01-02" and fc["uscc"] == fa["uscc"] and fc["seal_box"] is None
    with pytest.raises(ValueError):
        docgen.render_document("business_license", np.random.default_rng(9), seal="blue")


def _photo(**opts):
    photo, _ = docgen.make_photo("business_license", np.random.default_rng(5), document=opts, scale=0.8)
    return photo


def test_check_warns_only_for_a_named_licence_without_seal():
    with_seal, without = _jpeg(_photo(seal="red")), _jpeg(_photo(seal="none", red_title=True))
    r = idcheck.check(with_seal, kind="business_license")
    assert "document.seal_missing" not in [f.code for f in r.findings]
    assert r.extra["seal"]["found"] is True
    r = idcheck.check(without, kind="business_license")
    f = [f for f in r.findings if f.code == "document.seal_missing"]
    assert len(f) == 1 and f[0].severity == "warning"
    assert "红色圆形印章" in (f[0].template_zh or "")
    r = idcheck.check(without)  # kind auto, no profile: not applicable
    assert "document.seal_missing" not in [f.code for f in r.findings] and "seal" not in r.extra
    r = idcheck.check(without, kind="id_card")
    assert "seal" not in r.extra


def test_greyscale_picture_is_not_judged():
    grey = cv2.cvtColor(cv2.cvtColor(_photo(seal="none"), cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    r = idcheck.check(_jpeg(grey), kind="business_license")
    got = [f for f in r.findings if f.code in ("document.seal_missing", "image.not_judged")]
    assert [f.code for f in got] == ["image.not_judged"]
    assert got[0].severity == "info" and got[0].details["codes"] == ["document.seal_missing"]


def test_after_reading_runs_for_a_sealed_profile_type_or_a_confirmed_licence_only():
    class Ctx(SimpleNamespace):
        pass

    photo = _photo(seal="none")
    from idcheck.config import DEFAULT
    from idcheck.image.context import ImageContext
    from idcheck.intake.decode import decode
    from idcheck.intake.sniff import sniff

    data = _jpeg(photo)

    def ctx():
        r = decode(data, sniff(data[:65536]).spec, DEFAULT)
        return ImageContext(r.image, DEFAULT, {}, data=data)

    assert seal.after_reading(ctx(), "id_card_front", True, "id_card") == ([], None)
    assert seal.after_reading(ctx(), "business_license", False, None) == ([], None)  # not confirmed
    f, info = seal.after_reading(ctx(), "business_license", True, None)
    assert [x.code for x in f] == ["document.seal_missing"] and info["judged"]
    c = ctx()
    f, info = seal.after_reading(c, "", False, "uscc_certificate")
    assert [x.code for x in f] == ["document.seal_missing"]
    assert seal.after_reading(c, "", False, "uscc_certificate") == ([], None)  # judged once
    c = ctx()
    c.requested_kind = "business_license"  # the image check's business
    assert seal.after_reading(c, "business_license", True, None) == ([], None)
