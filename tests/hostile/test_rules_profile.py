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
