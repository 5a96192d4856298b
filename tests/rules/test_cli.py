"""idcheck rules list | explain | check, idcheck submit, idcheck status: output and exit codes."""

import json
import re

import pytest

from idcheck.cli import main
from idcheck.status import lookup, statuses, suggest

from .conftest import COMPANY, GOV_ORG, rule_file


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- rules -------------------------------------------------------------------------------------------

def test_rules_list(capsys):
    code, out, _ = run(capsys, "rules", "list")
    assert code == 0
    assert ".商标 (.xn--czr694b); alias .trademark" in out
    assert ".餐厅 (.xn--imr513n); alias .restaurant" in out
    assert "standard v1" in out and "applies to: every suffix" in out
    code, out, _ = run(capsys, "rules", "list", "--format", "json")
    data = {rs["name"]: rs for rs in json.loads(out)}
    assert data["trademark"]["suffixes"] == [{"unicode": ".商标", "ascii": ".xn--czr694b"}]


def test_rules_explain_in_plain_words(capsys):
    code, out, _ = run(capsys, "rules", "explain", "example.gov.cn")
    assert code == 0
    assert "rule sets applied: standard v1, gov.cn v1" in out
    assert "who may register: registrant type organization" in out
    assert ('requires that the document number (profile.document_number) starts with "11"') in out
    assert "upload contact_id_card: a copy of the domain contact's resident ID card" in out
    code, out, _ = run(capsys, "rules", "explain", "xn--fsq092h.xn--czr694b")
    assert out.startswith("示例.商标  (ASCII: xn--fsq092h.xn--czr694b)") and "trademark_certificate" in out
    code, out, _ = run(capsys, "rules", "explain", "example.com")
    assert "No rule file for .com: only the standard rules apply (standard v1)." in out
    code, out, _ = run(capsys, "rules", "explain", "example.gov.cn", "--format", "json")
    data = json.loads(out)
    assert [rs["name"] for rs in data["rulesets"]] == ["standard", "gov.cn"]
    code, _, err = run(capsys, "rules", "explain", "no domain")
    assert code == 2 and "is not a domain name: it contains spaces" in err


def test_rules_check(capsys, tmp_path):
    good = tmp_path / "good.rules"
    good.write_text(rule_file("require profile.email exists"), encoding="utf-8")
    code, out, _ = run(capsys, "rules", "check", str(good))
    assert code == 0 and 'ok, ruleset "t" v1, 1 rules, applies to .example' in out
    code, out, _ = run(capsys, "rules", "check", str(good), "--print")
    assert "rule r {\n  severity error\n" in out
    bad = tmp_path / "bad.rules"
    bad.write_text(
        rule_file("severity fatal", "require profile.nmae exists", 'when profile.region = "x"'), encoding="utf-8"
    )
    code, out, err = run(capsys, "rules", "check", str(good), str(bad))
    assert code == 1
    assert f"{bad}: 3 errors" in out
    assert re.findall(r"bad\.rules:(\d+):(\d+): error", err) == [("5", "12"), ("7", "11"), ("8", "23")]
    assert "      severity fatal\n               ^^^^^" in err
    assert err.strip().endswith("3 errors in 1 file(s)")
    code, _, err = run(capsys, "rules", "check", str(tmp_path / "missing.rules"))
    assert code == 2
    code, out, _ = run(capsys, "rules", "check")  # the shipped folder, across files
    assert code == 0 and out.count(": ok,") >= 5
    (tmp_path / "twin.rules").write_text(rule_file("require profile.email exists"), encoding="utf-8")
    bad.unlink()
    code, _, err = run(capsys, "rules", "check", "--rules-dir", str(tmp_path))
    assert code == 1 and "claimed by ruleset" in err
    code, _, err = run(capsys, "rules", "list", "--rules-dir", str(tmp_path))
    assert code == 2 and "the rule files have errors" in err


# --- submit ------------------------------------------------------------------------------------------

@pytest.fixture
def files(tmp_path, photo):
    pic = tmp_path / "doc.jpg"
    pic.write_bytes(photo)
    gov = tmp_path / "gov.json"
    gov.write_text(json.dumps(GOV_ORG, ensure_ascii=False), encoding="utf-8")
    company = tmp_path / "company.json"
    company.write_text(json.dumps(COMPANY, ensure_ascii=False), encoding="utf-8")
    return pic, gov, company


@pytest.mark.slow  # submits pictures: every document is checked (decoded, image checks)
def test_submit_exit_codes_and_output(capsys, files):
    pic, gov, company = files
    docs = ["--doc", f"uscc_certificate={pic}", "--doc", f"registration_form={pic}", "--doc", f"contact_id_card={pic}"]
    code, out, _ = run(
        capsys, "submit", "--domain", "haidian.gov.cn", "--profile", str(gov), *docs, "--no-ocr", "--trace"
    )
    assert code == 0, out
    assert out.splitlines()[0].endswith("haidian.gov.cn  (rule sets: standard v1, gov.cn v1)")
    assert "pass gov.cn/gov-contact-id v1: every requirement holds" in out
    assert "n/a  gov.cn/gov-document-code-is-organ v1: could not verify" in out
    code, out, _ = run(capsys, "submit", "--domain", "shili.gov.cn", "--profile", str(company),
                       "--doc", f"business_license={pic}", "--no-ocr")
    assert code == 1
    assert "  document:registration_form\n" in out and "rules.document_missing" in out
    assert "x error   rules.failed [profile.document_number]: The unified social credit code must start with 11" in out
    code, out, _ = run(capsys, "submit", "--domain", "shili.com", "--profile", str(company),
                       "--doc", f"business_license={pic}", "--no-ocr", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["kind"] == "submission" and data["extra"]["rulesets"][0]["name"] == "standard"


def test_submit_usage_errors(capsys, files, tmp_path):
    pic, gov, _ = files
    with pytest.raises(SystemExit) as info:
        main(["submit", "--domain", "a.com", "--profile", str(gov), "--doc", "no-equals-sign"])
    assert info.value.code == 2
    code, _, err = run(capsys, "submit", "--domain", "a.com", "--profile", str(gov), "--doc", f"id_card={pic}",
                       "--doc", f"id_card={pic}")
    assert code == 2 and "given twice" in err
    with pytest.raises(SystemExit) as info:
        main(["submit", "--domain", "a.com", "--profile", str(tmp_path / "none.json")])
    assert info.value.code == 2
    code, _, err = run(capsys, "submit", "--domain", "a.com", "--profile", str(gov), "--rules-dir", str(tmp_path / "x"))
    assert code == 2 and "is not a folder" in err


# --- status ------------------------------------------------------------------------------------------

SECTION_5 = """ok inactive clientHold serverHold clientTransferProhibited serverTransferProhibited
clientUpdateProhibited
serverUpdateProhibited clientDeleteProhibited serverDeleteProhibited clientRenewProhibited serverRenewProhibited
pendingCreate pendingRenew pendingTransfer pendingUpdate pendingDelete addPeriod autoRenewPeriod renewPeriod
transferPeriod redemptionPeriod pendingRestore pendingVerification pendingCompliant compliant nonCompliant""".split()


def test_every_status_of_the_reference_table_is_explained():
    assert set(statuses()) == set(SECTION_5)
    for info in statuses().values():
        assert info.meaning and info.cause and info.action and info.set_by and info.sources
    assert "real-name" in lookup("serverHold").cause
    assert "e-mail" in lookup("clientHold").cause
    assert lookup("pendingVerification").note.startswith("Not an RFC 5731")


@pytest.mark.parametrize("text", ["serverhold", "SERVERHOLD", "Server Hold", "server_hold",
                                  "serverHold https://icann.org/epp#serverHold", "https://icann.org/epp#serverHold"])
def test_status_lookup_ignores_case_and_whois_decoration(text):
    assert lookup(text).code == "serverHold"


def test_status_command(capsys):
    code, out, _ = run(capsys, "status", "CLIENTHOLD")
    assert code == 0
    assert out.startswith("clientHold  (注册商设置暂停解析)\n  Set by:      registrar\n")
    assert "What to do:" in out and "1-2 working days" in out
    code, out, err = run(capsys, "status", "clientHld", "serverHold")
    assert code == 2 and "Did you mean clientHold?" in err and out.startswith("serverHold")
    code, _, err = run(capsys, "status", "banana")
    assert code == 2 and "unknown domain status 'banana'" in err
    assert set(suggest("transferprohibited")[:2]) == {"clientTransferProhibited", "serverTransferProhibited"}
    code, out, _ = run(capsys, "status")
    assert code == 0 and len([line for line in out.splitlines() if line.strip()]) == len(SECTION_5) + 1
    code, out, _ = run(capsys, "status", "redemptionPeriod", "--format", "json")
    [item] = json.loads(out)
    assert item["code"] == "redemptionPeriod" and item["title_zh"] == "赎回期"
