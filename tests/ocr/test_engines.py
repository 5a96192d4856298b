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
    try:
        eng = engines.get_engine(name)
    except engines.EngineUnavailable:
        pytest.skip(f"{name} not installed")
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
