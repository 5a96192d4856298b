"""What ran (issue 21 item 7): every check of an image report with passed / failed / skipped (why)."""

from idcheck import codes, schema
from idcheck.checkrun import build, skipped_line
from idcheck.pipeline import CHECKS as REGISTRY
from idcheck.report import Measure, Report


def _report(findings=(), ran=None, stages=("read", "sniff", "file", "decode", "checks"), name="a.jpg"):
    r = Report(kind="image", path=name, file={"bytes": 100_000, "name": name})
    r.findings = list(findings)
    for s in stages:
        r.timings[s] = 1.0
    for c in REGISTRY if ran is None else [c for c in REGISTRY if c.name in ran]:
        r.timings[f"check.{c.name}"] = 1.0
    return r


def _by_name(report, **kw):
    kw.setdefault("ocr_asked", False)
    kw.setdefault("profile_given", False)
    report.checks = build(report, REGISTRY, **kw)
    return {c.name: c for c in report.checks}


def test_every_check_is_listed_with_its_codes_and_a_clean_picture_passes_them_all():
    runs = _by_name(_report())
    names = list(runs)
    assert names[:5] == ["file.read", "file.type", "file.extension", "file.size", "decode"]
    assert names[5:-2] == [c.name for c in REGISTRY] and names[-2:] == ["ocr", "profile"]
    for c in REGISTRY:
        assert runs[c.name].status == "passed" and runs[c.name].ran and set(runs[c.name].codes) == set(c.codes)
    assert runs["ocr"].status == "skipped" and "not asked" in runs["ocr"].reason
    assert runs["profile"].status == "skipped"


def test_a_blur_check_that_skipped_itself_is_skipped_with_its_reason_not_passed():
    nj = codes.finding("image.not_judged", what="sharpness", what_zh="清晰度", reason="only 3 high-contrast edges",
                       reason_zh="高对比度边缘仅 3 个", details={"code": "image.blurry"})
    r = _report([nj])
    runs = _by_name(r)
    assert runs["blur"].status == "skipped" and runs["blur"].ran
    assert "only 3 high-contrast edges" in runs["blur"].reason and "3" in runs["blur"].reason_zh
    assert "blur" in skipped_line(r.checks) and "sharp" not in (skipped_line(r.checks, "zh") or "x")
    assert schema.errors(r.to_dict()) == []


def test_a_doubtful_outline_skips_the_checks_it_names_and_marks_the_others_partly_judged():
    nj = codes.finding("image.not_judged", what="corners", what_zh="四角", reason="outline uncertain",
                       reason_zh="轮廓不确定",
                       details={"codes": ["document.corner_missing", "document.occluded", "image.glare",
                                          "document.watermark", "image.screen_recapture"]})
    runs = _by_name(_report([nj]))
    for name in ("occlusion", "glare", "watermark"):
        assert runs[name].status == "skipped", name
    assert runs["document"].status == "passed" and runs["document"].not_judged == ["document.corner_missing"]
    assert runs["screen"].status == "passed" and runs["screen"].not_judged == ["image.screen_recapture"]


def test_a_warning_fails_its_check_and_a_crash_fails_with_the_error():
    blurry = codes.finding("image.blurry", severity="warning", measured=Measure(3.0, "px"))
    crash = codes.finding("internal.check_failed", severity="error", check="glare", error="ValueError: boom",
                          details={"check": "glare", "error": "ValueError"})
    info = codes.finding("tamper.evidence", severity="info", what="x", where="y")
    runs = _by_name(_report([blurry, crash, info]))
    assert runs["blur"].status == "failed" and runs["blur"].emitted == ["image.blurry"]
    assert runs["glare"].status == "failed" and "boom" in runs["glare"].reason
    assert runs["tamper.metadata"].status == "passed"  # an info finding does not fail a check


def test_checks_after_a_stop_are_skipped_with_the_stop_as_reason():
    timeout = codes.finding("file.timeout", limit="1 s", details={"stopped_before": "check.glare"})
    runs = _by_name(_report([timeout], ran=("document", "resolution", "blur")), ocr_asked=True)
    assert runs["blur"].status == "passed" and runs["glare"].status == "skipped"
    assert "deadline" in runs["glare"].reason and "deadline" in runs["ocr"].reason
    bad = codes.finding("file.unsupported_type", detected="PDF", allowed="JPEG")
    r = _report([bad], ran=(), stages=("read", "sniff"))
    runs = _by_name(r)
    assert runs["file.type"].status == "failed"
    assert all(runs[c.name].status == "skipped" and "format" in runs[c.name].reason for c in REGISTRY)
    line = skipped_line(r.checks)
    assert line.count("(not a picture format") == 1  # grouped by reason: one compact line
    assert schema.errors(r.to_dict()) == []


def test_no_file_name_skips_the_extension_check_and_the_line_says_so():
    r = _report(name=None)
    runs = _by_name(r)
    assert runs["file.extension"].status == "skipped" and "filename=" in runs["file.extension"].reason
    assert "file.extension" in skipped_line(r.checks)


def test_codes_are_owned_by_one_check_each_except_not_judged():
    seen: dict[str, str] = {}
    for c in REGISTRY:
        for code in c.codes:
            if code != "image.not_judged":
                assert code not in seen, f"{code} is emitted by {seen[code]} and {c.name}: checkrun cannot tell"
                seen[code] = c.name


def test_a_check_that_does_not_apply_is_skipped_not_passed_and_said_apart():
    """issue 20/21: the seal check on an ID card is not "passed"; the profile check without a profile neither."""
    from idcheck.checkrun import attach
    from idcheck.image.checks.seal import NOT_A_LICENCE

    r = _report()
    r.extra["not_applicable"] = {"seal": NOT_A_LICENCE}
    attach(r, ocr_asked=False, profile_given=False)
    runs = {c.name: c for c in r.checks}
    seal, profile = runs["seal"], runs["profile"]
    for run in (seal, profile):
        assert (run.status, run.ran, run.applicable) == ("skipped", False, False), run
        assert run.reason.startswith("not applicable: ") and run.reason_zh.startswith("不适用：")
    assert "licences and certificates" in seal.reason
    assert all(runs[c.name].applicable for c in REGISTRY if c.name != "seal")
    line = skipped_line(r.checks)
    assert line == "not run: ocr (not asked: no profile, and no --ocr or ocr=True)"  # no gap in the checking
    assert "not_applicable" not in r.extra  # said in the check list, not twice
    d = r.to_dict()
    assert schema.errors(d) == []
    assert {c["name"]: c.get("applicable") for c in d["checks"]}["seal"] is False
    assert "applicable" not in {c["name"]: c for c in d["checks"]}["blur"]  # only where false


def test_a_seal_judged_after_all_in_the_ocr_stage_is_passed_or_failed():
    from idcheck.image.checks.seal import NOT_A_LICENCE

    missing = codes.finding("document.seal_missing", measured=Measure(10.0, "% of a red ring"), because="x",
                            because_zh="x")
    r = _report([missing])
    r.extra["not_applicable"] = {"seal": NOT_A_LICENCE}
    assert _by_name(r)["seal"].status == "failed" and _by_name(r)["seal"].applicable
    r = _report()
    r.extra.update({"not_applicable": {"seal": NOT_A_LICENCE}, "ocr": {"seal": {"judged": True, "found": True}}})
    assert _by_name(r)["seal"].status == "passed"


def test_the_schema_holds_a_not_applicable_check_to_skipped():
    r = _report()
    r.extra["not_applicable"] = {"seal": ("x", "x")}
    r.checks = build(r, REGISTRY, ocr_asked=False, profile_given=False)
    d = r.to_dict()
    seal = next(c for c in d["checks"] if c["name"] == "seal")
    seal["status"], seal["ran"] = "passed", True
    assert any("checks/" in p for p in schema.errors(d))


def test_ocr_without_a_profile_says_its_comparisons_did_not_apply():
    r = _report(stages=("read", "sniff", "file", "decode", "checks", "ocr"))
    ocr = _by_name(r, ocr_asked=True)["ocr"]
    assert ocr.status == "passed" and ocr.reason.startswith("read only") and ocr.reason_zh.startswith("仅识别")
    assert "ocr" not in (skipped_line(r.checks) or "")  # it ran: no gap in the checking
    with_profile = _by_name(_report(stages=("read", "sniff", "file", "decode", "checks", "ocr", "profile")),
                            ocr_asked=True, profile_given=True)
    assert with_profile["ocr"].reason is None and with_profile["profile"].applicable
