"""check_submission: each special suffix passes and fails, .com gets only the standard rules, every finding
is attributed to a document or a field, document-read fields feed the rules."""

import json

import pytest

import idcheck
from idcheck import api
from idcheck.errors import UsageError
from idcheck.profile import check_profile

from .conftest import COMPANY, GOV_ORG, PERSON, make

# check_submission checks every document's picture (decoded, image checks: about 0.5 s of CPU each, 40 of them here)
pytestmark = pytest.mark.slow


def submit(domain, profile, docs, **kw):
    kw.setdefault("ocr", False)
    return idcheck.check_submission(domain, profile, docs, **kw)


def errors(report):
    return [(f.code, f.field) for f in report.findings if f.severity == "error"]


def outcome(report, rule):
    [r] = [r for r in report.extra["rules"] if r["rule"] == rule]
    return r["outcome"]


@pytest.fixture
def read_as(monkeypatch):
    """Make the OCR 'read' given fields from given documents (the engine itself is tested in tests/ocr)."""
    def install(**by_kind):
        real = api.check

        def fake(source, **kw):
            report = real(source, **{**kw, "ocr": False, "profile": None})
            kind = kw.get("kind")
            fields = by_kind.get(kind, {})
            report.extra["ocr"] = {"engine": "rapidocr", "fields": {
                name: {"value": idcheck.report.Private(v, "number"), "confidence": 0.99,
                       **({"valid": True} if name == "number" else {})} for name, v in fields.items()}}
            return report

        monkeypatch.setattr(api, "check", fake)

    return install


# --- .gov.cn -----------------------------------------------------------------------------------------

def test_gov_cn_passes_for_a_government_organ(photo):
    docs = {"uscc_certificate": photo, "registration_form": photo, "contact_id_card": photo}
    report = submit("haidian.gov.cn", GOV_ORG, docs)
    assert errors(report) == []
    assert report.kind == "submission" and report.verdict in ("pass", "warn")
    assert [rs["name"] for rs in report.extra["rulesets"]] == ["standard", "gov.cn"]
    gov = {r["rule"]: r["outcome"] for r in report.extra["rules"] if r["ruleset"] == "gov.cn"}
    assert gov == {"gov-eligible": "pass", "gov-credit-code-is-organ": "pass",
                   "gov-document-code-is-organ": "not_applicable", "gov-registration-form": "pass",
                   "gov-organ-certificate": "pass", "gov-contact-id": "pass"}
    [info] = [f for f in report.findings if f.code == "rules.not_verified"]
    assert info.field == "document:uscc_certificate"


def test_gov_cn_fails_for_a_company(photo):
    report = submit("shili.gov.cn", COMPANY, {"business_license": photo})
    assert report.verdict == "fail"
    assert sorted(errors(report)) == [
        ("rules.document_missing", "document:contact_id_card"),
        ("rules.document_missing", "document:org_code_certificate"),
        ("rules.document_missing", "document:registration_form"),
        ("rules.failed", "profile.document_number"),
    ]
    person = submit("zhangsan.gov.cn", PERSON, {"id_card": photo})
    assert ("rules.not_eligible", "profile.registrant_type") in errors(person)


def test_gov_cn_reads_the_credit_code_from_the_certificate(photo, read_as):
    docs = {"uscc_certificate": photo, "registration_form": photo, "contact_id_card": photo}
    read_as(certificate={"number": "91110000600037341L"})
    report = submit("haidian.gov.cn", GOV_ORG, docs, ocr=True)
    assert errors(report) == [("rules.failed", "document:uscc_certificate")]
    assert outcome(report, "gov-document-code-is-organ") == "fail"
    assert report.extra["documents"]["uscc_certificate"]["read"]["number"].value == "91110000600037341L"
    read_as(certificate={"number": "11110108000028281F"})
    assert errors(submit("haidian.gov.cn", GOV_ORG, docs, ocr=True)) == []


# --- .商标 / .trademark ------------------------------------------------------------------------------

@pytest.mark.parametrize("domain", ["示例.商标", "xn--fsq092h.xn--czr694b", "shili.trademark", "SHILI.商标."])
def test_trademark_passes_with_the_trademark_certificate(photo, domain):
    report = submit(domain, COMPANY, {"business_license": photo, "trademark_certificate": photo})
    assert errors(report) == []
    assert [rs["name"] for rs in report.extra["rulesets"]] == ["standard", "trademark"]
    assert outcome(report, "trademark-proof") == "pass"
    assert outcome(report, "trademark-holder-is-registrant") == "not_applicable"  # the certificate was not read


def test_trademark_fails_without_proof_or_with_another_holder(photo, read_as):
    report = submit("示例.商标", COMPANY, {"business_license": photo})
    assert errors(report) == [("rules.document_missing", "document:trademark_certificate")]
    read_as(certificate={"name": "上海别家贸易有限公司"})
    report = submit("示例.商标", COMPANY, {"business_license": photo, "trademark_certificate": photo}, ocr=True)
    assert errors(report) == [("rules.failed", "document:trademark_certificate")]
    [f] = [f for f in report.findings if f.code == "rules.failed"]
    assert f.details["requirement"] == "document.trademark_certificate.name == profile.name_zh"
    assert "上海别家贸易有限公司" not in report.to_json() and "上海别家贸易有限公司" in report.to_json(reveal=True)


# --- .餐厅 / .restaurant -----------------------------------------------------------------------------

def test_restaurant_passes_with_a_commitment_or_a_licence(photo):
    for extra in ("restaurant_commitment", "catering_license"):
        report = submit("示例.餐厅", COMPANY, {"business_license": photo, extra: photo})
        assert errors(report) == [], extra
        assert outcome(report, "restaurant-qualification") == "pass"
    alias = submit("shili.restaurant", COMPANY, {"business_license": photo, "website_license": photo})
    assert errors(alias) == [] and [rs["name"] for rs in alias.extra["rulesets"]] == ["standard", "restaurant"]


def test_restaurant_fails_without_a_qualification(photo):
    report = submit("xn--fsq092h.xn--imr513n", COMPANY, {"business_license": photo})
    assert errors(report) == [("rules.document_missing", "document:restaurant_commitment")]
    [f] = [f for f in report.findings if f.code == "rules.document_missing"]
    assert f.details["kinds"] == ["restaurant_commitment", "catering_license", "website_license"]
    assert "《.餐厅域名申请承诺书》" in f.message


# --- .com and the standard rules ---------------------------------------------------------------------

def test_com_applies_only_the_standard_rules(photo):
    report = submit("example.com", PERSON, {"id_card": photo})
    assert [rs["name"] for rs in report.extra["rulesets"]] == ["standard"]
    assert {r["ruleset"] for r in report.extra["rules"]} == {"standard"}
    assert errors(report) == []
    assert report.extra["domain"]["suffix"] == ".com" and report.extra["domain"]["label"] == "example"
    missing = submit("example.com", PERSON, {})
    assert errors(missing) == [("rules.document_missing", "document:id_card")]


def test_every_finding_is_attributed_and_the_extra_holds_reports_and_trace(photo):
    profile = make(COMPANY, postal_code="1000")
    report = submit("shili.gov.cn", profile, {"business_license": photo, "bussiness_license": photo})
    for f in report.findings:
        assert f.field and (f.field.startswith(("profile", "document:")) or f.field == "domain"), f
    assert ("profile.postal_code_invalid", "profile.postal_code") in [(f.code, f.field) for f in report.findings]
    [unused] = [f for f in report.findings if f.code == "submission.document_unused"]
    assert unused.field == "document:bussiness_license" and "did you mean business_license?" in unused.message
    docs = report.extra["documents"]
    assert set(docs) == {"business_license", "bussiness_license"}
    assert docs["business_license"]["identity"] is True and docs["business_license"]["image_kind"] == "business_license"
    assert docs["business_license"]["report"]["kind"] == "image"
    data = json.loads(report.to_json())
    assert data["kind"] == "submission" and data["extra"]["rules"][0]["steps"]
    assert "91110000600037341L" not in report.to_json()
    assert {"rulesets", "profile", "rules", "total", "document:business_license"} <= set(report.timings)


def test_identity_document_is_cross_checked_without_repeating_the_profile_findings(photo):
    profile = make(COMPANY, postal_code="1000")
    report = idcheck.check_submission("example.com", profile, {"business_license": photo})  # OCR on
    alone = check_profile(profile)
    assert [f.code for f in report.findings if f.field and f.field.startswith("profile")] == [
        f.code for f in alone.findings
    ]
    doc = report.extra["documents"]["business_license"]["report"]
    assert "ocr" in doc["extra"]  # the picture was read and compared


def test_invalid_domain_and_usage_errors(photo):
    report = submit("not a domain", PERSON, {"id_card": photo})
    assert ("submission.domain_invalid", "domain") in errors(report)
    assert [rs["name"] for rs in report.extra["rulesets"]] == ["standard"]
    assert report.extra["domain"] == {"input": "not a domain", "error": "it contains spaces"}
    for bad in (dict(domain=5), dict(profile=["x"]), dict(documents=[photo]), dict(documents={5: photo}),
                dict(channel="fax"), dict(config={})):
        args = {"domain": "example.com", "profile": PERSON, "documents": {}, **bad}
        with pytest.raises(UsageError):
            idcheck.check_submission(args.pop("domain"), args.pop("profile"), args.pop("documents"), **args)


def test_rules_dir_argument_and_environment(tmp_path, monkeypatch, photo):
    (tmp_path / "only.rules").write_text(
        'ruleset "only" version 4\napplies to suffix ".com"\nrule need-email {\n severity warning\n'
        ' description "An e-mail address"\n require profile.email ends_with ".cn"\n}\n', encoding="utf-8")
    report = submit("example.com", PERSON, {"id_card": photo}, rules_dir=tmp_path)
    assert [rs["name"] for rs in report.extra["rulesets"]] == ["only"]
    [f] = [f for f in report.findings if f.code == "rules.failed"]
    assert (f.severity, f.field, f.details["version"]) == ("warning", "profile.email", 4)
    monkeypatch.setenv("IDCHECK_RULES", str(tmp_path))
    assert [rs["name"] for rs in submit("example.com", PERSON, {}).extra["rulesets"]] == ["only"]
    with pytest.raises(UsageError):
        submit("example.com", PERSON, {}, rules_dir=tmp_path / "missing")
