"""``idcheck check-profile``: output formats, masking and exit codes."""

import io
import json

import pytest

from idcheck.cli import main

from .conftest import MAINLAND_ORG, MAINLAND_PERSON, make


def write(tmp_path, data, name="p.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_passing_profile_text(tmp_path, capsys):
    assert main(["check-profile", write(tmp_path, MAINLAND_PERSON)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("PASS") and "no findings" in out


def test_warning_profile_exits_0_and_failing_exits_1(tmp_path, capsys):
    assert main(["check-profile", write(tmp_path, make(email="test@test.club"))]) == 0
    assert "profile.email_new_gtld" in capsys.readouterr().out
    assert main(["check-profile", write(tmp_path, make(phone__country_code="0571"))]) == 1
    out = capsys.readouterr().out
    assert out.startswith("FAIL") and "phone.country_code" in out and "profile.phone_area_code_in_country_code" in out
    assert "1 error" in out


def test_json_output_masks_by_default_and_reveals_on_request(tmp_path, capsys):
    path = write(tmp_path, make(name_en="li si"))
    assert main(["check-profile", path, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["kind"] == "profile" and data["verdict"] == "warn" and data["path"] == path
    assert data["findings"][0]["code"] == "profile.name_en_pinyin_mismatch"
    assert "张三" not in json.dumps(data, ensure_ascii=False)
    assert main(["check-profile", path, "--format", "json", "--reveal"]) == 0
    assert "张三" in capsys.readouterr().out


def test_text_output_masks_by_default(tmp_path, capsys):
    path = write(tmp_path, make(MAINLAND_ORG, document_number="91110000600037341K"))
    assert main(["check-profile", path]) == 1
    out = capsys.readouterr().out
    assert "91110000600037341K" not in out and "9111**********341K" in out
    assert main(["check-profile", path, "--reveal"]) == 1
    assert "91110000600037341K" in capsys.readouterr().out


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '"a string"', "", "null"])
def test_invalid_json_is_a_usage_error(tmp_path, capsys, content):
    assert_exit(["check-profile", write(tmp_path, content)], 2)
    err = capsys.readouterr().err
    assert "cannot use profile" in err


def test_missing_and_binary_files_are_usage_errors(tmp_path, capsys):
    assert_exit(["check-profile", str(tmp_path / "nope.json")], 2)
    assert "cannot read profile" in capsys.readouterr().err
    binary = tmp_path / "b.json"
    binary.write_bytes(b"\xff\xd8\xff\xe0garbage")
    assert_exit(["check-profile", str(binary)], 2)
    assert "not UTF-8" in capsys.readouterr().err
    assert_exit(["check-profile", str(tmp_path)], 2)  # a directory


def test_junk_content_is_findings_not_a_crash(tmp_path, capsys):
    path = write(tmp_path, {"registrant_type": 5, "region": [], "phone": "x", "name_zh": {"a": 1}, "extra": None})
    assert main(["check-profile", path, "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert {"profile.invalid_value", "profile.missing_field", "profile.unknown_field"} <= {
        f["code"] for f in data["findings"]
    }


def test_stdin(monkeypatch, capsys):
    class Stdin:
        buffer = io.BytesIO(json.dumps(MAINLAND_PERSON).encode())

    monkeypatch.setattr("sys.stdin", Stdin)
    assert main(["check-profile", "-", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["path"] is None


def test_bad_arguments_exit_2(capsys):
    assert_exit(["check-profile"], 2)
    assert_exit(["check-profile", "p.json", "--format", "xml"], 2)


def assert_exit(argv, status):
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    assert code == status
