"""Phone, postal code, province, address and email (§3.3)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources
from typing import Any

from ..report import Measure, Private
from . import names as N
from .context import Ctx
from .model import Phone

MOBILE = re.compile(r"1[3-9][0-9]{9}")
LANDLINE = re.compile(r"0[0-9]{2,3}[2-9][0-9]{6,7}")
_DIGITS = re.compile(r"[0-9]+")


def rule_phone(ctx: Ctx) -> None:
    cc_raw = ctx.text("phone.country_code")
    number = ctx.text("phone.number")
    cc: str | None = None
    if cc_raw is not None:
        cc = _check_country_code(ctx, cc_raw, number)
    if number is not None and cc is not None:
        _check_phone_number(ctx, number, cc)
    phone = ctx.profile.phone
    ext = phone.extension if isinstance(phone, Phone) and "phone.extension" not in ctx.bad else None
    if isinstance(ext, str) and ext != "":
        _check_extension(ctx, ext)


def _check_country_code(ctx: Ctx, raw: str, number: str | None) -> str | None:
    """The country code's digits when usable for checking the number, else None."""
    value = raw.strip()
    folded = unicodedata.normalize("NFKC", value)
    field = "phone.country_code"
    reason = reason_zh = None
    if folded != value and _DIGITS.fullmatch(folded.lstrip("+")):
        reason, reason_zh = "it is typed with full-width characters", "使用了全角字符"
    elif value.startswith("+"):
        reason, reason_zh = "type it without the +", "不要输入 +"
    elif value.startswith("00") and _DIGITS.fullmatch(value):
        reason, reason_zh = "type it without the international prefix 00", "不要输入国际冠码 00"
    elif value.startswith("0") and _DIGITS.fullmatch(value) and 3 <= len(value) <= 4:
        combined = value + (re.sub(r"\D", "", number) if number else "")
        ctx.add("profile.phone_area_code_in_country_code", value=value, suggested=Private(combined, "number"),
                field=field, details={"area_code": value})
        return None
    elif not _DIGITS.fullmatch(value):
        reason, reason_zh = "it must contain digits only", "只能包含数字"
    elif len(value) > 3 or value.startswith("0"):
        reason, reason_zh = (
            "country codes have 1-3 digits and do not start with 0",
            "国家代码为 1-3 位数字且不以 0 开头",
        )
    if reason is not None:
        ctx.add("profile.phone_country_code_invalid", value=value[:20], reason=reason, reason_zh=reason_zh, field=field)
        return None
    if value != raw:
        ctx.add("profile.phone_country_code_invalid", severity="warning", value=repr(raw[:20]),
                reason="it has spaces around it", reason_zh="首尾有空格", field=field,
                details={"why_warning": "forms usually trim spaces; the registry's syntax check does not"})
    if ctx.region == "mainland" and value != "86":
        ctx.add("profile.phone_country_code_region", value=value, field=field)
    return value


def _check_phone_number(ctx: Ctx, raw: str, cc: str) -> None:
    value = raw.strip()
    shown = Private(value, "number")
    field = "phone.number"
    folded = unicodedata.normalize("NFKC", value)
    digits = re.sub(r"\D", "", folded)
    reason = reason_zh = None
    if folded != value:
        reason, reason_zh = "it contains full-width characters", "含有全角字符"
    elif not _DIGITS.fullmatch(value):
        if value.startswith("+"):
            reason, reason_zh = (
                "the country code belongs in its own field, type the digits only",
                "国家代码应填在单独的栏中，这里只填数字",
            )
        else:
            reason, reason_zh = (
                "it must contain digits only, no spaces, dashes or brackets",
                "只能包含数字，不能有空格、连字符或括号",
            )
    if cc == "86":
        expected = "an 11-digit mobile number (1[3-9]xxxxxxxxx) or area code + landline, e.g. 057188158000"
        expected_zh = "11 位手机号码（1[3-9]xxxxxxxxx）或区号+座机号码，例如 057188158000"
        if reason is None and not (MOBILE.fullmatch(value) or LANDLINE.fullmatch(value)):
            if value.startswith("86") and MOBILE.fullmatch(value[2:]):
                reason, reason_zh = "the country code 86 is repeated in the number", "号码中重复填写了国家代码 86"
            elif re.fullmatch(r"[2-9][0-9]{6,7}", value):
                reason, reason_zh = "a landline number needs its area code in front", "座机号码前需加区号"
            elif value.startswith("1"):
                reason, reason_zh = (
                    "a mobile number has 11 digits starting 13-19",
                    "手机号码为以 13-19 开头的 11 位数字",
                )
            elif value.startswith("0"):
                reason, reason_zh = (
                    "area code + landline is 0, 2-3 more digits, then 7-8 digits starting 2-9",
                    "区号+座机号码格式为 0 加 2-3 位数字，再加以 2-9 开头的 7-8 位数字",
                )
            else:
                reason, reason_zh = (
                    "it is neither a mobile nor an area code + landline number",
                    "既不是手机号码也不是区号+座机号码",
                )
    else:
        expected, expected_zh = "4-14 digits", "4-14 位数字"
        if reason is None and not 4 <= len(value) <= 14:
            reason, reason_zh = f"it has {len(value)} digits", f"共 {len(value)} 位数字"
    severity = None
    if reason is None and value != raw:
        reason, reason_zh, severity = "it has spaces around it", "首尾有空格", "warning"
    if reason is not None:
        ctx.add(
            "profile.phone_number_invalid",
            severity=severity,
            value=shown,
            country_code=cc,
            reason=reason,
            reason_zh=reason_zh,
            expected=expected,
            expected_zh=expected_zh,
            field=field,
            details={"digits": len(digits)},
        )


def _check_extension(ctx: Ctx, raw: str) -> None:
    value = raw
    if re.fullmatch(r"[0-9]{1,6}", value):
        return
    if not value.strip():
        reason, reason_zh = "it contains only spaces: leave it empty", "只含空格，请留空"
    elif re.fullmatch(r"[0-9]+", value):
        reason, reason_zh = f"it has {len(value)} digits, at most 6 are allowed", f"共 {len(value)} 位，最多 6 位"
    else:
        reason, reason_zh = "it must contain digits only", "只能包含数字"
    ctx.add("profile.phone_extension_invalid", value=repr(value[:20]), reason=reason, reason_zh=reason_zh,
            field="phone.extension")


# --- rules: postal code, province, address -----------------------------------------------------------

_PROVINCE_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "特别行政区", "省", "市")
PROVINCES_ZH = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽", "福建",
    "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州", "云南", "西藏",
    "陕西", "甘肃", "青海", "宁夏", "新疆",
)
_PROVINCE_EXTRA = {
    "innermongolia": "内蒙古",
    "neimongol": "内蒙古",
    "tibet": "西藏",
    "xizang": "西藏",
    "shaanxi": "陕西",
}


@lru_cache(maxsize=1)
def _province_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for zh in PROVINCES_ZH:
        index[zh] = zh
        index[N.pinyin_of(zh).replace(" ", "")] = zh
    index["shanxi"] = "山西"
    index.update(_PROVINCE_EXTRA)
    return index


def province_key(value: Any) -> str | None:
    """The province (short Chinese name) a typed province means, or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    for suffix in _PROVINCE_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    if text.startswith("中国"):
        text = text[2:]
    key = re.sub(r"[^a-z\u4e00-\u9fff]", "", text.lower())
    for suffix in ("sheng", "province", "shi", "autonomousregion", "zizhiqu", "municipality"):
        if key.endswith(suffix) and key[: -len(suffix)] in _province_index():
            key = key[: -len(suffix)]
            break
    return _province_index().get(key)


def rule_province(ctx: Ctx) -> None:
    value = ctx.text("province")
    if value is None or ctx.region != "mainland":
        return
    if province_key(value) is None:
        ctx.add("profile.province_unknown", value=value[:40], field="province")


def rule_postal_code(ctx: Ctx) -> None:
    value = ctx.text("postal_code")
    if value is None:
        return
    mainland = ctx.region == "mainland" or province_key(ctx.profile.province) is not None
    shown = value[:20]
    if mainland:
        if re.fullmatch(r"[0-9]{6}", value):
            return
        folded = unicodedata.normalize("NFKC", value).strip()
        if re.fullmatch(r"[0-9]{6}", folded):
            reason, reason_zh = "it contains full-width digits or spaces", "含有全角数字或空格"
        elif re.fullmatch(r"[0-9]+", folded):
            reason, reason_zh = f"it has {len(folded)} digits", f"共 {len(folded)} 位数字"
        else:
            reason, reason_zh = "it must contain digits only", "只能包含数字"
        ctx.add("profile.postal_code_invalid", value=shown, reason=reason, reason_zh=reason_zh, field="postal_code")
        return
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 \-]{1,9}", value):
        ctx.add("profile.postal_code_invalid", severity="warning", value=shown,
                reason="it does not look like a postal code (2-10 letters, digits, spaces or dashes)",
                reason_zh="不像邮政编码（应为 2-10 位字母、数字、空格或连字符）", field="postal_code")


ADDRESS_MAX = 128


def rule_address(ctx: Ctx) -> None:
    value = ctx.text("address")
    if value is None:
        return
    if ctx.region == "mainland" and not N.has_han(value):
        ctx.add("profile.address_no_chinese", field="address")
    if len(value) > ADDRESS_MAX:
        ctx.add("profile.address_too_long", measured=Measure(len(value), "characters"),
                threshold=Measure(ADDRESS_MAX, "characters", "<="), field="address")


# --- rules: email ------------------------------------------------------------------------------------

_ATEXT = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


@lru_cache(maxsize=1)
def new_gtlds() -> frozenset[str]:
    """The new-gTLD mailbox suffixes (``idcheck/data/new_gtlds.txt``), Unicode and punycode forms."""
    text = (resources.files("idcheck") / "data" / "new_gtlds.txt").read_text(encoding="utf-8")
    out: set[str] = set()
    for line in text.splitlines():
        line = line.strip().lower()
        if not line or line.startswith("#"):
            continue
        out.add(line)
        if not line.isascii():
            try:
                out.add(line.encode("idna").decode("ascii"))
            except UnicodeError:  # pragma: no cover - the data file is checked by a test
                pass
    return frozenset(out)


def email_problem(value: str) -> tuple[str, str] | None:
    """(reason, reason_zh) if ``value`` is not a usable mailbox address, else None."""
    if value != value.strip():
        return "it has spaces around it", "首尾有空格"
    if any(ch.isspace() for ch in value):
        return "it contains spaces", "含有空格"
    if "\uff20" in value:
        return "it uses the full-width ＠, type the half-width @", "使用了全角＠，请输入半角 @"
    if value.count("@") != 1:
        return ("it has no @" if "@" not in value else "it has more than one @"), (
            "缺少 @" if "@" not in value else "含有多个 @"
        )
    if len(value) > 254:
        return "it is longer than 254 characters", "超过 254 个字符"
    local, domain = value.split("@")
    if not local:
        return "nothing before the @", "@ 前为空"
    if not local.isascii():
        return "the part before @ must be ASCII (no Chinese or full-width characters)", "@ 前的部分只能使用 ASCII 字符"
    if len(local) > 64:
        return "the part before @ is longer than 64 characters", "@ 前的部分超过 64 个字符"
    if (
        local.startswith(".")
        or local.endswith(".")
        or ".." in local
        or not all(_ATEXT.fullmatch(p) for p in local.split("."))
    ):
        return "the part before @ contains characters or dots that are not allowed", "@ 前的部分含有不允许的字符或点"
    if not domain:
        return "nothing after the @", "@ 后为空"
    if any(ch in domain for ch in "\u3002\uff0e\uff61"):
        return "the domain uses a full-width dot (。or ．), type the half-width .", "域名中使用了全角句点，请输入半角 ."
    if domain.startswith("[") or domain.endswith("]"):
        return "IP-address mailboxes are not accepted", "不接受 IP 地址形式的邮箱"
    labels = domain.split(".")
    if len(labels) < 2 or any(not lab for lab in labels):
        return "the domain after @ is incomplete", "@ 后的域名不完整"
    ascii_labels = []
    for lab in labels:
        if lab.isascii():
            ascii_labels.append(lab.lower())
            continue
        try:
            ascii_labels.append(lab.encode("idna").decode("ascii").lower())
        except UnicodeError:
            return "the domain contains characters that are not allowed in a domain name", "域名中含有不允许的字符"
    if any(not _LABEL.fullmatch(lab) for lab in ascii_labels):
        return "the domain contains characters that are not allowed in a domain name", "域名中含有不允许的字符"
    tld = ascii_labels[-1]
    if not (tld.isalpha() and len(tld) >= 2) and not tld.startswith("xn--"):
        return "the domain does not end in a valid top-level domain", "域名的顶级域无效"
    if len(".".join(ascii_labels)) > 253:
        return "the domain is too long", "域名过长"
    return None


def rule_email(ctx: Ctx) -> None:
    value = ctx.text("email")
    if value is None:
        return
    problem = email_problem(value)
    if problem is not None:
        ctx.add(
            "profile.email_invalid",
            value=Private(value, "number"),
            reason=problem[0],
            reason_zh=problem[1],
            field="email",
        )
        return
    tld = value.rsplit(".", 1)[-1].lower()
    if tld in new_gtlds() or (not tld.isascii() and _idna(tld) in new_gtlds()):
        shown = tld
        if tld.startswith("xn--"):
            try:
                shown = tld.encode("ascii").decode("idna")
            except UnicodeError:
                shown = tld
        ctx.add("profile.email_new_gtld", tld=shown, field="email", details={"tld": shown})


def _idna(label: str) -> str:
    try:
        return label.encode("idna").decode("ascii")
    except UnicodeError:
        return label
