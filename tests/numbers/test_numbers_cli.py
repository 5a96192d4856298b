"""``idcheck number``."""

from __future__ import annotations

import io
import json

import pytest

from idcheck.cli import main

RIC = "11010519491231002X"
TD3 = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
       "L898902C36UTO7408122F1204159ZE184226B<<<<<10")


def run_json(capsys, *argv):
    code = main(["number", *argv, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_valid_text_is_masked(capsys):
    assert main(["number", RIC]) == 0
    out = capsys.readouterr().out
    assert "ric (Resident Identity Card number)" in out and "valid:    yes" in out
    assert RIC not in out and "19491231" not in out and "1949-12-31" not in out
    assert "1101**********002X" in out


def test_reveal(capsys):
    code, data = run_json(capsys, RIC.lower(), "--reveal")
    assert code == 0
    assert data["value"] == RIC and data["parts"]["birth_date"] == "1949-12-31"
    assert data["changes"] == ["lowercase"]
    assert any("exactly as printed" in note for note in data["notes"])


def test_invalid_json(capsys):
    code, data = run_json(capsys, "110101199003077578")
    assert code == 1
    assert data["type"] == "ric" and data["valid"] is False and data["parts"] is None
    assert data["problem"]["code"] == "invalid_checksum" and data["problem"]["position"] == 18
    assert data["problem"]["expected"] == "1"
    assert data["also"] == ["uscc"]
    assert "110101199003077578" not in json.dumps(data)


def test_invalid_date_hides_the_date(capsys):
    code, data = run_json(capsys, "110105194902300020")
    assert code == 1 and data["problem"]["code"] == "invalid_date" and data["problem"]["found"] is None
    code, data = run_json(capsys, "110105194902300020", "--reveal")
    assert data["problem"]["found"] == "19490230"


def test_given_type_and_alias(capsys):
    code, data = run_json(capsys, "810000199001010019", "--type", "SFZ")
    assert code == 1 and data["type"] == "ric"
    assert data["problem"]["other_format"] == "rp"
    code, data = run_json(capsys, "810000199001010019", "--type", "rp")
    assert code == 0 and data["parts"]["region"] == "hk"


def test_pilot_era_warning(capsys):
    code, data = run_json(capsys, "91350203M0001QAY9B")
    assert code == 1 and data["parts"]["pilot_era_exception"] is True
    assert any("pilot-era" in note for note in data["notes"])


def test_unknown_category_note(capsys):
    code, data = run_json(capsys, _uscc_with_prefix("33"))  # 33: in neither prefix list
    assert code == 0 and any("unknown authority/category" in note for note in data["notes"])


def _uscc_with_prefix(prefix):
    from idcheck.numbers import uscc

    first17 = prefix + "110000" + "60003734" + uscc.calc_org_check_digit("60003734")
    return first17 + uscc.calc_check_digit(first17)


def test_unrecognised(capsys):
    code, data = run_json(capsys, "hello world")
    assert code == 1 and data["type"] is None and data["problem"]["code"] == "unrecognised"
    assert main(["number", ""]) == 1
    assert "type:     unknown" in capsys.readouterr().out


def test_mrz_from_stdin(capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(TD3 + "\n"))
    assert main(["number", "-"]) == 0
    out = capsys.readouterr().out
    assert "mrz" in out and "ERIKSSON" not in out and "E******N" in out
    monkeypatch.setattr("sys.stdin", io.StringIO(TD3))
    code, data = run_json(capsys, "-", "--reveal")
    assert code == 0 and data["parts"]["surname"] == "ERIKSSON" and data["value"] == TD3


def test_usage_errors(capsys):
    with pytest.raises(SystemExit) as info:
        main(["number", RIC, "--type", "nope"])
    assert info.value.code == 2
    assert "unknown number format" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["number"])
    assert info.value.code == 2
