"""Hypothesis properties of idcheck.numbers (error detection, round trips, totality)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from idcheck.numbers import (
    FORMATS,
    InvalidChecksum,
    InvalidFormat,
    ValidationError,
    detect,
    fpr,
    mrz,
    ric,
    uscc,
)
from tests.strategies import (
    NOISE_CHARS,
    USCC_ALPHABET,
    any_object,
    examples,
    valid_fpr2023,
    valid_mrz_td1,
    valid_mrz_td2,
    valid_mrz_td3,
    valid_number,
    valid_ric,
    valid_uscc,
)

FAST = settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
EXHAUSTIVE = settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def substitutions(number: str, alphabet: str):
    for i, ch in enumerate(number):
        for other in alphabet:
            if other != ch:
                yield i, number[:i] + other + number[i + 1:]


def transpositions(number: str):
    for i in range(len(number) - 1):
        if number[i] != number[i + 1]:
            yield i, number[:i] + number[i + 1] + number[i] + number[i + 2:]


# ------------------------------------------------------------------------------ valid numbers

@FAST
@given(valid_number())
def test_generated_numbers_validate(item):
    name, number = item
    module = FORMATS[name]
    assert module.validate(number) == number
    assert module.is_valid(number)
    assert isinstance(module.info(number), dict)
    assert name in detect(number)
    assert module.compact(module.format(number)) == number


@FAST
@given(valid_uscc(known_prefix=True))
def test_uscc_known_prefixes_are_certain(number):
    parts = uscc.info(number)
    assert parts["category_known"] and parts["category_certain"] and not parts["pilot_era_exception"]


@FAST
@given(valid_ric(min_year=1800))
def test_ric_before_1900_flag(number):
    assert ric.info(number)["born_before_1900"] == (int(number[6:10]) < 1900)


# ------------------------------------------------------------------------ error detection: USCC

# Every character the alphabet excludes is tried too (look-alikes I, O, S, V, Z).
USCC_TRY = USCC_ALPHABET + "IOSVZ"


@EXHAUSTIVE
@given(valid_uscc())
def test_uscc_every_single_substitution_is_detected(number):
    # Positions 1-17 carry weights 3^i mod 31, all non-zero modulo the prime 31, so any change of
    # value within the 31-character alphabet changes the mod-31 sum; position 18 is the sum itself.
    for _i, mutated in substitutions(number, USCC_TRY):
        with pytest.raises((InvalidChecksum, InvalidFormat)):
            uscc.validate(mutated)


@EXHAUSTIVE
@given(valid_uscc())
def test_uscc_every_adjacent_transposition_is_detected(number):
    # Swapping positions i, i+1 (both <= 17) changes the sum by (b - a) * (w_i - w_{i+1})
    # = (b - a) * w_i * (1 - 3) mod 31, non-zero since 31 is prime and |b - a| < 31.
    for _i, mutated in transpositions(number):
        with pytest.raises((InvalidChecksum, InvalidFormat)):
            uscc.validate(mutated)


@EXHAUSTIVE
@given(valid_uscc())
def test_uscc_swap_of_the_two_check_characters_is_caught_by_position_17(number):
    # Positions 17-18 are not both inside the mod-31 sum, so the argument above does not cover them.
    # The GB 11714 check does: positions 9-16 are unchanged, so position 17 must keep its character,
    # and the swap puts the (different) position-18 character there.  Either that character is not
    # 0-9/X (InvalidFormat) or it is the wrong check (InvalidChecksum at 17) - always position 17.
    assume(number[16] != number[17])
    swapped = number[:16] + number[17] + number[16]
    with pytest.raises((InvalidChecksum, InvalidFormat)) as info:
        uscc.validate(swapped)
    assert info.value.position == 17


# ------------------------------------------------------------------- error detection: GB 11643

RIC_TRY = "0123456789X"


@EXHAUSTIVE
@given(valid_ric())
def test_ric_every_single_substitution_is_detected(number):
    # MOD 11-2 weights 2^k mod 11 are non-zero modulo the prime 11 and digits differ by < 11.
    for i, mutated in substitutions(number, RIC_TRY):
        assert not ric.is_valid(mutated), (i, mutated)


@EXHAUSTIVE
@given(valid_ric())
def test_ric_every_adjacent_transposition_is_detected(number):
    # Inside 1-17: (b - a)(w_i - w_{i+1}) = (b - a) w_{i+1} (w_i = 2 w_{i+1}) is non-zero mod 11.
    # 17 <-> 18: with sum S + b = 1 (mod 11) before and S + 2(b - a) + a after, the difference is
    # b - a != 0; a swapped-in X lands at position 17 and is a format error.
    for _i, mutated in transpositions(number):
        with pytest.raises(ValidationError):
            ric.validate(mutated)


@EXHAUSTIVE
@given(valid_fpr2023())
def test_fpr2023_substitutions_and_transpositions_are_detected(number):
    for _, mutated in list(substitutions(number, RIC_TRY)) + list(transpositions(number)):
        assert not fpr.is_valid(mutated), mutated


@FAST
@given(st.one_of(valid_mrz_td1(), valid_mrz_td2(), valid_mrz_td3()), st.data())
def test_mrz_date_digit_substitution_is_detected(value, data):
    # Digits differ by 1-9 and the weights 7, 3, 1 are prime to 10: a digit-for-digit change inside a
    # date always changes its check digit.  (Letter-for-digit changes such as A<->0 are not always
    # detected by ICAO 9303 check digits: A=10 and 0 agree modulo 10.  We make no claim there.)
    lines = value.split("\n")
    starts = {30: [(1, 0), (1, 8)], 36: [(1, 13), (1, 21)], 44: [(1, 13), (1, 21)]}[len(lines[0])]
    line_index, start = data.draw(st.sampled_from(starts))
    offset = data.draw(st.integers(0, 5))
    line = lines[line_index]
    old = line[start + offset]
    new = data.draw(st.sampled_from([d for d in "0123456789" if d != old]))
    lines[line_index] = line[:start + offset] + new + line[start + offset + 1:]
    with pytest.raises(InvalidChecksum):
        mrz.validate("\n".join(lines))


# ----------------------------------------------------------------------------- round trips

@FAST
@given(st.sampled_from(sorted(FORMATS)), st.text(alphabet=NOISE_CHARS + "0123456789ABHMXE", max_size=50))
def test_compact_of_format_equals_compact(name, text):
    module = FORMATS[name]
    assert module.compact(module.format(text)) == module.compact(text)


@FAST
@given(st.sampled_from(sorted(FORMATS)), st.text())
def test_compact_is_idempotent_on_any_text(name, text):
    module = FORMATS[name]
    once = module.compact(text)
    assert module.compact(once) == once
    assert module.compact(module.format(text)) == once


@FAST
@given(valid_number(), st.data())
def test_noise_is_normalised_and_reported(item, data):
    name, number = item
    assume(name != "mrz")  # MRZ keeps line breaks and dashes: covered by its own tests
    module = FORMATS[name]
    noise = data.draw(st.sampled_from([" ", "-", "\u3000", "\u00a0", "\u200b", "\ufeff", "\u2014"]))
    i = data.draw(st.integers(1, len(number) - 1))
    noisy = number[:i] + noise + number[i:]
    fullwidth = data.draw(st.booleans())
    if fullwidth:
        noisy = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in noisy)
    n = module.normalize(noisy)
    assert module.validate(noisy) == number and n.value == number
    assert n.changes
    assert ("fullwidth" in n.changes) == (fullwidth or noise == "\u3000")


# ------------------------------------------------------------------------------- totality

@FAST
@given(any_object())
def test_is_valid_never_raises(obj):
    for module in FORMATS.values():
        assert module.is_valid(obj) in (True, False)


@FAST
@given(st.text(alphabet=NOISE_CHARS + "0123456789ABCDEFGHJKLMNPQRTUWXY<", max_size=100))
def test_str_input_only_raises_validation_errors(text):
    for module in FORMATS.values():
        module.compact(text)
        module.format(text)
        for fn in (module.validate, module.info):
            try:
                fn(text)
            except ValidationError:
                pass
