"""benchmarks.mrz --compare-json: another reader's readings scored by the same scorer as idcheck's (no OCR run)."""

import json

from benchmarks import mrz

TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
TD1 = ["I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]
TD2 = ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"]


def _truth(tmp_path):
    rows = [
        {"file": "right.png", "mrz": TD3, "valid_as_printed": True},
        {"file": "wrong_number.png", "mrz": TD1, "valid_as_printed": True},
        {"file": "name.png", "mrz": TD2, "valid_as_printed": True},
        {"file": "unread.png", "mrz": TD3, "valid_as_printed": True},
        {"file": "bad_print.png", "mrz": TD2, "valid_as_printed": False},
    ]
    (tmp_path / "truth.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return rows


def _readings():
    return {"tool": "Other 1.0", "rows": [
        {"file": "right.png", "lines": TD3, "valid": True, "ms": 100.0},
        # the number misread (D23145890 -> D23145B90) yet claimed valid: the count that must stay 0 for idcheck
        {"file": "wrong_number.png", "lines": [TD1[0].replace("5890", "5B90"), TD1[1], TD1[2]], "valid": True,
         "ms": 300.0},
        # the names line differs (no check digit there): number exact, not whole
        {"file": "name.png", "lines": [TD2[0].replace("MARIA", "MARlA"), TD2[1]], "valid": True, "ms": 200.0},
        # unread.png: no row, a reading of nothing
        {"file": "bad_print.png", "lines": [TD2[0], TD2[1].replace("<<6", "<<1")], "valid": True},
    ]}


def test_score_readings_counts(tmp_path):
    truth = _truth(tmp_path)
    rows = mrz.score_readings(truth, {r["file"]: r for r in _readings()["rows"]})
    by = {r["file"]: r for r in rows}
    assert by["right.png"]["number_exact"] and by["right.png"]["whole_exact"] and not by["right.png"]["wrong_but_valid"]
    assert by["wrong_number.png"]["wrong_but_valid"] and not by["wrong_number.png"]["number_exact"]
    assert by["name.png"]["number_exact"] and not by["name.png"]["whole_exact"]
    assert not by["name.png"]["wrong_but_valid"] and not by["name.png"]["valid_other_line_wrong"]
    assert by["unread.png"]["missing"] and by["unread.png"]["read"] == [] and not by["unread.png"]["valid"]
    assert by["bad_print.png"]["valid_other_line_wrong"]  # the number right, the line with check digits not
    table = mrz.tabulate(rows)
    good = table["all printed-valid"]
    assert (good["n"], good["number_exact"], good["whole_exact"], good["valid"], good["wrong_but_valid"]) == (
        4, 2, 1, 3, 1)
    assert table["  TD3"]["n"] == 2 and table["  TD3"]["whole_exact"] == 1
    assert table["  TD1"]["wrong_but_valid"] == 1 and table["  TD2"]["number_exact"] == 1
    assert table["printed with wrong check digits"]["valid_other_line_wrong"] == 1


def test_only_compare_cli_does_not_run_idcheck(tmp_path, monkeypatch, capsys):
    _truth(tmp_path)
    readings = tmp_path / "other.json"
    readings.write_text(json.dumps(_readings()), encoding="utf-8")

    def no_idcheck(*a, **k):
        raise AssertionError("--only-compare ran idcheck")

    monkeypatch.setattr(mrz, "run_idcheck", no_idcheck)
    out = tmp_path / "scored.json"
    assert mrz.main(["--dir", str(tmp_path), "--only-compare", "--compare-json", str(readings),
                     "--compare-name", "Other", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Other" in printed and "1 without a reading" in printed
    result = json.loads(out.read_text(encoding="utf-8"))
    assert "summary" not in result  # idcheck's own table absent
    assert result["compare"]["summary"]["all printed-valid"]["number_exact"] == 2
    assert result["compare"]["timing"]["median_ms"] == 200.0


def test_json_lines_readings(tmp_path):
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in _readings()["rows"]), encoding="utf-8")
    tool, readings = mrz.load_readings(path)
    assert tool is None and set(readings) == {"right.png", "wrong_number.png", "name.png", "bad_print.png"}
