"""Document type vs registrant type and region (§3.2), and the document number (§1, §2, §3.3, §3.5).

The numbers themselves are judged by :mod:`idcheck.numbers`; this module maps its exceptions to
``number.*`` findings and adds what only the form knows: which document was chosen, the region,
and whether the number belongs to another document.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .. import codes, doctypes, numbers
from ..report import Private
from . import names as N
from .context import REGION_TITLES, TYPE_TITLES, Ctx, doc_title

# --- the tables (§3.2) ------------------------------------------------------------------------------

# Who may use a document, its regions, its number's format and §3.2: idcheck/data/document_types.toml.
#: who may use a document: "individual", "organization" or None (either)
DOCUMENT_OWNER: dict[str, str | None] = doctypes.DOCUMENT_OWNER
#: the regions a document belongs to (None: any region)
DOCUMENT_REGIONS: dict[str, tuple[str, ...] | None] = doctypes.DOCUMENT_REGIONS
#: document type -> the idcheck.numbers format of its number ("free" = no public format)
NUMBER_FORMAT: dict[str, str] = doctypes.NUMBER_FORMAT

OUTSIDE = ("hong_kong", "macao", "taiwan", "foreign")

#: (registrant type, region) -> (preferred, alternatives): §3.2, written once in idcheck/data/document_types.toml
#: ([[accepted]]), which rules/standard.rules reads too (accepted_documents(...)) [A2][A8][A10][A12]
ACCEPTED: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {
    key: (documents[:1], documents[1:]) for key, documents in doctypes.ACCEPTED_DOCUMENTS.items()
}

# numbers' region names -> profile regions
_NUMBER_REGION = {"hk": "hong_kong", "macao": "macao", "taiwan": "taiwan"}


#: the number formats a profile's document can carry -> the document type a message suggests for it (None: rp,
#: whose number's region decides between the two residence permits)
_FORMAT_DOCUMENT: dict[str, str | None] = {
    "ric": "id_card",
    "rp": None,
    "hkmo_permit": "travel_permit_hkmo",
    "tw_permit": "travel_permit_tw",
    "fpr": "foreign_permanent_resident_card",
    "uscc": "business_license",
    "passport": "passport",
}
# The formats' own facts live in their modules (idcheck.numbers.*: SHORT_TITLE, PERSONAL, HAS_CHECK_DIGIT)
#: numbers format -> (English, Chinese, the document type that carries it)
FORMAT_TITLES: dict[str, tuple[str, str, str | None]] = {
    name: (numbers.FORMATS[name].SHORT_TITLE, numbers.FORMATS[name].SHORT_TITLE_ZH, doc)
    for name, doc in _FORMAT_DOCUMENT.items()
}


# --- rules: document ---------------------------------------------------------------------------------


def rule_document(ctx: Ctx) -> None:
    """Document type vs registrant type and region (§3.2)."""
    doc, rtype, region = ctx.doc, ctx.rtype, ctx.region
    if doc is None:
        return
    d_en, d_zh = doc_title(doc)
    if doc == "military_unit":
        ctx.add("profile.document_military", field="document_type")
        return
    owner = DOCUMENT_OWNER.get(doc)
    if rtype and owner and owner != rtype:
        ctx.add(
            "profile.registrant_type_mismatch", document=d_en, document_zh=d_zh,
            owner=TYPE_TITLES[owner][0], owner_zh=TYPE_TITLES[owner][1],
            registrant_type=rtype, registrant_type_zh=TYPE_TITLES[rtype][1], field="document_type",
            details={"document_type": doc, "registrant_type": rtype},
        )
        ctx.extra["type_mismatch"] = True
        return
    regions = DOCUMENT_REGIONS.get(doc)
    if region and regions and region not in regions:
        expected = " or ".join(r for r in regions)
        expected_zh = "或".join(REGION_TITLES[r][1] for r in regions)
        reason = f"the {d_en} is issued to registrants from {' or '.join(REGION_TITLES[r][0] for r in regions)}"
        reason_zh = f"{d_zh}只发给{expected_zh}的注册者"
        severity = None
        details: dict[str, Any] = {"document_type": doc, "document_regions": list(regions)}
        if doc == "passport" and region in ("hong_kong", "macao", "taiwan"):
            severity = "warning"
            details["why_warning"] = (
                "the registrar's document table lists permits for Hong Kong, Macao and Taiwan residents, "
                "but its FAQ says non-mainland individuals use a passport"
            )
        ctx.add(
            "profile.region_mismatch",
            severity=severity,
            region_name=region,
            region_name_zh=REGION_TITLES[region][1],
            reason=reason,
            reason_zh=reason_zh,
            expected=expected,
            expected_zh=expected_zh,
            field="region",
            details=details,
        )
        ctx.extra["region_mismatch"] = True
        return
    if rtype and region:
        preferred, alternatives = ACCEPTED[(rtype, region)]
        if doc not in preferred and doc not in alternatives:
            accepted = list(preferred + alternatives)
            ctx.add(
                "profile.document_not_accepted", document=d_en, document_zh=d_zh,
                registrant_type=TYPE_TITLES[rtype][0], registrant_type_zh=TYPE_TITLES[rtype][1],
                region_name=REGION_TITLES[region][0], region_name_zh=REGION_TITLES[region][1],
                accepted=" or ".join(doc_title(a)[0] for a in accepted),
                accepted_zh="或".join(doc_title(a)[1] for a in accepted),
                field="document_type", details={"accepted": accepted},
            )
        elif rtype == "individual" and doc in alternatives:
            p_en, p_zh = doc_title(preferred[0])
            who = f"{TYPE_TITLES[rtype][0]} registrants from {REGION_TITLES[region][0]}"
            ctx.add(
                "profile.document_alternative",
                document=d_en,
                document_zh=d_zh,
                who=who,
                who_zh=f"{REGION_TITLES[region][1]}个人注册者",
                preferred=p_en,
                preferred_zh=p_zh,
                field="document_type",
            )


# --- rules: document number --------------------------------------------------------------------------


def _numbers(name: str) -> Any:
    """The idcheck.numbers module of a format ("ric", "uscc" ...)."""
    return numbers.FORMATS[name]


_CHANGE_TEXT = {
    "invisible": ("invisible characters", "不可见字符"),
    "fullwidth": ("full-width characters", "全角字符"),
    "compatibility": ("special (compatibility) characters", "特殊兼容字符"),
    "trimmed": ("spaces around it", "首尾空格"),
    "spaces": ("spaces", "空格"),
    "dashes": ("dashes", "连字符"),
    "lowercase": ("lower-case letters", "小写字母"),
}


def rule_number(ctx: Ctx) -> None:
    """The number is valid for the document type and agrees with the region (number.*)."""
    raw = ctx.text("document_number")
    doc = ctx.doc
    if raw is None or doc is None or doc == "military_unit":
        return
    fmt = NUMBER_FORMAT.get(doc, "free")
    d_en, d_zh = doc_title(doc)
    base = {"document": d_en, "document_zh": d_zh, "field": "document_number"}
    if fmt in ("free", "passport_any"):
        _check_free_number(ctx, raw, doc, fmt, base)
        return
    module_name = "uscc" if fmt == "uscc_or_org_code" else fmt
    module = _numbers(module_name)
    norm = module.normalize(raw)
    value = norm.value
    if fmt == "uscc_or_org_code" and len(value) != 18:
        _check_org_code(ctx, raw, norm, base)
        return
    _report_changes(ctx, norm, base)
    try:
        value = module.validate(raw)
    except numbers.ValidationError as error:
        _report_invalid(ctx, module, raw, value, error, doc, base)
        return
    ctx.extra["document_number"] = Private(value, "number")
    ctx.extra["number_format"] = module_name
    info = _safe_info(module, value)
    _check_number_info(ctx, module_name, value, info, doc, base)


def _safe_info(module: Any, value: str) -> dict[str, Any]:
    try:
        return dict(module.info(value))
    except Exception:  # info is a bonus; validate already passed
        return {}


def _report_changes(ctx: Ctx, norm: Any, base: dict[str, Any], ignore: tuple[str, ...] = ()) -> None:
    changes = [c for c in norm.changes if c not in ignore]
    if not changes:
        return
    words = [_CHANGE_TEXT.get(c, (c, c))[0] for c in changes]
    en = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    zh = "、".join(_CHANGE_TEXT.get(c, (c, c))[1] for c in changes)
    ctx.add(
        "number.not_normalized", changes=en, changes_zh=zh, normalized=Private(norm.value, "number"),
        details={"changes": changes}, **base,
    )


def _report_invalid(
    ctx: Ctx, module: Any, raw: str, value: str, error: Exception, doc: str, base: dict[str, Any]
) -> None:
    name = getattr(module, "NAME", "")
    number = Private(value, "number")
    details = {
        k: v
        for k, v in getattr(error, "to_dict", lambda: {})().items()
        if v is not None and k not in ("message", "found")
    }
    # a valid number of another document: say which document instead of how this one fails
    other = _other_format(getattr(error, "other_format", None), value, name)
    if other is not None:
        o_en, o_zh, o_doc = other
        ctx.add(
            "number.other_document", number=number, detected=o_en, detected_zh=o_zh,
            details={"detected_format": o_doc, **details}, **base,
        )
        return
    if name == "uscc" and getattr(module, "is_pilot_era_exception", lambda s: False)(value):
        ctx.add("number.pilot_era", number=number, details=details, **base)
        info = _safe_info(module, value)
        if info and not info.get("category_known", True):
            ctx.add("number.unknown_category", number=number, prefix=value[:2], **base)
        return
    if name == "tw_permit" and getattr(error, "component", None) == "one_time_permit":
        ctx.add("number.one_time_permit", number=number, details=details, **base)
        return
    code = f"number.{getattr(error, 'code', 'invalid_format')}"
    if code not in codes.catalogue():
        code = "number.invalid_format"
    severity = None
    if name == "uscc" and code == "number.invalid_length" and len(value) == 15 and value.isascii() and value.isdigit():
        # §1.5 step 8: old 15-digit registration numbers are not mentioned by the registrar -> WARN
        severity = "warning"
        details["why_warning"] = (
            "old 15-digit business registration numbers are not mentioned by the registrar (reference §1.5 step 8)"
        )
    ctx.add(code, severity=severity, number=number, reason=str(error), details=details, **base)


def _other_format(hint: str | None, value: str, name: str) -> tuple[str, str, str] | None:
    """(title, title_zh, document type) of the format ``value`` validly belongs to, if not ``name``.

    ``hint`` is the ``other_format`` a numbers exception named; detection adds the others.
    """
    candidates: list[str] = [hint] if hint else []
    try:
        found = numbers.detect(value)
    except Exception:  # detection only improves the message
        found = []
    # only formats with a check character (8 digits are a Taiwan permit *and* many a passport)
    # and of the same kind of registrant: one 18-digit string in ~300 passes as a USCC by chance
    personal = name != "uscc"
    candidates.extend(f for f in found if f in STRONG_FORMATS and (f in PERSONAL_FORMATS) == personal)
    for cand in candidates:
        if not cand or cand == name or cand not in FORMAT_TITLES:
            continue
        mod = _numbers(cand)
        if mod.is_valid(value):
            en, zh, doc = FORMAT_TITLES[cand]
            if cand == "rp":
                region = _NUMBER_REGION.get(_safe_info(mod, value).get("region", ""), "")
                doc = "residence_permit_tw" if region == "taiwan" else "residence_permit_hkmo"
            return en, zh, doc or cand
    return None


#: of those formats, the ones with a check character, and the ones that number a person (not an organisation)
STRONG_FORMATS = frozenset(name for name in FORMAT_TITLES if numbers.FORMATS[name].HAS_CHECK_DIGIT)
PERSONAL_FORMATS = frozenset(name for name in FORMAT_TITLES if numbers.FORMATS[name].PERSONAL)


def _check_number_info(
    ctx: Ctx, name: str, value: str, info: Mapping[str, Any], doc: str, base: dict[str, Any]
) -> None:
    number = Private(value, "number")
    if name == "uscc" and info and not info.get("category_known", True):
        ctx.add("number.unknown_category", number=number, prefix=value[:2], **base)
    if name == "ric" and info.get("born_before_1900"):
        ctx.add("number.old_birth_date", number=number, **base)
    number_region = _NUMBER_REGION.get(str(info.get("region", ""))) if name in ("rp", "hkmo_permit") else None
    if number_region is None:
        return
    if name == "rp":
        doc_regions = DOCUMENT_REGIONS.get(doc) or ()
        if number_region not in doc_regions:
            other_doc = "residence_permit_tw" if number_region == "taiwan" else "residence_permit_hkmo"
            o_en, o_zh = doc_title(other_doc)
            ctx.add(
                "number.other_document", number=number, detected=o_en, detected_zh=o_zh,
                details={"detected_format": other_doc}, **base,
            )
            return
    region = ctx.region
    if (
        region
        and number_region != region
        and not ctx.extra.get("region_mismatch")
        and not ctx.extra.get("type_mismatch")
    ):
        what = {
            "rp": f"residence permit numbers starting {value[:6]} belong to "
            f"{REGION_TITLES[number_region][0]} residents",
            "hkmo_permit": f"a travel permit number starting with {value[0]} belongs to a "
            f"{REGION_TITLES[number_region][0]} resident",
        }[name]
        what_zh = {
            "rp": f"以 {value[:6]} 开头的居住证属于{REGION_TITLES[number_region][1]}居民",
            "hkmo_permit": f"以 {value[0]} 开头的通行证属于{REGION_TITLES[number_region][1]}居民",
        }[name]
        ctx.add(
            "profile.region_mismatch",
            region_name=region,
            region_name_zh=REGION_TITLES[region][1],
            reason=what,
            reason_zh=what_zh,
            expected=number_region,
            expected_zh=REGION_TITLES[number_region][1],
            field="region",
            details={"number_region": number_region},
        )


def _check_org_code(ctx: Ctx, raw: str, norm: Any, base: dict[str, Any]) -> None:
    """A 9-character organisation code (GB 11714: 8 body characters + check 0-9/X) [A2]."""
    _report_changes(ctx, norm, base)
    value = norm.value
    number = Private(value, "number")
    if len(value) != 9:
        ctx.add(
            "number.invalid_length", number=number,
            reason=f"an organisation code has 9 characters (or enter the 18-character USCC), not {len(value)}",
            details={"expected": [9, 18], "found_length": len(value)}, **base,
        )
        return
    bad = next((i for i, ch in enumerate(value[:8]) if not (ch.isascii() and ch.isalnum())), None)
    if bad is None and not (value[8].isascii() and (value[8].isdigit() or value[8] == "X")):
        bad = 8
    if bad is not None:
        ctx.add(
            "number.invalid_format", number=number,
            reason=f"position {bad + 1} must be {'a digit or X' if bad == 8 else 'a digit or a capital letter'}",
            details={"position": bad + 1}, **base,
        )
        return
    expected = numbers.uscc.calc_org_check_digit(value[:8])
    if expected != value[8]:
        ctx.add(
            "number.invalid_checksum", number=number,
            reason=f"the check character (position 9) does not match positions 1-8: expected {expected!r}",
            details={"position": 9, "expected": expected}, **base,
        )
        return
    ctx.extra["document_number"] = number
    ctx.extra["number_format"] = "org_code"


_FREE_OK = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-/().]*")


def _check_free_number(ctx: Ctx, raw: str, doc: str, fmt: str, base: dict[str, Any]) -> None:
    """Documents without a public number format: CNNIC allows 1-20 characters [C6]."""
    passport = fmt == "passport_any"
    norm = numbers.normalize(raw, upper=passport, dashes=passport)
    value = norm.value
    _report_changes(ctx, norm, base)
    number = Private(value, "number")
    if doc == "overseas_org_certificate" and value == "0":
        ctx.add("number.overseas_placeholder", **base)
        return
    low, high = (5, 20) if passport else (1, 20)
    if not low <= len(value) <= high:
        ctx.add(
            "number.invalid_length", number=number,
            reason=f"{'a passport number' if passport else 'the number'} has {low}-{high} characters, not {len(value)}",
            details={"expected": [low, high], "found_length": len(value)}, **base,
        )
        return
    pattern = re.compile(r"[A-Z0-9]+") if passport else _FREE_OK
    if not pattern.fullmatch(value):
        bad = next(
            (ch for ch in value if not (ch.isascii() and (ch.isalnum() or (not passport and ch in "-/().")))), value[0]
        )
        allowed = "letters and digits" if passport else "letters, digits and - / ( ) ."
        ctx.add(
            "number.invalid_format", number=number,
            reason=f"{N.char_name(bad)} is not allowed, use {allowed} only",
            details={"allowed": allowed}, **base,
        )
        return
    if passport:  # a Chinese identity number typed into the passport field
        other = _other_format(None, value, "passport")
        if other is not None and other[2] != "passport":
            ctx.add(
                "number.other_document", number=number, detected=other[0], detected_zh=other[1],
                details={"detected_format": other[2]}, **base,
            )
            return
    ctx.extra["document_number"] = number
    ctx.extra["number_format"] = fmt
