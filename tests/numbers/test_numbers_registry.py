"""FORMATS, get(), detect() and candidates()."""

from __future__ import annotations

import pytest

from idcheck.errors import UsageError
from idcheck.numbers import (
    ALIASES,
    FORMATS,
    InvalidChecksum,
    InvalidDate,
    candidates,
    detect,
    get,
    hkmo_permit,
    ric,
)

API = ("normalize", "compact", "validate", "is_valid", "format", "info", "NAME", "TITLE", "TITLE_ZH")


def test_registry_shape():
    assert list(FORMATS) == ["ric", "rp", "fpr", "uscc", "hkmo_permit", "tw_permit", "passport", "mrz"]
    for name, module in FORMATS.items():
        assert module.NAME == name
        for attr in API:
            assert hasattr(module, attr), (name, attr)
    assert FORMATS["uscc"].TITLE == "Unified Social Credit Code"


def test_get():
    assert get("ric") is ric
    assert get(" RIC ") is ric
    assert get("SFZ") is ric
    assert get("txz") is hkmo_permit
    assert all(get(code).NAME == name for code, name in ALIASES.items())
    with pytest.raises(UsageError):
        get("HZ")  # any passport: deliberately not an alias
    with pytest.raises(UsageError):
        get("nope")


@pytest.mark.parametrize("value, expected", [
    ("91110000600037341L", ["uscc"]),
    ("11010519491231002X", ["ric"]),
    ("11010519491231002x", ["ric"]),
    ("810000199001010019", ["rp"]),
    ("911840198506150011", ["fpr"]),
    ("KAZ110090123105", ["fpr"]),
    ("H3203117707", ["hkmo_permit"]),
    ("H32031177", ["hkmo_permit", "passport"]),  # H + 8 digits: travel permit and HKSAR passport
    ("07257456", ["tw_permit"]),
    ("E12345678", ["passport"]),
    ("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6", ["mrz"]),
    ("110101199003077578", []),
    ("hello", []),
])
def test_detect(value, expected):
    assert detect(value) == expected


def test_candidates():
    result = candidates("110101199003077578")
    # Both readings fail on a check character; only the final one for the resident ID (everything
    # else fitted), the inner organisation check (position 17) for the USCC: resident ID first.
    assert [name for name, _ in result] == ["ric", "uscc"]
    assert isinstance(result[0][1], InvalidChecksum) and result[0][1].position == 18
    assert candidates("11010519491231002X")[0] == ("ric", None)
    result = candidates("110105194902300020")  # 30 February: a date error beats an inner check
    assert result[0][0] == "ric" and isinstance(result[0][1], InvalidDate)
    # An all-digit USCC with a typo in position 18 stays a USCC (its resident-ID reading fails the date).
    result = candidates("121100004000007637")
    assert result[0][0] == "uscc" and result[0][1].position == 18
    # A redirect (resident-ID reading of a residence permit) is not listed: rp is, as valid.
    result = candidates("810000199001010019")
    assert result[0] == ("rp", None) and "ric" not in dict(result)
    assert candidates("hello") == []


def test_each_format_module_states_its_own_facts():
    # stdnum-style: what a caller needs to know about a format lives in the format's module
    for name, module in FORMATS.items():
        assert isinstance(module.SHORT_TITLE, str) and module.SHORT_TITLE, name
        assert isinstance(module.SHORT_TITLE_ZH, str) and module.SHORT_TITLE_ZH, name
        assert isinstance(module.PERSONAL, bool) and isinstance(module.HAS_CHECK_DIGIT, bool), name
        # a format with check characters computes them (calc_check_digit), and only such a format does
        assert module.HAS_CHECK_DIGIT == hasattr(module, "calc_check_digit"), name
    assert [n for n, m in FORMATS.items() if not m.PERSONAL] == ["uscc"]


def test_the_profile_check_reads_the_facts_from_the_format_modules():
    from idcheck.profile import documents

    assert documents.STRONG_FORMATS == {"ric", "rp", "fpr", "uscc"}
    assert documents.PERSONAL_FORMATS == {"ric", "rp", "fpr", "hkmo_permit", "tw_permit", "passport"}
    for name, (en, zh, _doc) in documents.FORMAT_TITLES.items():
        assert (en, zh) == (FORMATS[name].SHORT_TITLE, FORMATS[name].SHORT_TITLE_ZH)
