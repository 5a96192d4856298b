"""Shared data for the rule-language and submission tests: profiles, a document picture, rule texts."""

import copy

import pytest

from fixtures.formats import encode, textured

# A government organ in Beijing: its credit code starts with 11 (机关); every profile rule passes.
GOV_ORG = {
    "registrant_type": "organization",
    "region": "mainland",
    "name_zh": "北京市海淀区人民政府办公室",
    "name_en": "Beijing Haidian District People's Government Office",
    "document_type": "uscc_certificate",
    "document_number": "11110108000028281F",
    "province": "北京",
    "city": "北京市",
    "address": "北京市海淀区长春桥路17号",
    "postal_code": "100089",
    "phone": {"country_code": "86", "number": "01088487766", "extension": ""},
    "email": "webmaster@bjhd.example.cn",
}

# A company (credit code 91...): may register .商标 / .餐厅 / .com, not .gov.cn.
COMPANY = {
    "registrant_type": "organization",
    "region": "mainland",
    "name_zh": "北京示例科技有限公司",
    "name_en": "Beijing Shili Technology Co., Ltd.",
    "document_type": "business_license",
    "document_number": "91110000600037341L",
    "province": "北京",
    "city": "北京市",
    "address": "北京市海淀区中关村大街1号",
    "postal_code": "100080",
    "phone": {"country_code": "86", "number": "01062345678", "extension": "8001"},
    "email": "domains@example.cn",
}

PERSON = {
    "registrant_type": "individual",
    "region": "mainland",
    "name_zh": "张三",
    "name_en": "zhang san",
    "document_type": "id_card",
    "document_number": "11010519491231002X",
    "province": "北京市",
    "city": "北京市",
    "address": "北京市东城区东长安街1号",
    "postal_code": "100010",
    "phone": {"country_code": "86", "number": "13800138000", "extension": ""},
    "email": "zhangsan@example.com",
}


def make(base, **changes):
    data = copy.deepcopy(base)
    data.update(changes)
    return data


@pytest.fixture(scope="session")
def photo() -> bytes:
    """A 900x1200 photo-like JPEG (quality 90): passes the file checks (the image checks only warn)."""
    return encode(textured(900, 1200, seed=3), "jpeg", quality=90)


def rule_file(*body: str, header: str = 'ruleset "t" version 1\napplies to suffix ".example"\n') -> str:
    """A rule file with one rule whose body lines are ``body`` (severity and description added when absent)."""
    lines = list(body)
    if not any(line.strip().startswith("severity") for line in lines):
        lines.insert(0, "severity error")
    if not any(line.strip().startswith("description") for line in lines):
        lines.insert(1, 'description "d"')
    return header + "\nrule r {\n" + "".join(f"  {line}\n" for line in lines) + "}\n"
