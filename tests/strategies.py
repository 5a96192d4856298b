"""Shared hypothesis strategies, and :func:`examples` (a test's own example count under the loaded profile).

Number strategies build valid identity numbers with the check algorithms written out again here
from domain-rules.md (§1.4, §2.1, §2.5, §2.7), independently of ``idcheck.numbers``, so a property
test compares two implementations rather than one with itself.  Others may append strategies below.
"""

from __future__ import annotations

import datetime
import string

from hypothesis import settings
from hypothesis import strategies as st


def examples(full: int) -> int:
    """A property test's own example count under the loaded hypothesis profile: ``full`` in hypothesis's own
    profiles (the whole suite, CI), the "fast" profile's share of it in the fast loop (tests/conftest.py), never
    fewer than 10 unless ``full`` is."""
    share = settings.default.max_examples / settings.get_profile("default").max_examples
    return full if share >= 1 else min(full, max(10, round(full * share)))


# ---------------------------------------------------------------- identity numbers (idcheck.numbers)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
RIC_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
PROVINCES = [f"{n}" for n in (*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47),
                              *range(50, 55), *range(61, 66))]
USCC_PREFIXES_2015 = ["11", "12", "13", "19", "51", "52", "53", "59", "91", "92", "93", "Y1"]
# A few ISO 3166-1 (alpha-3, numeric) pairs; enough variety for the FPR strategies.
COUNTRIES = [("USA", "840"), ("JPN", "392"), ("KOR", "410"), ("DEU", "276"), ("FRA", "250"),
             ("GBR", "826"), ("RUS", "643"), ("AUS", "036"), ("CAN", "124"), ("VNM", "704"),
             ("KAZ", "398"), ("BRA", "076"), ("ZAF", "710"), ("IND", "356"), ("ITA", "380")]


def uscc_check(first17: str) -> str:
    s = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - s % 31) % 31]


def org_check(body8: str) -> str:
    def val(c: str) -> int:
        return int(c) if c.isdigit() else ord(c) - ord("A") + 10

    r = 11 - sum(val(c) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True)) % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


def mod11_2(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, RIC_WEIGHTS, strict=True)) % 11]


def icao_check(field: str) -> str:
    def val(c: str) -> int:
        return 0 if c == "<" else int(c) if c.isdigit() else ord(c) - ord("A") + 10

    return str(sum(val(c) * (7, 3, 1)[i % 3] for i, c in enumerate(field)) % 10)


def _fixed(alphabet: str, n: int) -> st.SearchStrategy[str]:
    return st.text(alphabet=alphabet, min_size=n, max_size=n)


def digits(n: int) -> st.SearchStrategy[str]:
    return _fixed(string.digits, n)


def birth_dates(min_year: int = 1900) -> st.SearchStrategy[datetime.date]:
    return st.dates(min_value=datetime.date(min_year, 1, 1), max_value=datetime.date.today())


@st.composite
def valid_uscc(draw, *, known_prefix: bool = False) -> str:
    """A USCC that passes both check characters; any prefix of the alphabet unless ``known_prefix``."""
    head = draw(st.sampled_from(USCC_PREFIXES_2015) if known_prefix else _fixed(USCC_ALPHABET, 2))
    body = draw(_fixed(USCC_ALPHABET, 8))
    first17 = head + draw(digits(6)) + body + org_check(body)
    return first17 + uscc_check(first17)


def _gb11643(prefix: str, birth: datetime.date, sequence: str) -> str:
    first17 = prefix + birth.strftime("%Y%m%d") + sequence
    return first17 + mod11_2(first17)


@st.composite
def valid_ric(draw, *, min_year: int = 1900) -> str:
    """A resident ID number: mainland province, real past birth date, MOD 11-2 check."""
    prefix = draw(st.sampled_from(PROVINCES)) + draw(digits(4))
    return _gb11643(prefix, draw(birth_dates(min_year)), draw(digits(3)))


@st.composite
def valid_rp(draw) -> str:
    """A Hong Kong / Macao / Taiwan residence permit number (810000/820000/830000)."""
    prefix = draw(st.sampled_from(["810000", "820000", "830000"]))
    return _gb11643(prefix, draw(birth_dates()), draw(digits(3)))


@st.composite
def valid_fpr2023(draw) -> str:
    """A 2023 Foreign Permanent Resident ID: 9, province, ISO numeric country, birth date, sequence, check."""
    prefix = "9" + draw(st.sampled_from(PROVINCES)) + draw(st.sampled_from(COUNTRIES))[1]
    return _gb11643(prefix, draw(birth_dates()), draw(digits(3)))


@st.composite
def valid_fpr2017(draw) -> str:
    """A 2017 Foreign Permanent Resident ID: alpha-3, place code, YYMMDD, digit, 7-3-1 check."""
    alpha3 = draw(st.sampled_from(COUNTRIES))[0]
    first14 = (alpha3 + draw(st.sampled_from(PROVINCES)) + draw(digits(2))
               + draw(birth_dates()).strftime("%y%m%d") + draw(digits(1)))
    return first14 + icao_check(first14)


def valid_hkmo_permit() -> st.SearchStrategy[str]:
    return st.from_regex(r"[HM](\d{8}|\d{10})", fullmatch=True).filter(str.isascii)


def valid_tw_permit() -> st.SearchStrategy[str]:
    return st.from_regex(r"\d{8}|\d{10}", fullmatch=True).filter(str.isascii)


def valid_passport() -> st.SearchStrategy[str]:
    pattern = r"E\d{8}|E[A-HJ-NP-Z]\d{7}|G\d{8}|1[45]\d{7}|(DE|SE|PE)\d{7}|K\d{8}|KJ\d{7}|H\d{8}|M[AB]\d{7}"
    return st.from_regex(pattern, fullmatch=True).filter(str.isascii)


# MRZ pieces
_UPPER = string.ascii_uppercase
_MRZ_ALNUM = _UPPER + string.digits


def _pad(text: str, n: int) -> str:
    return (text + "<" * n)[:n]


@st.composite
def _mrz_fields(draw) -> dict[str, str]:
    surname = draw(st.text(_UPPER, min_size=1, max_size=12))
    given = draw(st.lists(st.text(_UPPER, min_size=1, max_size=8), min_size=0, max_size=2))
    name = surname + ("<<" + "<".join(given) if given else "")
    return {
        "code": draw(st.sampled_from(["", "<", "O", "D"])),
        "state": draw(st.sampled_from(["CHN", "UTO", "D<<", "USA", "GBR"])),
        "name": name,
        "docno": _pad(draw(st.text(_MRZ_ALNUM, min_size=5, max_size=9)), 9),
        "nationality": draw(st.sampled_from(["CHN", "UTO", "D<<", "USA", "GBR", "XXA"])),
        "dob": draw(st.dates(min_value=datetime.date(1926, 1, 1), max_value=datetime.date.today())).strftime("%y%m%d"),
        "sex": draw(st.sampled_from("MF<X")),
        "expiry": draw(st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31))).strftime(
            "%y%m%d"
        ),
    }


@st.composite
def valid_mrz_td3(draw) -> str:
    """A passport MRZ (2 x 44) with every check digit and the composite right."""
    f = draw(_mrz_fields())
    personal = draw(st.one_of(st.just(""), st.text(_MRZ_ALNUM, min_size=1, max_size=14)))
    personal_field = _pad(personal, 14)
    personal_check = icao_check(personal_field) if personal else draw(st.sampled_from(["<", "0"]))
    l1 = _pad("P" + f["code"][:1], 2) + f["state"] + _pad(f["name"], 39)
    body = (f["docno"] + icao_check(f["docno"]) + f["nationality"] + f["dob"] + icao_check(f["dob"]) + f["sex"]
            + f["expiry"] + icao_check(f["expiry"]) + personal_field + personal_check)
    composite = icao_check(body[0:10] + body[13:20] + body[21:43])
    return l1 + "\n" + body + composite


@st.composite
def valid_mrz_td2(draw) -> str:
    """An ID-card MRZ of size TD2 (2 x 36)."""
    f = draw(_mrz_fields())
    optional = _pad(draw(st.text(_MRZ_ALNUM + "<", max_size=7)), 7)
    l1 = draw(st.sampled_from("IAC")) + _pad(f["code"], 1) + f["state"] + _pad(f["name"], 31)
    body = (f["docno"] + icao_check(f["docno"]) + f["nationality"] + f["dob"] + icao_check(f["dob"]) + f["sex"]
            + f["expiry"] + icao_check(f["expiry"]) + optional)
    composite = icao_check(body[0:10] + body[13:20] + body[21:35])
    return l1 + "\n" + body + composite


@st.composite
def valid_mrz_td1(draw) -> str:
    """An ID-card MRZ of size TD1 (3 x 30)."""
    f = draw(_mrz_fields())
    optional1 = _pad(draw(st.sampled_from(["", "<"]) | st.text(_MRZ_ALNUM, max_size=15).map(lambda t: "<" + t)), 15)
    optional2 = _pad(draw(st.text(_MRZ_ALNUM + "<", max_size=11)), 11)
    l1 = (
        draw(st.sampled_from("IAC")) + _pad(f["code"], 1) + f["state"] + f["docno"] + icao_check(f["docno"]) + optional1
    )
    l2 = (f["dob"] + icao_check(f["dob"]) + f["sex"] + f["expiry"] + icao_check(f["expiry"]) + f["nationality"]
          + optional2)
    composite = icao_check(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
    return l1 + "\n" + l2 + composite + "\n" + _pad(f["name"], 30)


VALID_NUMBERS = {
    "uscc": valid_uscc,
    "ric": valid_ric,
    "rp": valid_rp,
    "fpr": lambda: st.one_of(valid_fpr2023(), valid_fpr2017()),
    "hkmo_permit": valid_hkmo_permit,
    "tw_permit": valid_tw_permit,
    "passport": valid_passport,
    "mrz": lambda: st.one_of(valid_mrz_td1(), valid_mrz_td2(), valid_mrz_td3()),
}


def valid_number() -> st.SearchStrategy[tuple[str, str]]:
    """``(format name, valid number)`` for any format of ``idcheck.numbers``."""
    return st.sampled_from(sorted(VALID_NUMBERS)).flatmap(
        lambda name: VALID_NUMBERS[name]().map(lambda number: (name, number)))


# Characters normalisation must handle: full-width forms, separators, invisibles, other-script digits.
NOISE_CHARS = (" \t\u3000-\u2010\u2013\u2014\u2212\uff0d\u00a0\u200b\ufeff"
               "\uff10\uff11\uff39\uff58xX<\n\u0660\u0967\U0001f600\x00")


def any_object() -> st.SearchStrategy[object]:
    """Anything a caller might pass by mistake: text, bytes, numbers, None, containers."""
    return st.one_of(
        st.text(), st.binary(), st.integers(), st.floats(allow_nan=True), st.none(), st.booleans(),
        st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        st.text(alphabet=NOISE_CHARS + string.digits + string.ascii_letters, max_size=60),
    )
