"""image.not_judged for the outline checks: one wording (idcheck.image.checks.not_judged), settled at the end."""

from __future__ import annotations

from idcheck import codes
from idcheck.image.checks import not_judged
from idcheck.report import Measure

ALL = ["document.corner_missing", "document.occluded", "image.glare", "document.watermark", "image.screen_recapture"]


def _doubtful(names=ALL):
    return not_judged.finding(names, reason="the outline is uncertain", reason_zh="轮廓不确定",
                              measured=Measure(0.3, "outline confidence"), details={"confidence": 0.3})


def test_the_message_names_the_checks_in_one_order_in_both_languages():
    f = _doubtful(list(reversed(ALL)))
    assert f.details["codes"] == ALL
    assert f.details["confidence"] == 0.3
    en, zh = f.render(lang="en"), f.render(lang="zh")
    assert ("the corners, anything covering the document, glare over its print (only a clear reflection was looked "
            "for), watermarks and whether it is shown on a screen") in en
    assert "四角是否完整、是否有遮挡、印刷内容上的反光（仅查找了明显的反光）、水印以及是否翻拍屏幕" in zh
    one = not_judged.finding(["document.watermark"], "r", "r", severity="info")
    assert one.severity == "info" and "judge watermarks on" in one.render()
    assert "的水印（" in one.render(lang="zh")


def test_a_check_that_found_its_defect_is_taken_out_of_the_list():
    found = codes.finding("document.watermark", measured=Measure(0.3, ""), threshold=Measure(0.2, "", "<"))
    settled = not_judged.settle([_doubtful(), found])
    assert settled[1] is found
    nj = settled[0]
    assert nj.details["codes"] == [c for c in ALL if c != "document.watermark"]
    assert nj.details["confidence"] == 0.3  # the rest of the finding is kept
    assert "watermark" not in nj.render() and "水印" not in nj.render(lang="zh")
    assert "the corners, anything covering the document, glare" in nj.render()


def test_nothing_left_to_say_drops_the_finding():
    glare = codes.finding("image.glare", measured=Measure(1.0, "%"), threshold=Measure(0.5, "%", "<"))
    assert not_judged.settle([_doubtful(["image.glare"]), glare]) == [glare]


def test_other_not_judged_findings_and_unfound_codes_are_left_alone():
    sharpness = codes.finding("image.not_judged", what="sharpness", what_zh="清晰度", reason="r", reason_zh="r",
                              details={"code": "image.blurry"})
    seal = codes.finding("image.not_judged", what="w", what_zh="w", reason="r", reason_zh="r",
                         details={"codes": ["document.seal_missing"]})
    blurry = codes.finding("image.blurry", measured=Measure(9.0, "px"), threshold=Measure(5.0, "px", "<="))
    doubtful = _doubtful()
    findings = [doubtful, sharpness, seal, blurry]
    assert not_judged.settle(findings) == findings
    assert not_judged.settle(findings)[0] is doubtful
