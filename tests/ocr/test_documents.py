"""Image-level tests of the other document kinds: the ID card's emblem side and a passport data page
(fixtures.docgen_extra), read and cross-checked like check() does."""


import numpy as np
import pytest

from idcheck.config import Config
from idcheck.numbers import mrz
from idcheck.ocr import engines
from idcheck.ocr.crosscheck import run
from idcheck.ocr.repair import repair_mrz_td3

from .conftest import jpeg_context as context

extra = pytest.importorskip("fixtures.docgen_extra")

ENGINES = ["tesseract", "rapidocr"]




def engine_config(name: str) -> Config:
    try:
        engines.get_engine(name)
    except engines.EngineUnavailable:
        pytest.skip(f"{name} not installed")
    return Config.from_dict({"ocr": {"engines": (name,)}})


def individual(document_type: str, number: str) -> dict:
    return {"registrant_type": "individual", "region": "mainland", "document_type": document_type,
            "name_zh": "张建国", "document_number": number}


def test_generated_passport_mrz_is_valid_and_deterministic():
    a = extra.render_document("passport", np.random.default_rng(4))
    b = extra.render_document("passport", np.random.default_rng(4))
    assert np.array_equal(a[0], b[0]) and a[1] == b[1]
    f = a[1]
    assert mrz.is_valid(f["mrz"])
    assert mrz.info(f["mrz"])["document_number"].replace("<", "") == f["number"]
    with pytest.raises(ValueError):
        extra.render_document("visa", np.random.default_rng(0))


@pytest.fixture(scope="module")
def emblem_photo():
    return extra.make_photo("id_card_back", np.random.default_rng(2))


@pytest.mark.parametrize("engine", ENGINES)
def test_emblem_side_is_classified_and_is_a_type_mismatch_for_an_id_profile(emblem_photo, engine):
    cfg = engine_config(engine)
    photo, _ = emblem_photo
    ctx = context(photo)
    ctx.requested_kind = "id_card"
    findings, info = run(ctx, individual("id_card", "11010519491231002X"), cfg)
    assert info["classification"]["label"] == "id_card_back" and info["classification"]["strength"] == "strong"
    assert [f.code for f in findings] == ["profile.document_type_mismatch"]
    f = findings[0]
    assert f.severity == "error" and "photo side" in f.message
    assert f.details["shown"] == "id_card_back"


def test_emblem_side_is_not_a_mismatch_when_the_emblem_side_is_expected(emblem_photo):
    eng = engines.resolve(["tesseract", "rapidocr"])
    if eng is None:
        pytest.skip("no engine")
    photo, _ = emblem_photo
    ctx = context(photo)
    ctx.requested_kind = "id_card_back"
    findings, info = run(ctx, None, Config.from_dict({"ocr": {"engines": (eng.name,)}}))
    assert "profile.document_type_mismatch" not in [f.code for f in findings]
    assert info["classification"]["label"] == "id_card_back"


@pytest.fixture(scope="module")
def passport_photo():
    return extra.make_photo("passport", np.random.default_rng(1))


@pytest.mark.parametrize("engine", ENGINES)
def test_passport_mrz_is_read_and_its_number_checked(passport_photo, engine):
    cfg = engine_config(engine)
    photo, labels = passport_photo
    number = labels["fields"]["number"]
    ctx = context(photo)
    findings, info = run(ctx, individual("passport", number), cfg)
    assert findings == []
    assert info["layout"] == "passport" and info["fields"]["mrz"]["valid"] is True
    wrong = number[:4] + str((int(number[4]) + 1) % 10) + number[5:]
    findings, _ = run(ctx, individual("passport", wrong), cfg)
    assert [f.code for f in findings] == ["profile.number_mismatch"]
    assert findings[0].details["positions"] == [5] and findings[0].details["source"] == "mrz"


def test_mrz_filler_runs_are_recounted_and_recorded():
    f = extra.render_document("passport", np.random.default_rng(6))[1]
    l1, l2 = f["mrz"].split("\n")
    r = repair_mrz_td3([l1[:-3], l2[:28] + "<" * 11 + l2[-2:]])  # OCR dropped three fillers in each line
    assert r.valid and r.value == f["mrz"]
    assert [c.why for c in r.repairs].count("filler") == 2
    # a run of fillers cannot absorb a misread digit: the check digits still decide
    bad = l2[:5] + str((int(l2[5]) + 1) % 10) + l2[6:]
    assert not repair_mrz_td3([l1, bad]).valid


def test_mrz_number_line_stands_on_its_own_check_digits():
    f = extra.render_document("passport", np.random.default_rng(8))[1]
    l1, l2 = f["mrz"].split("\n")
    r = repair_mrz_td3(["P<CHZWAZG<AWEH", l2])  # the names line misread (it has no check digit)
    assert r.valid and r.note and "line 2" in r.note
    assert r.value.split("\n")[1] == l2
    # one wrong digit in the number line is never accepted
    bad = l2[:2] + str((int(l2[2]) + 3) % 10) + l2[3:]
    assert not repair_mrz_td3(["P<CHZWAZG<AWEH", bad]).valid
    assert not repair_mrz_td3([l1, bad]).valid


def test_mrz_confusable_digits_are_decided_by_two_check_digits_or_not_at_all():
    from idcheck.ocr.repair import _digit_swaps_td3

    line = "E668266231CHN7103014M3212079<<<<<<<<<<<<<<00"
    misread = line[:26] + "1" + line[27:]  # expiry 321207 read 321201: only one swap keeps a date and both checks
    fixed, changes = _digit_swaps_td3(misread)
    assert fixed == line and [(c.was, c.now, c.why) for c in changes] == [("1", "7", "checksum")]
    assert _digit_swaps_td3(line) == (line, [])


@pytest.mark.parametrize("mode", ["RGB", "L"])
def test_the_original_file_is_the_source_as_decoded(mode):
    """A document cut from the original file (the working copy holds too few pixels) gets the file's own pixels, in
    RGB, whether the file decodes to RGB (a JPEG: used as decoded, no converted copy) or to grey (converted)."""
    import io

    from PIL import Image

    from idcheck.config import DEFAULT
    from idcheck.image.context import ImageContext
    from idcheck.intake.decode import decode
    from idcheck.intake.sniff import sniff
    from idcheck.ocr.rectify import source_for

    rng = np.random.default_rng(3)
    pixels = rng.integers(0, 256, (1800, 2400, 3), dtype=np.uint8)
    buf = io.BytesIO()
    Image.fromarray(pixels).convert(mode).save(buf, format="JPEG", quality=90)
    data = buf.getvalue()
    r = decode(data, sniff(data[:65536]).spec, DEFAULT)
    ctx = ImageContext(r.image, DEFAULT, {}, data=data)
    assert ctx.scale_x > 1.05  # the working copy is reduced
    quad = np.array([[100, 100], [1000, 100], [1000, 700], [100, 700]], np.float32)
    rgb, q, source = source_for(ctx, quad, (2000, 1300))
    assert source == "original" and rgb.ndim == 3 and rgb.shape[2] == 3
    expected = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
    assert rgb.shape == expected.shape and np.array_equal(rgb, expected)
    assert np.allclose(q, quad * np.array([rgb.shape[1] / ctx.width, rgb.shape[0] / ctx.height]))
