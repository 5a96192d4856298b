"""The document classified and located from its own print (idcheck.ocr.textdoc), and read from there."""

import os

import numpy as np
import pytest

from idcheck.config import Config
from idcheck.ocr import engines, read_document, textdoc
from idcheck.ocr.crosscheck import compare, run

from .conftest import jpeg_context as context

docgen = pytest.importorskip("fixtures.docgen")

REAL_ID_MOCKUP = "/work/shared/photos-dev/p0097.jpeg"  # a Chinese resident-ID mock-up, upside down, no outline


# -- classification from the lines read --------------------------------------------------------------------

def test_id_card_labels_classify_through_ocr_confusions():
    lines = ["姓 名张三", "性别男", "民族汉", "住址北京市东城区", "公民身份号玛", "110101199003077777"]
    label, conf, found = textdoc.classify(lines)
    assert label == "id_card_front" and 0.5 < conf < 1.0
    assert {f.label for f in found["id_card_front"]} >= {"姓名", "公民身份号码", "性别"}
    assert next(f for f in found["id_card_front"] if f.label == "公民身份号码").errors == 1


def test_licence_labels_classify():
    lines = ["统一社会信用代码", "91330106MA2AB3CD4E", "营业執照", "(副本)", "名称杭州某某有限公司", "法定代表人王五"]
    label, conf, _ = textdoc.classify(lines)
    assert label == "business_license" and conf >= 0.75


@pytest.mark.parametrize("lines", [
    [],
    ["姓名"],  # one short label
    ["公民身份号码"],  # one long label alone
    ["姓名", "性别", "民族"],  # only short labels: no long one
    ["出口", "禁止吸烟", "安全通道", "营业时间 9:00-18:00"],  # a scene's signs
    ["我们的公民身份号码", "某某某某姓名"],  # labels in the middle of a line are not labels
])
def test_junk_never_classifies(lines):
    assert textdoc.classify(lines)[0] is None


def test_random_han_text_never_classifies():
    rng = np.random.default_rng(0)
    chars = [chr(c) for c in range(0x4E00, 0x9FA5)]
    for _ in range(300):
        lines = ["".join(rng.choice(chars, size=int(rng.integers(2, 12)))) for _ in range(int(rng.integers(3, 20)))]
        assert textdoc.classify(lines)[0] is None


def test_short_labels_only_exactly():
    assert textdoc.label_errors("姓名", "性名张三") is None
    assert textdoc.label_errors("姓名", "姓 名张三") == 0
    assert textdoc.label_errors("公民身份号码", "公民身份号") == 1  # a character dropped
    assert textdoc.label_errors("公民身份号码", "公民身分号玛") is None  # two misread


# -- locating from the labels' places ------------------------------------------------------------------------

def _card_boxes(tl, w, degrees):
    """Detector boxes of a card's left-column labels for a card of width ``w`` at ``tl``, turned by ``degrees``
    (clockwise) about its top-left corner."""
    h = w / textdoc.ASPECT["id_card_front"]
    a = np.deg2rad(degrees)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    out = []
    for label in ("姓名", "公民身份号码"):
        fx, fy, _ = textdoc.ANCHORS["id_card_front"][label]
        x0, y0, lw, lh = fx * w, fy * h - 0.025 * h, 0.15 * w, 0.05 * h
        pts = np.array([[x0, y0], [x0 + lw, y0], [x0 + lw, y0 + lh], [x0, y0 + lh]]) @ rot.T + tl
        # the detector lists a box's corners clockwise from its top-left as seen in the picture
        k = int(np.argmin(pts.sum(axis=1)))
        out.append(np.roll(pts, -k, axis=0).astype(np.float32))
    truth = np.array([[0, 0], [w, 0], [w, h], [0, h]]) @ rot.T + tl
    return out, truth


@pytest.mark.parametrize("degrees", [0, 3, 90, 92, 180, 183, 270, 268])
def test_a_card_is_located_from_two_labels(degrees):
    boxes, truth = _card_boxes(np.array([900.0, 300.0]), 800.0, degrees)
    turn = round(degrees / 90) * 90 % 360
    assert turn in textdoc._orientations(boxes)  # lines lying flat or standing: the turns tried
    found = [textdoc.Found("姓名", 0, 0), textdoc.Found("公民身份号码", 0, 1)]
    quad = textdoc.locate("id_card_front", found, boxes, [0, 1], turn)
    assert quad is not None
    assert np.abs(quad - truth).max() < 0.03 * 800  # every corner within 3% of the card's width, in reading order


def test_one_label_does_not_locate():
    boxes, _ = _card_boxes(np.array([100.0, 100.0]), 800.0, 0)
    assert textdoc.locate("id_card_front", [textdoc.Found("姓名", 0, 0)], boxes, [0, 1], 0) is None


# -- reading: generated documents (RapidOCR: its text detector is in the same wheel) ----------------------

def rapid() -> str:
    try:
        engines.get_engine("rapidocr")
    except engines.EngineUnavailable:
        pytest.skip("rapidocr not installed")
    return "rapidocr"


def cfg_for(name: str) -> Config:
    return Config.from_dict({"ocr": {"engines": (name,)}})


def one_changed(number: str) -> str:
    return number[:5] + str((int(number[5]) + 3) % 10) + number[6:]


@pytest.fixture(scope="module")
def licence():
    return docgen.make_photo("business_license", np.random.default_rng(31))


@pytest.fixture(scope="module")
def card():
    return docgen.make_photo("id_card", np.random.default_rng(32))


def test_a_licence_without_a_profile_is_read_with_the_licence_layout(licence):
    name = rapid()
    photo, labels = licence
    ctx = context(photo)  # requested_kind "auto", no profile: nothing says it is a licence
    findings, info = run(ctx, None, cfg_for(name))
    assert info["layout"] == "business_license"
    assert info["fields"]["number"]["valid"] is True
    assert info["fields"]["number"]["value"].show(True) == labels["fields"]["uscc"]
    # its valid credit code settles the kind: the labels are read only when the outline's reading confirms nothing
    assert "text_label" not in info["classification"]
    # without its outline, its labels classify it (and place it)
    ctx = context(photo)
    ctx.__dict__["document"] = None
    reading = read_document(ctx, expected=None, engine=name)
    assert reading is not None and reading.label == "business_license" and reading.located == "text"
    evidence = reading.classification.evidence
    assert evidence["text_label"] == "business_license"
    assert "营业执照" in evidence["text_labels"] or "营业执照~" in evidence["text_labels"]


def test_a_card_without_an_outline_is_located_from_its_labels_and_read(card):
    name = rapid()
    photo, labels = card
    f = labels["fields"]
    ctx = context(photo)
    ctx.__dict__["document"] = None  # the outline was not found (a card on a desk of its colour)
    reading = read_document(ctx, expected=None, engine=name)
    assert reading is not None and reading.located == "text" and reading.label == "id_card_front"
    assert reading.classification.evidence["located_from_text"] is True
    # the tallest line and the left margin's top and bottom lines (姓名, 公民身份号码) classify and place it
    assert reading.classification.evidence["text_read"] <= 3
    profile = {"registrant_type": "individual", "region": "mainland", "document_type": "id_card",
               "name_zh": f["name"], "document_number": f["number"]}
    cfg = cfg_for(name).ocr
    assert compare(reading, profile, cfg)[0] == []  # verified: name and number read and matched
    # a one-character change of the number is caught, never verified
    codes = [x.code for x in compare(reading, {**profile, "document_number": one_changed(f["number"])}, cfg)[0]]
    assert codes == ["profile.number_mismatch"]


def test_tesseract_stays_the_fallback_engine(card):
    try:
        engines.get_engine("tesseract")
    except engines.EngineUnavailable:
        pytest.skip("tesseract not installed")
    photo, labels = card
    f = labels["fields"]
    ctx = context(photo)
    profile = {"registrant_type": "individual", "region": "mainland", "document_type": "id_card",
               "name_zh": f["name"], "document_number": one_changed(f["number"])}
    findings, info = run(ctx, profile, cfg_for("tesseract"))
    assert info["engine"] == "tesseract"
    codes = [x.code for x in findings]
    # a wrong number is never verified: caught, or "could not verify"
    assert "profile.number_mismatch" in codes or "ocr.unreadable" in codes


# -- a real picture ---------------------------------------------------------------------------------------------

@pytest.mark.skipif(not os.path.exists(REAL_ID_MOCKUP), reason="the real development photos are not here")
def test_the_real_id_mockup_is_located_classified_and_its_name_read():
    name = rapid()
    with open(REAL_ID_MOCKUP, "rb") as fh:
        data = fh.read()
    from idcheck.config import DEFAULT
    from idcheck.image.context import ImageContext
    from idcheck.intake.decode import decode
    from idcheck.intake.sniff import sniff

    r = decode(data, sniff(data[:65536]).spec, DEFAULT)
    ctx = ImageContext(r.image, DEFAULT, {}, data=data)
    reading = read_document(ctx, expected=None, engine=name)
    assert reading is not None
    assert reading.located == "text" and reading.classification.label == "id_card_front"
    assert reading.classification.evidence["text_degrees"] == 180  # upside down in the picture
    assert reading.fields["name"].text == "代用名"
    # the mock-up's number fails its check digit as printed: never verified, never a mismatch
    profile = {"registrant_type": "individual", "region": "mainland", "document_type": "id_card",
               "name_zh": "代用名", "document_number": "430512198908131367"}
    codes = [x.code for x in compare(reading, profile, cfg_for(name).ocr)[0]]
    assert codes == ["ocr.unreadable"]


def test_a_name_line_cut_by_its_window_is_never_a_mismatch():
    from idcheck.config import DEFAULT
    from idcheck.ocr import DocumentReading, FieldReading
    from idcheck.ocr.rectify import Classification
    from idcheck.ocr.repair import repair

    number = "11010519491231002X"

    def reading(clipped: bool) -> DocumentReading:
        fields = {"name": FieldReading("name", "张建", "张建", 0.99, (0.99, 0.99), (170, 90, 240, 125),
                                       clipped=clipped),
                  "number": FieldReading("number", number, number, 0.9, None, (280, 500, 640, 540),
                                         repaired=repair(number, "ric"))}
        cls = Classification("id_card_front", "weak", {})
        return DocumentReading("rapidocr", True, cls, "id_card_front", 0, fields)

    profile = {"registrant_type": "individual", "region": "mainland", "document_type": "id_card",
               "name_zh": "张建国", "document_number": number}
    assert [f.code for f in compare(reading(False), profile, DEFAULT.ocr)[0]] == ["profile.name_mismatch"]
    findings = compare(reading(True), profile, DEFAULT.ocr)[0]
    assert [f.code for f in findings] == ["ocr.unreadable"]
    assert any("beyond" in w for w in findings[0].details["why"])


def test_a_licence_row_is_cut_after_its_label_even_with_a_stroke_before_it():
    from idcheck.ocr.fields import after_label

    h = 30
    row = np.full((h, 700), 255, np.uint8)
    row[:, 2:3] = 0  # a thin stroke (a frame line) before the row
    row[4:26, 67:87] = 0  # 名
    row[4:26, 171:196] = 0  # 称, spaced wide from 名
    for x in range(263, 650, 30):  # the value, characters close together
        row[4:26, x:x + 24] = 0
    assert after_label(row, (0, 0, 700, h))[0] == 263


def test_auto_mode_surveys_the_print_only_when_the_outline_confirms_nothing(licence, monkeypatch):
    from idcheck.ocr import read as read_mod

    name = rapid()
    photo, labels = licence
    calls: list[int] = []
    real_survey = textdoc.survey
    monkeypatch.setattr(textdoc, "survey", lambda *a, **k: calls.append(1) or real_survey(*a, **k))
    reading = read_document(context(photo), expected=None, engine=name)
    assert reading is not None and reading.confirmed and reading.located == "outline" and calls == []
    # the outline's reading confirms nothing (its fields lost): the print is surveyed, the document located from its
    # labels and read with the licence layout
    real_read = read_mod._read_quad

    def nothing_from_the_outline(ctx, eng, quad, found, *a, **k):
        r, n = real_read(ctx, eng, quad, found, *a, **k)
        if found and not k.get("fixed_turn"):
            r.fields.clear()
        return r, n

    monkeypatch.setattr(read_mod, "_read_quad", nothing_from_the_outline)
    reading = read_document(context(photo), expected=None, engine=name)
    assert calls == [1]
    assert reading is not None and reading.confirmed and reading.located == "text"
    assert reading.label == "business_license" and reading.classification.evidence["text_label"] == "business_license"


# -- MRZ evidence on a document whose labels say it carries none --------------------------------------------

def _count_mrz_reads(monkeypatch, *, read: bool = True) -> list[int]:
    from idcheck.ocr import mrz

    calls: list[int] = []
    real = mrz.read_mrz
    monkeypatch.setattr(mrz, "read_mrz", lambda *a, **k: calls.append(1) or (real(*a, **k) if read else None))
    return calls


def test_a_licence_classified_by_its_labels_does_not_read_an_mrz_band(licence, monkeypatch):
    """MRZ evidence on a licence (rows that look like a band, as on two blurred generated licences of seed 2026) is
    neither looked for nor read when the licence's own labels (营业执照, 统一社会信用代码) classify it; the licence is
    read as before."""
    from idcheck.ocr import read as read_mod

    name = rapid()
    photo, labels = licence
    searched: list[int] = []
    # one MRZ-like band found wherever it is looked for
    monkeypatch.setattr(read_mod, "_machine_bands", lambda ctx: searched.append(1) or ([object()], 1.0))
    calls = _count_mrz_reads(monkeypatch, read=False)
    ctx = context(photo)
    ctx.__dict__["document"] = None
    reading = read_document(ctx, expected=None, engine=name)
    assert calls == [] and searched == []  # neither looked for nor read
    assert reading is not None and reading.confirmed and reading.label == "business_license"
    assert reading.fields["number"].text == labels["fields"]["uscc"]
    assert reading.classification.evidence["text_label"] == "business_license"
    # the same picture, its labels not read (no text detector here): its MRZ evidence is read, as on any picture of
    # unknown kind
    monkeypatch.setattr(textdoc, "survey", lambda *a, **k: None)
    ctx = context(photo)
    ctx.__dict__["document"] = None
    read_document(ctx, expected=None, engine=name)
    assert calls == [1] and searched == [1]


def test_a_passport_without_an_outline_still_reads_its_mrz(monkeypatch):
    """A Chinese passport's data page (MRZ evidence, its labels classify it as no kind without an MRZ) is read from its
    MRZ, with or without an outline."""
    from .test_mrz import _dev

    name = rapid()
    path = _dev("mrzlib__passports__China.png")
    from PIL import Image

    photo = np.asarray(Image.open(path).convert("RGB"))
    calls = _count_mrz_reads(monkeypatch)
    ctx = context(photo)
    ctx.__dict__["document"] = None
    reading = read_document(ctx, expected=None, engine=name)
    assert calls == [1]
    assert reading is not None and reading.label == "passport" and reading.confirmed


@pytest.mark.parametrize("turn", [0, 2])
def test_a_first_look_is_resumed_without_reading_a_line_twice(card, turn):
    """The first look (the first batch of label lines, the first way up) is what the whole survey starts with: resumed,
    the whole survey gives what a fresh one gives, and no line is recognised twice (upside down, the first look
    classifies nothing: the whole survey reads on, the other way up)."""
    name = rapid()
    photo, _ = card
    photo = np.ascontiguousarray(np.rot90(photo, turn))
    eng = engines.get_engine(name)

    def surveyed(**kw):
        ctx = context(photo)
        ctx.__dict__["document"] = None
        ctx.text_lines  # noqa: B018  (the detector's pass, shared)
        counted: list[int] = []
        real = eng.read_lines
        eng.read_lines = lambda crops, **k: counted.append(len(crops)) or real(crops, **k)
        try:
            first = textdoc.survey(ctx, eng, first_look=True) if kw.get("resume") else None
            s = textdoc.survey(ctx, eng, resume=first)
        finally:
            del eng.read_lines
        return s, first, sum(counted)

    fresh, _, read_fresh = surveyed()
    resumed, first, read_resumed = surveyed(resume=True)
    assert first is not None and first.read <= 3
    assert resumed.label == fresh.label == "id_card_front" and resumed.degrees == fresh.degrees
    assert np.allclose(resumed.quad, fresh.quad) and resumed.read == fresh.read
    assert read_resumed == read_fresh  # the first look's lines were not read again
    assert first.complete == (turn == 0 and first.quad is not None)
