"""Cross-check the document against the profile: what it says vs what the registrant typed.

:func:`run` is the one entry point ``idcheck.check`` calls (only when a profile is given or OCR
was asked for)::

    findings, extra = run(ctx, profile, config)
    report.extend(findings); report.extra["ocr"] = extra

Findings:

* ``profile.number_mismatch`` (error): the number read passed its check characters and differs
  from the profile's.  A number that fails them is never compared: ``ocr.unreadable``.
* ``profile.name_mismatch`` (error): the name read differs from the profile's **and** every
  differing character was read with at least ``ocr.mismatch_confidence``; a missing character is
  believed only where the line's width says how many characters are printed (ID cards).  A name
  that is equal up to bracket width, dot look-alikes or spaces is not a mismatch here (OCR cannot
  tell （ from ( reliably; the profile checks already warn about those forms).
* ``profile.document_type_mismatch`` (error): the picture shows another document (a valid number of
  another kind, a valid MRZ) or the ID card's emblem side, on strong evidence only.
* ``ocr.unreadable`` (warning): "could not verify" - a field below the confidence threshold, a
  number whose check characters fail, a field not found.
* ``ocr.engine_unavailable`` (info): no engine installed.

``extra`` holds the fields read, with their confidences, masked by default (:class:`Private`).
"""

from __future__ import annotations

import datetime
import re
import time
import unicodedata
from collections.abc import Mapping
from typing import Any

from .. import codes
from ..numbers import mrz
from ..profile import Profile
from ..profile.model import DOCUMENT_TYPES
from ..profile.names import compare_names
from ..report import Finding, Private
from . import engines, glyphs
from .read import EXPECTED_LABEL, DocumentReading, FieldReading, read_document

# labels -> (English, Chinese) descriptions for messages
SHOWN = {
    "id_card_front": ("the photo side of a resident ID card", "居民身份证人像面"),
    "id_card_back": ("the emblem side of a resident ID card", "居民身份证国徽面"),
    "business_license": ("a business licence", "营业执照"),
    "passport": ("a passport data page", "护照资料页"),
    "mrz_document": ("a travel document or card with a machine-readable zone", "带机读区的证件"),
    "other": ("another document", "其他证件"),
}
DOC_NAMES = {
    "id_card_front": ("ID card", "身份证"),
    "business_license": ("business licence", "营业执照"),
    "passport": ("passport", "护照"),
}
FIELD_LABELS = {
    ("name", "id_card_front"): ("name (姓名)", "姓名"),
    ("number", "id_card_front"): ("ID number (公民身份号码)", "公民身份号码"),
    ("name", "business_license"): ("company name (名称)", "名称"),
    ("number", "business_license"): ("credit code (统一社会信用代码)", "统一社会信用代码"),
    ("mrz", "passport"): ("machine-readable zone", "机读区"),
    ("mrz", "mrz_document"): ("machine-readable zone", "机读区"),
}
# profile document types that carry an ICAO machine-readable zone (or may: foreign residence cards)
MRZ_TYPES = frozenset({"passport", "foreign_permanent_resident_card", "residence_permit_hkmo", "residence_permit_tw",
                       "travel_permit_hkmo", "travel_permit_tw"})
ID_TYPES = frozenset({"id_card", "temporary_id_card"})
INDIVIDUAL_TYPES = frozenset({
    "id_card", "temporary_id_card", "household_register", "household_certificate", "residence_permit_hkmo",
    "residence_permit_tw", "travel_permit_hkmo", "travel_permit_tw", "passport", "foreign_permanent_resident_card",
})
CODES = ("profile.name_mismatch", "profile.number_mismatch", "profile.document_type_mismatch",
         "ocr.unreadable", "ocr.engine_unavailable", "document.expired",
         "document.recently_issued", "document.seal_missing")


def _today() -> datetime.date:
    """The date of the check (a function, so tests can set it)."""
    return datetime.date.today()


def _profile_fields(profile: Any) -> dict[str, Any]:
    if profile is None:
        return {}
    if isinstance(profile, Mapping):
        try:
            profile = Profile.from_dict(profile)
        except Exception:
            return {k: profile.get(k) for k in ("document_type", "name_zh", "name_en", "document_number")}
    return {k: getattr(profile, k, None) for k in ("document_type", "name_zh", "name_en", "document_number")}


def _s(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def run(ctx: Any, profile: Any, config: Any, *, engine: Any = None,
        today: datetime.date | None = None) -> tuple[list[Finding], dict[str, Any]]:
    """Read the document in ``ctx`` and compare it with ``profile`` (may be None: read only)."""
    cfg = config.ocr
    started = time.perf_counter()
    p = _profile_fields(profile)
    doc_type = _s(p.get("document_type"))
    expected = EXPECTED_LABEL.get(doc_type or "") or EXPECTED_LABEL.get(getattr(ctx, "requested_kind", "auto"))
    extra: dict[str, Any] = {"expected": expected}
    findings: list[Finding] = []

    names = engine if engine is not None else cfg.engines
    eng = engines.resolve(names)
    if eng is None:
        reason = "; ".join(_why(n) for n in ([names] if isinstance(names, str) else names))
        findings.append(codes.finding("ocr.engine_unavailable", reason=reason))
        extra["engine"] = None
        return findings, extra
    reading = read_document(ctx, expected=expected, engine=eng.name, timeout=cfg.timeout)
    assert reading is not None
    more, info = compare(reading, profile, cfg, expected=expected, today=today)
    findings += more
    extra.update(info)
    # -- the red seal of a licence or certificate named by the profile or confirmed by the reading (seal.py) --
    from ..image.checks import seal as _seal

    sealed, seal_info = _seal.after_reading(ctx, reading.label, reading.confirmed, doc_type)
    findings += sealed
    if seal_info is not None:
        extra["seal"] = seal_info
    extra["ms"] = round((time.perf_counter() - started) * 1000.0, 1)
    return findings, extra


def compare(reading: DocumentReading, profile: Any, cfg: Any, *, expected: str | None = None,
            today: datetime.date | None = None) -> tuple[list[Finding], dict[str, Any]]:
    """The findings for one reading against one profile (``cfg`` is the ``ocr`` config section; ``today`` the
    day of the check, for the dates: today's date by default)."""
    p = _profile_fields(profile)
    doc_type = _s(p.get("document_type"))
    if expected is None:
        expected = EXPECTED_LABEL.get(doc_type or "")
    extra = _describe(reading)
    findings: list[Finding] = []
    shown = _shown_label(reading)
    extra["document"] = shown
    mismatch = _type_mismatch(shown, reading, doc_type, expected)
    if mismatch is not None:
        return [mismatch], extra  # the fields of another document say nothing about this profile
    label = reading.label or expected or ""
    if label in ("id_card_front", "business_license"):
        findings += _check_number(reading.fields.get("number"), _s(p.get("document_number")), label, cfg,
                                  profile is not None)
        findings += _check_name(reading.fields.get("name"), _s(p.get("name_zh")), label, reading.engine, cfg,
                                profile is not None)
        if label == "business_license":  # the issue date (ocr/dates.py): document.recently_issued
            from .dates import check_issued

            findings += check_issued(reading.fields.get("issued"), today or _today())
    elif label == "id_card_back":
        findings += _check_validity(reading.fields.get("validity"), cfg)
    elif label in ("passport", "mrz_document"):
        findings += _check_mrz(reading.fields.get("mrz"), _s(p.get("document_number")), profile is not None, label)
        findings += _check_expiry(reading.fields.get("mrz"), label)
        findings += _check_mrz_name(reading.fields.get("mrz"), _s(p.get("name_en")), label, cfg)
    return findings, extra


def _why(name: str) -> str:
    try:
        factory = engines.ENGINES[name]
    except KeyError:
        return f"unknown engine {name}"
    e = factory()
    e.available()
    return getattr(e, "why_unavailable", "") or f"{name} unavailable"


# -- document type ----------------------------------------------------------------------------------

def _shown_label(reading: DocumentReading) -> str:
    """What the picture shows, on evidence: a validated number decides; else the picture's classification."""
    if reading.confirmed:
        return reading.label
    return reading.classification.label


def _type_mismatch(shown: str, reading: DocumentReading, doc_type: str | None, expected: str | None) -> Finding | None:
    strong = reading.confirmed or reading.classification.strength == "strong"
    if not strong or shown == "other" or shown == expected:
        return None
    if doc_type is not None:
        if shown in ("id_card_front",) and doc_type in ID_TYPES:
            return None
        if shown == "business_license" and doc_type not in INDIVIDUAL_TYPES:
            return None  # an organisation document with a valid credit code: the type list is the profile's concern
        if shown == "passport" and doc_type == "passport":
            return None
        if shown == "mrz_document" and doc_type in MRZ_TYPES:
            return None
    elif expected is None:
        return None
    exp_label = expected or ""
    if doc_type is not None:
        en, zh = DOCUMENT_TYPES.get(doc_type, (doc_type, doc_type, ""))[:2]
    else:
        en, zh = SHOWN.get(exp_label, (exp_label, exp_label))
    if shown == "id_card_back" and (doc_type in ID_TYPES or exp_label == "id_card_front"):
        wanted = ("the photo side of the ID card (the side with the photo, name and number)",
                  "身份证人像面（有照片、姓名和号码的一面）")
    else:
        wanted = (f"the {en}", zh)
    return codes.finding(
        "profile.document_type_mismatch",
        shown=SHOWN[shown][0], shown_zh=SHOWN[shown][1], expected=en, expected_zh=zh,
        wanted=wanted[0], wanted_zh=wanted[1], field="document_type",
        details={"shown": shown, "expected": exp_label or None, "document_type": doc_type,
                 "evidence": "valid number" if reading.confirmed else "picture",
                 "classification": dict(reading.classification.evidence)},
    )


# -- numbers ------------------------------------------------------------------------------------------

def _compact(s: str) -> str:
    s = unicodedata.normalize("NFKC", s)
    return "".join(ch for ch in s.upper() if not ch.isspace() and ch not in "-_.")


def _unreadable(field: str, label: str, reason: str, reason_zh: str, fr: FieldReading | None,
                details: Mapping[str, Any] | None = None) -> Finding:
    en, zh = FIELD_LABELS.get((field, label), (field, field))
    return codes.finding("ocr.unreadable", field_label=en, field_label_zh=zh, reason=reason, reason_zh=reason_zh,
                         field=field, region=fr.region if fr and fr.region else None,
                         details={"field": field, "document": label,
                                  "confidence": round(fr.confidence, 3) if fr else None, **(details or {})})


def _check_number(fr: FieldReading | None, typed: str | None, label: str, cfg: Any,
                  with_profile: bool) -> list[Finding]:
    field = "document_number"
    if fr is None or not fr.text:
        return [_unreadable("number", label, "not found", "未找到", fr)]
    rep = fr.repaired
    if rep is None or not rep.valid:
        why = rep.error if rep is not None and rep.error else "check characters do not match"
        return [_unreadable("number", label, f"the reading fails its check characters: {why}",
                            "识别结果未通过校验位", fr, {"repair": rep.to_dict() if rep else None})]
    if fr.confidence < cfg.number_confidence:
        return [_unreadable("number", label, "low confidence", "置信度低", fr)]
    if not with_profile or typed is None:
        return []
    t = _compact(typed)
    if t == fr.text:
        return []
    positions = [i + 1 for i in range(max(len(t), len(fr.text)))
                 if i >= len(t) or i >= len(fr.text) or t[i] != fr.text[i]]
    en, zh = DOC_NAMES.get(label, (label, label))
    shown = ", ".join(map(str, positions[:6])) + (" ..." if len(positions) > 6 else "")
    return [codes.finding(
        "profile.number_mismatch", typed=Private(t, "number"), printed=Private(fr.text, "number"),
        document=en, document_zh=zh, positions=shown, field=field, region=fr.region,
        details={"positions": positions, "typed_length": len(t), "printed_length": len(fr.text),
                 "confidence": round(fr.confidence, 3), "repairs": [c.to_dict() for c in rep.repairs]},
    )]


# -- names --------------------------------------------------------------------------------------------

def _estimated_chars(fr: FieldReading, label: str) -> float | None:
    """How many characters the name line holds, from its width (Chinese characters are square)."""
    if label != "id_card_front":
        return None
    x0, y0, x1, y1 = fr.box
    h = max(1, y1 - y0)
    return (x1 - x0) / (h * 1.02)


def _check_name(fr: FieldReading | None, typed: str | None, label: str, engine: str, cfg: Any,
                with_profile: bool) -> list[Finding]:
    if fr is None or not fr.text:
        return [_unreadable("name", label, "not found", "未找到", fr)]
    threshold = float(cfg.name_confidence.get(engine, 0.9))
    if fr.confidence < threshold:
        return [_unreadable("name", label, f"confidence {fr.confidence:.2f} < {threshold:.2f}",
                            f"置信度 {fr.confidence:.2f} 低于 {threshold:.2f}", fr)]
    if not with_profile or typed is None:
        return []

    cmp = compare_names(typed, fr.text)
    if cmp.exact_equal or cmp.canonical_equal:
        return []
    confs = fr.char_confidences or tuple([fr.confidence] * len(fr.text))
    strict = float(cfg.mismatch_confidence.get(engine, 0.97))
    why: list[str] = []
    if fr.clipped:  # a document placed a little off (located from its labels) may cut the line at its window's end
        why.append("the name line reaches the end of the place searched for it: it may go on beyond")
    if fr.readings > 1 and fr.agreeing < 2:
        why.append("the engine's readings of the line disagree")
    for op in cmp.diff:
        read_confs = confs[op.printed_start:op.printed_start + len(op.printed)]
        if read_confs and min(read_confs) < strict:
            why.append(f"character read with confidence {min(read_confs):.2f} < {strict:.2f}")
        if op.op == "delete":  # the typed name has characters the reading lacks: did OCR drop one?
            est = _estimated_chars(fr, label)
            if est is None or abs(est - len(fr.text)) > 0.45:
                why.append("a character may have been dropped by OCR")
        if op.op in ("insert", "replace") and len(op.printed) != len(op.typed):
            est = _estimated_chars(fr, label)
            if est is None or abs(est - len(fr.text)) > 0.45:
                why.append("the number of characters is uncertain")
        if op.op == "replace" and len(op.printed) == len(op.typed):
            why += _glyph_veto(fr, op, cfg)
    believable = not why
    if not believable:
        return [_unreadable("name", label,
                            "the reading differs from the profile but not confidently enough to call it a mismatch",
                            "识别结果与资料不同，但置信度不足以判定为不一致", fr,
                            {"differences": len(cmp.diff), "diagnoses": list(cmp.diagnoses), "why": why})]
    en, zh = DOC_NAMES.get(label, (label, label))
    parts, parts_zh, ops = [], [], []
    for op in cmp.diff:
        pos = op.typed_start + 1
        diag = ", ".join(op.diagnoses) or "other"
        parts.append(f"character {pos} ({op.op}: {diag})")
        parts_zh.append(f"第 {pos} 个字符（{diag}）")
        ops.append({"op": op.op, "position": pos, "typed": Private(op.typed, "text"),
                    "printed": Private(op.printed, "text"), "diagnoses": list(op.diagnoses)})
    return [codes.finding(
        "profile.name_mismatch", typed=Private(typed, "name"), printed=Private(fr.text, "name"),
        document=en, document_zh=zh, diff="; ".join(parts), diff_zh="；".join(parts_zh), field="name_zh",
        region=fr.region,
        details={"diff": ops, "diagnoses": list(cmp.diagnoses), "confidence": round(fr.confidence, 3)},
    )]


def _glyph_veto(fr: FieldReading, op: Any, cfg: Any) -> list[str]:
    """Reasons not to believe a substitution: a typed character whose shape fits the picture about as well
    as the reading (see :mod:`idcheck.ocr.glyphs`).  Readings without a line picture (made by hand, as in
    tests) are not checked."""
    if fr.crop is None or not cfg.glyph_check:
        return []

    if not glyphs.available():
        return ["no CJK font here to compare the character's shape (install fonts-noto-cjk)"]
    before, total = fr.span if fr.span else (0, len(fr.text))
    out = []
    for j, (got, want) in enumerate(zip(op.printed, op.typed, strict=False)):
        scores = glyphs.compare(fr.crop, total, before + op.printed_start + j, got, want)
        if scores is None:
            continue
        s_read, s_typed = scores
        if s_read < cfg.glyph_min_score or s_read - s_typed < cfg.glyph_margin:
            out.append(f"the printed character's shape fits the typed one too ({s_read:.2f} vs {s_typed:.2f})")
    return out


# -- passport ----------------------------------------------------------------------------------------

def _check_mrz(fr: FieldReading | None, typed: str | None, with_profile: bool,
               label: str = "passport") -> list[Finding]:
    if fr is None or not fr.repaired or not fr.repaired.valid:
        return [_unreadable("mrz", label, "the machine-readable zone was not read with valid check digits",
                            "机读区未能通过校验位识别", fr,
                            {"error": fr.repaired.error if fr and fr.repaired else None})]
    if not with_profile or typed is None:
        return []
    number = ""
    if fr.parsed is not None:
        number = str(fr.parsed.info().get("document_number", ""))
    else:
        try:
            number = str(mrz.info(fr.text).get("document_number", "")).replace("<", "")
        except Exception:
            number = ""
    t = _compact(typed)
    if not number or t == number:
        return []
    positions = [i + 1 for i in range(max(len(t), len(number))) if i >= len(t) or i >= len(number) or t[i] != number[i]]
    return [codes.finding(
        "profile.number_mismatch", typed=Private(t, "number"), printed=Private(number, "number"),
        document="passport" if label == "passport" else "document",
        document_zh="护照" if label == "passport" else "证件",
        positions=", ".join(map(str, positions[:6])),
        field="document_number", region=fr.region, details={"positions": positions, "source": "mrz"},
    )]


MRZ_NAME_CONFIDENCE = 0.95


def _name_tokens(s: str) -> list[str]:
    """Letters only, upper case, accents dropped, split at anything else (an MRZ writes spaces, hyphens and
    apostrophes as <)."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).upper()
    return "".join(ch if "A" <= ch <= "Z" else " " for ch in s).split()


def _check_mrz_name(fr: FieldReading | None, typed: str | None, label: str, cfg: Any) -> list[Finding]:
    """The profile's English name against the MRZ's names (in any order: a form may put the given names
    first).  Names have no check digit: compared only from a valid MRZ whose names line was read with
    confidence >= MRZ_NAME_CONFIDENCE, and a truncated MRZ name (no filler left) only as a prefix."""
    if typed is None or fr is None or fr.parsed is None or not fr.parsed.valid:
        return []
    res = fr.parsed
    confs = res.line_confidences
    names_line = 2 if res.layout == "TD1" else 0
    if not confs or confs[names_line] < MRZ_NAME_CONFIDENCE:
        return []
    info = res.info()
    read = _name_tokens(info["surname"]) + _name_tokens(info["given_names"])
    want = _name_tokens(typed)
    if not read or not want:
        return []
    def canon(tokens: list[str]) -> list[str]:  # pinyin ü: written YU in Chinese passports, U or V in forms
        return sorted(t.replace("YU", "U").replace("V", "U") for t in tokens)

    if canon(read) == canon(want):
        return []
    if info.get("names_truncated") and "".join(want).startswith("".join(read)[:-1]):
        return []
    printed = " ".join(read)
    en, zh = ("passport", "护照") if label == "passport" else ("document", "证件")
    return [codes.finding(
        "profile.name_mismatch", typed=Private(typed, "name"), printed=Private(printed, "name"),
        document=en, document_zh=zh, diff="the machine-readable zone's names differ", diff_zh="机读区中的姓名不同",
        field="name_en", region=fr.region,
        details={"source": "mrz", "confidence": round(confs[names_line], 3), "typed_tokens": len(want),
                 "printed_tokens": len(read)},
    )]


def _check_expiry(fr: FieldReading | None, label: str) -> list[Finding]:
    """``document.expired`` from a valid MRZ's expiry date (passports, ID and residence cards; not visas)."""
    if fr is None or fr.parsed is None or not fr.parsed.valid or fr.parsed.layout.startswith("MRV"):
        return []
    expiry = fr.parsed.info().get("expiry")
    today = _today()
    if expiry is None or expiry >= today:
        return []
    en, zh = ("passport", "护照") if label == "passport" else ("document", "证件")
    return [codes.finding("document.expired", document=en, document_zh=zh, expiry=expiry.isoformat(),
                          source="read from its machine-readable zone, whose check digits all pass",
                          source_zh="从机读区读取，校验位均通过", field="expiry_date", region=fr.region,
                          details={"expiry": expiry.isoformat(), "checked": today.isoformat(), "source": "mrz",
                                   "layout": fr.parsed.layout})]


_VALIDITY = re.compile(r"(\d{4})[.\-/年]?(\d{1,2})[.\-/月]?(\d{1,2})日?[-—–~至]+"
                       r"(?:(\d{4})[.\-/年]?(\d{1,2})[.\-/月]?(\d{1,2})日?|(长期))$")
VALIDITY_CONFIDENCE = 0.9


def parse_validity(text: str) -> tuple[datetime.date, datetime.date | None] | None:
    """A resident ID card's validity period (``2015.03.01-2035.03.01``, ``2015.03.01-长期``) -> (start, end or
    None for 长期); None unless both are dates and the period is one the card is issued for (5, 10 or 20 years,
    the same month and day): with no check digit, that is what vouches for the reading."""
    m = _VALIDITY.search(unicodedata.normalize("NFKC", text).replace(" ", ""))
    if not m:
        return None
    try:
        start = datetime.date(int(m[1]), int(m[2]), int(m[3]))
        if m[7]:
            return start, None
        end = datetime.date(int(m[4]), int(m[5]), int(m[6]))
    except ValueError:
        return None
    if (end.month, end.day) != (start.month, start.day) or end.year - start.year not in (5, 10, 20):
        return None
    return start, end


def _check_validity(fr: FieldReading | None, cfg: Any) -> list[Finding]:
    """``document.expired`` from the validity period printed on a resident ID card's emblem side."""
    if fr is None or not fr.text or fr.confidence < VALIDITY_CONFIDENCE:
        return []
    period = parse_validity(fr.text)
    if period is None or period[1] is None:
        return []
    today = _today()
    end = period[1]
    if end >= today:
        return []
    return [codes.finding("document.expired", document="resident ID card", document_zh="居民身份证",
                          expiry=end.isoformat(), source="its validity period (有效期限) as printed on the emblem side",
                          source_zh="按国徽面印刷的有效期限", field="expiry_date", region=fr.region,
                          details={"expiry": end.isoformat(), "checked": today.isoformat(), "source": "validity period",
                                   "confidence": round(fr.confidence, 3)})]


# -- report extra --------------------------------------------------------------------------------------

def _describe(reading: DocumentReading) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, fr in reading.fields.items():
        kind = "name" if name == "name" else "number"
        item: dict[str, Any] = {"value": Private(fr.text, kind), "confidence": round(fr.confidence, 3)}
        if fr.repaired is not None:
            item["valid"] = fr.repaired.valid
            item["repairs"] = [c.to_dict() for c in fr.repaired.repairs]
        if fr.parsed is not None:
            item["mrz_layout"] = fr.parsed.layout
            item["check_digits_passed"] = f"{fr.parsed.passed}/{fr.parsed.total}"
        if fr.region:
            item["region"] = [[round(x, 1), round(y, 1)] for x, y in fr.region]
        fields[name] = item
    return {
        "engine": reading.engine,
        "document_found": reading.found,
        "layout": reading.label or None,
        "classification": {"label": reading.classification.label, "strength": reading.classification.strength,
                           **{k: (float(v) if hasattr(v, "item") else v)
                              for k, v in reading.classification.evidence.items()}},
        "orientation": reading.orientation,
        "source": reading.source,
        "located": reading.located,
        "attempts": reading.attempts,
        "fields": fields,
        "read_ms": round(reading.ms, 1),
    }
