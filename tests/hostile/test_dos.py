"""Issue 17, items 1-5: denial of service (time and memory bounded before and during the check)."""

from __future__ import annotations

import re
import time

from hypothesis import given, settings
from hypothesis import strategies as st

import idcheck
from idcheck.tamper import metadata

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


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=40))
def test_linear_xmp_scanner_agrees_with_the_old_regexes(tokens):
    text = "".join(tokens)
    new, old = metadata.Metadata(), metadata.Metadata()
    metadata._xmp(text.encode(), new)
    _old_xmp(text, old)
    assert new.xmp_actions == old.xmp_actions
    assert new.software == old.software and new.evidence == old.evidence
