"""Parse -> pretty-print -> parse gives the same tree; the shipped rule files too."""

from pathlib import Path

from hypothesis import HealthCheck, given, settings

from idcheck.dsl import parse, parse_source, to_source
from idcheck.dsl.loader import load_rules
from tests.strategies import examples

from .trees import rulesets

RULES = Path(__file__).resolve().parents[2] / "rules"


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rulesets())
def test_print_then_parse_gives_the_same_tree(tree):
    text = to_source(tree)
    parsed, errors = parse_source(text, "gen.rules")
    assert errors == [], (text, [e.format() for e in errors])
    assert parsed == tree
    assert to_source(parsed) == text  # printing is canonical


def test_the_shipped_rule_files_round_trip():
    files = sorted(RULES.glob("*.rules"))
    assert {f.name for f in files} >= {"standard.rules", "gov.cn.rules", "trademark.rules", "restaurant.rules"}
    for path in files:
        tree = parse(path.read_text(encoding="utf-8"), str(path))
        again = parse(to_source(tree), "printed")
        assert again == tree, path.name
    assert len(load_rules(RULES).rulesets) == len(files)


def test_positions_do_not_take_part_in_equality():
    a = parse('ruleset "t" version 1\napplies to all suffixes\nrule r {\n severity info\n description "d"\n'
              ' require profile.email exists\n}\n')
    b = parse('\n\n# moved\nruleset "t"   version 1\n\napplies to all suffixes\n\n\nrule r {\n  severity info\n'
              '  description "d"\n     require   profile.email   exists\n}\n')
    assert a == b
    assert a.rules[0].pos != b.rules[0].pos
