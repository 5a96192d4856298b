"""``image.not_judged`` for the checks that read the document from its outline: one wording, settled at the end.

The document check runs first and knows, before the others run, which of them cannot judge this picture (no sure
outline, print filling the frame): it says so in one ``image.not_judged`` finding naming their codes
(``details["codes"]``), built here from :data:`WHAT` so that every shape of it reads the same.  A later check may
still find its defect without the outline (a clear reflection in the whole picture, rows of text at a tilt, a
coloured phrase repeated over the picture): the finding then answers the question, and :func:`settle` takes its
code out of the "could not judge" list (dropping the finding when nothing is left), so that a report never says
both "watermark found" and "could not judge watermarks".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from ... import codes
from ...report import Finding, Measure, Severity
from ._common import join_words

CODE = "image.not_judged"

# What each outline-reading check judges, as the message names it (English, Chinese), in the order they are named.
WHAT: Mapping[str, tuple[str, str]] = {
    "document.not_found": ("whether a document is in the picture at all", "图片中是否有证件"),
    "document.corner_missing": ("the corners", "四角是否完整"),
    "document.occluded": ("anything covering the document", "是否有遮挡"),
    # (without a sure outline only a clear reflection is looked for: a soft-haloed blow-out in the whole picture, and
    # on a picture that is the document a bright soft spot over its paper: idcheck.image.checks.glare)
    "image.glare": ("glare over its print (only a clear reflection was looked for)",
                    "印刷内容上的反光（仅查找了明显的反光）"),
    "document.watermark": ("watermarks", "水印"),
    "image.screen_recapture": ("whether it is shown on a screen", "是否翻拍屏幕"),
}


def _what(names: list[str]) -> tuple[str, str]:
    en = join_words([WHAT[c][0] for c in names])
    zh_words = [WHAT[c][1] for c in names]
    zh = zh_words[0] if len(zh_words) == 1 else "、".join(zh_words[:-1]) + "以及" + zh_words[-1]
    return en, zh


def finding(names: Iterable[str], reason: str, reason_zh: str, *, severity: Severity | None = None,
            measured: Measure | None = None, threshold: Measure | None = None,
            details: Mapping[str, Any] | None = None) -> Finding:
    """``image.not_judged`` naming the checks of ``names`` (codes of :data:`WHAT`, said in :data:`WHAT`'s order)."""
    ordered = [c for c in WHAT if c in set(names)]
    en, zh = _what(ordered)
    return codes.finding(CODE, severity=severity, what=en, what_zh=zh, reason=reason, reason_zh=reason_zh,
                         measured=measured, threshold=threshold, details={"codes": ordered, **(details or {})})


def settle(findings: list[Finding]) -> list[Finding]:
    """``findings`` with every outline check that found its defect anyway taken out of the ``image.not_judged``
    findings built by :func:`finding` (those whose codes are all in :data:`WHAT`); one left with no code is
    dropped.  Other ``image.not_judged`` findings (sharpness, a seal on a grey picture) are left as they are."""
    found = {f.code for f in findings if f.code != CODE}
    out = []
    for f in findings:
        names = f.details.get("codes") if f.code == CODE else None
        if not names or not set(names) <= set(WHAT) or not set(names) & found:
            out.append(f)
            continue
        left = [c for c in names if c not in found]
        if not left:
            continue
        en, zh = _what(left)
        out.append(dataclasses.replace(f, params={**f.params, "what": en, "what_zh": zh},
                                       details={**f.details, "codes": left}))
    return out
