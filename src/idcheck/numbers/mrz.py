"""ICAO 9303 machine-readable zones: TD1 (3 x 30), TD2 (2 x 36), TD3 (2 x 44) — reference §2.7.

Lines are joined with ``"\\n"``.  :func:`compact` keeps the line structure (each line stripped,
inner spaces removed, blank lines dropped, CR LF accepted) and splits a single 90/72/88-character
string into its lines.  Dashes are *not* removed: they are never part of an MRZ.

Checked: layout, alphabet (``A-Z 0-9 <``), document code (``P`` for TD3; ``I``/``A``/``C`` for
TD1/TD2; visas are not supported), letters-only names and country codes, digit-only dates and check
digits, sex (``M``/``F``/``X``/``<``), every check digit (document number, birth date, expiry date,
TD3 personal number) and the composite, then that both dates are real calendar dates.  Country
codes are not matched against ISO 3166 (ICAO adds codes such as ``D``, ``XXA``, ``UTO``).

Document numbers longer than 9 characters (TD1/TD2): the check-digit position holds ``<`` and the
rest of the number plus its check digit open the optional-data field (ICAO 9303-5/6 note j).

Dates: the birth-date century is the latest one that puts the date on or before today; expiry dates
are read as 20YY.  Unknown birth-date parts written as ``<`` are accepted and give ``None``.
Expiry is not compared with today: whether an expired document is acceptable is the caller's rule.

Field positions (0-based slices) are those of §2.7 and the brief's TD2 layout.
"""

from __future__ import annotations

import datetime
import string
from typing import Any

from . import _dates, _shape
from ._base import require_str
from ._normalize import Normalized
from ._normalize import normalize as _normalize
from .exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)

NAME = "mrz"
TITLE = "Machine-readable zone (ICAO 9303)"
TITLE_ZH = "机读码"
#: how a sentence names it ("... belongs to a {SHORT_TITLE}")
SHORT_TITLE = "machine-readable zone"
SHORT_TITLE_ZH = "机读码"
#: whose number it is: a person's (an individual registrant's document)
PERSONAL = True
#: ICAO 7-3-1 check digits per field and composite
HAS_CHECK_DIGIT = True

CHARS = frozenset(string.ascii_uppercase + string.digits + "<")
_NAME_CHARS = frozenset(string.ascii_uppercase + "<")
_DIGITS_FILLER = _shape.DIGITS | {"<"}
LAYOUTS = {30: ("TD1", 3), 36: ("TD2", 2), 44: ("TD3", 2)}
_WEIGHTS = (7, 3, 1)


def _char_value(ch: str) -> int:
    if ch == "<":
        return 0
    if ch.isdigit():
        return int(ch)
    return ord(ch) - ord("A") + 10


def calc_check_digit(field: str) -> str:
    """ICAO 9303 check digit: values ``<``=0, digits, A=10..Z=35, weights 7-3-1, mod 10 (§2.7)."""
    require_str(field)
    for i, ch in enumerate(field):
        if ch not in CHARS:
            raise _shape.bad_char(field, i, CHARS)
    return str(sum(_char_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(field)) % 10)


def normalize(s: str) -> Normalized:
    """Normalised lines joined with ``"\\n"`` and what normalisation changed (no dash removal)."""
    n = _normalize(s, dashes=False, keep_newlines=True)
    v = n.value
    if "\n" not in v and len(v) in (90, 72, 88):
        width = {90: 30, 72: 36, 88: 44}[len(v)]
        v = "\n".join(v[i:i + width] for i in range(0, len(v), width))
        n = Normalized(v, n.changes)
    return n


def compact(s: str) -> str:
    """See :func:`normalize`."""
    return normalize(s).value


def _fail(cls: type[ValidationError], line: int, column: int, message: str, **kw: Any) -> ValidationError:
    return cls(f"line {line}, position {column}: {message}", line=line, position=column, **kw)


def _check_layout(v: str) -> tuple[str, list[str]]:
    lines = v.split("\n") if v else [""]
    first = len(lines[0])
    if first not in LAYOUTS:
        raise InvalidLength(
            f"an MRZ has lines of 30 (TD1), 36 (TD2) or 44 (TD3) characters; line 1 has {first}",
            line=1, expected=(30, 36, 44), found=first, component="line_length",
        )
    kind, count = LAYOUTS[first]
    if len(lines) != count:
        raise InvalidLength(
            f"a {kind} MRZ has {count} lines of {first} characters, not {len(lines)} lines",
            expected=count, found=len(lines), component="line_count",
        )
    for number, line in enumerate(lines, 1):
        if len(line) != first:
            raise InvalidLength(
                f"line {number} has {len(line)} characters; every line of a {kind} MRZ has {first}",
                line=number, expected=first, found=len(line), component="line_length",
            )
    return kind, lines


def _check_chars(line_no: int, text: str, start: int, allowed: frozenset[str], what: str) -> None:
    """Every character of a field (starting at 0-based ``start`` in its line) is in ``allowed``."""
    for i, ch in enumerate(text):
        if ch not in allowed:
            hint = _shape.suggest(ch, allowed)
            shown = ch if ch.isprintable() else f"U+{ord(ch):04X}"
            expected = _shape.describe(allowed) if allowed != CHARS else "A-Z, 0-9 or <"
            message = f"{shown!r} is not allowed in the {what}, expected {expected}"
            if hint:
                message += f"; did you mean {hint!r}?"
            raise _fail(InvalidFormat, line_no, start + i + 1, message, found=ch,
                        expected=_shape.describe(allowed), suggestion=hint, component=what.replace(" ", "_"))


def _check_digit(line_no: int, field: str, check: str, column: int, what: str, *, filler_ok: bool = False) -> None:
    if filler_ok and set(field) <= {"<"} and check in ("<", "0"):
        return  # an empty optional field may carry '<' or 0 as its check digit (ICAO 9303-4)
    expected = calc_check_digit(field)
    if check != expected:
        raise _fail(InvalidChecksum, line_no, column,
                    f"the {what} check digit does not match: expected {expected!r}, found {check!r}",
                    found=check, expected=expected, component=f"check_{what.replace(' ', '_')}")


def _document_number(line_no: int, main: str, check: str, check_col: int, optional: str, optional_col: int
                     ) -> tuple[str, str, str, int]:
    """(number, check digit, remaining optional data, 1-based column of the check digit)."""
    if check == "<" and optional[:1] not in ("", "<"):
        run = optional.split("<", 1)[0]
        if len(run) < 2:
            raise _fail(InvalidFormat, line_no, optional_col,
                        "a long document number needs its remaining characters and a check digit here",
                        found=run, component="document_number")
        return main + run[:-1], run[-1], optional[len(run):], optional_col + len(run) - 1
    return main.rstrip("<"), check, optional, check_col


def _parse(v: str) -> dict[str, Any]:
    kind, lines = _check_layout(v)
    for number, line in enumerate(lines, 1):
        _check_chars(number, line, 0, CHARS, "MRZ")
    l1 = lines[0]
    code = l1[0]
    if code == "V":
        raise _fail(InvalidComponent, 1, 1, "machine-readable visas are not supported", found=code,
                    component="document_code")
    allowed_codes = "P" if kind == "TD3" else "IAC"
    if code not in allowed_codes:
        raise _fail(InvalidComponent, 1, 1,
                    f"a {kind} document code starts with {' or '.join(allowed_codes)}, not {code!r}",
                    found=code, expected=allowed_codes, component="document_code")
    _check_chars(1, l1[2:5], 2, _NAME_CHARS, "issuing state")

    if kind == "TD1":
        l2, l3 = lines[1], lines[2]
        doc_line, doc_main, doc_check, doc_check_col = 1, l1[5:14], l1[14], 15
        opt1, opt1_col = l1[15:30], 16
        dob_line, dob, dob_check, dob_col = 2, l2[0:6], l2[6], 1
        sex, sex_pos = l2[7], (2, 8)
        exp, exp_check, exp_col = l2[8:14], l2[14], 9
        nationality, nat_pos = l2[15:18], (2, 16)
        name_line, name_field = 3, l3
        composite, composite_pos = l2[29], (2, 30)
        composite_input = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
    else:
        l2 = lines[1]
        doc_line, doc_main, doc_check, doc_check_col = 2, l2[0:9], l2[9], 10
        dob_line, dob, dob_check, dob_col = 2, l2[13:19], l2[19], 14
        sex, sex_pos = l2[20], (2, 21)
        exp, exp_check, exp_col = l2[21:27], l2[27], 22
        nationality, nat_pos = l2[10:13], (2, 11)
        name_line, name_field = 1, l1[5:]
        end = 43 if kind == "TD3" else 35
        opt1, opt1_col = l2[28:end], 29
        composite, composite_pos = l2[end], (2, end + 1)
        composite_input = l2[0:10] + l2[13:20] + l2[21:end]

    _check_chars(name_line, name_field, 5 if name_line == 1 else 0, _NAME_CHARS, "name")
    _check_chars(nat_pos[0], nationality, nat_pos[1] - 1, _NAME_CHARS, "nationality")
    _check_chars(dob_line, dob, dob_col - 1, _DIGITS_FILLER, "birth date")
    _check_chars(2, exp, exp_col - 1, _shape.DIGITS, "expiry date")
    if sex not in "MFX<":
        raise _fail(InvalidFormat, sex_pos[0], sex_pos[1], f"sex must be M, F, X or <, not {sex!r}",
                    found=sex, expected="M, F, X or <", component="sex")

    if kind == "TD3":
        document_number, doc_check, optional, doc_check_col = doc_main.rstrip("<"), doc_check, opt1, doc_check_col
    else:
        document_number, doc_check, optional, doc_check_col = _document_number(
            doc_line, doc_main, doc_check, doc_check_col, opt1, opt1_col)
    _check_digit(doc_line, document_number if len(document_number) > 9 else doc_main, doc_check,
                 doc_check_col, "document number")
    _check_digit(dob_line, dob, dob_check, dob_col + 6, "birth date")
    _check_digit(2, exp, exp_check, exp_col + 6, "expiry date")
    checks = {"document_number": doc_check, "birth_date": dob_check, "expiry_date": exp_check}
    if kind == "TD3":
        _check_digit(2, l2[28:42], l2[42], 43, "personal number", filler_ok=True)
        checks["personal_number"] = l2[42]
    _check_digit(composite_pos[0], composite_input, composite, composite_pos[1], "composite")
    checks["composite"] = composite

    birth: datetime.date | None = None
    if "<" not in dob:
        birth = _dates.parse_yymmdd_past(dob, position=dob_col, what="birth date")
    expiry = _dates.parse_yymmdd(exp, position=exp_col, what="expiry date")

    surname, _, given = name_field.rstrip("<").partition("<<")
    result: dict[str, Any] = {
        "type": kind,
        "document_code": l1[0:2].rstrip("<"),
        "issuing_state": l1[2:5].rstrip("<"),
        "surname": surname.replace("<", " ").strip(),
        "given_names": given.replace("<", " ").strip(),
        "document_number": document_number,
        "nationality": nationality.rstrip("<"),
        "birth_date": birth,
        "sex": {"M": "male", "F": "female"}.get(sex, "unspecified"),
        "expiry_date": expiry,
    }
    if kind == "TD3":
        result["personal_number"] = l2[28:42].rstrip("<")
    elif kind == "TD2":
        result["optional_data"] = optional.strip("<")
    else:
        result["optional_data"] = optional.strip("<")
        result["optional_data_2"] = lines[1][18:29].rstrip("<")
    result["check_digits"] = checks
    return result


def validate(s: str) -> str:
    """The normalised MRZ (lines joined with ``"\\n"``), or raise the precise :class:`ValidationError`."""
    v = compact(require_str(s))
    _parse(v)
    return v


def is_valid(s: object) -> bool:
    """True if ``validate(s)`` passes; never raises."""
    if not isinstance(s, str):
        return False
    try:
        validate(s)
    except ValidationError:
        return False
    return True


def format(s: str) -> str:  # noqa: A001 - the stdnum name
    """The MRZ as printed: its lines joined with ``"\\n"`` (the compact form)."""
    return compact(s)


def info(s: str) -> dict[str, Any]:
    """The fields: type, document code, issuing state, names, document number, nationality, dates, sex, check digits."""
    return _parse(compact(require_str(s)))

