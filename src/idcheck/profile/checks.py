"""``check_profile``: the registrar's field rules over one registrant profile.

Reference: domain-rules.md §3.2 (documents per registrant type and region), §3.3 (field rules),
§3.5 (rejection catalogue), §6 (punctuation traps) and the registrant-verification guide.

Every rule is a function ``rule(ctx)`` that appends findings to the shared
:class:`~idcheck.profile.context.Ctx`; :data:`RULES` lists them in order.  Where they live::

    checks.py      loading repairs, unknown keys, missing fields and choices; RULES; check_profile
    documents.py   document type vs registrant type and region (§3.2), the number (idcheck.numbers)
    name_rules.py  Chinese and English names (§3.3, §6.2) — the policies are in its docstring
    contact.py     phone, postal code, province, address, email
    names.py       character classes, canonical comparison (compare_names), pinyin

A rule that crashes becomes an ``internal.check_failed`` finding: a profile never makes
``check_profile`` raise.  Names, numbers, phone numbers and e-mail addresses go into findings
wrapped in :class:`~idcheck.report.Private`, so reports are masked unless revealed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import UsageError
from ..report import Private, Report
from . import names as N
from .contact import province_key, rule_address, rule_email, rule_phone, rule_postal_code, rule_province
from .context import HINTS, PERSONAL_FIELDS, Ctx, label_of, private_of
from .documents import ACCEPTED, DOCUMENT_OWNER, DOCUMENT_REGIONS, NUMBER_FORMAT, rule_document, rule_number
from .model import (
    DOCUMENT_TYPES,
    FIELDS,
    MAX_UNKNOWN_KEYS,
    PHONE_FIELDS,
    REGIONS,
    REGISTRANT_TYPES,
    LoadIssue,
    Phone,
    Profile,
)
from .name_rules import rule_name_en, rule_name_zh

__all__ = ["check_profile", "ACCEPTED", "DOCUMENT_OWNER", "DOCUMENT_REGIONS", "NUMBER_FORMAT", "RULES"]


# --- rules: loading ----------------------------------------------------------------------------------


def rule_loading(ctx: Ctx) -> None:
    """Repairs made while loading, unknown keys (profile.invalid_value, number_not_string, unknown_field)."""
    for issue in ctx.profile.issues:
        _report_issue(ctx, issue)
    for key in ctx.profile.extra:
        ctx.add("profile.unknown_field", key=_shown_key(key), suggestion=_suggest_key(key), field=key or "<empty key>")


_FLAT_PHONE = re.compile(
    r"(?:phone|tel|telephone|mobile)[_.\- ]?(country_?code|cc|area|number|no|ext|extension)?$", re.I
)
_PHONE_PART = {
    "country_code": "country_code",
    "countrycode": "country_code",
    "cc": "country_code",
    "area": "country_code",
    "number": "number",
    "no": "number",
    "ext": "extension",
    "extension": "extension",
}


def _shown_key(key: str) -> str:
    return repr(key if len(key) <= 60 else key[:57] + "...")


def _suggest_key(key: str) -> str:
    """A did-you-mean for an unknown key; flattened phone keys point to the phone object."""
    m = _FLAT_PHONE.match(key.strip())
    if m and key != "phone":
        part = _PHONE_PART.get((m.group(1) or "number").lower(), "number")
        return f" (did you mean phone.{part}, inside the phone object?)"
    return _did_you_mean(key, FIELDS)


def _report_issue(ctx: Ctx, issue: LoadIssue) -> None:
    key = issue.field
    if issue.kind == "unknown_key":
        ctx.add(
            "profile.unknown_field",
            key=_shown_key(key),
            suggestion=_did_you_mean(key.split(".", 1)[-1], PHONE_FIELDS, "phone."),
            field=key,
        )
        return
    if issue.kind == "too_long":
        ctx.bad.add(key)
        ctx.add("profile.value_too_long", got=issue.got, limit=issue.expected, field=key, **label_of(key))
        return
    if issue.kind == "too_many_keys":
        ctx.add("profile.too_many_fields", count=issue.got, limit=MAX_UNKNOWN_KEYS, field=key)
        return
    if issue.kind == "json_number":
        got: Any = private_of(key, issue.got) if key in PERSONAL_FIELDS else issue.got
        ctx.add("profile.number_not_string", got=got, field=key, **label_of(key))
        return
    ctx.bad.add(key)
    hint = f"write it as {issue.expected}"
    ctx.add(
        "profile.invalid_value", got=issue.got, hint=hint, hint_zh=f"请写成{_expected_zh(issue.expected)}",
        field=key, details={"expected": issue.expected, "got_type": issue.got}, **label_of(key),
    )


def _expected_zh(expected: str) -> str:
    return "字符串" if expected == "a string" else "包含 country_code、number、extension 的对象"


def _did_you_mean(key: str, choices: tuple[str, ...], prefix: str = "") -> str:
    near = difflib.get_close_matches(key.lower(), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {prefix}{near[0]}?)" if near else ""


def rule_required(ctx: Ctx) -> None:
    """Missing fields and unknown choices (profile.missing_field, profile.invalid_value)."""
    p = ctx.profile
    mainland_address = ctx.region == "mainland" or province_key(p.province) is not None
    for key in FIELDS:
        if key == "phone":
            if not isinstance(p.phone, Phone):
                if key not in ctx.bad:
                    _missing(ctx, "phone")
                    ctx.bad.update({"phone.country_code", "phone.number"})
                continue
            for sub in ("phone.country_code", "phone.number"):
                if ctx.text(sub) is None and sub not in ctx.bad:
                    _missing(ctx, sub)
            continue
        if key in ctx.bad:
            continue
        value = getattr(p, key)
        if not isinstance(value, str) or not value.strip():
            severity = None
            if key == "name_en":
                severity = "warning"  # the console fills it in from the Chinese name
            elif key == "postal_code" and not mainland_address:
                severity = "warning"  # Hong Kong, for one, has no postal codes
            _missing(ctx, key, severity)
            ctx.bad.add(key)
            continue
        choices = {"registrant_type": REGISTRANT_TYPES, "region": REGIONS, "document_type": tuple(DOCUMENT_TYPES)}.get(
            key
        )
        if choices and value not in choices:
            ctx.bad.add(key)
            shown = ", ".join(choices)
            ctx.add(
                "profile.invalid_value",
                got=repr(value[:60]),
                hint=f"use one of: {shown}{_did_you_mean(value, choices)}",
                hint_zh=f"请使用以下值之一：{shown}",
                field=key,
                details={"allowed": list(choices)},
                **label_of(key),
            )


def _missing(ctx: Ctx, key: str, severity: str | None = None) -> None:
    hint_en, hint_zh = HINTS.get(key, ("fill it in", "请填写"))
    ctx.add("profile.missing_field", severity=severity, hint=hint_en, hint_zh=hint_zh, field=key, **label_of(key))


# --- the entry point ---------------------------------------------------------------------------------

RULES: tuple[Callable[[Ctx], None], ...] = (
    rule_loading,
    rule_required,
    rule_document,
    rule_number,
    rule_name_zh,
    rule_name_en,
    rule_phone,
    rule_province,
    rule_postal_code,
    rule_address,
    rule_email,
)


def check_profile(profile: Profile | Mapping[str, Any]) -> Report:
    """Check one registrant profile (a :class:`Profile` or its JSON-like dict): ``Report(kind="profile")``.

    Bad form data never raises; only a ``profile`` that is neither a Profile nor a mapping raises
    :class:`idcheck.errors.UsageError`.
    """
    if isinstance(profile, Profile):
        reread = Profile.from_dict({**profile.to_dict(), **dict(profile.extra)})  # wrong types, sizes, extras
        p = Profile(
            **{k: getattr(reread, k) for k in FIELDS},
            issues=tuple(profile.issues) + tuple(i for i in reread.issues if i not in profile.issues),
            extra=dict(reread.extra),
        )
    elif isinstance(profile, Mapping):
        p = Profile.from_dict(profile)
    else:
        raise UsageError(f"check_profile expects a Profile or a dict, not {type(profile).__name__}")
    ctx = Ctx(p)
    report = Report(kind="profile")
    for rule in RULES:
        try:
            rule(ctx)
        except Exception as exc:  # a bug in one rule must not hide the others
            # only the exception's type: its text could quote the personal data being checked
            ctx.add("internal.check_failed", check=f"profile.{rule.__name__}", error=type(exc).__name__,
                    details={"exception": type(exc).__name__})
    report.findings.extend(ctx.findings)
    report.extra["profile"] = {
        "registrant_type": ctx.rtype,
        "region": ctx.region,
        "document_type": ctx.doc,
        **{k: v for k, v in ctx.extra.items() if k in ("document_number", "number_format")},
    }
    name_zh = ctx.text("name_zh")
    if name_zh and N.has_han(name_zh):
        report.extra["profile"]["name_en_default"] = Private(N.pinyin_of(name_zh), "name")
    return report
