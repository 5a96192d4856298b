"""The report contract: what every check returns and what other services parse.

A :class:`Report` holds a verdict and a list of :class:`Finding`.  Findings are
made from the code catalogue (:mod:`idcheck.codes`) so that code, default
severity and message always agree.  Everything here is plain data and
serialises to JSON with :meth:`Report.to_dict` / :meth:`Report.to_json`.

Schema (``Report.to_dict()``), version :data:`SCHEMA_VERSION`::

    {
      "schema": 1,
      "kind": "image" | "profile" | "submission",
      "path": str | null,            # null when the source was bytes
      "verdict": "pass" | "warn" | "fail",
      "findings": [
        {"code": "file.too_large", "severity": "error" | "warning" | "info",
         "message": str,              # one actionable sentence (English)
         "message_zh": str | null,    # the same in Chinese where the catalogue has it
         "measured":  {"value": ..., "unit": str} | null,
         "threshold": {"value": ..., "unit": str, "op": "<" | "<=" | ">" | ">=" | "==" | "in"} | null,
         "region": [[x, y], ...] | null,   # polygon, full-resolution pixels of the upright image
         "field": str | null,         # profile field or document kind the finding is about
         "details": {...}}            # code-specific extras (always JSON-serialisable)
      ],
      "checks": [...],               # image reports only (optional): every check and whether it ran, passed,
                                     # failed or was skipped and why (:mod:`idcheck.checkrun`)
      "file": {...} | null,          # facts about the file: bytes, mime, extension, format, size, orientation
      "timings": {"stage": ms, ...},
      "extra": {...}                 # kind-specific results (document quad, parsed numbers, ...)
    }

Personal data (names, identity numbers) is masked in messages and details unless
``reveal=True`` is passed to :meth:`Report.to_dict`; values that must be masked are
wrapped in :class:`Private` when a finding is made.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as _field
from typing import Any, Literal

from . import privacy
from .textsafe import dumps

SCHEMA_VERSION = 1

Severity = Literal["error", "warning", "info"]
Verdict = Literal["pass", "warn", "fail"]
SEVERITIES: tuple[str, ...] = ("error", "warning", "info")


@dataclass(frozen=True)
class Private:
    """A personal value (a name, an identity number) shown masked unless revealed.

    ``kind`` picks the masking rule: "name", "number" or "text".
    """

    value: str
    kind: str = "text"

    def masked(self) -> str:
        return privacy.mask(self.value, self.kind)

    def show(self, reveal: bool) -> str:
        return self.value if reveal else self.masked()

    def __str__(self) -> str:  # never leak by accident (logs, f-strings)
        return self.masked()

    def __repr__(self) -> str:
        return f"Private({self.masked()!r}, kind={self.kind!r})"


@dataclass(frozen=True)
class Measure:
    """A number (or label) with its unit; ``op`` says how a threshold compares."""

    value: Any
    unit: str = ""
    op: str | None = None

    def to_dict(self, reveal: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {"value": _plain(self.value, reveal), "unit": self.unit}
        if self.op is not None:
            out["op"] = self.op
        return out

    def __str__(self) -> str:
        value = self.value
        if isinstance(value, float):
            value = f"{value:.4g}"
        text = f"{value} {self.unit}".strip()
        return f"{self.op} {text}" if self.op else text


Point = tuple[float, float]


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    template: str
    params: Mapping[str, Any] = _field(default_factory=dict)
    measured: Measure | None = None
    threshold: Measure | None = None
    region: tuple[Point, ...] | None = None
    field: str | None = None
    details: Mapping[str, Any] = _field(default_factory=dict)
    template_zh: str | None = None

    @property
    def message(self) -> str:
        """The message with personal data masked."""
        return self.render(reveal=False)

    def render(self, reveal: bool = False, lang: str = "en") -> str:
        """The message in ``lang`` ("en", or "zh" where the catalogue has a Chinese message).  The measured value
        and the threshold are shown through :func:`idcheck.i18n.measure_text` (localised units); in Chinese a
        ``{name_zh}`` placeholder falls back to ``{name}`` when the check gave no Chinese value."""
        from .i18n import CHANNELS_ZH, measure_text

        zh = lang == "zh" and bool(self.template_zh)
        template = self.template_zh if zh and self.template_zh else self.template
        values = {k: _plain(v, reveal) for k, v in self.params.items()}
        for key, measure in (("measured", self.measured), ("threshold", self.threshold)):
            if measure is not None and self.params.get(key) == str(measure):  # the default, not a caller's text
                values[key] = measure_text(measure, "zh" if zh else "en")
        if zh:
            if values.get("channel") in CHANNELS_ZH:
                values["channel"] = CHANNELS_ZH[values["channel"]]
            return template.format_map(_ZhDefaulting(values))
        return template.format_map(_Defaulting(values))

    def to_dict(self, reveal: bool = False, lang: str = "en") -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.render(reveal, lang),
            "message_zh": self.render(reveal, "zh") if self.template_zh else None,
            "measured": self.measured.to_dict(reveal) if self.measured else None,
            "threshold": self.threshold.to_dict(reveal) if self.threshold else None,
            "region": [[round(x, 1), round(y, 1)] for x, y in self.region] if self.region else None,
            "field": self.field,
            "details": _plain(dict(self.details), reveal),
        }


@dataclass
class Report:
    kind: str
    findings: list[Finding] = _field(default_factory=list)
    path: str | None = None
    file: dict[str, Any] | None = None
    timings: dict[str, float] = _field(default_factory=dict)
    extra: dict[str, Any] = _field(default_factory=dict)
    checks: list[Any] | None = None  # image reports: idcheck.checkrun.CheckRun per check (what ran)

    @property
    def verdict(self) -> Verdict:
        return verdict_of(self.findings)

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def has(self, code: str) -> bool:
        return any(f.code == code for f in self.findings)

    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    def to_dict(self, reveal: bool = False, lang: str | None = None) -> dict[str, Any]:
        """The report as JSON-ready data.  ``lang="zh"`` puts the Chinese message in ``message`` (``message_zh``
        is there either way) and the Chinese reasons in ``checks``; the default is ``$IDCHECK_LANG`` or English."""
        from .i18n import resolve_lang

        lang = resolve_lang(lang)
        order = {s: i for i, s in enumerate(SEVERITIES)}
        findings = sorted(self.findings, key=lambda f: order[f.severity])  # stable: errors first
        out = {
            "schema": SCHEMA_VERSION,
            "kind": self.kind,
            "path": self.path,
            "verdict": self.verdict,
            "findings": [f.to_dict(reveal, lang) for f in findings],
        }
        if self.checks is not None:
            out["checks"] = [c.to_dict() for c in self.checks]
        out.update({
            "file": _plain(self.file, reveal) if self.file is not None else None,
            "timings": {k: round(v, 2) for k, v in self.timings.items()},
            "extra": _plain(self.extra, reveal),
        })
        return out

    def to_json(self, reveal: bool = False, indent: int | None = None, lang: str | None = None) -> str:
        # textsafe.dumps: undecodable file-name bytes give still valid UTF-8 JSON, losslessly
        return dumps(self.to_dict(reveal, lang), indent=indent)


def verdict_of(findings: Sequence[Finding]) -> Verdict:
    """fail if any error, warn if any warning, else pass."""
    severities = {f.severity for f in findings}
    if "error" in severities:
        return "fail"
    if "warning" in severities:
        return "warn"
    return "pass"


class _Defaulting(dict):
    """Leave unknown placeholders visible instead of raising KeyError."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class _ZhDefaulting(_Defaulting):
    """``{x_zh}`` falls back to ``{x}`` (a check that gave no Chinese text for it)."""

    def __missing__(self, key: str) -> str:
        if key.endswith("_zh") and key[:-3] in self:
            return str(self[key[:-3]])
        return super().__missing__(key)


def _plain(value: Any, reveal: bool) -> Any:
    """Turn a value into JSON-ready data, masking Private values unless revealed."""
    if isinstance(value, Private):
        return value.show(reveal)
    if isinstance(value, Measure):
        return value.to_dict(reveal)
    if isinstance(value, Mapping):
        return {str(k): _plain(v, reveal) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, reveal) for v in value]
    if isinstance(value, float):
        return round(value, 6)
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if hasattr(value, "item"):  # numpy scalars
        return _plain(value.item(), reveal)
    return str(value)
