from hypothesis import given, settings
from hypothesis import strategies as st

from idcheck.numbers import ric, uscc
from idcheck.ocr.repair import repair
from tests.strategies import examples

ID = "11010519491231002X"


def test_valid_number_untouched():
    r = repair(ID, "ric")
    assert r.valid and r.value == ID and r.repairs == []


def test_letters_forbidden_in_digits_are_repaired_and_recorded():
    r = repair("11O1O5I949I23IOO2x", "ric")
    assert r.valid and r.value == ID
    whys = {c.why for c in r.repairs}
    assert whys == {"format", "case"}
    assert all(c.now in "01X" for c in r.repairs)


def test_spaces_and_dashes_are_noise():
    r = repair("110105 1949-1231 002X", "ric")
    assert r.valid and r.value == ID
    assert [c.why for c in r.repairs] == ["noise", "noise", "noise"]


def test_wrong_digit_is_not_guessed():
    r = repair("11010519491231003X", "ric")  # a real misread: 2 -> 3
    assert not r.valid and r.error


def test_wrong_length_is_not_repaired():
    r = repair("1101051949123100X", "ric")
    assert not r.valid and "expected 18" in r.error


def test_uscc_forbidden_letters_become_digits():
    code = "91350100M000100Y43"
    assert uscc.is_valid(code)
    r = repair(code.replace("0", "O"), "uscc")  # O is not in the credit-code alphabet
    assert r.valid and r.value == code


def test_uscc_checksum_decides_between_b_and_8():
    code = "91370202MAXYWBNY7R"
    if not uscc.is_valid(code):  # pick a valid code with a B from docgen's maker
        import numpy as np

        from fixtures.docgen import make_uscc

        rng = np.random.default_rng(1)
        code = next(c for c in (make_uscc(rng, "110105") for _ in range(500)) if "B" in c[8:16])
    i = code.index("B", 8)
    misread = code[:i] + "8" + code[i + 1:]
    r = repair(misread, "uscc")
    if uscc.is_valid(misread):  # both readings valid: nothing can decide, must not guess either way
        assert r.value == misread
    else:
        assert r.valid and r.value == code
        assert any(c.why == "checksum" and c.now == "B" for c in r.repairs)


@settings(max_examples=examples(60), deadline=None)
@given(st.integers(0, 16), st.sampled_from(list("OIBSZ")))
def test_any_lookalike_letter_in_a_digit_position_is_undone(pos, letter):
    digit = {"O": "0", "I": "1", "B": "8", "S": "5", "Z": "2"}[letter]
    first17 = "11010519491231002"
    first17 = first17[:pos] + digit + first17[pos + 1:]
    number = first17 + ric.calc_check_digit(first17)
    if not ric.is_valid(number):  # a date or region made invalid by the substitution
        return
    r = repair(number[:pos] + letter + number[pos + 1:], "ric")
    assert r.valid and r.value == number
    assert [(c.position, c.was, c.now) for c in r.repairs] == [(pos, letter, digit)]
