"""Issue 17, items 1-5: denial of service (time and memory bounded before and during the check)."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import idcheck
from idcheck.tamper import metadata
from tests.strategies import examples

from . import craft

# ---------------------------------------------------------------- item 1: XMP parsed in linear time


def test_xmp_bomb_png_checks_in_under_a_second():
    data = craft.xmp_bomb_png()
    assert len(data) < 700
    started = time.perf_counter()
    report = idcheck.check(data)  # before: 24.3 s (quadratic History search, GIL held)
    assert time.perf_counter() - started < 1.0
    assert report.verdict in ("pass", "warn", "fail")


def test_xmp_scan_is_linear_on_every_crafted_shape():
    shapes = ["<xmpMM:History" * 18_000, "<xmpMM:History>" + "<rdf:li>" * 30_000 + "</xmpMM:History>",
              "<xmpMM:History>" + "<rdf:li" * 30_000 + "</xmpMM:History>",
              "xmp:CreatorTool" * 15_000 + "=", "<xmp:CreatorTool>" + " " * 250_000,
              "<xmpMM:History>" + "<rdf:li stEvt:action" * 12_000 + "</xmpMM:History>"]
    for text in shapes:
        started = time.perf_counter()
        metadata._xmp(text.encode(), metadata.Metadata())
        assert time.perf_counter() - started < 0.5, text[:30]


# The regular expressions the linear scanner replaced: the reference it must agree with on small texts.
_F = r"(?:{name})\s*=\s*[\"']([^\"'<>]{{0,300}})[\"']|<(?:{name})>\s*([^<]{{0,300}})</"
_OLD_CREATOR = re.compile(_F.format(name=r"xmp:CreatorTool|xap:CreatorTool|tiff:Software|exif:Software"), re.I)
_OLD_EVENT = re.compile(r"<rdf:li\b[^>]*?(?:/>|>.*?</rdf:li>)", re.I | re.S)
_OLD_ACTION = re.compile(_F.format(name=r"stEvt:action"), re.I)
_OLD_AGENT = re.compile(_F.format(name=r"stEvt:softwareAgent"), re.I)
_OLD_CHANGED = re.compile(_F.format(name=r"stEvt:changed|stEvt:parameters"), re.I)
_OLD_HISTORY = re.compile(r"<(?:xmpMM|xapMM):History\b.*?</(?:xmpMM|xapMM):History>", re.I | re.S)


def _old_xmp(text: str, meta) -> None:
    def first(m):
        return None if m is None else next((g for g in m.groups() if g is not None), None)

    for m in _OLD_CREATOR.finditer(text):
        value = first(m)
        if value:
            name = m.group(0).split("=")[0].split(">")[0].strip("< ")
            meta.add_string(f"XMP {name.split(':')[-1] if 'Creator' not in name else 'CreatorTool'}", value)
    hist = _OLD_HISTORY.search(text)
    if hist:
        for ev in _OLD_EVENT.findall(hist.group(0))[:64]:
            action = first(_OLD_ACTION.search(ev)) or ""
            agent = first(_OLD_AGENT.search(ev)) or ""
            changed = first(_OLD_CHANGED.search(ev)) or ""
            meta.xmp_actions.append({"action": action[:40], "software": agent[:120], "changed": changed[:80]})
            if agent:
                meta.add_string(f"XMP history ({action or 'event'}) softwareAgent", agent)


TOKENS = ["<xmpMM:History>", "</xmpMM:History>", "<xapMM:History ", "</xapmm:history>", "<rdf:li", "<rdf:li>",
          "</rdf:li>", "/>", ">", "<", "</", " ", "=", '"', "'", "stEvt:action", "stEvt:softwareAgent",
          "stEvt:changed", "xmp:CreatorTool", "<xmp:CreatorTool>", "tiff:Software", "EXIF:software",
          "Adobe Photoshop 25.0", "saved", "derived", "x", "\n", "<rdf:liX", "History"]


@settings(max_examples=examples(400), deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=40))
def test_linear_xmp_scanner_agrees_with_the_old_regexes(tokens):
    text = "".join(tokens)
    new, old = metadata.Metadata(), metadata.Metadata()
    metadata._xmp(text.encode(), new)
    _old_xmp(text, old)
    assert new.xmp_actions == old.xmp_actions
    assert new.software == old.software and new.evidence == old.evidence


# ---------------------------------------------------------------- items 2, 3: budgets before decoding


def _over_budget(report):
    return [f for f in report.findings if f.code == "file.over_budget"]


def test_progressive_jpeg_with_thousands_of_scans_is_refused_before_decoding():
    data = craft.progressive_scans_jpeg(2000, 4000)  # 116 KB; before: 11 s of decoding
    started = time.perf_counter()
    report = idcheck.check(data)
    assert time.perf_counter() - started < 1.0
    (f,) = _over_budget(report)
    assert f.details["what"] == "scans" and f.details["measured"] > 2000
    assert report.verdict == "fail"


def test_an_ordinary_progressive_jpeg_is_within_the_scan_budget():
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (800, 600), (120, 130, 140)).save(buf, "JPEG", quality=85, progressive=True)
    assert not _over_budget(idcheck.check(buf.getvalue()))


@pytest.mark.parametrize("kind", ["webp", "png16", "heic", "bmp"])
def test_memory_amplification_is_refused_before_decoding(kind):
    data = {"webp": lambda: craft.solid("WEBP", (8000, 8000), lossless=True),
            "png16": lambda: craft.solid("PNG", (8000, 7999), "I;16"),
            "heic": lambda: craft.solid("HEIF", (8000, 7998), quality=10),
            "bmp": lambda: craft.rle_bmp(8000, 7999)}[kind]()
    assert len(data) < 200_000
    report = idcheck.check(data)
    (f,) = _over_budget(report)
    assert f.details["what"] == "decoded bytes"
    assert f.details["measured"] > 100 * 1024 * 1024


def test_metadata_over_budget_is_refused():
    chunks = craft.png_chunks(craft.noise_png(64, 48))
    junk = [(b"tEXt", b"Comment\x00" + b"x" * 60_000)] * 40  # 2.4 MB of comments
    report = idcheck.check(craft.build_png(chunks[:1] + junk + chunks[1:]))
    (f,) = _over_budget(report)
    assert f.details["what"] == "metadata bytes"


def test_files_over_the_channel_limit_are_not_decoded(tmp_path):
    # before: files between 5 MB and 256 MB were decoded and analysed although they already fail on size
    data = craft.noise_png(1800, 1200)  # ~6.5 MB of incompressible PNG
    assert len(data) > 5 * 1024 * 1024
    report = idcheck.check(data)
    assert {f.code for f in report.findings} == {"file.too_large", "file.not_analysed"}
    assert "decode" not in report.timings


# ---------------------------------------------------------------- item 5: endless streams, FIFOs


def test_endless_stream_is_read_only_to_the_limit():
    started = time.perf_counter()
    with open("/dev/zero", "rb") as fh:  # before: never returned (the rest was counted forever)
        report = idcheck.check(fh)
    assert time.perf_counter() - started < 2.0
    assert report.verdict == "fail"


def test_fifo_and_device_paths_never_block(tmp_path):
    import os

    fifo = tmp_path / "upload.jpg"
    os.mkfifo(fifo)
    for path in (str(fifo), "/dev/zero"):
        report = idcheck.check(path)
        assert [f.code for f in report.findings] == ["file.unreadable"]


def test_fifo_swapped_in_after_stat_does_not_block(tmp_path, monkeypatch):
    import os

    from idcheck.intake import source

    fifo = tmp_path / "swapped.jpg"
    os.mkfifo(fifo)
    real_stat = os.stat
    regular = real_stat(__file__)
    monkeypatch.setattr(source.os, "stat", lambda p, *a, **k: regular if str(p) == str(fifo) else real_stat(p, *a, **k))
    started = time.perf_counter()
    report = idcheck.check(str(fifo))  # before: open() blocked forever waiting for a writer
    assert time.perf_counter() - started < 2.0
    assert [f.code for f in report.findings] == ["file.unreadable"]


def test_fix_on_an_endless_stream_and_a_fifo(tmp_path):
    import os

    from idcheck.fix import fix

    fifo = tmp_path / "pipe.jpg"
    os.mkfifo(fifo)
    for path in ("/dev/zero", str(fifo)):  # before: MemoryError at 2.4 GB / blocked forever
        result = fix(path, str(tmp_path / "out"))
        assert result.output is None


# ---------------------------------------------------------------- item 4: a deadline inside check()


def test_deadline_stops_between_checks(monkeypatch):
    from idcheck import pipeline
    from idcheck.image import registry

    ran = []

    def slow(ctx):
        ran.append("slow")
        time.sleep(0.3)
        return []

    def later(ctx):
        ran.append("later")
        return []

    fake = (registry.ImageCheck("slow", (), None, slow), registry.ImageCheck("later", (), None, later))
    monkeypatch.setattr(pipeline, "CHECKS", fake)
    report = idcheck.check(craft.noise_png(), timeout=0.25)
    assert ran == ["slow"]
    f = next(f for f in report.findings if f.code == "file.timeout")
    assert f.details["stopped_before"] == "check.later"
    assert "check.slow" in f.details["ran"] and "decode" in f.details["ran"]
    assert report.verdict == "fail"


def test_timeout_argument_is_validated():
    from idcheck.errors import UsageError

    for bad in (0, -1, "5", True, float("nan")):
        with pytest.raises(UsageError):
            idcheck.check(b"", timeout=bad)
