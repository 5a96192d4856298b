"""End to end on generated photos: one ID card and one licence, read and cross-checked."""

import numpy as np
import pytest

from idcheck.config import Config
from idcheck.ocr import engines, read_document
from idcheck.ocr.crosscheck import run

from .conftest import jpeg_context as context

docgen = pytest.importorskip("fixtures.docgen")




@pytest.fixture(scope="module")
def id_photo():
    return docgen.make_photo("id_card", np.random.default_rng(11), ())


@pytest.mark.parametrize("engine", ["tesseract", "rapidocr"])
def test_id_card_read_and_checked(id_photo, engine):
    try:
        engines.get_engine(engine)
    except engines.EngineUnavailable:
        pytest.skip(f"{engine} not installed")
    photo, labels = id_photo
    f = labels["fields"]
    ctx = context(photo)
    ctx.requested_kind = "id_card"
    cfg = Config.from_dict({"ocr": {"engines": (engine,)}})
    good = {"registrant_type": "individual", "region": "mainland", "document_type": "id_card",
            "name_zh": f["name"], "document_number": f["number"]}
    findings, extra = run(ctx, good, cfg)
    assert not [x for x in findings if x.code.endswith("_mismatch")]
    assert extra["engine"] == engine and extra["layout"] == "id_card_front"
    assert extra["fields"]["number"]["valid"] is True
    # the number typed with one digit changed is caught (the read number passed its check digit)
    wrong = dict(good, document_number=f["number"][:5] + str((int(f["number"][5]) + 1) % 10) + f["number"][6:])
    codes = [x.code for x in run(ctx, wrong, cfg)[0]]
    assert "profile.number_mismatch" in codes
    region = [x for x in run(ctx, wrong, cfg)[0] if x.code == "profile.number_mismatch"][0].region
    assert region is not None and len(region) == 4


def test_upside_down_card_is_turned(id_photo):
    eng = engines.resolve(["rapidocr", "tesseract"])
    photo, labels = id_photo
    ctx = context(np.ascontiguousarray(photo[::-1, ::-1]))
    r = read_document(ctx, expected="id_card_front", engine=eng.name)
    assert r.fields["number"].text == labels["fields"]["number"]
    assert r.orientation == 180


def test_whole_frame_when_no_document_found():
    doc, fields = docgen.render_document("id_card", np.random.default_rng(5))
    ctx = context(doc)  # a flat scan: no background, the image engine may find no quad
    eng = engines.resolve(["rapidocr", "tesseract"])
    r = read_document(ctx, expected="id_card_front", engine=eng.name)
    assert r.fields["number"].text == fields["number"]
