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
    "status.not_applicable": ("not applicable", "不适用"),
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


# -- measured values in messages ------------------------------------------------------------------------------
# A Measure's unit is part of the JSON contract and stays as it is; in a *message* it is shown through this
# table: (English, Chinese) with {v} for the value.  Units not listed are shown as "{v} {unit}" in English and
# as the value alone in Chinese (never an English word in a Chinese sentence); tests/schema/test_i18n.py
# fails for a unit written in the source that is not listed here.
UNITS: dict[str, tuple[str, str]] = {
    "": ("{v}", "{v}"),
    "bytes": ("{v} bytes", "{v} 字节"),
    "s": ("{v} s", "{v} 秒"),
    "%": ("{v} %", "{v}%"),
    "% of the picture": ("{v} % of the picture", "占画面 {v}%"),
    "% of the document": ("{v} % of the document", "占证件 {v}%"),
    "% of the document in colour": ("{v} % of the document in colour", "证件彩色部分占 {v}%"),
    "px": ("{v} px", "{v} 像素"),
    "px on the picture's long side": ("{v} px on the picture's long side", "图片长边 {v} 像素"),
    "px on the document's long side": ("{v} px on the document's long side", "证件长边 {v} 像素"),
    "px on the short side": ("{v} px on the short side", "短边 {v} 像素"),
    "px per character of its small print": ("{v} px per character of its small print", "小字每字 {v} 像素"),
    "px per 1000 px of document": ("{v} px per 1000 px of the document", "{v} 像素（按证件长边 1000 像素计）"),
    "px per 1000 px of picture": ("{v} px per 1000 px of the picture", "{v} 像素（按图片长边 1000 像素计）"),
    "px from the picture edge (negative: outside)": ("{v} px from the picture's edge (negative: outside it)",
                                                     "距图片边缘 {v} 像素（负数表示超出画面）"),
    "outline confidence": ("outline confidence {v}", "轮廓置信度 {v}"),
    "text lines": ("{v} text lines", "{v} 行文字"),
    "photos": ("{v} photos", "{v} 张照片"),
    "lines": ("{v} lines", "{v} 行"),
    "lines of print cut by the picture's edge": ("{v} lines of print cut by the picture's edge",
                                                 "{v} 行文字被画面边缘切断"),
    "rows": ("{v} rows", "{v} 行"),
    "rows of text at a tilt": ("{v} rows of text at a tilt", "{v} 行倾斜文字"),
    "autocorrelation peak of the faint strokes (tilted repeat)": ("faint strokes repeating at a slant ({v})",
                                                                  "倾斜重复的浅色笔画 ({v})"),
    "flat share": ("{v} of the picture in flat colour", "纯色区域占比 {v}"),
    "Cr/Cb levels": ("colour texture {v}", "色彩纹理 {v}"),
    "Cr/Cb levels (stripe amplitude)": ("colour stripes of {v} levels", "彩色条纹幅度 {v}"),
    "x spectral floor (tilted period)": ("a repeating slanted pattern {v} times the background",
                                         "斜向重复纹理强度为背景的 {v} 倍"),
    "x the strokes' other directions (at one tilt)": ("faint strokes at one slant, {v} times the other directions",
                                                      "同一倾斜方向的浅色笔画，强度为其他方向的 {v} 倍"),
    "x": ("{v} times", "{v} 倍"),
    "Lab chroma units of colour across the picture": ("colour strength {v} across the picture", "全图色彩强度 {v}"),
    "Lab chroma units": ("colour strength {v}", "色彩强度 {v}"),
    "lattice z-score": ("strength {v}", "强度 {v}"),
    "z below the document's double-compression signature": ("{v} below the rest of the document",
                                                            "比证件其余部分低 {v}"),
    "local / document noise": ("sensor noise {v} times the rest of the document's",
                               "传感器噪声为证件其余部分的 {v} 倍"),
    "noise correlation": ("noise similarity {v}", "噪声相似度 {v}"),
    "noise correlation x sqrt(flat pixels)": ("noise similarity score {v}", "噪声相似度得分 {v}"),
    "tool": ("{v}", "{v}"),
    "frames": ("{v} frames", "{v} 帧"),
    "characters": ("{v} characters", "{v} 个字符"),
    "MIME type": ("{v}", "{v}"),
    "extension": ("{v}", "{v}"),
    "scans": ("{v} scans", "{v} 次扫描"),
    # document.seal_missing, document.recently_issued (seal branch)
    "% of a red ring": ("{v} % of a red ring", "红色圆环的 {v}%"),
    "days": ("{v} days", "{v} 天"),
}
_OPS_ZH = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "=", "in": ""}
_OPS_EN = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "==": "==", "in": "one of"}


def measure_text(measure: object, lang: str = "en") -> str:
    """A :class:`~idcheck.report.Measure` as a message shows it: value and unit in ``lang``, the comparison first
    for a threshold ("≥ 480 像素")."""
    value = getattr(measure, "value", measure)
    unit = getattr(measure, "unit", "") or ""
    op = getattr(measure, "op", None)
    if isinstance(value, float):
        value = f"{value:.4g}"
    elif isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    zh = resolve_lang(lang) == "zh"
    pair = UNITS.get(unit)
    if pair is None:
        text = str(value) if zh else f"{value} {unit}".strip()
    else:
        text = pair[1 if zh else 0].format(v=value)
    if op:
        sign = (_OPS_ZH if zh else _OPS_EN).get(op, op)
        text = f"{sign} {text}".strip()
    return text


CHANNELS_ZH = {"console": "控制台", "api": "API"}
# file formats idcheck names (idcheck.intake.sniff), where the English title has words
FORMATS_ZH = {
    "heif-other": "非 HEVC 编码的 HEIF", "pdf": "PDF 文档", "psd": "Photoshop 文档（PSD）",
    "ico": "Windows 图标（ICO）",
    "svg": "SVG 矢量图", "zip": "ZIP 压缩包（或 Office 文档）", "rar": "RAR 压缩包",
}


def format_zh(spec: object) -> str:
    """A file format's name for a Chinese sentence (an unknown format, named by libmagic in English: 未知格式)."""
    if spec is None:
        return "未知格式"
    return FORMATS_ZH.get(getattr(spec, "name", ""), getattr(spec, "title", "未知格式"))


def formats_zh(titles: list[str]) -> str:
    """["JPEG", "PNG", "BMP"] -> "JPEG、PNG 或 BMP"."""
    return titles[0] if len(titles) == 1 else "、".join(titles[:-1]) + " 或 " + titles[-1]
