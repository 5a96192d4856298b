"""--lang zh / IDCHECK_LANG (issue 21 item 8) and scan's --profile/--ocr/--config/--kind (item 5)."""

import json
import os
import re

import pytest

from fixtures.formats import encode, textured
from idcheck.bulk.worker import ScanOptions
from idcheck.cli import main

PROFILE = os.path.join(os.path.dirname(__file__), "..", "..", "fixtures", "profiles", "individual-mainland.json")
ALLOWED = {"idcheck", "JPEG", "PNG", "OCR", "API", "MB", "KB", "px", "dpi", "s", "jpeg", "png", "x"}


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def english(text):
    text = re.sub(r"\{[^}]*\}", "", text)  # a message template's placeholders
    words = re.findall(r"(?<![A-Za-z0-9_])\.?[A-Za-z][A-Za-z0-9_.+\-]*", text)
    return [w for w in words if w not in ALLOWED and not re.search(r"[_./]|\d", w)]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("lang")
    (root / "in").mkdir()
    (root / "in" / "small.jpg").write_bytes(encode(textured(300, 400, seed=5), "jpeg", quality=60))
    return root


def test_check_lang_zh_speaks_chinese_in_text_and_json(folder, capsys, monkeypatch):
    monkeypatch.delenv("IDCHECK_LANG", raising=False)
    path = str(folder / "in" / "small.jpg")
    _, out, _ = run(capsys, "check", path, "--lang", "zh")
    body = out.replace(path, "")
    assert "未运行的检查" in body and not english(body), english(body)
    _, out, _ = run(capsys, "check", path, "--format", "json", "--lang", "zh")
    data = json.loads(out)[0]
    assert all(f["message"] == f["message_zh"] for f in data["findings"])
    monkeypatch.setenv("IDCHECK_LANG", "zh")
    _, out, _ = run(capsys, "check", path)
    assert "未运行的检查" in out
    _, out, _ = run(capsys, "check", path, "--lang", "en")
    assert "not run:" in out


@pytest.mark.parametrize("code", ["image.document_small", "file.too_large", "tamper.local_edit", "ocr.unreadable"])
def test_explain_lang_zh_is_all_chinese(capsys, code):
    _, out, _ = run(capsys, "explain", code, "--lang", "zh")
    assert "含义" in out and "修改建议" in out
    assert not english(out.replace(code, "")), english(out)


def test_scan_takes_profile_ocr_config_kind_and_lang(folder, capsys, tmp_path):
    cfg = tmp_path / "idcheck.toml"
    cfg.write_text('channel = "api"\n')
    out = tmp_path / "o.jsonl"
    code, _, _ = run(capsys, "scan", str(folder / "in"), "--profile", PROFILE, "--config", str(cfg), "--kind",
                     "id_card", "--lang", "zh", "--out", str(out), "--jobs", "1", "--no-progress")
    assert code == 0
    record = json.loads(out.read_text().splitlines()[0])
    assert record["extra"]["channel"] == "api" and record["extra"]["kind"] == "id_card"
    names = {c["name"]: c for c in record["checks"]}
    assert names["profile"]["ran"]  # the profile was checked with the file
    assert any("\u4e00" <= ch <= "\u9fff" for f in record["findings"] for ch in f["message"])
    for options in (ScanOptions(ocr=True), ScanOptions(kind="id_card"), ScanOptions(lang="zh"),
                    ScanOptions(profile={"name": "x"})):
        assert options.fingerprint() != ScanOptions().fingerprint()  # resuming with other options is refused
    assert json.loads(ScanOptions().fingerprint()).keys() == {"channel", "reveal", "idcheck"}  # old stores resume
