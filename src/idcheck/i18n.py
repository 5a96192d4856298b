"""Languages of the user-facing text: English (``en``, the default) and Simplified Chinese (``zh``).

The language is chosen by ``lang=`` in the library (``Report.to_dict(lang=)``, ``explain``), ``--lang`` on the
command line, or ``$IDCHECK_LANG`` (``zh``, ``zh_CN.UTF-8``, ``zh-Hans`` all mean Chinese).  The catalogue
carries each code's Chinese title, message, meaning and fix (``title_zh``, ``message_zh``, ``meaning_zh``,
``fix_zh``); the command line's and the HTML report's own words are in :data:`STRINGS`.
"""

from __future__ import annotations

import os

LANGS = ("en", "zh")


def resolve_lang(lang: str | None = None) -> str:
    """``lang`` normalised to one of :data:`LANGS`; None -> ``$IDCHECK_LANG`` -> ``en``."""
    if lang is None:
        lang = os.environ.get("IDCHECK_LANG", "") or "en"
    low = str(lang).strip().lower().replace("-", "_")
    if low.startswith("zh") or low in ("cn", "chinese"):
        return "zh"
    if low.startswith("en") or low in ("", "c", "posix"):
        return "en"
    from .errors import UsageError

    raise UsageError(f"lang must be one of {LANGS}, not {lang!r}")


# key -> (English, Chinese).  Placeholders in {braces}.
STRINGS: dict[str, tuple[str, str]] = {
    "verdict.pass": ("pass", "通过"),
    "verdict.warn": ("warn", "警告"),
    "verdict.fail": ("fail", "不通过"),
    "severity.error": ("error", "错误"),
    "severity.warning": ("warning", "警告"),
    "severity.info": ("info", "提示"),
    "status.passed": ("passed", "通过"),
    "status.failed": ("failed", "未通过"),
    "status.skipped": ("skipped", "未运行"),
    "label.fix": ("Fix", "修改建议"),
    "label.meaning": ("Meaning", "含义"),
    "label.message": ("Message", "提示"),
    "label.severity": ("Default severity", "默认级别"),
    "label.evidence": ("Evidence", "依据"),
    "label.checks": ("Checks", "检查项"),
    "label.check": ("Check", "检查"),
    "label.status": ("Status", "结果"),
    "label.codes": ("Codes it can report", "可能给出的代码"),
    "label.reason": ("Why", "原因"),
    "label.file": ("File", "文件"),
    "label.verdict": ("Verdict", "结论"),
    "label.findings": ("Findings", "发现的问题"),
    "label.no_findings": ("No findings.", "未发现问题。"),
    "html.title": ("idcheck report", "idcheck 检查报告"),
    "html.summary": ("{n} files: {passed} pass, {warned} warn, {failed} fail",
                     "共 {n} 个文件：{passed} 个通过，{warned} 个警告，{failed} 个不通过"),
    "html.chart": ("Findings by code (warnings and errors)", "各代码出现次数（警告和错误）"),
    "html.masked": ("Pictures are blurred to protect personal data; run with --reveal to show them.",
                    "为保护个人信息，图片已模糊处理；如需查看原图，请使用 --reveal。"),
    "html.files": ("Files", "文件"),
    "html.count": ("files", "个文件"),
    "cli.summary": ("{n} files: {passed} pass, {warned} warn, {failed} fail",
                    "共 {n} 个文件：{passed} 个通过，{warned} 个警告，{failed} 个不通过"),
}


def t(key: str, lang: str = "en", **values: object) -> str:
    """The text for ``key`` in ``lang``, placeholders filled."""
    en, zh = STRINGS[key]
    text = zh if resolve_lang(lang) == "zh" else en
    return text.format(**values) if values else text
