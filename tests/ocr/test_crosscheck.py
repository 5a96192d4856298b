import numpy as np
import pytest

from idcheck.config import DEFAULT, Config
from idcheck.ocr import DocumentReading, FieldReading
from idcheck.ocr.crosscheck import compare, run
from idcheck.ocr.rectify import Classification
from idcheck.ocr.repair import repair

ID = "11010519491231002X"
CFG = DEFAULT.ocr


def reading(name="张建国", name_conf=0.99, chars=None, number=ID, label="id_card_front", engine="rapidocr",
            cls=None, box=(170, 90, 275, 125)):
    fields = {}
    if name is not None:
        fields["name"] = FieldReading("name", name, name, name_conf, chars or tuple([name_conf] * len(name)), box)
    if number is not None:
        fields["number"] = FieldReading("number", repair(number, "ric").value, number, 0.9, None, (280, 500, 640, 540),
                                        repaired=repair(number, "ric"))
    return DocumentReading(engine, True, cls or Classification(label, "weak", {"shape": "card"}), label, 0, fields)


def profile(name="张建国", number=ID, document_type="id_card"):
    return {"registrant_type": "individual", "region": "mainland", "document_type": document_type,
            "name_zh": name, "document_number": number}


def codes_of(findings):
    return [f.code for f in findings]


def test_matching_profile_gives_no_findings_and_masked_fields():
    findings, extra = compare(reading(), profile(), CFG)
    assert findings == []
    from idcheck.report import _plain

    shown = _plain(extra, False)
    assert shown["fields"]["number"]["value"] == "1101**********002X"
    assert shown["fields"]["name"]["value"] == "张*国"
    assert _plain(extra, True)["fields"]["name"]["value"] == "张建国"


def test_confident_different_character_is_a_name_mismatch():
    findings, _ = compare(reading(), profile(name="张建图"), CFG)
    assert codes_of(findings) == ["profile.name_mismatch"]
    f = findings[0]
    assert f.severity == "error" and f.field == "name_zh"
    d = f.to_dict()
    assert "张建图" not in d["message"] and "张*图" in d["message"]  # masked by default
    assert "张建图" in f.render(reveal=True)
    assert d["details"]["diff"][0]["position"] == 3


def test_uncertain_character_is_could_not_verify_not_a_mismatch():
    findings, _ = compare(reading(chars=(0.99, 0.99, 0.80)), profile(name="张建图"), CFG)
    assert codes_of(findings) == ["ocr.unreadable"]
    assert findings[0].severity == "warning"


def test_low_confidence_name_is_unreadable_even_if_equal():
    findings, _ = compare(reading(name_conf=0.3), profile(), CFG)
    assert codes_of(findings) == ["ocr.unreadable"]


def test_width_variant_is_not_an_ocr_mismatch():
    r = reading(name="某某（北京）科技有限公司", label="business_license", number=None,
                cls=Classification("business_license", "weak", {"shape": "page"}))
    findings, _ = compare(r, profile(name="某某(北京)科技有限公司", document_type="business_license", number=None), CFG)
    assert "profile.name_mismatch" not in codes_of(findings)


def test_missing_character_needs_the_line_width_to_agree():
    # the line box is 3 characters wide (105 x 35 px), the reading has 2: OCR dropped one -> could not verify
    findings, _ = compare(reading(name="张国"), profile(name="张建国"), CFG)
    assert codes_of(findings) == ["ocr.unreadable"]
    # a 2-character-wide box and a 3-character profile: the typed name has an extra character
    findings, _ = compare(reading(name="张国", box=(170, 90, 240, 125)), profile(name="张建国"), CFG)
    assert codes_of(findings) == ["profile.name_mismatch"]


def test_valid_number_differs_is_a_number_mismatch():
    findings, _ = compare(reading(), profile(number="110105194912310038"), CFG)
    assert codes_of(findings) == ["profile.number_mismatch"]
    d = findings[0].to_dict()
    assert d["details"]["positions"] == [17, 18]
    assert "110105194912310038" not in d["message"]


def test_number_failing_its_check_is_never_a_mismatch():
    findings, _ = compare(reading(number="11010519491231003X"), profile(number="110105194912310038"), CFG)
    assert codes_of(findings) == ["ocr.unreadable"]


def test_typed_number_with_spaces_and_lowercase_x_matches():
    findings, _ = compare(reading(), profile(number="110105 19491231 002x"), CFG)
    assert findings == []


def test_emblem_side_is_a_document_type_mismatch():
    r = DocumentReading("rapidocr", True, Classification("id_card_back", "strong", {"shape": "card"}), "", 0, {})
    findings, _ = compare(r, profile(), CFG)
    assert codes_of(findings) == ["profile.document_type_mismatch"]
    assert "photo side" in findings[0].message


def test_licence_for_an_id_card_profile_only_on_a_valid_code():
    from fixtures.docgen import make_uscc

    code = make_uscc(np.random.default_rng(3), "110105")
    fields = {"number": FieldReading("number", code, code, 0.9, None, (0, 0, 10, 10), repaired=repair(code, "uscc"))}
    r = DocumentReading("rapidocr", True, Classification("business_license", "weak", {"shape": "page"}),
                        "business_license", 0, fields)
    assert codes_of(compare(r, profile(), CFG)[0]) == ["profile.document_type_mismatch"]
    fields["number"] = FieldReading("number", code[:-1], code[:-1], 0.9, None, (0, 0, 10, 10),
                                    repaired=repair(code[:-1], "uscc"))
    assert "profile.document_type_mismatch" not in codes_of(compare(r, profile(), CFG)[0])


def test_weak_picture_evidence_never_gives_a_type_mismatch():
    r = DocumentReading("rapidocr", True, Classification("passport", "weak", {"shape": "page"}), "", 0, {})
    assert "profile.document_type_mismatch" not in codes_of(compare(r, profile(), CFG)[0])


def test_no_engine_is_info_not_error():
    class Ctx:
        rgb = np.full((100, 160, 3), 255, np.uint8)
        requested_kind = "auto"

    cfg = Config.from_dict({"ocr": {"engines": ("no-such-engine",)}})
    findings, extra = run(Ctx(), profile(), cfg)
    assert codes_of(findings) == ["ocr.engine_unavailable"] and findings[0].severity == "info"
    assert extra["engine"] is None


def test_config_has_reasons_and_units():
    import dataclasses

    for f in dataclasses.fields(DEFAULT.ocr):
        assert f.metadata["unit"] and f.metadata["reason"]


def _line_picture(text: str, size: int = 34) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", size, index=2)
    im = Image.new("L", (size * len(text) + 30, int(size * 1.7)), 255)
    ImageDraw.Draw(im).text((15, size * 0.25), text, font=font, fill=25)
    return np.asarray(im)


def _read_as(printed: str, read: str, conf: float = 0.99):
    r = reading(name=read, name_conf=conf, engine="tesseract", box=(0, 0, 34 * len(read), 34))
    r.fields["name"].crop = _line_picture(printed)
    r.fields["name"].span = (0, len(read))
    return r


def test_confident_misread_is_vetoed_by_the_glyph_check():
    from idcheck.ocr import glyphs

    if not glyphs.available():
        pytest.skip("no CJK font")
    # Tesseract reads 霞 as 起 at 0.96 at every scale: the picture fits 霞 (typed) far better than 起 (read)
    findings, _ = compare(_read_as("苏涛霞", "苏涛起"), profile(name="苏涛霞"), CFG)
    assert codes_of(findings) == ["ocr.unreadable"]
    assert any("shape" in w for w in findings[0].details["why"])
    # a real difference: the picture shows 国, the profile says 图
    findings, _ = compare(_read_as("张建国", "张建国"), profile(name="张建图"), CFG)
    assert codes_of(findings) == ["profile.name_mismatch"]


def test_without_a_font_a_difference_is_could_not_verify(monkeypatch):
    from idcheck.ocr import glyphs

    monkeypatch.setattr(glyphs, "available", lambda: False)
    findings, _ = compare(_read_as("张建国", "张建国"), profile(name="张建图"), CFG)
    assert codes_of(findings) == ["ocr.unreadable"]
    assert "font" in " ".join(findings[0].details["why"])


def test_readings_that_disagree_are_never_a_mismatch():
    r = reading(name="张建国", name_conf=0.99)
    r.fields["name"].readings, r.fields["name"].agreeing = 3, 1
    assert codes_of(compare(r, profile(name="张建图"), CFG)[0]) == ["ocr.unreadable"]


def test_glyph_cells_cut_a_monospaced_line_evenly():
    from idcheck.ocr import glyphs

    if not glyphs.available():
        pytest.skip("no CJK font")
    line = _line_picture("张建国")
    for k, ch in enumerate("张建国"):
        s = glyphs.score(glyphs.cell(line, 3, k), ch)
        others = [glyphs.score(glyphs.cell(line, 3, k), o) for o in "张建国" if o != ch]
        assert s > 0.8 and s > max(others) + 0.2


def _blurred(picture: np.ndarray, sigma: float) -> np.ndarray:
    import cv2

    return cv2.GaussianBlur(picture, (0, 0), sigma)


def test_glyph_cells_start_at_a_thin_stroke():
    """A line that starts with a thin horizontal stroke (上's bottom bar) is cut from that stroke, not from the
    first thick column: every cell holds its own character (a shifted grid cut 上海市汇通 in halves)."""
    from idcheck.ocr import glyphs

    if not glyphs.available():
        pytest.skip("no CJK font")
    text = "上海市汇通咨询"
    line = _line_picture(text, size=40)
    for k, ch in enumerate(text):
        s_own, s_other = glyphs.compare(line, len(text), k, ch, "国" if ch != "国" else "图")
        assert s_own > 0.8 and s_own > s_other + 0.2


def test_blurred_difference_is_caught_and_blurred_misread_still_vetoed():
    """On a line blurred until neighbouring strokes touch, a real one-character difference is still seen (the
    picture shows 限, the profile says 英), and a confident misread is still vetoed (the picture shows 霞, the
    engine read 起): both candidates are scored at the same cuts."""
    from idcheck.ocr import glyphs

    if not glyphs.available():
        pytest.skip("no CJK font")
    line = _blurred(_line_picture("科技有限公司", size=30), 1.6)
    s_read, s_typed = glyphs.compare(line, 6, 3, "限", "英")
    assert s_read >= CFG.glyph_min_score and s_read - s_typed >= CFG.glyph_margin
    r = _read_as("苏涛霞", "苏涛起")
    r.fields["name"].crop = _blurred(_line_picture("苏涛霞"), 1.6)
    findings, _ = compare(r, profile(name="苏涛霞"), CFG)
    assert codes_of(findings) == ["ocr.unreadable"]
    assert any("shape" in w for w in findings[0].details["why"])
