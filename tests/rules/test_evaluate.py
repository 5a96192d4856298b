"""The evaluator: three-valued logic, defined behaviour on missing and wrong-typed data, rule outcomes,
findings and trace; and that evaluation never raises (hypothesis)."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from idcheck.dsl import Facts, evaluate, load_rules, parse
from idcheck.dsl.evaluate import FALSE, TRUE, UNKNOWN, _evaluate_rule
from idcheck.dsl.evaluate import test as run_test
from idcheck.dsl.lexer import tokenize
from idcheck.dsl.parser import _Parser
from idcheck.report import Report
from tests.strategies import examples

from .conftest import COMPANY, GOV_ORG, make
from .trees import documents, domain_facts, exprs, profiles, rulesets


def expr(text):
    tokens, errors = tokenize(text)
    assert not errors
    parser = _Parser(tokens, "x", [text])
    node = parser.parse_expr()
    assert not parser.errors, parser.errors
    return node


def value(text, profile=None, docs=None, domain=None):
    return run_test(expr(text), Facts.build(profile or {}, docs or {}, domain or {})).result


FULL = {
    "registrant_type": "organization",
    "region": "mainland",
    "name_zh": "  北京示例  ",
    "document_number": "11110108000028281F",
    "phone": {"country_code": "86", "number": "13800138000"},
}


@pytest.mark.parametrize("text, want", [
    ('profile.region == "mainland"', TRUE),
    ('profile.region != "mainland"', FALSE),
    ('profile.email == "x"', UNKNOWN),                       # missing -> unknown
    ('profile.email != "x"', UNKNOWN),
    ('not profile.email == "x"', UNKNOWN),
    ('profile.email == "x" and profile.region == "foreign"', FALSE),   # unknown and false = false
    ('profile.email == "x" and profile.region == "mainland"', UNKNOWN),
    ('profile.email == "x" or profile.region == "mainland"', TRUE),    # unknown or true = true
    ('profile.email == "x" or profile.region == "foreign"', UNKNOWN),
    ("profile.email exists", FALSE),                          # exists is never unknown
    ("not profile.email exists", TRUE),
    ("profile.email not exists", TRUE),
    ("profile.phone exists", TRUE),
    ("profile.phone.extension exists", FALSE),
    ('profile.name_zh == "北京示例"', TRUE),                   # surrounding spaces are ignored
    ('profile.name_zh starts_with "北京"', TRUE),
    ('profile.name_zh ends_with "示例"', TRUE),
    ('profile.name_zh contains "京示"', TRUE),
    ('profile.region in ["hong_kong", "mainland"]', TRUE),
    ('profile.region not in ["hong_kong", "mainland"]', FALSE),
    ("profile.region in []", FALSE),
    ("length(profile.document_number) == 18", TRUE),
    ("length(profile.document_number) > 18", FALSE),
    ("length(profile.email) == 0", UNKNOWN),
    ("profile.document_number matches /11[0-9A-Z]{16}/", TRUE),
    ("profile.document_number matches /11/", FALSE),          # a full match, not a search
    ("profile.document_number matches /11110108000028281f/i", TRUE),
    ('profile.phone.country_code == "86"', TRUE),
    ('"a" == "a"', TRUE),
    ('domain.label == "x"', UNKNOWN),
])
def test_three_valued_logic(text, want):
    assert value(text, FULL) == want


def test_documents_and_the_identity_document():
    profile = {"document_type": "business_license"}
    docs = {"business_license": {"number": "91110000600037341L", "name": "北京示例科技有限公司"}, "contact_id_card": {}}
    assert value("document.identity exists", profile, docs) == TRUE
    assert value('document.identity.number starts_with "91"', profile, docs) == TRUE
    assert value("document.contact_id_card exists", profile, docs) == TRUE
    assert value("document.contact_id_card.number exists", profile, docs) == FALSE
    assert value('document.contact_id_card.number == "1"', profile, docs) == UNKNOWN  # supplied, not read
    assert value('document.passport.number == "1"', profile, docs) == UNKNOWN          # not supplied
    assert value("document.passport exists", profile, docs) == FALSE
    assert value("document.identity exists", {}, docs) == FALSE                        # no document_type
    assert value('document.identity.number == "1"', {}, docs) == UNKNOWN


def test_wrong_types_in_the_data_are_unknown_never_an_error():
    facts = Facts(profile={"email": 5, "region": ["mainland"], "phone": "86 138"}, documents={"a": {"number": 7}},
                  domain={"label": None})
    for text in ['profile.email == "5"', "profile.email starts_with \"5\"", "length(profile.email) == 1",
                 "profile.email matches /5/", 'profile.region == "mainland"', 'profile.phone.number == "1"',
                 'document.a.number starts_with "7"', 'domain.label == "x"']:
        assert run_test(expr(text), facts).result in (UNKNOWN, FALSE), text
    assert run_test(expr('profile.email == "5"'), facts).result == FALSE  # a number never equals text
    assert run_test(expr('profile.region == "mainland"'), facts).result == UNKNOWN  # a list is no value at all
    assert run_test(expr("length(profile.email) == 1"), facts).why == ["profile.email is not text"]
    # text never equals a number, whatever the literal
    assert run_test(expr("length(profile.region) == 1"), Facts(profile={"region": "x"})).result == TRUE


def test_long_values_are_not_matched():
    long = "1" * 257
    assert value("profile.document_number matches /1+/", {"document_number": long}) == UNKNOWN
    assert value("profile.document_number matches /1+/", {"document_number": long[:256]}) == TRUE


def test_the_trace_says_why_and_masks_personal_values():
    v = run_test(expr('profile.document_number starts_with "11" and profile.email exists'), Facts.build(FULL))
    assert v.result == FALSE
    assert str(v.seen["profile.document_number"]) == "1111**********281F"
    unknown = run_test(expr('document.identity.number == "1"'), Facts.build({}))
    assert unknown.why == ["the profile names no document type, so the identity document is unknown"]


GOV = parse(open("rules/gov.cn.rules", encoding="utf-8").read(), "gov.cn.rules")


def outcomes(ruleset, facts):
    return {r.rule.id: r.outcome for r in evaluate([ruleset], facts).results}


def test_rule_outcomes_findings_and_attribution():
    docs = {"uscc_certificate": {"number": "11110108000028281F"}, "registration_form": {}, "contact_id_card": {}}
    ok = evaluate([GOV], Facts.build(GOV_ORG, docs, {"label": "haidian"}))
    assert {r.outcome for r in ok.results} == {"pass"} and ok.findings == []

    company = make(COMPANY)
    ev = evaluate([GOV], Facts.build(company, {"business_license": {}}, {}))
    by_rule = {r.rule.id: r for r in ev.results}
    assert by_rule["gov-eligible"].outcome == "pass"
    assert by_rule["gov-credit-code-is-organ"].outcome == "fail"
    assert by_rule["gov-document-code-is-organ"].outcome == "not_applicable"
    assert by_rule["gov-document-code-is-organ"].reason.startswith("could not verify: the number could not be read")
    [failed] = [f for f in ev.findings if f.code == "rules.failed"]
    assert failed.severity == "error" and failed.field == "profile.document_number"
    assert failed.details["rule"] == "gov-credit-code-is-organ" and failed.details["ruleset"] == "gov.cn"
    assert failed.details["version"] == 1 and failed.details["source"] == "domain-rules.md §1.3, §4 [S1]"
    assert failed.message == ("The unified social credit code must start with 11 (机关): only government organs may "
                              "register .gov.cn. (rule gov-credit-code-is-organ, gov.cn v1)")
    assert failed.render(lang="zh").startswith("统一社会信用代码必须以 11（机关）开头")
    missing = sorted(f.field for f in ev.findings if f.code == "rules.document_missing")
    assert missing == ["document:contact_id_card", "document:org_code_certificate", "document:registration_form"]
    [unverified] = [f for f in ev.findings if f.code == "rules.not_verified"]
    assert unverified.severity == "info" and unverified.field == "document:business_license"
    # personal values in details are masked in the report
    report = Report(kind="submission", findings=ev.findings)
    assert "91110000600037341L" not in report.to_json() and "91110000600037341L" in report.to_json(reveal=True)

    person = {"registrant_type": "individual", "region": "hong_kong"}
    ev = evaluate([GOV], Facts.build(person, {}, {}))
    not_eligible = [f for f in ev.findings if f.code == "rules.not_eligible"]
    assert [f.field for f in not_eligible] == ["profile.registrant_type", "profile.region"]
    assert not_eligible[0].message == (
        "Only government organs in the Chinese mainland may register .gov.cn: the registrant "
        "type individual is not allowed, only organization (rule gov-eligible, gov.cn v1)."
    )
    assert outcomes(GOV, Facts.build({}, {}, {}))["gov-eligible"] == "not_applicable"


def test_when_lines_decide_applicability_in_any_position():
    rs = parse('ruleset "t" version 2\napplies to all suffixes\nrule r {\n severity warning\n description "d"\n'
               ' require profile.email exists\n when profile.region == "mainland"\n version 7\n}\n')
    assert outcomes(rs, Facts.build({"region": "foreign"})) == {"r": "not_applicable"}
    assert outcomes(rs, Facts.build({})) == {"r": "not_applicable"}
    res = evaluate([rs], Facts.build({"region": "mainland"}))
    [f] = res.findings
    assert (f.code, f.severity, f.details["version"]) == ("rules.failed", "warning", 7)
    assert res.trace[0]["steps"][0] == {"statement": "when", "test": 'profile.region == "mainland"', "result": "true",
                                        "values": {"profile.region": "mainland"}}
    assert res.trace[0]["outcome"] == "fail"


def test_standard_rules_document_choice():
    book = load_rules("rules")
    std = book.get("standard")
    person = {"registrant_type": "individual", "region": "mainland", "document_type": "id_card"}
    r = outcomes(std, Facts.build(person, {"id_card": {}}))
    assert r["identity-document-supplied"] == "pass" and r["individual-mainland-document"] == "not_applicable"
    ev = evaluate([std], Facts.build(person, {}))
    assert [f.field for f in ev.findings] == ["document:id_card"]  # one finding, not two
    nodoc = dict(person, document_type=None)
    ev = evaluate([std], Facts.build(nodoc, {"passport": {}}))
    [f] = ev.findings
    assert f.code == "rules.document_missing" and f.details["kinds"][:2] == ["id_card", "household_register"]
    hk = {"registrant_type": "individual", "region": "hong_kong", "document_type": "residence_permit_hkmo"}
    ev = evaluate([std], Facts.build(hk, {"residence_permit_hkmo": {}}))
    [f] = ev.findings
    assert (f.code, f.severity, f.field) == ("rules.document_missing", "warning", "document:residence_permit_hkmo_back")


# --- never raises ------------------------------------------------------------------------------------

SHIPPED = load_rules("rules").rulesets


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles, documents, domain_facts)
def test_shipped_rules_never_raise_over_random_data(profile, docs, domain):
    facts = Facts.build(profile, docs, domain)
    for rs in SHIPPED:
        for rule in rs.rules:
            result = _evaluate_rule(rule, rs, facts)  # no safety net: a bug would raise here
            assert result.outcome in ("pass", "fail", "not_applicable")
            json.dumps(Report(kind="submission", findings=result.findings, extra={"t": result.to_dict()}).to_dict())


@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rulesets(), profiles, documents, domain_facts)
def test_random_rules_never_raise(ruleset, profile, docs, domain):
    facts = Facts.build(profile, docs, domain)
    for rule in ruleset.rules:
        result = _evaluate_rule(rule, ruleset, facts)
        assert result.outcome in ("pass", "fail", "not_applicable")
        assert all(f.code.startswith("rules.") for f in result.findings)


@settings(max_examples=examples(100), deadline=None)
@given(exprs, st.dictionaries(st.text(max_size=5), st.one_of(st.none(), st.text(), st.integers(), st.lists(st.text())),
                              max_size=3), st.one_of(st.none(), st.integers(), st.text(), st.lists(st.integers())))
def test_raw_facts_of_any_shape_never_raise(node, raw, odd):
    facts = Facts(profile=raw, documents={"identity": odd, "x": raw}, domain=raw)  # not even mappings inside
    assert run_test(node, facts).result in (TRUE, FALSE, UNKNOWN)
    assert run_test(node, Facts(profile=odd, documents=odd, domain=odd)).result in (TRUE, FALSE, UNKNOWN)
