"""Chinese output (issue 21 item 8): every code has Chinese text, and a Chinese message has no English words
but codes, units, file and format names."""

import ast
import pathlib
import re
import string

import pytest

from idcheck import codes
from idcheck.i18n import UNITS, measure_text, resolve_lang
from idcheck.report import Measure

SRC = pathlib.Path(codes.__file__).parent

# ASCII words a Chinese message may contain: format and standard names, units, product names
ALLOWED = {
    "idcheck", "JPEG", "PNG", "BMP", "HEIC", "HEIF", "HEVC", "WebP", "GIF", "TIFF", "PDF", "AVIF", "PSD", "MRZ",
    "OCR", "API", "px", "dpi", "MB", "KB", "ms", "s", "X", "x", "U", "ASCII", "JSON", "USCC", "Command", "syntax",
    "error", "Photoshop", "SVG", "ZIP", "RAR", "Office", "ICO", "Windows",
    "Adobe", "ImageMagick",  # program names quoted from a file's metadata ({tool}, {what})
}
# sample values for the placeholders a Chinese template may use: safe values (numbers, names, file names,
# identifiers); a placeholder not here must be a *_zh one (the check's Chinese text) or measured/threshold
SAMPLES = {
    "size": "5.2 MB", "limit": "1 MB", "name": "张三-身份证.png", "detected": "PNG", "expected_format": "JPEG",
    "suggested": ".png", "frames": "12", "quality": "85", "typed": "张*", "printed": "张*", "positions": "3, 7",
    "number": "110105********002X", "normalized": "110105********002X", "prefix": "Z9", "domain": "example.gov.cn",
    "kind": "uscc_certificate", "rule": "gov.registrant", "ruleset": "gov.cn", "version": "3", "check": "tamper.local",
    "tool": "Adobe Photoshop 25.0", "what": "ImageMagick", "expiry": "2020-01-01", "got": "[1, 2]", "count": "5000",
    "key": "示例键", "chars": "U+200B", "found": "・", "expected": "-", "value": "0571", "country_code": "86",
    "tld": "club", "name_en": "示例名", "name_zh": "张三", "alternative": "(北京)", "allowed": "organisation",
    "channel": "API", "message_zh": "该后缀仅限政府机关注册",
}


def _placeholders(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def _english_words(text: str) -> list[str]:
    text = re.sub(r"\S+@\S+", "", text)  # an e-mail address is data
    words = re.findall(r"(?<![A-Za-z0-9_])\.?[A-Za-z][A-Za-z0-9_.+\-]*", text)
    # allowed: the list, identifiers and codes (a _ or a dot), file extensions (.png), anything with a digit
    return [w for w in words if w not in ALLOWED and not re.search(r"[_.]|\d", w)]


def test_every_code_has_chinese_title_message_meaning_and_fix():
    for info in codes.catalogue().values():
        assert info.title_zh and info.message_zh and info.meaning_zh and info.fix_zh is not None, info.code
        assert not _english_words(info.title_zh), (info.code, info.title_zh)


@pytest.mark.parametrize("code", sorted(codes.catalogue()))
def test_chinese_message_with_sample_values_has_no_english_words(code):
    info = codes.get(code)
    params = {}
    for name in _placeholders(info.message_zh):
        if name in ("measured", "threshold"):
            continue
        if name.endswith("_zh"):
            params[name] = "示例"
        else:
            assert name in SAMPLES, f"{code}: {{{name}}} in message_zh is English text: use {{{name}_zh}} or drop it"
            params[name] = SAMPLES[name]
    for unit in UNITS:  # the measured value in every unit a check uses
        f = codes.finding(code, measured=Measure(31.3, unit), threshold=Measure(33, unit, ">="), **params)
        text = f.render(lang="zh")
        assert "{" not in text, (code, text)
        assert not _english_words(text), (code, unit, _english_words(text), text)


def test_units_written_in_the_source_are_all_localised():
    """Every literal unit of a Measure in idcheck's source is in the unit table (so no English unit reaches a
    Chinese sentence); f-string units are listed by hand."""
    found = set()
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Measure" and len(node.args) >= 2:
                unit = node.args[1]
                if isinstance(unit, ast.Constant) and isinstance(unit.value, str):
                    found.add(unit.value)
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "unit" for t in node.targets):
                if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                    found.add(node.value.value)
    missing = found - set(UNITS)
    assert not missing, f"units without a Chinese form in idcheck.i18n.UNITS: {sorted(missing)}"
    for unit, (_en, zh) in UNITS.items():
        assert not _english_words(zh.format(v=1)), unit


def test_units_read_naturally_and_the_picture_is_said_once():
    assert measure_text(Measure(31.3, "% of the picture"), "zh") == "占画面 31.3%"
    assert measure_text(Measure(33, "%", ">="), "zh") == "≥ 33%"
    small = codes.finding("image.document_small", measured=Measure(31.3, "% of the picture"),
                          threshold=Measure(33.0, "%", ">="))
    assert small.render().count("of the picture") == 1
    assert "证件仅占画面 31.3%" in small.render(lang="zh")
    wm = codes.finding("document.watermark", measured=Measure(3.2, "x spectral floor (tilted period)"))
    assert "spectral" not in wm.render() and "tilted" not in wm.render()
    noise = Measure(0.2, "local / document noise")
    assert "/" not in measure_text(noise)


def test_language_from_argument_or_environment(monkeypatch):
    monkeypatch.delenv("IDCHECK_LANG", raising=False)
    assert resolve_lang(None) == "en"
    monkeypatch.setenv("IDCHECK_LANG", "zh_CN.UTF-8")
    assert resolve_lang(None) == "zh" and resolve_lang("en") == "en"
    from idcheck.report import Report

    r = Report("image", findings=[codes.finding("file.empty", measured=Measure(0, "bytes"))])
    assert r.to_dict()["findings"][0]["message"].startswith("文件为空")
    assert r.to_dict(lang="en")["findings"][0]["message"].startswith("The file is empty")
    from idcheck.errors import UsageError

    with pytest.raises(UsageError):
        resolve_lang("fr")


def test_a_scans_timeout_and_crash_records_speak_the_scans_language():
    """The records a scan writes for a file whose check did not finish (the pool's time limit, a crashed
    worker) are in the scan's language like every other record."""
    import json

    from idcheck.bulk.worker import failure_record, timeout_record

    for line in (timeout_record("张三.jpg", 60, "zh"),
                 failure_record("张三.jpg", "file.checker_crashed", lang="zh", reason="signal 11")):
        finding = json.loads(line)["findings"][0]
        assert finding["message"] == finding["message_zh"], finding
        assert not _english_words(finding["message"]), (finding["code"], finding["message"])
    assert "60 秒" in json.loads(timeout_record("a.jpg", 60, "zh"))["findings"][0]["message"]
    assert json.loads(timeout_record("a.jpg", 60))["findings"][0]["message"].startswith("Checking this file took")


@pytest.mark.slow  # a real scan of a generated 12 MP picture, timed out in its worker
def test_a_real_scans_timeout_record_speaks_the_scans_language(tmp_path):
    import os

    from fixtures.formats import encode, textured
    from idcheck.bulk.run import scan
    from idcheck.bulk.worker import ScanOptions

    root = tmp_path / "slow"
    root.mkdir()
    (root / "big.jpg").write_bytes(encode(textured(3000, 4000, seed=1), "jpeg", quality=80))
    records = []
    scan(str(root), options=ScanOptions(timeout=0.02, lang="zh"), jobs=1, stream=open(os.devnull, "w"),
         on_record=records.append)
    (finding,) = records[0]["findings"]
    assert finding["code"] == "file.timeout"
    assert not _english_words(finding["message"]) and "0.02 秒" in finding["message"], finding["message"]
