"""Province-level GB/T 2260 codes (reference §2.1).

Only the first two digits are checked anywhere in ``idcheck.numbers``: we do not ship the full
GB/T 2260 county table (current *and* historical codes would be needed, since numbers keep retired
codes [§2.1]), so an unknown 6-digit code cannot be detected here and is never an error.
"""

from __future__ import annotations

# code -> (Chinese name, English name).  71 (Taiwan) is a GB/T 2260 code but is never issued on
# resident ID cards, and 81/82/83 belong to residence permits, so neither is listed here.
PROVINCES: dict[str, tuple[str, str]] = {
    "11": ("北京市", "Beijing"),
    "12": ("天津市", "Tianjin"),
    "13": ("河北省", "Hebei"),
    "14": ("山西省", "Shanxi"),
    "15": ("内蒙古自治区", "Inner Mongolia"),
    "21": ("辽宁省", "Liaoning"),
    "22": ("吉林省", "Jilin"),
    "23": ("黑龙江省", "Heilongjiang"),
    "31": ("上海市", "Shanghai"),
    "32": ("江苏省", "Jiangsu"),
    "33": ("浙江省", "Zhejiang"),
    "34": ("安徽省", "Anhui"),
    "35": ("福建省", "Fujian"),
    "36": ("江西省", "Jiangxi"),
    "37": ("山东省", "Shandong"),
    "41": ("河南省", "Henan"),
    "42": ("湖北省", "Hubei"),
    "43": ("湖南省", "Hunan"),
    "44": ("广东省", "Guangdong"),
    "45": ("广西壮族自治区", "Guangxi"),
    "46": ("海南省", "Hainan"),
    "50": ("重庆市", "Chongqing"),
    "51": ("四川省", "Sichuan"),
    "52": ("贵州省", "Guizhou"),
    "53": ("云南省", "Yunnan"),
    "54": ("西藏自治区", "Tibet"),
    "61": ("陕西省", "Shaanxi"),
    "62": ("甘肃省", "Gansu"),
    "63": ("青海省", "Qinghai"),
    "64": ("宁夏回族自治区", "Ningxia"),
    "65": ("新疆维吾尔自治区", "Xinjiang"),
}

# Residence-permit address codes (§2.2): note 830000 for Taiwan, not GB/T 2260's 710000.
PERMIT_REGIONS: dict[str, str] = {"810000": "hk", "820000": "macao", "830000": "taiwan"}
REGION_NAMES: dict[str, str] = {"hk": "Hong Kong", "macao": "Macao", "taiwan": "Taiwan"}


def province_name(code: str) -> str | None:
    entry = PROVINCES.get(code)
    return entry[1] if entry else None
