"""Unified Social Credit Code (统一社会信用代码, USCC), GB 32100-2015 — reference §1.

18 characters over the 31-character alphabet ``0-9 A-H J-N P Q R T U W X Y`` (no I, O, S, V, Z)::

    pos 1     registration-authority code          (letters allowed: A, G, J, N, Q, Y ...)
    pos 2     organisation-category code
    pos 3-8   region code of the registering authority (digits; GB/T 2260, not checked beyond shape)
    pos 9-17  organisation code (GB 11714): 8 body characters + check character ``0-9``/``X``
    pos 18    check character, weighted mod 31 (GB 32100 / GB/T 17710)

Both check characters are verified (§1.4): position 17 over positions 9-16, position 18 over 1-17.
Letter authority codes are allowed (python-stdnum's digits-only rule for positions 1-8 is wrong, §1.2).

Graded cases the profile check needs (§1.3, §1.5):

* pilot-era Fujian codes ``9135dddd M000...`` that fail only the position-18 check are real codes
  but :func:`validate` rejects them (:class:`InvalidChecksum`); :func:`is_pilot_era_exception` says
  so, and :func:`info` accepts them with ``pilot_era_exception: True``;
* an unknown authority/category prefix passes :func:`validate`; :func:`category_known` and
  ``info()["category_known"]`` let the caller warn.  ``category_certain`` tells the 2015 table
  from the later, uncertain extensions.

>>> validate("91110000600037341L")
'91110000600037341L'
>>> format("91110000600037341L")
'91 110000 60003734-1 L'
"""

from __future__ import annotations

import re
from typing import Any

from . import _shape
from ._base import make_is_valid, make_normalize, predicate, require_str
from ._regions import PROVINCES
from .exceptions import InvalidChecksum, InvalidLength

NAME = "uscc"
TITLE = "Unified Social Credit Code"
TITLE_ZH = "统一社会信用代码"
#: how a sentence names it ("... belongs to a {SHORT_TITLE}")
SHORT_TITLE = "Unified Social Credit Code"
SHORT_TITLE_ZH = "统一社会信用代码"
#: whose number it is: an organisation's
PERSONAL = False
#: GB 32100 position 18 and GB 11714 position 17
HAS_CHECK_DIGIT = True

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # 3^i mod 31 (§1.4)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)  # GB 11714
_CHARS = frozenset(ALPHABET)
SHAPE = (_CHARS,) * 2 + (_shape.DIGITS,) * 6 + (_CHARS,) * 8 + (_shape.DIGITS_X, _CHARS)

# Registration-authority codes (position 1).  2015 text: 1, 5, 9, Y; the others come from later
# amendments as implemented in CredentialKit (§1.3, C2) and are uncertain.
AUTHORITIES: dict[str, tuple[str, str]] = {
    "1": ("机构编制", "institutional establishment"),
    "2": ("外交", "foreign affairs"),
    "3": ("司法行政", "judicial administration"),
    "4": ("文化", "culture"),
    "5": ("民政", "civil affairs"),
    "6": ("旅游", "tourism"),
    "7": ("宗教", "religious affairs"),
    "8": ("工会", "trade unions"),
    "9": ("工商 / 市场监管", "market regulation (industry and commerce)"),
    "A": ("中央军委改革和编制办公室", "Central Military Commission reform and establishment office"),
    "G": ("公安", "public security"),
    "J": ("住房城乡建设", "housing and urban-rural development"),
    "N": ("农业农村", "agriculture and rural affairs"),
    "Q": ("侨联", "federation of returned overseas Chinese"),
    "Y": ("其他", "other"),
}

# The 2015 prefix table (§1.3 "certain").
CATEGORIES_2015: dict[str, str] = {
    "11": "机关",
    "12": "事业单位",
    "13": "编办直接管理机构编制的群众团体",
    "19": "其他（机构编制）",
    "51": "社会团体",
    "52": "民办非企业单位",
    "53": "基金会",
    "59": "其他（民政）",
    "91": "企业",
    "92": "个体工商户",
    "93": "农民专业合作社",
    "Y1": "其他",
}

# Later additions as implemented in CredentialKit 2025 (§1.3, ⚠ UNCERTAIN: evolving list).
# 32-35 (公证/基层法律服务/司法鉴定/仲裁) are mentioned as possible but unconfirmed: not listed.
CATEGORIES_EXTENDED: dict[str, str] = {
    "21": "外国常驻新闻机构",
    "29": "其他（外交）",
    "31": "律师执业机构",
    "36": "商事调解组织",
    "39": "其他（司法行政）",
    "41": "外国在华文化中心",
    "49": "其他（文化）",
    "54": "村民委员会",
    "55": "居民委员会",
    "61": "外国政府旅游部门常驻代表机构",
    "62": "港澳台地区旅游部门常驻代表机构",
    "69": "其他（旅游）",
    "71": "宗教活动场所",
    "72": "宗教院校",
    "79": "其他（宗教）",
    "81": "基层工会",
    "82": "非法人工会组织",
    "89": "其他（工会）",
    "99": "其他（市场监管）",
    "A1": "军队文职人员用人单位",
    "A9": "其他（军队）",
    "G1": "境外非政府组织代表机构",
    "G9": "其他（公安）",
    "J1": "业主大会",
    "J9": "其他（住房城乡建设）",
    "N1": "组级集体经济组织",
    "N2": "村级集体经济组织",
    "N3": "乡镇级集体经济组织",
    "N9": "其他（农业农村）",
    "Q1": "区县级侨联组织",
    "Q2": "乡镇级侨联组织",
    "Q3": "村级侨联组织",
    "Q9": "其他（侨联）",
}
CATEGORIES: dict[str, str] = CATEGORIES_2015 | CATEGORIES_EXTENDED

# Early Fujian pilot codes (C4): real, but their position-18 character fails GB 32100.
_PILOT_ERA = re.compile(r"9135\d{4}M000")

normalize = make_normalize()


def compact(s: str) -> str:
    """Strip, fold full-width forms, remove spaces and dashes, upper-case."""
    return normalize(s).value


def _org_value(ch: str) -> int:
    # GB 11714 values: digits as is, A=10 ... Z=35 (the full Latin alphabet, unlike GB 32100).
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def calc_org_check_digit(body8: str) -> str:
    """GB 11714 check character (USCC position 17) of the 8 organisation-code body characters."""
    require_str(body8)
    _shape.check_shapes(body8, [(_shape.ALNUM,) * 8], title="an organisation-code body")
    r = 11 - sum(_org_value(c) * w for c, w in zip(body8, ORG_WEIGHTS, strict=True)) % 11
    return "X" if r == 10 else "0" if r == 11 else str(r)


def calc_check_digit(first17: str) -> str:
    """GB 32100 check character (position 18) of the first 17 characters."""
    require_str(first17)
    _shape.check_shapes(first17, [(_CHARS,) * 17], title="the check-character input")
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def _check(v: str, *, allow_pilot_era: bool = False) -> None:
    if len(v) != 18:
        hint = ""
        if len(v) == 15 and v.isascii() and v.isdigit():
            hint = ("; a 15-digit business registration number (工商注册号) is not a USCC: enter the "
                    "18-character code from the current licence")
        elif len(v) in (9, 10):
            hint = ("; this looks like a 9-character organisation code (组织机构代码): enter the "
                    "18-character USCC unless the certificate has none")
        raise InvalidLength(f"a Unified Social Credit Code has 18 characters, not {len(v)}{hint}",
                            expected=18, found=len(v))
    for i, (ch, allowed) in enumerate(zip(v, SHAPE, strict=True)):
        if ch not in allowed:
            what = "region code" if 2 <= i <= 7 else "organisation-code check" if i == 16 else ""
            raise _shape.bad_char(v, i, allowed, what)
    org = calc_org_check_digit(v[8:16])
    if v[16] != org:
        raise InvalidChecksum(
            f"the organisation-code check character (position 17) does not match positions 9-16: "
            f"expected {org!r}, found {v[16]!r}",
            position=17, found=v[16], expected=org, component="check_char_17",
        )
    check = calc_check_digit(v[:17])
    if v[17] != check:
        if allow_pilot_era and _PILOT_ERA.match(v):
            return
        pilot = (" (an early Fujian pilot-era code: such codes are real but fail this check)"
                 if _PILOT_ERA.match(v) else "")
        raise InvalidChecksum(
            f"the check character (position 18) does not match the first 17 characters: "
            f"expected {check!r}, found {v[17]!r}{pilot}",
            position=18, found=v[17], expected=check, component="check_char_18",
        )


def validate(s: str) -> str:
    """The normalised code, or raise the precise :class:`ValidationError` subclass."""
    v = compact(require_str(s))
    _check(v)
    return v


is_valid = make_is_valid(validate)


@predicate
def is_pilot_era_exception(s: str) -> bool:
    """True for a Fujian pilot-era code (``9135dddd M000…``) that fails *only* the position-18 check.

    Such codes are real (§1.5 step 6, C4): grade them a warning naming this reason, not a failure.
    """
    v = compact(s)
    if is_valid(v) or not _PILOT_ERA.match(v):
        return False
    _check(v, allow_pilot_era=True)
    return True


@predicate
def category_known(s: str) -> bool:
    """True if positions 1-2 are a known authority/category prefix (2015 table or later extensions)."""
    return compact(s)[:2] in CATEGORIES


def format(s: str) -> str:  # noqa: A001 - the stdnum name
    """``91 110000 60003734-1 L``: prefix, region, organisation code as printed on old certificates, check."""
    v = compact(s)
    if len(v) != 18:
        return v
    return f"{v[:2]} {v[2:8]} {v[8:16]}-{v[16]} {v[17]}"


def info(s: str) -> dict[str, Any]:
    """The parts of a valid code (pilot-era exceptions included, flagged); raises like :func:`validate`."""
    v = compact(require_str(s))
    _check(v, allow_pilot_era=True)
    authority = AUTHORITIES.get(v[0])
    province = v[2:4]
    return {
        "number": v,
        "authority": v[0],
        "authority_name": authority[1] if authority else None,
        "authority_name_zh": authority[0] if authority else None,
        "category": v[:2],
        "category_name_zh": CATEGORIES.get(v[:2]),
        "category_known": v[:2] in CATEGORIES,
        "category_certain": v[:2] in CATEGORIES_2015,
        "region_code": v[2:8],
        "province": province,
        # "10" = central (national-level) registration, e.g. 100000
        "province_known": province in PROVINCES or v[2:8] == "100000",
        "org_code": v[8:17],
        "org_code_formatted": f"{v[8:16]}-{v[16]}",
        "check_char_17": v[16],
        "check_char_18": v[17],
        "pilot_era_exception": v[17] != calc_check_digit(v[:17]),
    }
