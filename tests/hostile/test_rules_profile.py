"""Issue 17, items 16, 17: rule files and profile values that try to exhaust time or the stack."""

from __future__ import annotations

import pytest

from idcheck.dsl.parser import MAX_TREE_DEPTH, parse_source, regex_problem

HEADER = 'ruleset "t" version 1\napplies to suffix ".example"\nsource "test"\n'


@pytest.mark.parametrize("pattern", ["([a-z0-9]+-?){,}", "([a-z0-9]+-?){,50}", "a{,}", "a{99999}", "a{,99999}",
                                     "a{5,99999}", "a{" + "9" * 5000 + "}", "(a|b){2,}", "a{,3}"])
def test_unbounded_and_huge_repetitions_are_rejected(pattern):
    # before: {,} {,N} and 5-digit counts were read as literals by the check but as repetitions by Python
    assert regex_problem(pattern) is not None


@pytest.mark.parametrize("pattern", ["a{}", "a{2}", "a{0,3}", "[a-z]{1,20}", r"\d{17}[\dX]"])
def test_ordinary_patterns_still_pass(pattern):
    assert regex_problem(pattern) is None


def _rule(condition: str) -> str:
    return HEADER + ('rule r {\n  severity error\n  description "d"\n'
                     f"  when {condition}\n"
                     '  require profile.name_zh exists\n  message "m"\n}\n')


def test_a_flat_chain_of_1000_and_is_a_parse_error():
    chain = " and ".join(['profile.region == "mainland"'] * 1000)
    ruleset, errors = parse_source(_rule(chain))  # before: parsed; every evaluation raised RecursionError
    assert ruleset is None or errors
    assert any("too long" in e.message for e in errors)


def test_the_deepest_allowed_condition_evaluates():
    import importlib

    evaluate = importlib.import_module("idcheck.dsl.evaluate")

    chain = " and ".join(['profile.region == "mainland"'] * (MAX_TREE_DEPTH - 1))
    ruleset, errors = parse_source(_rule(chain))
    assert not errors and ruleset is not None
    facts = evaluate.Facts(profile={"region": "mainland", "name_zh": "张三"})
    result = evaluate.evaluate_rule(ruleset.rules[0], ruleset, facts)
    assert not any(f.code == "internal.check_failed" for f in result.findings)


# ---------------------------------------------------------------- item 17: profile value sizes


def test_a_320k_character_name_is_refused_quickly():
    import time

    import idcheck

    profile = {"registrant_type": "individual", "region": "mainland", "name_zh": "张" * 320_000,
               "name_en": "zhang " * 50_000, "document_type": "id_card"}
    started = time.perf_counter()
    report = idcheck.check_profile(profile)  # before: 13-21 s in pinyin
    assert time.perf_counter() - started < 1.0
    long = [f for f in report.findings if f.code == "profile.value_too_long"]
    assert {f.field for f in long} == {"name_zh", "name_en"}
    assert report.verdict == "fail"


def test_500k_unknown_keys_make_a_small_report():
    import idcheck

    profile = {f"k{i}": i for i in range(500_000)}
    profile.update(registrant_type="individual", region="mainland")
    report = idcheck.check_profile(profile)  # before: 500 000 findings, a 215 MB report
    assert len(report.to_json()) < 200_000
    assert sum(f.code == "profile.unknown_field" for f in report.findings) == 50
    (many,) = [f for f in report.findings if f.code == "profile.too_many_fields"]
    assert "499950" in many.message


def test_a_hand_made_profile_is_capped_too():
    import idcheck

    p = idcheck.Profile(name_zh="张" * 5000, extra={f"k{i}": 1 for i in range(1000)})
    report = idcheck.check_profile(p)
    assert "profile.value_too_long" in [f.code for f in report.findings]
    assert sum(f.code == "profile.unknown_field" for f in report.findings) == 50
