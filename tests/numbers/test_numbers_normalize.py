"""Normalisation and its change tags (reference §1.5 step 1, §6.2)."""

from __future__ import annotations

import pytest

from idcheck.errors import UsageError
from idcheck.numbers import CHANGE_TAGS, FORMATS, Normalized, normalize, ric, uscc


@pytest.mark.parametrize(
    "raw, value, changes",
    [
        ("91110000600037341L", "91110000600037341L", ()),
        ("９１１１００００６０００３７３４１Ｌ", "91110000600037341L", ("fullwidth",)),
        ("  91110000600037341L\t", "91110000600037341L", ("trimmed",)),
        ("9111 0000 6000 3734 1L", "91110000600037341L", ("spaces",)),
        ("91110000-60003734-1L", "91110000600037341L", ("dashes",)),
        ("91110000\u201460003734\u22121L", "91110000600037341L", ("dashes",)),
        ("91110000600037341l", "91110000600037341L", ("lowercase",)),
        ("\ufeff9111\u200b0000600037341L\u00a0", "91110000600037341L", ("invisible",)),
        (
            "９１１１\u3000００００６０００３７３４１l ",
            "91110000600037341L",
            ("fullwidth", "trimmed", "spaces", "lowercase"),
        ),
        ("\u2460\u2461", "12", ("compatibility",)),  # circled digits
    ],
)
def test_normalize_tags(raw, value, changes):
    n = uscc.normalize(raw)
    assert n == Normalized(value, changes)
    assert uscc.compact(raw) == value
    assert all(tag in CHANGE_TAGS for tag in n.changes)


def test_other_script_digits_are_not_folded():
    # NFKC keeps Arabic-Indic and Devanagari digits; validation reports them instead.
    assert normalize("٠١٢").value == "٠١٢"
    assert normalize("१२३").value == "१२३"
    assert not ric.is_valid("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X")


def test_lowercase_only_ascii():
    assert normalize("ß").value == "ß"  # str.upper() would give "SS"


def test_changed_property():
    assert not normalize("A").changed
    assert normalize("a").changed


def test_every_module_normalizes_the_same_way():
    for module in FORMATS.values():
        n = module.normalize("ｅ１２３")
        assert n.value == "E123" and "fullwidth" in n.changes
        assert module.compact("ｅ１２３") == "E123"


def test_non_str_is_a_usage_error():
    for bad in (None, b"91", 91, ["9"]):
        with pytest.raises(UsageError):
            normalize(bad)
        with pytest.raises(TypeError):
            uscc.compact(bad)
