"""Annotated pictures and the HTML report, including a real headless Chromium."""

import os
import re
import shutil
import subprocess

import numpy as np
import pytest

from fixtures.formats import encode, textured
from idcheck import codes
from idcheck.bulk.run import scan
from idcheck.bulk.worker import ScanOptions
from idcheck.render.annotate import annotate
from idcheck.render.html import HtmlReport
from idcheck.report import Measure, Report

HOSTILE = "<img src=x onerror=document.title='pwned'>.jpg"
ARTIFACTS = os.path.join(os.path.dirname(__file__), "..", "..", "out", "test-artifacts")


def test_annotate_outlines_regions_and_the_document(tmp_path):
    pic = np.full((600, 800, 3), 128, np.uint8)
    path = tmp_path / "p.png"
    path.write_bytes(encode(pic, "png"))
    report = Report("image", path=str(path), file={"width": 800, "height": 600})
    report.extra["document"] = {"quad": [[100, 100], [700, 100], [700, 500], [100, 500]]}
    report.findings.append(codes.finding("image.glare", measured=Measure(0.2, "share"),
                                         region=[(300, 250), (400, 250), (400, 350), (300, 350)]))
    image = np.asarray(annotate(report, long_side=800))
    assert image.shape == (600, 800, 3)
    inside = image[300, 350]
    assert inside[0] > inside[2] + 20  # tinted red over the glare region
    assert image[100, 400][1] > 150 and image[100, 400][0] < 120  # green document outline
    assert (image[550, 50] == 128).all()  # untouched elsewhere


def test_annotate_undecodable_file_gives_a_card(tmp_path):
    path = tmp_path / "x.jpg"
    path.write_bytes(b"")
    report = Report("image", path=str(path))
    report.findings.append(codes.finding("file.empty"))
    assert annotate(report).size[0] >= 480


def test_html_escapes_everything_from_files(tmp_path):
    page = HtmlReport(str(tmp_path / "r.html"))
    report = Report("image", path=f"/up/{HOSTILE}")
    report.findings.append(codes.finding("file.unreadable", reason="<script>alert(1)</script>"))
    page.add(report.to_dict(), None)
    text = open(page.commit(), encoding="utf-8").read()
    assert "<img src=x" not in text and "<script>alert" not in text
    assert "&lt;img src=x onerror=document.title=&#x27;pwned&#x27;&gt;.jpg" in text
    assert "http://" not in text and "https://" not in text  # no network resource at all
    assert re.search(r"script-src 'nonce-[\w-]+'", text)


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def report_page(tmp_path_factory):
    root = tmp_path_factory.mktemp("page")
    files = root / "files"
    files.mkdir()
    from fixtures import docgen

    photo, _ = docgen.make_photo("id_card", np.random.default_rng(1), {})
    (files / HOSTILE).write_bytes(encode(photo, "jpeg", quality=90))  # a clean document photo: passes
    (files / "empty.jpg").write_bytes(b"")
    (files / "renamed.jpg").write_bytes(encode(textured(600, 800, seed=2), "png"))
    page = root / "report.html"
    scan(str(files), options=ScanOptions(thumbnails=True), jobs=1, stream=open(os.devnull, "w"), html_report=str(page))
    return root, page


def test_report_has_thumbnails_and_one_row_per_file(report_page):
    _, page = report_page
    text = page.read_text(encoding="utf-8")
    assert text.count("<tr data-path=") == 3
    assert text.count('src="data:image/jpeg;base64,') == 3


def _run_chromium(root, args, url, tmp_name):
    chromium = _chromium()
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (scripts/setup installs it)")
        pytest.skip("chromium is not installed")
    profile = root / tmp_name
    result = subprocess.run([chromium, *CHROME_FLAGS, f"--user-data-dir={profile}", "--enable-logging=stderr",
                             "--v=0", *args, url], capture_output=True, text=True, timeout=120)
    return result


def test_page_in_headless_chromium_filters_and_shows_the_hostile_name_as_text(report_page):
    root, page = report_page
    result = _run_chromium(root, ["--virtual-time-budget=3000", "--dump-dom"], page.as_uri() + "#verdict=fail", "p1")
    dom = result.stdout
    console = [line for line in result.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console  # no console errors (nor any console output)
    assert "<title>idcheck report</title>" in dom  # the hostile onerror never ran (it would set the title)
    assert "&lt;img src=x onerror" in dom  # shown as text
    rows = re.findall(r"<tr data-path=\"[^\"]*\" data-verdict=\"(\w+)\"[^>]*?( hidden(?:=\"\")?)?>", dom)
    assert len(rows) == 3
    assert {v for v, hidden in rows if not hidden} == {"fail"}  # the filter from the address applied
    assert any(hidden for v, hidden in rows if v == "pass")
    assert 'id="shown">2<' in dom


def test_page_screenshot_is_saved_with_the_test_artefacts(report_page):
    root, page = report_page
    os.makedirs(ARTIFACTS, exist_ok=True)
    shot = os.path.abspath(os.path.join(ARTIFACTS, "report.png"))
    if os.path.exists(shot):
        os.remove(shot)
    _run_chromium(root, ["--window-size=1400,1000", f"--screenshot={shot}"], page.as_uri(), "p2")
    assert os.path.getsize(shot) > 10_000
