"""Config files (idcheck.toml, [tool.idcheck], Config.load) and CLI polish: check -, a missing path is a
usage error, check --kind, explain --format json, scan --fail-on."""

import io
import json
import sys

import pytest

import idcheck
from fixtures.formats import encode, textured
from idcheck.cli import main
from idcheck.configfile import load_file
from idcheck.errors import UsageError


@pytest.fixture(scope="module")
def jpeg():
    return encode(textured(900, 1200, seed=3), "jpeg", quality=90)


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


SMALL_BOMB = 'channel = "api"\nread_documents = false\n[intake]\nmax_pixels = 1000\n[ocr]\nengines = ["tesseract"]\n'


def test_config_load_from_toml_and_pyproject(tmp_path):
    plain = tmp_path / "idcheck.toml"
    plain.write_text(SMALL_BOMB)
    config = idcheck.Config.load(plain)
    assert config.intake.max_pixels == 1000 and config.ocr.engines == ("tesseract",)
    assert config.blur == idcheck.Config().blur  # untouched sections keep their defaults
    settings = load_file(plain)
    assert settings.channel == "api" and settings.read_documents is False
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "x"\n\n[tool.idcheck]\nchannel = "console"\n\n[tool.idcheck.intake]\n'
                         "max_pixels = 2000\n")
    assert idcheck.Config.load(pyproject).intake.max_pixels == 2000
    assert load_file(pyproject).channel == "console"


@pytest.mark.parametrize("text, words", [
    ("[intake]\nmax_pixel = 5\n", "unknown settings in [intake]"),
    ("[intakes]\nmax_pixels = 5\n", "unknown config section"),
    ("[intake]\nmax_pixels = \"lots\"\n", "[intake] max_pixels must be like"),
    ("[intake]\nmax_pixels = 5.5\n", "[intake] max_pixels must be like"),
    ("[blur]\nmax_edge_blur = true\n", "[blur] max_edge_blur must be like"),
    ('channel = "fax"\n', "channel must be one of"),
    ("read_documents = 1\n", "read_documents must be a bool"),
    ("colour = 1\n", "unknown option 'colour'"),
    ("[intake\n", "not valid TOML"),
])
def test_bad_config_files_are_usage_errors(tmp_path, text, words):
    path = tmp_path / "idcheck.toml"
    path.write_text(text)
    with pytest.raises(UsageError, match="idcheck.toml") as info:
        idcheck.Config.load(path)
    assert words in str(info.value)


def test_pyproject_without_table_and_missing_file(tmp_path):
    path = tmp_path / "pyproject.toml"
    path.write_text('[project]\nname = "x"\n')
    with pytest.raises(UsageError, match=r"no \[tool.idcheck\]"):
        idcheck.Config.load(path)
    with pytest.raises(UsageError, match="cannot read"):
        idcheck.Config.load(tmp_path / "none.toml")


def test_check_with_config_and_kind(capsys, tmp_path, jpeg):
    pic = tmp_path / "id.jpg"
    pic.write_bytes(jpeg)
    conf = tmp_path / "idcheck.toml"
    conf.write_text(SMALL_BOMB)
    code, out, _ = run(capsys, "check", str(pic), "--format", "json")
    (plain,) = json.loads(out)
    assert plain["extra"]["channel"] == "console" and "file.unreadable" not in [f["code"] for f in plain["findings"]]
    code, out, _ = run(capsys, "check", str(pic), "--format", "json", "--config", str(conf), "--kind", "id_card")
    (report,) = json.loads(out)
    assert code == 1 and report["extra"]["channel"] == "api" and report["extra"]["kind"] == "id_card"
    assert "file.unreadable" in [f["code"] for f in report["findings"]]  # max_pixels = 1000 from the file
    code, out, _ = run(capsys, "check", str(pic), "--format", "json", "--config", str(conf), "--channel", "console")
    assert json.loads(out)[0]["extra"]["channel"] == "console"  # the command line wins
    conf.write_text("[intake]\nmax_pixels = 'x'\n")
    with pytest.raises(SystemExit) as info:
        main(["check", str(pic), "--config", str(conf)])
    err = capsys.readouterr().err
    assert info.value.code == 2 and "max_pixels must be like" in err and err.count("idcheck.toml") == 1


def test_check_reads_stdin(capsys, monkeypatch, jpeg):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(jpeg)))
    code, out, _ = run(capsys, "check", "-", "--format", "json")
    (report,) = json.loads(out)
    assert report["path"] == "-" and report["file"]["bytes"] == len(jpeg) and report["file"]["format"] == "jpeg"
    assert code in (0, 1)
    code, _, err = run(capsys, "check", "-", "-")
    assert code == 2 and "once" in err


def test_missing_path_is_a_usage_error(capsys, tmp_path, jpeg):
    pic = tmp_path / "id.jpg"
    pic.write_bytes(jpeg)
    code, out, err = run(capsys, "check", str(pic), str(tmp_path / "gone.jpg"))
    assert code == 2 and "no such file" in err and "gone.jpg" in err and out == ""  # nothing checked


def test_explain_json(capsys):
    code, out, _ = run(capsys, "explain", "file.extension_mismatch", "--format", "json")
    item = json.loads(out)
    assert code == 0 and item["code"] == "file.extension_mismatch" and item["severity"] == "error"
    assert item["meaning"] and item["fix"] and item["message_zh"]
    code, out, _ = run(capsys, "explain", "--format", "json")
    items = json.loads(out)
    assert len(items) == len(idcheck.codes.catalogue()) and [i["code"] for i in items] == sorted(
        i["code"] for i in items
    )
    code, _, err = run(capsys, "explain", "no.such_code", "--format", "json")
    assert code == 2 and "unknown code" in err


def test_scan_fail_on(capsys, tmp_path, jpeg):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ok.jpg").write_bytes(jpeg)
    out = tmp_path / "r.jsonl"
    assert main(["scan", str(folder), "--out", str(out), "--jobs", "1", "--no-progress"]) == 0
    verdicts = {json.loads(line)["verdict"] for line in out.read_text().splitlines()}
    assert verdicts <= {"pass", "warn"}
    expected_warning = 1 if "warn" in verdicts else 0
    assert main(["scan", str(folder), "--out", str(out), "--jobs", "1", "--no-progress", "--fail-on", "error"]) == 0
    assert main(["scan", str(folder), "--out", str(out), "--jobs", "1", "--no-progress",
                 "--fail-on", "warning"]) == expected_warning
    (folder / "empty.jpg").write_bytes(b"")
    assert main(["scan", str(folder), "--out", str(out), "--jobs", "1", "--no-progress", "--fail-on", "error"]) == 1
    assert main(["scan", str(folder), "--out", str(out), "--jobs", "1", "--no-progress"]) == 0
    capsys.readouterr()
