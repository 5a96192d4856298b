"""render/ owns every output format; check and scan offer the same --format choices and agree on each."""

import csv
import io
import json
from typing import Any

import pytest

from fixtures.formats import encode, textured
from idcheck.cli import main
from idcheck.render.records import CSV_COLUMNS, FORMATS, RecordStream


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("formats")
    pic = textured(900, 1200, seed=3)
    (folder / "a.jpg").write_bytes(encode(pic, "jpeg"))
    (folder / "b.png").write_bytes(encode(pic, "png"))
    return folder


def _choices(command: str) -> tuple[str, ...]:
    from idcheck.cli import build_parser

    parser = build_parser()
    sub: Any = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    action = next(a for a in sub.choices[command]._actions if "--format" in a.option_strings)
    return tuple(action.choices or ())


def test_check_and_scan_offer_the_same_formats():
    assert _choices("check") == _choices("scan") == FORMATS


def _check(folder, fmt, capsys, *extra):
    main(["check", "--format", fmt, *extra, str(folder / "a.jpg"), str(folder / "b.png")])
    return capsys.readouterr().out


def _scan(folder, fmt, capsys, *extra):
    assert main(["scan", "--format", fmt, "--jobs", "1", "--no-progress", *extra, str(folder)]) == 0
    return capsys.readouterr().out


def test_every_format_from_check_and_scan(folder, capsys, tmp_path):
    jsonl = [json.loads(line) for line in _check(folder, "jsonl", capsys).splitlines()]
    assert [r["path"].rsplit("/", 1)[-1] for r in jsonl] == ["a.jpg", "b.png"]
    verdicts = {r["path"].rsplit("/", 1)[-1]: r["verdict"] for r in jsonl}

    assert [r["verdict"] for r in json.loads(_check(folder, "json", capsys))] == list(verdicts.values())
    scanned = json.loads(_scan(folder, "json", capsys))  # scan's JSON is one array too
    assert {r["path"].rsplit("/", 1)[-1]: r["verdict"] for r in scanned} == verdicts

    for rows in (_check(folder, "csv", capsys), _scan(folder, "csv", capsys)):
        table = list(csv.reader(io.StringIO(rows)))
        assert tuple(table[0]) == CSV_COLUMNS
        assert {r[0].rsplit("/", 1)[-1]: r[1] for r in table[1:]} == verdicts

    for text in (_check(folder, "text", capsys), _scan(folder, "text", capsys)):
        assert "a.jpg" in text and "b.png" in text and verdicts["a.jpg"].upper() in text

    page = _check(folder, "html", capsys)
    assert page.startswith("<!doctype html>") and "a.jpg" in page and "b.png" in page
    out = tmp_path / "check.html"
    _check(folder, "html", capsys, "--out", str(out))
    assert "b.png" in out.read_text(encoding="utf-8")
    out = tmp_path / "scan.html"
    _scan(folder, "html", capsys, "--out", str(out))
    assert "b.png" in out.read_text(encoding="utf-8") and not (tmp_path / "scan.html.partial").exists()


def test_check_out_never_overwrites_an_input(folder, capsys):
    assert main(["check", "--format", "jsonl", "--out", str(folder / "a.jpg"), str(folder / "a.jpg")]) == 2
    assert "--out" in capsys.readouterr().err


def test_scan_html_and_report_together_is_a_usage_error(folder, capsys, tmp_path):
    code = main(["scan", "--format", "html", "--report", str(tmp_path / "r.html"), str(folder)])
    assert code == 2


def test_record_stream_json_is_what_json_dumps_writes():
    records = [{"a": 1, "b": [1, 2], "c": "ü"}, {"d": None}]
    fh = io.StringIO()
    stream = RecordStream(fh, "json")
    for r in records:
        stream.write(json.dumps(r))
    stream.close()
    assert fh.getvalue() == json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    with pytest.raises(ValueError):
        RecordStream(io.StringIO(), "html")


def test_csv_lists_failed_skipped_partly_judged_and_not_applicable_checks(folder, capsys):
    """issue 21: the CSV carries the check list, names in columns a spreadsheet filters on; the first ten columns
    are unchanged (a new column is only added at the end)."""
    assert CSV_COLUMNS[:10] == ("path", "verdict", "errors", "warnings", "codes", "format", "bytes", "width",
                                "height", "total_ms")
    for lang in ("en", "zh"):
        table = list(csv.DictReader(io.StringIO(_scan(folder, "csv", capsys, "--lang", lang))))
        jsonl = {r["path"]: r for r in map(json.loads, _scan(folder, "jsonl", capsys).splitlines())}
        assert len(table) == 2
        for row in table:
            record = jsonl[row["path"]]
            status = {c["name"]: (c["status"], c.get("applicable", True)) for c in record["checks"]}
            assert row["checks_failed"] == ";".join(n for n, s in status.items() if s[0] == "failed")
            skipped = row["checks_skipped"].split(";")
            assert "ocr" in skipped and "seal" not in skipped and "profile" not in skipped
            not_applicable = {n for n, s in status.items() if s[1] is False}
            assert set(row["checks_not_applicable"].split(";")) == not_applicable >= {"seal", "profile"}
            assert ("ocr: not asked" if lang == "en" else "ocr: 未要求") in row["checks_why"]
            assert ("seal: not applicable" if lang == "en" else "seal: 不适用") in row["checks_why"]
