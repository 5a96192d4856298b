"""Realistic registrant profiles, one per registrant type and region, that pass every rule."""

import copy

import pytest

from idcheck.profile import check_profile

MAINLAND_PERSON = {
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

HONG_KONG_PERSON = {
    "registrant_type": "individual",
    "region": "hong_kong",
    "name_zh": "陈大文",
    "name_en": "chen da wen",
    "document_type": "residence_permit_hkmo",
    "document_number": "810000199001010019",
    "province": "广东省",
    "city": "深圳市",
    "address": "广东省深圳市福田区福华一路88号",
    "postal_code": "518048",
    "phone": {"country_code": "852", "number": "91234567", "extension": ""},
    "email": "chan.taiman@example.com.hk",
}

MACAO_PERSON = {
    "registrant_type": "individual",
    "region": "macao",
    "name_zh": "黄小梅",
    "name_en": "huang xiao mei",
    "document_type": "residence_permit_hkmo",
    "document_number": "820000198511200127",
    "province": "广东省",
    "city": "珠海市",
    "address": "广东省珠海市香洲区情侣中路1号",
    "postal_code": "519000",
    "phone": {"country_code": "853", "number": "66123456"},
    "email": "xiaomei@example.mo",
}

TAIWAN_PERSON = {
    "registrant_type": "individual",
    "region": "taiwan",
    "name_zh": "林志明",
    "name_en": "Lin Zhiming",
    "document_type": "residence_permit_tw",
    "document_number": "830000197707070341",
    "province": "福建省",
    "city": "厦门市",
    "address": "福建省厦门市思明区鹭江道8号",
    "postal_code": "361001",
    "phone": {"country_code": "886", "number": "912345678", "extension": None},
    "email": "lin.zhiming@example.com.tw",
}

FOREIGN_PERSON = {
    "registrant_type": "individual",
    "region": "foreign",
    "name_zh": "John Smith",  # English-only passport: the English name goes into the Chinese field
    "name_en": "John Smith",
    "document_type": "passport",
    "document_number": "A12345678",
    "province": "California",
    "city": "San Francisco",
    "address": "100 Market Street, San Francisco, CA",
    "postal_code": "94105",
    "phone": {"country_code": "1", "number": "4155550123", "extension": "12"},
    "email": "john.smith@example.com",
}

MAINLAND_ORG = {
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

OVERSEAS_ORG = {
    "registrant_type": "organization",
    "region": "hong_kong",
    "name_zh": "Example Trading Limited",
    "name_en": "Example Trading Limited",
    "document_type": "overseas_org_certificate",
    "document_number": "12345678-000-06-20-4",
    "province": "Hong Kong",
    "city": "Hong Kong",
    "address": "1 Queen's Road Central, Hong Kong",
    "postal_code": "999077",
    "phone": {"country_code": "852", "number": "21234567", "extension": ""},
    "email": "admin@example.com.hk",
}

PASSING = {
    "mainland_person": MAINLAND_PERSON,
    "hong_kong_person": HONG_KONG_PERSON,
    "macao_person": MACAO_PERSON,
    "taiwan_person": TAIWAN_PERSON,
    "foreign_person": FOREIGN_PERSON,
    "mainland_org": MAINLAND_ORG,
    "overseas_org": OVERSEAS_ORG,
}


def make(base=MAINLAND_PERSON, **changes):
    """A deep copy of ``base`` with ``changes``; ``phone__number="..."`` sets a phone part, None deletes."""
    data = copy.deepcopy(base)
    for key, value in changes.items():
        if "__" in key:
            outer, inner = key.split("__")
            data.setdefault(outer, {})
            target, key = data[outer], inner
        else:
            target = data
        if value is DELETE:
            target.pop(key, None)
        else:
            target[key] = value
    return data


DELETE = object()


def findings(profile, code=None):
    report = check_profile(profile)
    return [f for f in report.findings if code is None or f.code == code]


def codes_of(profile):
    return set(check_profile(profile).codes)


@pytest.fixture(params=sorted(PASSING))
def passing_profile(request):
    return copy.deepcopy(PASSING[request.param])
