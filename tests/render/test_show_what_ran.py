"""Issue 21 item 7 in the outputs: the check list per file, the chart, masked thumbnails, no empty fix."""

import io
import re

import numpy as np
from PIL import Image

from fixtures.formats import encode
from idcheck import check, codes
from idcheck.cli.output import render_text
from idcheck.render.annotate import thumbnail_jpeg
from idcheck.render.html import HtmlReport
from idcheck.report import Measure


def _document_photo():
    from fixtures import docgen

    photo, _ = docgen.make_photo("id_card", np.random.default_rng(3), {})
    return encode(photo, "jpeg", quality=90)


def test_check_lists_every_check_and_text_names_what_did_not_run(tmp_path):
    path = tmp_path / "id.jpg"
    path.write_bytes(_document_photo())
    report = check(str(path))
    data = report.to_dict()
    names = [c["name"] for c in data["checks"]]
    assert {"file.type", "decode", "document", "blur", "glare", "tamper.local", "ocr", "profile"} <= set(names)
    assert all(c["status"] in ("passed", "failed", "skipped") for c in data["checks"])
    failed = {c["name"] for c in data["checks"] if c["status"] == "failed"}
    emitted = {f["code"] for f in data["findings"] if f["severity"] != "info"} - {"image.not_judged"}
    owners = {code for c in data["checks"] if c["status"] == "failed" for code in c["emitted"]}
    assert emitted <= owners and (not emitted or failed)
    text = render_text(report)
    assert "not run: " in text and "ocr (not asked" in text
    assert "未运行的检查" in render_text(report, lang="zh")


def test_a_bytes_upload_of_a_pdf_skips_every_image_check_with_the_reason():
    report = check(b"%PDF-1.4\n" + b"0" * 60_000)
    runs = {c.name: c for c in report.checks}
    assert runs["file.type"].status == "failed"
    assert runs["blur"].status == "skipped" and "format" in runs["blur"].reason
    assert runs["file.extension"].status == "skipped"


def test_html_lists_checks_charts_only_warnings_and_errors_and_prints_no_empty_fix(tmp_path):
    page = HtmlReport(str(tmp_path / "r.html"), thumbnails=False)
    report = check(b"%PDF-1.4\n" + b"0" * 60_000)
    report.findings.append(codes.finding("tamper.evidence", severity="info", what="x", where="y"))
    report.findings.append(codes.finding("image.blurry", severity="warning", measured=Measure(3.0, "px")))
    page.add(report.to_dict(), None)
    text = open(page.commit(), encoding="utf-8").read()
    assert 'class="checks"' in text and "skipped" in text and "not a picture format" in text
    chart = text[text.index("<svg"):text.index("</svg>")]
    assert "tamper.evidence" not in chart and "image.blurry" in chart and "file.unsupported_type" in chart
    assert "#c62828" in chart and "#e09200" in chart  # error red, warning amber
    assert "Nothing to fix" not in text and "Fix: </div>" not in text
    zh = HtmlReport(str(tmp_path / "z.html"), thumbnails=False, lang="zh")
    zh.add(report.to_dict(lang="zh"), None)
    ztext = open(zh.commit(), encoding="utf-8").read()
    assert "检查项" in ztext and "未运行" in ztext and 'lang="zh-CN"' in ztext


def test_thumbnails_are_blurred_unless_revealed(tmp_path):
    # a black-and-white checker of 4 px squares: sharp print stands in for a name
    pic = (np.indices((480, 640)).sum(axis=0) // 4 % 2 * 255).astype(np.uint8)
    pic = np.stack([pic] * 3, axis=-1)
    path = tmp_path / "p.png"
    path.write_bytes(encode(pic, "png"))
    record = {"path": str(path), "verdict": "pass", "findings": [], "file": {"width": 640, "height": 480}}

    def contrast(data):
        im = np.asarray(Image.open(io.BytesIO(data)).convert("L"), float)
        return float(np.abs(np.diff(im[100:300, 100:400], axis=1)).mean())

    masked = contrast(thumbnail_jpeg(record, str(path)))
    revealed = contrast(thumbnail_jpeg(record, str(path), reveal=True))
    assert masked < revealed / 5, (masked, revealed)
    page = HtmlReport(str(tmp_path / "x.html")).commit() and open(tmp_path / "x.html").read()
    assert re.search("Pictures are blurred", page)


def test_the_seal_check_does_not_apply_to_an_id_card_and_applies_to_a_named_licence(tmp_path):
    path = tmp_path / "id.jpg"
    path.write_bytes(_document_photo())
    runs = {c.name: c for c in check(str(path)).checks}
    assert (runs["seal"].status, runs["seal"].applicable) == ("skipped", False)
    assert runs["seal"].reason.startswith("not applicable")
    named = {c.name: c for c in check(str(path), kind="business_license").checks}
    assert named["seal"].applicable and named["seal"].ran and named["seal"].status in ("passed", "failed")


def test_html_shows_not_applicable_apart(tmp_path):
    from idcheck.render.html import _checks_html

    checks = [{"name": "blur", "status": "passed", "ran": True},
              {"name": "seal", "status": "skipped", "ran": False, "applicable": False,
               "reason": "not applicable: only licences", "reason_zh": "不适用：仅执照"}]
    html = _checks_html(checks, "en")
    assert 'class="not_applicable">not applicable<' in html and "1 not applicable" in html
    assert "1 skipped" not in html
    assert "不适用" in _checks_html(checks, "zh")
