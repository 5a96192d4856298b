"""Issue 17, items 6-9: fail closed."""

from __future__ import annotations

import idcheck
from idcheck import codes

from . import craft


def _codes(report):
    return [f.code for f in report.findings]


def test_png_pillow_cannot_decode_is_unreadable():
    # before: verdict decided by checks on a half-decoded picture (getexif() swallowed the load error)
    report = idcheck.check(craft.corrupt_idat_png())
    assert "file.unreadable" in _codes(report)
    assert report.verdict == "fail"
    unreadable = next(f for f in report.findings if f.code == "file.unreadable")
    assert unreadable.details.get("stage") == "decode"
