"""What ran: every check of an image report with its status (issue 21 item 7).

A clean-looking report must not hide a check that did not run (a motion-blurred photo once passed because
the blur check skipped itself).  :func:`attach` reads a finished image report - its timings (one
``check.<name>`` entry per image check that ran, one per stage), its findings and their owners - and
lists every check::

    {"name": "blur", "ran": true, "status": "passed" | "failed" | "skipped",
     "codes": [...],            # the codes the check can emit
     "emitted": [...],          # the codes it emitted in this report
     "reason": str | null,      # why it was skipped (or only partly judged, or crashed)
     "reason_zh": str | null,
     "not_judged": [...],       # codes it could not judge although it ran (image.not_judged), if any
     "applicable": false}       # only on a check that does not apply to this document, if any

A check **passed** if it ran and emitted nothing at warning or error; **failed** if it emitted a warning or
an error (a crash is ``internal.check_failed``: failed); **skipped** when it did not run (no picture, no
document asked, no OCR asked, the deadline, a format it does not apply to) or when ``image.not_judged``
says it could not judge anything it looks for.  ``image.not_judged`` itself marks the checks it names, it
is not a failure of the check that says it.

**Not applicable** is a skipped check that has nothing to judge on this document, so it is neither a pass
nor something to worry about: the seal check on anything but a licence or certificate, the profile check
without a profile.  It is ``status: "skipped"`` (it did not run: a reader of schema 1 that knows three
statuses stays right) with ``ran: false``, ``applicable: false`` and a reason starting "not applicable:".
The text output does not list it among the checks that did not run; the HTML page and CSV show it apart.
An image check says it does not apply by setting ``ctx.extra["not_applicable"][its name] = (reason,
reason_zh)`` and returning; :func:`attach` takes that key out of ``report.extra`` again.  A check whose
judgement the OCR stage made after all (``report.extra["ocr"][name]["judged"]``, the seal of a licence the
profile or the reading named) is judged by its findings as usual.

Nothing here changes how checks run: it needs only the registry's check list and the report, so the
runner keeps no bookkeeping of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .pipeline import CHECKS
from .report import Finding, Report

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
STATUSES = (PASSED, FAILED, SKIPPED)
NOT_JUDGED = "image.not_judged"
CRASHED = "internal.check_failed"
NOT_APPLICABLE = "not_applicable"  # the key of ctx.extra / report.extra where image checks say they do not apply

R = tuple[str, str]  # (English, Chinese)


@dataclass
class CheckRun:
    name: str
    codes: tuple[str, ...]
    ran: bool = False
    status: str = SKIPPED
    emitted: list[str] = field(default_factory=list)
    reason: str | None = None
    reason_zh: str | None = None
    not_judged: list[str] = field(default_factory=list)
    applicable: bool = True

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "ran": self.ran, "status": self.status, "codes": list(self.codes),
                               "emitted": list(self.emitted), "reason": self.reason, "reason_zh": self.reason_zh}
        if self.not_judged:
            out["not_judged"] = list(self.not_judged)
        if not self.applicable:
            out["applicable"] = False
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CheckRun:
        """A check run from its :meth:`to_dict` record (what a scan's store and a report's JSON hold)."""
        return cls(d["name"], tuple(d.get("codes") or ()), bool(d.get("ran")), d.get("status", SKIPPED),
                   list(d.get("emitted") or ()), d.get("reason"), d.get("reason_zh"), list(d.get("not_judged") or ()),
                   d.get("applicable", True) is not False)

    def why(self, lang: str = "en") -> str | None:
        return (self.reason_zh or self.reason) if lang == "zh" else self.reason

    def not_applicable(self, reason: R) -> None:
        """Mark this check as not applicable to the document, for ``reason`` (English, Chinese)."""
        self.ran, self.status, self.applicable, self.not_judged = False, SKIPPED, False, []
        self.reason, self.reason_zh = f"not applicable: {reason[0]}", f"不适用：{reason[1]}"


# The stages around the image checks: name, codes, the timing key that says it ran.
_FILE_STAGES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("file.read", ("file.unreadable", "file.empty"), "read"),
    ("file.type", ("file.unsupported_type",), "sniff"),
    ("file.extension", ("file.extension_mismatch",), "file"),
    ("file.size", ("file.too_large", "file.too_small", "file.not_analysed"), "file"),
    ("decode", ("file.unreadable", "file.over_budget", "file.animated"), "decode"),
)
_OCR_FAMILIES = ("ocr.", "number.", "validity.")
_OCR_PROFILE_CODES = ("profile.name_mismatch", "profile.number_mismatch", "profile.document_type_mismatch")

NO_NAME: R = ("no file name to compare: bytes given without filename=", "上传内容没有文件名，无法核对扩展名")
NO_OCR: R = ("not asked: no profile, and no --ocr or ocr=True",
             "未要求：没有提供信息模板，也未要求识别证件文字")
NO_PROFILE: R = ("no profile given", "未提供信息模板")
READ_ONLY: R = ("read only: the name, number and document type are compared with a profile, and none was given",
                "仅识别：姓名、号码和证件类型需与信息模板核对，未提供信息模板")
NOT_DECODED: R = ("the picture was not decoded", "图片未能解码")
TOO_SMALL: R = ("the picture is too small to judge", "图片太小，无法判断")
NOT_REACHED: R = ("an earlier stage stopped the check of this file", "前一步已中止对此文件的检查")


# the checks' names for a Chinese reader (a check not listed keeps its name)
TITLES_ZH = {
    "file.read": "读取文件", "file.type": "文件格式", "file.extension": "扩展名", "file.size": "文件大小",
    "decode": "解码", "document": "证件轮廓", "resolution": "分辨率", "blur": "清晰度", "glare": "反光",
    "colour": "彩色", "occlusion": "遮挡", "watermark": "水印", "screen": "截图与翻拍", "seal": "红色印章",
    "tamper.metadata": "编辑软件痕迹", "tamper.local": "局部修改", "ocr": "证件文字识别", "profile": "信息模板",
}


def title(name: str, lang: str = "en") -> str:
    return TITLES_ZH.get(name, name) if lang == "zh" else name


def _reason_before(report: Report, stage_ran: bool) -> R:
    """Why a stage after the file checks did not run, from the findings that stopped it."""
    by_code = {f.code: f for f in report.findings}
    if "file.timeout" in by_code:
        where = by_code["file.timeout"].details.get("stopped_before", "")
        if not where:  # a scan's worker stopped at the file's time limit: nothing of its check is known
            return ("the file's time limit passed and its check was stopped", "超过该文件的时限，检查被终止")
        return (f"the deadline passed before it ran (stopped before {where})", "超过时限，未能运行")
    if "file.checker_crashed" in by_code:
        return ("the checker crashed on this file", "检查程序在此文件上崩溃")
    if "file.empty" in by_code or "file.unreadable" in by_code:
        return ("the file could not be read as a picture", "文件无法作为图片读取")
    if "file.unsupported_type" in by_code:
        return ("not a picture format idcheck decodes", "不是 idcheck 能解码的图片格式")
    if "file.not_analysed" in by_code:
        return ("the file is over the channel's size limit, so it was not analysed",
                "文件超过该渠道的大小上限，未做分析")
    if "file.over_budget" in by_code:
        return ("the picture is over the decoding budget", "图片超出解码限额")
    if any(f.code == "image.low_resolution" and f.details.get("too_small_to_judge") for f in report.findings):
        return TOO_SMALL
    if CRASHED in by_code:
        return ("an earlier stage crashed (internal.check_failed)", "前一步内部出错（internal.check_failed）")
    return NOT_REACHED


def _not_judged(findings: Iterable[Finding]) -> dict[str, R]:
    """code -> (reason, reason_zh) for every code an image.not_judged finding names."""
    out: dict[str, R] = {}
    for f in findings:
        if f.code != NOT_JUDGED:
            continue
        named = list(f.details.get("codes") or ([f.details["code"]] if f.details.get("code") else []))
        reason = str(f.params.get("reason", "") or "")
        reason_zh = str(f.params.get("reason_zh", "") or "") or None
        for code in named:
            out.setdefault(code, (f"not judged: {reason}" if reason else "not judged",
                                  f"未能判断：{reason_zh}" if reason_zh else "未能判断"))
    return out


def _judge(run: CheckRun, findings: Sequence[Finding], not_judged: dict[str, R]) -> None:
    """Status of a check that ran, from the findings it owns."""
    run.ran = True
    run.emitted = sorted({f.code for f in findings})
    crashed = [f for f in findings if f.code == CRASHED]
    bad = [f for f in findings if f.code not in (NOT_JUDGED, CRASHED) and f.severity in ("error", "warning")]
    own = [c for c in run.codes if c != NOT_JUDGED]
    covered = [c for c in own if c in not_judged]
    if crashed:
        run.status = FAILED
        err = crashed[0].params.get("error", "")
        run.reason, run.reason_zh = f"crashed: {err}".rstrip(": "), "内部出错，未完成检查"
    elif bad:
        run.status = FAILED
    elif own and len(covered) == len(own):
        run.status = SKIPPED
        run.reason, run.reason_zh = not_judged[own[0]]
    else:
        run.status = PASSED
    if covered and run.status != SKIPPED:
        run.not_judged = covered
        if run.reason is None:
            run.reason, run.reason_zh = not_judged[covered[0]]


def build(report: Report, registry: Sequence[Any], *, ocr_asked: bool, profile_given: bool) -> list[CheckRun]:
    """Every check of an image report, in the order they run (file stages, image checks, OCR, profile)."""
    timings = report.timings
    findings = list(report.findings)
    not_judged = _not_judged(findings)
    crashed_in = {f.details.get("check") for f in findings if f.code == CRASHED}
    declared = report.extra.get(NOT_APPLICABLE) or {}  # image checks that said they do not apply
    ocr_extra = report.extra.get("ocr")
    runs: list[CheckRun] = []

    owned: dict[str, str] = {}  # code -> image check (image.not_judged is shared: it is a skip signal)
    for check in registry:
        for code in check.codes:
            if code != NOT_JUDGED:
                owned.setdefault(code, check.name)

    for name, stage_codes, key in _FILE_STAGES:
        run = CheckRun(name, stage_codes)
        mine = [f for f in findings if f.code in stage_codes and _stage_of(f, name)]
        if key in timings or mine:
            _judge(run, mine, {})
            if name == "file.extension" and not (report.file or {}).get("name") and not mine:
                run.ran, run.status = False, SKIPPED
                run.reason, run.reason_zh = NO_NAME
        else:
            run.reason, run.reason_zh = _reason_before(report, False)
        runs.append(run)

    for check in registry:
        run = CheckRun(check.name, tuple(check.codes))
        mine = [f for f in findings
                if (f.code == CRASHED and f.details.get("check") == check.name)
                or (f.code != CRASHED and owned.get(f.code) == check.name)]
        later = ocr_extra.get(check.name) if isinstance(ocr_extra, dict) else None  # judged in the OCR stage
        if check.name in declared and not mine and not (isinstance(later, dict) and later.get("judged")):
            run.not_applicable(_pair(declared[check.name]))
        elif f"check.{check.name}" in timings or check.name in crashed_in:
            _judge(run, mine, not_judged)
        elif any(f.severity in ("error", "warning") for f in mine):  # e.g. a picture too small to judge
            _judge(run, mine, not_judged)
        else:
            run.reason, run.reason_zh = _reason_before(report, False)
        runs.append(run)

    ocr_codes = tuple(sorted(c for c in _catalogue_codes() if c.startswith(_OCR_FAMILIES) or c in _OCR_PROFILE_CODES))
    run = CheckRun("ocr", ocr_codes)
    mine = [f for f in findings if f.code in ocr_codes]
    unavailable = [f for f in mine if f.code == "ocr.engine_unavailable"]
    if "ocr" in timings or "ocr" in crashed_in:
        _judge(run, [f for f in mine if f.code != "ocr.engine_unavailable"]
               + [f for f in findings if f.code == CRASHED and f.details.get("check") == "ocr"], {})
        if unavailable:
            run.ran, run.status = False, SKIPPED
            run.reason = f"no OCR engine available: {unavailable[0].params.get('reason', '')}".rstrip(": ")
            run.reason_zh = "没有可用的文字识别引擎"
        elif not profile_given and run.reason is None:  # its comparisons with the form do not apply: say so
            run.reason, run.reason_zh = READ_ONLY
    elif not ocr_asked:
        run.reason, run.reason_zh = NO_OCR
    else:
        run.reason, run.reason_zh = _reason_before(report, False)
    runs.append(run)

    profile_codes = tuple(sorted(c for c in _catalogue_codes()
                                 if c.startswith("profile.") and c not in _OCR_PROFILE_CODES))
    run = CheckRun("profile", profile_codes)
    if "profile" in timings or "profile" in crashed_in:
        _judge(run, [f for f in findings if f.code in profile_codes
                     or (f.code == CRASHED and f.details.get("check") == "profile")], {})
    elif not profile_given:
        run.not_applicable(NO_PROFILE)  # no form data: nothing to compare
    else:
        run.reason, run.reason_zh = _reason_before(report, False)
    runs.append(run)
    return runs


def _pair(value: Any) -> R:
    """A declared not-applicable reason: (English, Chinese), or one text for both."""
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return str(value[0]), str(value[1])
    return str(value), str(value)


def _stage_of(f: Finding, name: str) -> bool:
    if f.code == "file.unreadable":  # read and decode share it: its details say which
        return (f.details.get("stage") == "decode") == (name == "decode")
    return True


def _catalogue_codes() -> list[str]:
    from .codes import catalogue

    return list(catalogue())


def attach(report: Report, *, ocr_asked: bool, profile_given: bool) -> Report:
    """Set ``report.checks`` (see the module's docstring) for an image report; returns the report."""
    report.checks = build(report, CHECKS, ocr_asked=ocr_asked, profile_given=profile_given)
    report.extra.pop(NOT_APPLICABLE, None)  # said in the check list now
    return report


def skipped_line(checks: Sequence[CheckRun], lang: str = "en") -> str | None:
    """One compact line naming the checks that did not run or judged only part of what they look for, grouped by
    why; None if everything ran.  A profile check without a profile is not named (nothing was asked)."""
    groups: dict[str, list[str]] = {}
    for run in checks:
        if run.status == SKIPPED and run.applicable:  # a check that does not apply is no gap in the checking
            groups.setdefault(run.why(lang) or "", []).append(title(run.name, lang))
        elif run.not_judged:
            groups.setdefault(("部分" if lang == "zh" else "partly ") + (run.why(lang) or ""), []).append(
                title(run.name, lang))
    if not groups:
        return None
    if lang == "zh":
        body = "；".join(f"{'、'.join(names)}（{why}）" if why else "、".join(names) for why, names in groups.items())
        return "未运行的检查：" + body
    body = "; ".join(f"{', '.join(names)} ({why})" if why else ", ".join(names) for why, names in groups.items())
    return ("未运行的检查：" if lang == "zh" else "not run: ") + body
