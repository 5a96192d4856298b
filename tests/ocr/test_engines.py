import numpy as np
import pytest

from idcheck.ocr import engines
from idcheck.ocr.engines import LineCrop, rapid


def test_registry_knows_both_engines():
    assert {"tesseract", "rapidocr"} <= set(engines.ENGINES)
    with pytest.raises(ValueError):
        engines.get_engine("nope")


def test_missing_optional_engine_is_unavailable_not_an_error(monkeypatch):
    monkeypatch.setattr(rapid.importlib.util, "find_spec", lambda name: None)
    e = rapid.RapidEngine()
    assert e.available() is False and "pip install" in e.why_unavailable
    assert engines.resolve(["nope-engine"]) is None


def test_bad_script_hint_rejected():
    with pytest.raises(ValueError):
        LineCrop(np.zeros((10, 10), np.uint8), "klingon")


def _line(text: str, size: int = 40) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", size, index=2)
    im = Image.new("L", (int(size * len(text) * 0.9) + 40, int(size * 1.6)), 255)
    ImageDraw.Draw(im).text((20, size * 0.2), text, font=font, fill=20)
    return np.asarray(im)


@pytest.mark.parametrize("name", ["tesseract", "rapidocr"])
def test_engine_reads_a_name_and_a_number_in_one_call(name):
    eng = engines.get_engine(name)  # both are installed by the set-up: never skipped
    out = eng.read_lines([LineCrop(_line("张建国"), "zh"), LineCrop(_line("11010519491231002X"), "digits")])
    assert len(out) == 2
    assert out[0].text == "张建国" and 0 < out[0].confidence <= 1
    assert out[1].text == "11010519491231002X"
    assert out[1].char_confidences is not None and len(out[1].char_confidences) == 18
    assert "张" not in repr(out[0])  # no personal data in reprs


def test_engine_reads_blank_as_empty():
    eng = engines.resolve(["tesseract", "rapidocr"])
    if eng is None:
        pytest.skip("no engine")
    out = eng.read_lines([LineCrop(np.full((48, 200), 255, np.uint8), "digits")])
    assert out[0].text == "" or out[0].confidence < 0.5


def test_tesseract_in_process_gives_character_confidences_and_variants():

    try:
        eng = engines.get_engine("tesseract")
    except engines.EngineUnavailable:
        pytest.skip("tesseract not installed")
    if eng.backend != "library":
        pytest.skip("libtesseract not loadable here (the program is used)")
    crops = [LineCrop(_line("张建国"), "zh", v) for v in range(eng.variants["zh"])]
    out = eng.read_lines(crops)
    assert [o.text for o in out] == ["张建国"] * len(crops)
    assert all(len(o.char_confidences) == 3 and min(o.char_confidences) > 0.8 for o in out)
    # the credit-code alphabet has no O: a printed O-like glyph is read as the digit
    code = eng.read_lines([LineCrop(_line("91110000600037341L"), "uscc")])[0]
    assert code.text == "91110000600037341L"


def test_tesseract_program_backend_still_reads():
    from idcheck.ocr.engines import tesseract

    if tesseract._program() is None:
        pytest.skip("tesseract program not installed")
    out = tesseract._read_program([LineCrop(_line("张建国"), "zh"), LineCrop(_line("11010519491231002X"), "digits")],
                                  timeout=20)
    assert out[0].text == "张建国" and out[1].text == "11010519491231002X"


def test_tesseract_timeout_gives_empty_reads():
    from idcheck.ocr.engines import tesseract

    lib = tesseract._library()
    if lib is None or not lib.probe():
        pytest.skip("libtesseract not loadable here")
    import time

    r = lib.read(tesseract._prepare(_line("张建国"), 64), "chi_sim", None, 7, time.monotonic() - 1)
    assert r.text == "" and r.confidence == 0


def test_rapidocr3_is_the_default_and_reads_without_network(monkeypatch):
    """RapidOCR 3's models ship inside its wheel: a fresh engine loads and reads with every connection refused."""
    import socket

    from idcheck.config import DEFAULT
    from idcheck.ocr.engines.rapid import RapidEngine

    assert DEFAULT.ocr.engines[0] == "rapidocr"
    assert RapidEngine().version().startswith("3.")

    def refuse(*a, **k):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    eng = RapidEngine()  # not the cached instance: loads its models now
    assert eng.available()
    out = eng.read_lines([LineCrop(_line("P<UTOERIKSSON<<ANNA"), "mrz")])
    assert out[0].text.startswith("P<UTO")


def test_compact_labels_read_like_padded_ones():
    # labels read to classify a document are compact crops (LineCrop.compact): RapidOCR reads them without padding
    # them to its least width of 320 px (a 2-character label then costs a third of the recogniser's time)
    eng = engines.get_engine("rapidocr")
    labels = ["姓名", "公民身份号码", "营业执照", "统一社会信用代码"]
    compact = eng.read_lines([LineCrop(_line(t), "zh", compact=True) for t in labels])
    padded = eng.read_lines([LineCrop(_line(t), "zh") for t in labels])
    assert [x.text for x in compact] == [x.text for x in padded] == labels


def test_compact_crops_are_grouped_apart_at_their_own_width():
    assert rapid.batches([2.0, 3.0]) == [[0, 1]]  # padded to 320 px at least: one call
    # at their own width, a 2-wide and a 12-wide line are cheaper apart (12 + 12 + overhead > 2 + 12 + 2 overheads)
    assert rapid.batches([2.0, 12.0], floor=rapid.COMPACT_RATIO) == [[0], [1]]
