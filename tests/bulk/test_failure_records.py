"""A file whose check did not finish still lists every check, none of them passed, each saying why."""

import json

from idcheck.bulk.worker import ScanOptions, failure_record, timeout_record
from idcheck.pipeline import CHECKS


def _checks(line: str) -> dict[str, dict]:
    return {c["name"]: c for c in json.loads(line)["checks"]}


def test_a_timed_out_file_lists_every_check_as_not_run():
    checks = _checks(timeout_record("a.jpg", 60))
    assert {c.name for c in CHECKS} <= set(checks)
    assert all(c["status"] != "passed" for c in checks.values())
    assert checks["glare"]["status"] == "skipped"
    assert checks["glare"]["reason"] == "the file's time limit passed and its check was stopped"
    assert checks["ocr"]["reason"].startswith("not asked")  # OCR was not asked for in this scan


def test_a_crashed_file_says_so_in_the_scans_language_and_knows_what_was_asked():
    options = ScanOptions(ocr=True, lang="zh")
    checks = _checks(failure_record("a.jpg", "file.checker_crashed", options=options, reason="signal 11"))
    assert all(c["status"] != "passed" for c in checks.values())
    assert checks["blur"]["reason_zh"] == "检查程序在此文件上崩溃"
    assert checks["ocr"]["reason_zh"] == "检查程序在此文件上崩溃"  # asked for, and stopped like the rest
    finding = json.loads(failure_record("a.jpg", "file.checker_crashed", options=options, reason="x"))["findings"][0]
    assert finding["message"] == finding["message_zh"]  # the message itself is in the scan's language
