"""The Chinese and English names: §3.3 field rules and the §6.2 punctuation traps.

Policies (and why):

* **Full-width brackets** （） vs (): the sources conflict (§6.2: "match the certificate" vs "use
  half-width"), so any bracket in a name is a *warning* that shows both forms; brackets of both
  widths in one name are an error (no certificate mixes them).
* **Spaces** in the Chinese name: next to a Chinese character (and anywhere in an individual's
  Chinese name) an error, since a Chinese name never has one and the registry compares exactly;
  at the start or end, or odd spacing between Latin words, a warning (forms usually trim, §6.2).
  Invisible characters: warning (§6.2).
* **English name = pinyin** (individuals): case, spaces, hyphens and apostrophes ignored; any
  heteronym reading accepted; surname first *or* last (see :mod:`idcheck.profile.names`).  Warning
  for mainland registrants, info for Hong Kong, Macao and Taiwan (Cantonese and Wade-Giles
  romanisations are legitimate), not checked for foreign registrants (their Chinese name is a
  transliteration) or organisations.
* **English-only Chinese name**: allowed for overseas registrants with English-only documents
  (region foreign with a passport, FPR card or overseas certificate; an organisation outside the
  mainland with an overseas certificate), as the registrar allows (§3.3).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from ..report import Private
from . import names as N
from .context import Ctx, doc_title, label_of
from .documents import OUTSIDE


def english_name_allowed(ctx: Ctx) -> bool:
    """Overseas registrants with English-only documents may put the English name in the Chinese field (§3.3)."""
    doc, region, rtype = ctx.doc, ctx.region, ctx.rtype
    if region == "foreign" and doc in (
        None,
        "passport",
        "foreign_permanent_resident_card",
        "overseas_org_certificate",
        "other",
    ):
        return True
    if region in OUTSIDE and doc == "overseas_org_certificate" and rtype != "individual":
        return True
    return False


def rule_name_zh(ctx: Ctx) -> None:
    value = ctx.text("name_zh")
    if value is None:
        return
    _name_characters(ctx, "name_zh", value)
    if not N.has_han(value) and not english_name_allowed(ctx):
        doc = ctx.doc
        d_en, d_zh = doc_title(doc) if doc else ("document", "证件")
        ctx.add(
            "profile.name_missing_chinese", name=Private(value, "name"), document=d_en, document_zh=d_zh,
            field="name_zh",
        )


def _name_characters(ctx: Ctx, key: str, value: str) -> None:
    """Spaces, invisible, invalid and private-use characters, and the §6.2 look-alikes."""
    label = label_of(key)
    name = Private(value, "name")
    chars = list(value)

    # invalid and private-use characters
    invalid = sorted({ch for ch in chars if _is_invalid_char(ch)})
    if invalid:
        ctx.add("profile.name_invalid_char", chars=", ".join(N.char_name(c) for c in invalid), field=key,
                details={"code_points": [f"U+{ord(c):04X}" for c in invalid]}, **label)
    rare = sorted({ch for ch in chars if N.is_private_use(ch)})
    if rare:
        ctx.add("profile.name_rare_char", chars=", ".join(f"U+{ord(c):04X}" for c in rare), field=key,
                details={"code_points": [f"U+{ord(c):04X}" for c in rare]}, **label)
    invisible = sorted({ch for ch in chars if N.is_invisible(ch)})
    if invisible:
        ctx.add("profile.name_invisible_char", chars=", ".join(N.char_name(c) for c in invisible), field=key,
                details={"code_points": [f"U+{ord(c):04X}" for c in invisible],
                         "positions": [i + 1 for i, c in enumerate(chars) if N.is_invisible(c)]}, **label)

    _spaces(ctx, key, value, label)

    if key != "name_zh":
        return
    # look-alike dots (and full stops between Chinese characters)
    dots = [i for i, ch in enumerate(chars) if ch in N.LOOKALIKE_DOTS or (ch in N.PERIODS and N._between_han(chars, i))]
    if dots:
        found = ", ".join(N.char_name(c) for c in sorted({chars[i] for i in dots}))
        fixed = "".join(N.MIDDLE_DOT if i in dots else ch for i, ch in enumerate(chars))
        ctx.add("profile.name_lookalike_dot", found=found, suggested=Private(fixed.strip(), "name"), field=key,
                details={"positions": [i + 1 for i in dots]}, **label)
    # look-alike book-title marks
    looks = [i for i, ch in enumerate(chars) if ch in N.LOOKALIKE_BRACKETS]
    if looks:
        found = " ".join(sorted({chars[i] for i in looks}))
        fixed = "".join(N.LOOKALIKE_BRACKETS[ch] if i in looks else ch for i, ch in enumerate(chars))
        ctx.add("profile.name_lookalike_bracket", found=found, suggested=Private(fixed.strip(), "name"), field=key,
                details={"positions": [i + 1 for i in looks]}, **label)
    # bracket width (§6.2 first row: sources conflict -> show both)
    half = [c for c in chars if c in N.HALF_BRACKETS]
    full = [c for c in chars if c in N.FULL_BRACKETS]
    if half or full:
        swap = {"(": "\uff08", ")": "\uff09", "\uff08": "(", "\uff09": ")"}
        severity: str | None  # None: the catalogue's severity
        if half and full:
            width, width_zh, severity = "both full-width and half-width", "全角和半角混用的", "error"
            typed_alt = "".join("\uff08" if c == "(" else "\uff09" if c == ")" else c for c in value)
        else:
            width, width_zh, severity = ("full-width", "全角", None) if full else ("half-width", "半角", None)
            typed_alt = "".join(swap.get(c, c) for c in value)
        ctx.add(
            "profile.name_bracket_width", severity=severity, width=width, width_zh=width_zh, typed=name,
            alternative=Private(typed_alt, "name"), field=key,
            details={"full_width": len(full), "half_width": len(half), "mixed": bool(half and full),
                     "why": "sources conflict: 'match the certificate exactly' [A1] vs 'use half-width symbols' [A19]"},
            **label,
        )
    # other full-width characters
    wide = [i for i, ch in enumerate(chars) if _is_fullwidth_other(ch) and i not in dots and i not in looks]
    if wide:
        found = " ".join(sorted({chars[i] for i in wide}))
        fixed = "".join(unicodedata.normalize("NFKC", ch) if i in wide else ch for i, ch in enumerate(chars))
        ctx.add("profile.name_fullwidth", found=found, suggested=Private(fixed.strip(), "name"), field=key,
                details={"positions": [i + 1 for i in wide]}, **label)
    # dash and quote look-alikes
    dashes = sorted({ch for ch in chars if ch in N.DASHES})
    if dashes:
        ctx.add("profile.name_lookalike_punct", found=" ".join(dashes), expected="the hyphen -", field=key,
                details={"kind": "dash"}, **label)
    quotes = sorted({ch for ch in chars if ch in N.QUOTES})
    if quotes:
        ctx.add("profile.name_lookalike_punct", found=" ".join(quotes), expected="straight quotes \" '", field=key,
                details={"kind": "quote"}, **label)


def _is_invalid_char(ch: str) -> bool:
    if unicodedata.category(ch) == "Cc":  # line breaks and tabs included: a name is one line
        return True
    if N.is_invisible(ch) or N.is_space(ch) or N.is_private_use(ch):
        return False
    if ch in N.LOOKALIKE_DOTS or ch in N.LOOKALIKE_BRACKETS or ch in N.DASHES or ch in N.QUOTES:
        return False  # reported as look-alikes
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Cn", "So", "Zl", "Zp")


def _is_fullwidth_other(ch: str) -> bool:
    """Full-width ASCII forms other than the brackets (handled apart) and ＜＞ (look-alike marks)."""
    return "\uff01" <= ch <= "\uff5e" and ch not in N.FULL_BRACKETS and ch not in N.LOOKALIKE_BRACKETS


def _spaces(ctx: Ctx, key: str, value: str, label: dict[str, str]) -> None:
    chars = list(value)
    spaces = [i for i, ch in enumerate(chars) if N.is_space(ch) and unicodedata.category(ch) != "Cc"]
    if not spaces:
        return
    visible = [i for i, ch in enumerate(chars) if i not in spaces and not N.is_invisible(ch)]
    if not visible:
        return  # blank name: reported as missing
    first, last = visible[0], visible[-1]
    edge = [i for i in spaces if i < first or i > last]
    inner = [i for i in spaces if first < i < last]
    if edge:
        where = (
            "at the start and the end"
            if edge[0] < first and edge[-1] > last
            else "at the start"
            if edge[0] < first
            else "at the end"
        )
        where_zh = {"at the start and the end": "首尾", "at the start": "开头", "at the end": "末尾"}[where]
        ctx.add(
            "profile.name_space",
            severity="warning",
            what=_space_kinds(chars, edge),
            what_zh="空格",
            where=where,
            where_zh=where_zh,
            field=key,
            details={"positions": [i + 1 for i in edge], "why_warning": "forms usually trim spaces at the ends"},
            **label,
        )
    if not inner:
        return
    # inner spaces: error next to a Chinese character; otherwise only odd spacing (double, U+3000, NBSP) warns
    hard: list[int] = []
    soft: list[int] = []
    runs = _runs(inner)
    for run in runs:
        left = chars[run[0] - 1]
        right = chars[run[-1] + 1]
        if _is_cjk(left) or _is_cjk(right) or key == "name_zh" and ctx.rtype == "individual" and N.has_han(value):
            hard.extend(run)
        elif len(run) > 1 or any(chars[i] != " " for i in run):
            soft.extend(run)
    for positions, severity in ((hard, None), (soft, "warning")):
        if positions:
            ctx.add("profile.name_space", severity=severity, what=_space_kinds(chars, positions), what_zh="空格",
                    where=f"at position {', '.join(str(i + 1) for i in positions)}",
                    where_zh=f"第 {', '.join(str(i + 1) for i in positions)} 个字符处", field=key,
                    details={"positions": [i + 1 for i in positions]}, **label)


def _runs(positions: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for i in positions:
        if runs and runs[-1][-1] == i - 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _is_cjk(ch: str) -> bool:
    return (
        N.is_han(ch) or ch == N.MIDDLE_DOT or ch in N.BOOK_MARKS or "\u3000" <= ch <= "\u303f" or ch in N.FULL_BRACKETS
    )


def _space_kinds(chars: list[str], positions: list[int]) -> str:
    kinds = []
    for i in positions:
        ch = chars[i]
        kind = "a space" if ch == " " else "an ideographic space (U+3000)" if ch == "\u3000" else \
            "a no-break space (U+00A0)" if ch == "\u00a0" else f"a space character (U+{ord(ch):04X})"
        if kind not in kinds:
            kinds.append(kind)
    return " and ".join(kinds)


# --- rules: English name -----------------------------------------------------------------------------


def rule_name_en(ctx: Ctx) -> None:
    value = ctx.text("name_en")
    if value is None:
        return
    _name_characters(ctx, "name_en", value)
    chars = list(value)
    zh = ctx.text("name_zh")
    punct = [
        ch for ch in chars if ch == N.MIDDLE_DOT or ch in N.LOOKALIKE_DOTS or ch in N.BOOK_MARKS or ch in "\u3008\u3009"
    ]
    suggested = Private(_english_suggestion(value), "name")
    if punct:
        ctx.add("profile.name_en_punct", found=" ".join(dict.fromkeys(punct)), suggested=suggested, field="name_en")
    others = [
        ch
        for ch in chars
        if not ch.isascii()
        and ch not in punct
        and not N.is_invisible(ch)
        and not N.is_space(ch)
        and not _is_invalid_char(ch)
    ]
    if others:
        ctx.add(
            "profile.name_en_not_ascii",
            chars=" ".join(dict.fromkeys(others)),
            suggested=suggested,
            field="name_en",
            details={"code_points": [f"U+{ord(c):04X}" for c in dict.fromkeys(others)]},
        )
    if punct or others or zh is None:
        return
    _pinyin_check(ctx, value, zh)


def _english_suggestion(value: str) -> str:
    out = []
    for ch in value:
        if ch == N.MIDDLE_DOT or ch in N.LOOKALIKE_DOTS:
            out.append(" ")
        elif ch in N.BOOK_MARKS or ch in "\u3008\u3009":
            continue
        elif N.is_han(ch):
            out.append(" " + N.pinyin_of(ch) + " ")
        else:
            folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", ch))
            out.append("".join(c for c in folded if c.isascii()) or ("v" if ch in "üÜ" else ""))
    return " ".join("".join(out).split())


def _pinyin_check(ctx: Ctx, name_en: str, name_zh: str) -> None:
    if ctx.rtype != "individual" or ctx.region in (None, "foreign"):
        return
    stripped = "".join(ch for ch in name_zh if not N.is_space(ch) and not N.is_invisible(ch))
    if not stripped or not all(N.is_han(ch) or ch == N.MIDDLE_DOT or ch in N.LOOKALIKE_DOTS for ch in stripped):
        return  # mixed scripts: no single expected spelling
    if N.pinyin_matches(name_en, stripped):
        return
    severity = None if ctx.region == "mainland" else "info"
    details: dict[str, Any] = {
        "policy": "case, spaces, hyphens and apostrophes ignored; any heteronym; surname first or last"
    }
    if severity == "info":
        details["why_info"] = (
            "Hong Kong, Macao and Taiwan names are often romanised differently (Cantonese, Wade-Giles)"
        )
    ctx.add(
        "profile.name_en_pinyin_mismatch",
        severity=severity,
        name_en=Private(name_en, "name"),
        name_zh=Private(name_zh, "name"),
        expected=Private(N.pinyin_of(stripped), "name"),
        field="name_en",
        details=details,
    )
