"""``check_submission``: one domain, one registrant profile and its documents, judged together.

::

    report = idcheck.check_submission(
        "example.gov.cn", profile,
        {"uscc_certificate": "cert.jpg", "registration_form": "form.jpg", "contact_id_card": "id.jpg"},
    )

What runs, in order (each stage timed into ``report.timings``):

1. **the domain** is read (Unicode or punycode); the rule sets are chosen: the standard rules always,
   plus the rule set of the longest matching suffix (``rules/*.rules``, see :mod:`idcheck.dsl.loader`);
2. **the profile** (:func:`idcheck.check_profile`): findings keep their codes, ``field`` becomes
   ``profile.<field>``;
3. **each document's picture** (:func:`idcheck.check`, with the image kind of :data:`IMAGE_KINDS`): the
   document named by the profile's ``document_type`` is also read and cross-checked with the profile
   (OCR) when ``ocr`` is true; ID cards, licences and passports supplied for other purposes are read
   without a profile.  Every finding's ``field`` becomes ``document:<kind>``;
4. **the rules**, over the profile, the supplied document kinds, the fields read from the documents
   (``report.extra["ocr"]["fields"]`` of each picture: a number only when its check characters pass, a
   name only above the engine's confidence threshold; otherwise the field is unavailable and rules
   over it end "could not verify") and the domain.

One :class:`~idcheck.report.Report` (kind ``"submission"``) holds every finding.  ``report.extra``::

    domain      {"input", "name", "ascii", "label", "suffix", "tld"} or {"input", "error"}
    rulesets    [{"name", "version", "suffixes", "aliases", "path"}]   the rule sets applied
    profile     what the profile check derived (registrant type, region, document type, ...)
    documents   {kind: {"image_kind", "identity", "read": {field: value}, "report": <Report.to_dict()>}}
    rules       the trace: per rule, outcome (pass / fail / not_applicable), reason and steps

The per-document reports in ``extra`` are stored masked (``to_dict()``), whatever ``reveal`` is later.
Bad files and bad form data never raise; wrong argument types raise :class:`~idcheck.errors.UsageError`
and broken rule files :class:`~idcheck.dsl.RuleFileError`.
"""

from __future__ import annotations

import difflib
import os
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from . import api, codes, doctypes
from .config import CHANNELS, DEFAULT, Config
from .dsl import Facts, evaluate, load_rules, parse_domain
from .dsl import tree as T
from .errors import UsageError
from .profile import Profile, check_profile
from .profile.model import DOCUMENT_TYPES
from .report import Finding, Private, Report

__all__ = ["check_submission", "IMAGE_KINDS", "DOCUMENT_TITLES"]

#: document kind -> the ``kind`` idcheck.check is given for its picture (anything else: "auto")
IMAGE_KINDS: dict[str, str] = doctypes.IMAGE_KINDS

#: the extra document kinds the rule files ask for, in words (profile document types have their own titles)
DOCUMENT_TITLES: dict[str, str] = doctypes.DOCUMENT_TITLES


def check_submission(
    domain: str,
    profile: Any,
    documents: Mapping[str, Any] | None,
    *,
    channel: str = "console",
    config: Config | None = None,
    rules_dir: str | os.PathLike[str] | None = None,
    ocr: bool = True,
) -> Report:
    """Check one submission: ``documents`` maps a document kind to a source (path, bytes or binary file).

    ``ocr=False`` skips reading the documents (fields read from them are then unavailable and the
    rules over them end "could not verify").  See the module docstring for what runs and the report.
    """
    if not isinstance(domain, str):
        raise UsageError(f"domain must be a string, not {type(domain).__name__}")

    if isinstance(profile, Mapping):
        profile = Profile.from_dict(profile)
    elif not isinstance(profile, Profile):
        raise UsageError(f"profile must be an idcheck Profile or a dict, not {type(profile).__name__}")
    if documents is None:
        documents = {}
    if not isinstance(documents, Mapping):
        raise UsageError(f"documents must map document kinds to sources, not {type(documents).__name__}")
    for key in documents:
        if not isinstance(key, str) or not key.strip():
            raise UsageError(f"document kinds must be non-empty strings, not {key!r}")
    if not isinstance(channel, str) or channel not in CHANNELS:
        raise UsageError(f"channel must be one of {sorted(CHANNELS)}, not {channel!r}")
    if config is None:
        config = DEFAULT
    elif not isinstance(config, Config):
        raise UsageError(f"config must be an idcheck.Config, not {type(config).__name__}")

    started = time.perf_counter()
    report = Report(kind="submission")
    report.extra["channel"] = channel
    lap = _Lap(report)

    # 1. the domain and the rule sets
    book = load_rules(rules_dir)
    parsed = None
    try:
        parsed = parse_domain(domain)
    except ValueError as exc:
        report.findings.append(codes.finding("submission.domain_invalid", domain=repr(domain[:80]), reason=str(exc),
                                             field="domain", details={"reason": str(exc)}))
        report.extra["domain"] = {"input": domain, "error": str(exc)}
    rulesets, suffix = book.select(parsed)
    domain_facts = parsed.facts(suffix) if parsed is not None else {}
    if parsed is not None:
        report.extra["domain"] = {"input": domain, **domain_facts}
    report.extra["rulesets"] = [
        {"name": rs.name, "version": rs.version, "suffixes": list(rs.suffixes) if rs.suffixes is not None else "all",
         "aliases": list(rs.aliases), "path": rs.path} for rs in rulesets
    ]
    lap("rulesets")

    # 2. the profile
    profile_report = check_profile(profile)
    report.findings.extend(_profile_field(f) for f in profile_report.findings)
    report.extra["profile"] = profile_report.extra.get("profile", {})
    lap("profile")

    # 3. the documents
    identity = profile.document_type if isinstance(profile.document_type, str) else None
    wanted = _kinds_read_by(rulesets)  # other documents are read only when a rule uses a field of theirs
    read: dict[str, dict[str, Any]] = {}
    doc_extra: dict[str, Any] = {}
    for kind, source in documents.items():
        doc_started = time.perf_counter()
        image_kind = IMAGE_KINDS.get(kind, "auto")
        is_identity = kind == identity
        doc_report = _check_document(source, image_kind, is_identity, profile, channel, config,
                                     ocr=ocr and (is_identity or kind in wanted))
        if is_identity:  # check() ran the profile check again: keep only what the picture added
            own = [f for f in doc_report.findings if f not in profile_report.findings]
        else:  # read for the rules only: an unreadable field shows as rules.not_verified where it matters
            own = [f for f in doc_report.findings if not f.code.startswith("ocr.")]
        report.findings.extend(_document_field(f, kind) for f in own)
        fields = _read_fields(doc_report, config)
        read[kind] = fields
        doc_extra[kind] = {
            "image_kind": image_kind,
            "identity": is_identity,
            "read": {k: Private(v, "name" if "name" in k else "number") for k, v in fields.items()},
            "report": doc_report.to_dict(),
        }
        report.timings[f"document:{kind}"] = (time.perf_counter() - doc_started) * 1000.0
    report.extra["documents"] = doc_extra
    lap("documents", reset_only=True)

    # 4. the rules
    facts = Facts.build(profile, read, domain_facts)
    evaluation = evaluate(rulesets, facts)
    report.findings.extend(evaluation.findings)
    report.extra["rules"] = evaluation.trace
    report.findings.extend(_unused(documents, identity, evaluation, book))
    lap("rules")
    report.timings["total"] = (time.perf_counter() - started) * 1000.0
    return report


class _Lap:
    def __init__(self, report: Report) -> None:
        self.report = report
        self.last = time.perf_counter()

    def __call__(self, stage: str, reset_only: bool = False) -> None:
        now = time.perf_counter()
        if not reset_only:
            self.report.timings[stage] = (now - self.last) * 1000.0
        self.last = now


def _check_document(source: Any, image_kind: str, is_identity: bool, profile: Any, channel: str, config: Config,
                    *, ocr: bool) -> Report:
    if is_identity and ocr:
        return api.check(source, kind=image_kind, profile=profile, channel=channel, config=config)
    return api.check(source, kind=image_kind, channel=channel, config=config, ocr=ocr)


def _kinds_read_by(rulesets: list[T.RuleSet]) -> set[str]:
    """Document kinds whose fields (document.KIND.FIELD) the rules read; "identity" stands for the profile's."""
    kinds: set[str] = set()
    for rs in rulesets:
        for rule in rs.rules:
            for stmt in rule.statements:
                expr = getattr(stmt, "expr", None)
                for path in T.paths_of(expr) if expr is not None else []:
                    if path.root == "document" and len(path.parts) == 2:
                        kinds.add(path.parts[0])
    return kinds


def _profile_field(f: Finding) -> Finding:
    if f.field is None:
        return replace(f, field="profile")
    if f.field.startswith(("profile", "document:")):
        return f
    return replace(f, field=f"profile.{f.field}")


def _document_field(f: Finding, kind: str) -> Finding:
    target = f"document:{kind}"
    if f.field == target:
        return f
    details = dict(f.details)
    if f.field:
        details["field"] = f.field if f.field.startswith("profile") else f"profile.{f.field}"
    return replace(f, field=target, details=details)


def _read_fields(doc_report: Report, config: Config) -> dict[str, str]:
    """The fields read from a document that the rules may trust (see the module docstring)."""
    ocr = doc_report.extra.get("ocr")
    if not isinstance(ocr, Mapping):
        return {}
    fields = ocr.get("fields")
    if not isinstance(fields, Mapping):
        return {}
    engine = ocr.get("engine")
    out: dict[str, str] = {}
    for name, item in fields.items():
        if not isinstance(item, Mapping):
            continue
        value = item.get("value")
        if isinstance(value, Private):
            value = value.value
        if not isinstance(value, str) or not value.strip():
            continue
        confidence = item.get("confidence")
        confidence = float(confidence) if isinstance(confidence, (int, float)) else 0.0
        if "valid" in item:  # numbers and the MRZ: trusted only when the check characters pass
            if item.get("valid") is not True or confidence < config.ocr.number_confidence:
                continue
        else:  # names: trusted only above the engine's threshold
            threshold = (
                config.ocr.name_confidence.get(engine, 1.01)
                if isinstance(config.ocr.name_confidence, Mapping)
                else 1.01
            )
            if confidence < threshold:
                continue
        out[str(name)] = value.strip()
    return out


def _known_kinds(book: Any) -> list[str]:
    kinds = set(DOCUMENT_TYPES) | set(IMAGE_KINDS)
    for rs in book.rulesets:
        for rule in rs.rules:
            for stmt in rule.statements:
                if isinstance(stmt, T.RequireDocument):
                    kinds.update(stmt.kinds.kinds)
    return sorted(kinds)


def _unused(documents: Mapping[str, Any], identity: str | None, evaluation: Any, book: Any) -> list[Finding]:
    """submission.document_unused for each document no applicable rule asked for or read, nor the profile named."""
    used = set(evaluation.documents_asked)
    if identity:
        used.add(identity)
    for result in evaluation.results:  # documents a rule read fields of
        if not result.applied:
            continue
        for stmt in result.rule.statements:
            expr = getattr(stmt, "expr", None)
            for path in T.paths_of(expr) if expr is not None else []:
                if path.root == "document":
                    used.add(identity if path.parts[0] == T.IDENTITY and identity else path.parts[0])
    out = []
    known = _known_kinds(book)
    for kind in documents:
        if kind in used:
            continue
        near = difflib.get_close_matches(kind, [k for k in known if k != kind], n=1, cutoff=0.75)
        suggestion = f" (did you mean {near[0]}?)" if near and kind not in known else ""
        out.append(
            codes.finding(
                "submission.document_unused",
                kind=kind,
                suggestion=suggestion,
                field=f"document:{kind}",
                details={"kind": kind, **({"did_you_mean": near[0]} if suggestion else {})},
            )
        )
    return out
