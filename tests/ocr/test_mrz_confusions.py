"""The MRZ reader never claims valid check digits for a wrong value, whatever OCR confusions the reading carries.

A check digit is the sum of the characters' values (A = 10 ... Z = 35, < = 0) times 7, 3, 1, mod 10.  Letters and
digits that OCR confuses differ by multiples of 10 at some weights: ``Z``/``2`` and ``S``/``5`` each by 3 (x 7 and
x 3: 30), ``G``/``6`` by 10, ``K``/``<`` by 20.  So a confused reading, or a repair of one, can pass its check digit
with a wrong character: a Polish passport's ``ZS0000177`` read ``250000177`` passes.  The property below generates
valid MRZs (TD1, TD2, TD3; document numbers, optional data and personal numbers of any letters and digits), applies
OCR confusions (O/0, S/5, Z/2, B/8, I/1, D/0, Q/0, G/6) at random places, and asks that a reading the parser calls
valid has every character the check digits cover (document number, dates, optional data, check digits) right.

Its premise is the engine's: a misread character is read with a confidence under ``mrz.BLIND_CONFIDENCE`` (or with
none).  A character read surely stands; the others may be anything of their confusion group.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from idcheck.ocr import mrz

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"
# the confusions an OCR engine makes between letters and digits (each way)
CONFUSED = {"0": "ODQ", "O": "0", "D": "0", "Q": "0", "S": "5", "5": "S", "Z": "2", "2": "Z", "B": "8", "8": "B",
            "I": "1", "1": "I", "G": "6", "6": "G"}
CODES = ("UTO", "D<<", "POL", "CHN", "FRA", "GBR", "ESP", "NLD")
SURE = 0.99


@dataclass
class Mrz:
    layout: str
    lines: list[str]


def _yymmdd(day: datetime.date) -> str:
    return day.strftime("%y%m%d")


def _data(alphabet: str, n: int) -> st.SearchStrategy[str]:
    """``n`` characters: letters and digits, then fillers."""
    return st.integers(0, n).flatmap(lambda k: st.text(alphabet, min_size=k, max_size=k)).map(lambda s: s.ljust(n, "<"))


@st.composite
def valid_mrz(draw: st.DrawFn, alnum: str = LETTERS + DIGITS) -> Mrz:
    layout = draw(st.sampled_from(("TD1", "TD2", "TD3")))
    number = draw(st.text(alnum, min_size=1, max_size=9)).ljust(9, "<")
    birth = _yymmdd(draw(st.dates(datetime.date(1930, 1, 1), datetime.date(2020, 12, 31))))
    expiry = _yymmdd(draw(st.dates(datetime.date(2000, 1, 1), datetime.date(2060, 12, 31))))
    sex = draw(st.sampled_from("MF<"))
    state, nationality = draw(st.sampled_from(CODES)), draw(st.sampled_from(CODES))
    surname = draw(st.text(LETTERS, min_size=1, max_size=12))
    given = draw(st.text(LETTERS, min_size=1, max_size=10))
    cd = mrz.check_digit
    if layout == "TD1":
        optional = draw(_data(alnum, 15))
        line1 = "I<" + state + number + cd(number) + optional
        line2 = birth + cd(birth) + sex + expiry + cd(expiry) + nationality + draw(_data(alnum, 11))
        line2 += cd(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29])
        names = (surname + "<<" + given)[:30].ljust(30, "<")
        return Mrz(layout, [line1, line2, names])
    width = 44 if layout == "TD3" else 36
    names = ((("P<" if layout == "TD3" else "I<") + state + surname + "<<" + given)[:width]).ljust(width, "<")
    line2 = number + cd(number) + nationality + birth + cd(birth) + sex + expiry + cd(expiry)
    if layout == "TD3":
        personal = draw(_data(alnum, 14))
        line2 += personal + cd(personal)
        line2 += cd(line2[0:10] + line2[13:20] + line2[21:43])
    else:
        line2 += draw(_data(alnum, 7))
        line2 += cd(line2[0:10] + line2[13:20] + line2[21:35])
    return Mrz(layout, [names, line2])


@st.composite
def confused(draw: st.DrawFn) -> tuple[Mrz, list[str], list[list[float]] | None]:
    """A valid MRZ, its reading with confusions at random places, and the engine's per-character confidences
    (misread characters under BLIND_CONFIDENCE, the others anything), or None (no confidences)."""
    truth = draw(valid_mrz())
    reading: list[str] = []
    confs: list[list[float]] = []
    for line in truth.lines:
        places = [i for i, ch in enumerate(line) if ch in CONFUSED]
        hit = set(draw(st.lists(st.sampled_from(places), max_size=4))) if places else set()
        chars, row = [], []
        for i, ch in enumerate(line):
            if i in hit:
                chars.append(draw(st.sampled_from(CONFUSED[ch])))
                row.append(draw(st.floats(0.0, mrz.BLIND_CONFIDENCE, exclude_max=True)))
            else:
                chars.append(ch)
                row.append(draw(st.sampled_from((SURE, 1.0, 0.97, 0.9, 0.5))))
        reading.append("".join(chars))
        confs.append(row)
    return truth, reading, None if draw(st.booleans()) else confs


def _checked(layout: str, lines: list[str]) -> list[tuple[int, int]]:
    """Every place a check digit covers, and the check digits."""
    return sorted({p for _, data, c in mrz._check_positions(layout, lines) for p in [*data, c]})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(confused())
def test_never_valid_with_a_wrong_value(case):
    truth, reading, confs = case
    r = mrz.parse(reading, confidences=confs)
    if r is None or not r.valid:
        return
    assert r.layout == truth.layout
    wrong = [(ln, i) for ln, i in _checked(truth.layout, truth.lines) if r.lines[ln][i] != truth.lines[ln][i]]
    assert not wrong, f"valid with {len(wrong)} wrong characters under the check digits"


@settings(max_examples=200, deadline=None)
@given(valid_mrz(alnum=LETTERS.replace("K", "") + DIGITS))
def test_a_sure_reading_of_a_valid_mrz_is_valid(truth):
    # not vacuous: read without a confusion and surely, every generated MRZ is valid and read as printed where the
    # check digits reach (without K in the data: a K before a filler is taken for a filler read as K, which the check
    # digits cannot confirm; a lone K given name is likewise restored to a filler in the names, which nothing checks)
    r = mrz.parse(truth.lines, confidences=[[1.0] * len(s) for s in truth.lines])
    assert r is not None and r.valid and not r.ambiguous
    assert all(r.lines[ln][i] == truth.lines[ln][i] for ln, i in _checked(truth.layout, truth.lines))


# -- the cases behind the property -----------------------------------------------------------------------------------

POL = ["P<POLKOWALSKA<<ANNA<<<<<<<<<<<<<<<<<<<<<<<<<", "ZS00001774POL7203305F1607130<<<<<<<<<<<<<<08"]


def _confs(lines, unsure=()):
    rows = [[1.0] * len(s) for s in lines]
    for ln, i in unsure:
        rows[ln][i] = 0.5
    return rows


def test_zs_read_as_25_is_not_verified():
    # the printed ZS0000177 read 250000177: both pass the check digit (and the composite, which moves with it)
    read = [POL[0], "25" + POL[1][2:]]
    assert mrz.check_digit("ZS0000177") == mrz.check_digit("250000177")
    r = mrz.parse(read, confidences=_confs(read, [(1, 0), (1, 1)]))  # as RapidOCR read it: 2 (0.86), 5 (0.49)
    assert r is not None and r.passed == r.total and not r.valid and r.ambiguous
    assert any("another reading" in p for p in r.problems)
    assert mrz.parse(read) is not None and not mrz.parse(read).valid  # no confidences: nothing stands
    # the engine sure of both characters: they stand (the premise: a misread character is not read surely)
    assert mrz.parse(read, confidences=_confs(read)).valid


def test_a_repair_that_another_repair_would_match_is_not_verified():
    # Z5 (the S read as 5): the check digit fails; Z->2 makes 25..., which passes, and so would 5->S (the printed
    # ZS): the repair is not claimed
    read = [POL[0], "Z5" + POL[1][2:]]
    r = mrz.parse(read, confidences=_confs(read, [(1, 1)]))
    assert r is not None and not r.valid
    assert mrz.parse(POL, confidences=_confs(POL)).valid  # read as printed, surely


def _td1(number: str) -> list[str]:
    cd = mrz.check_digit
    line1 = "I<UTO" + number.ljust(9, "<") + cd(number.ljust(9, "<")) + "<" * 15
    line2 = "7408122F1204159UTO<<<<<<<<<<<"
    return [line1, line2 + cd(line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]), "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]


def test_g_and_6_are_one_check_value():
    # a document number's G read unsurely may be a 6 (G = 16): not verified; read surely it stands
    lines = _td1("G23145890")
    assert mrz.parse(lines, confidences=_confs(lines)).valid
    r = mrz.parse(lines, confidences=_confs(lines, [(0, 5)]))
    assert not r.valid and r.ambiguous


def test_a_date_read_with_g_is_repaired():
    # G for 6 in a date: a date holds digits only, so the G can only be a 6
    td3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
    read = [td3[0], td3[1].replace("7408122F", "74O8122F")]
    assert mrz.parse(read, confidences=_confs(read)).lines == td3


def test_an_ambiguous_reading_is_never_compared_with_the_profile():
    # the profile's (right) number against the ambiguous 25...: "could not verify", never a number mismatch
    from idcheck.config import DEFAULT
    from idcheck.ocr import DocumentReading, FieldReading, crosscheck, mrz_label
    from idcheck.ocr.rectify import Classification
    from idcheck.ocr.repair import Repaired

    read = [POL[0], "25" + POL[1][2:]]
    res = mrz.parse(read, confidences=_confs(read, [(1, 0), (1, 1)]))
    rep = Repaired("\n".join(read), res.value, res.valid, "mrz", list(res.repairs), ambiguous=res.ambiguous,
                   error="; ".join(res.problems))
    fr = FieldReading("mrz", res.value, res.value, 0.9, None, (0, 0, 10, 10), None, rep, parsed=res)
    reading = DocumentReading("test", False, Classification("passport", "weak"), mrz_label(res), 0, {"mrz": fr})
    profile = {"document_type": "passport", "document_number": "ZS0000177", "name_en": "Anna Kowalska"}
    findings, _ = crosscheck.compare(reading, profile, DEFAULT.ocr, expected="passport")
    codes = [f.code for f in findings]
    assert "profile.number_mismatch" not in codes and "ocr.unreadable" in codes
    assert rep.to_dict()["ambiguous"] is True
