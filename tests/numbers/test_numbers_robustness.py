"""Junk in, only the documented exceptions out.

Contract (idcheck.numbers.exceptions): for ``str`` input, ``compact``/``normalize``/``format`` never
raise and ``validate``/``info``/``calc_check_digit`` raise only ``ValidationError``; for anything
else every function raises ``UsageError`` (a ``TypeError``) - except ``is_valid``, which returns
False for everything it cannot accept and never raises.
"""

from __future__ import annotations

import time

import pytest

from idcheck.errors import UsageError
from idcheck.numbers import FORMATS, ValidationError, candidates, detect, get, uscc

JUNK_STR = [
    "", " ", "\n", "\n\n\n", "٠١٢٣٤٥٦٧٨٩", "१२३", "０１２３４５６７８９０１", "１１０１０５１９４９１２３１００２Ｙ",
    "😀" * 18, "\x00" * 18, "1101051949\x001231002X", "\ud800", "\ud800" * 18, "9" * 18, "<" * 88, "<" * 90,
    "X" * 18, "\u202eX20013219491501011", "P<" + "\n" * 3, "\u0301" * 20, "e\u0301" * 9, "ﬁ" * 9,
    "1" * 15, "H" * 11, "\n".join(["<" * 30] * 3), "\r\n" * 50,
    "11010519491231002X" * 3, "I<UTO" + "\u00ab" * 25,
]
# 1 MB strings: handled in linear passes (a quadratic one would take hours on them); about 7 s of CPU for all formats,
# so they have their own test, marked slow (the fast loop runs the junk above)
LONG_JUNK = ["a" * 1_000_000, "1" * 1_000_000]
JUNK_OBJECTS = [None, b"bytes", b"11010519491231002X", 12345, 11010519491231002, 1.5, [], ["1"], {}, (), object(),
                True, bytearray(b"x")]


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_junk_strings(name):
    for junk in JUNK_STR:
        _assert_only_validation_errors(FORMATS[name], junk)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(FORMATS))
def test_megabyte_strings(name):
    for junk in LONG_JUNK:
        _assert_only_validation_errors(FORMATS[name], junk)


def _assert_only_validation_errors(module, junk: str) -> None:
    started = time.perf_counter()
    assert isinstance(module.compact(junk), str)
    assert isinstance(module.normalize(junk).changes, tuple)
    formatted = module.format(junk)
    assert module.compact(formatted) == module.compact(junk)
    assert module.is_valid(junk) is False
    for fn in (module.validate, module.info):
        with pytest.raises(ValidationError) as info:
            fn(junk)
        assert len(info.value.message) < 300  # messages never echo the input
    if hasattr(module, "calc_check_digit"):
        try:
            module.calc_check_digit(junk)
        except ValidationError:
            pass
    # Even the 1 MB strings are handled in linear passes: a quadratic one would take hours on them.  The bound
    # is 10x what an idle 2-core machine needs, so a busy machine does not fail it (speed itself is measured in
    # benchmarks/, not asserted here)
    assert time.perf_counter() - started < 20.0, repr(junk[:20])


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_junk_objects(name):
    module = FORMATS[name]
    for junk in JUNK_OBJECTS:
        assert module.is_valid(junk) is False
        for fn in (module.compact, module.normalize, module.validate, module.format, module.info):
            with pytest.raises(UsageError):
                fn(junk)
        with pytest.raises(TypeError):  # UsageError is a TypeError
            module.validate(junk)
        if hasattr(module, "calc_check_digit"):
            with pytest.raises((UsageError, ValidationError)):
                module.calc_check_digit(junk)


def test_uscc_predicates_are_total():
    for junk in JUNK_STR[:10] + JUNK_OBJECTS:
        assert uscc.is_pilot_era_exception(junk) is False
        assert uscc.category_known(junk) in (True, False)


@pytest.mark.slow
def test_package_functions_on_megabyte_strings():
    for junk in LONG_JUNK:
        assert detect(junk) == []
        candidates(junk)


def test_package_functions_on_junk():
    for junk in JUNK_STR:
        assert detect(junk) == []
        candidates(junk)
    for junk in JUNK_OBJECTS:
        with pytest.raises(UsageError):
            detect(junk)
        with pytest.raises(UsageError):
            candidates(junk)
        with pytest.raises(UsageError):
            get(junk)


def test_messages_never_contain_the_number():
    # Identity numbers are personal data: messages name positions and single characters only.
    for name, number in [("ric", "110101199003077578"), ("ric", "110105194902300020"), ("rp", "810000199001010018"),
                         ("fpr", "911840198506150012"), ("uscc", "91110000600037341K")]:
        with pytest.raises(ValidationError) as info:
            FORMATS[name].validate(number)
        assert number[6:14] not in info.value.message
