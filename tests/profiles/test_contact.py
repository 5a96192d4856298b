"""Phone, postal code, province, address and email (§3.3)."""

import pytest

from idcheck.profile import check_profile
from idcheck.profile.contact import email_problem, new_gtlds

from .conftest import (
    FOREIGN_PERSON,
    HONG_KONG_PERSON,
    MAINLAND_ORG,
    OVERSEAS_ORG,
    codes_of,
    findings,
    make,
)

# --- phone ---

@pytest.mark.parametrize("cc", ["010", "0571", "021", "0755"])
def test_area_code_in_the_country_code_box(cc):
    report = check_profile(make(phone__country_code=cc, phone__number="88158000"))
    [f] = report.findings
    assert f.code == "profile.phone_area_code_in_country_code" and f.severity == "error"
    assert f.field == "phone.country_code" and "Command syntax error" in f.message
    assert f"{cc}88158000" in f.render(reveal=True)


@pytest.mark.parametrize("cc, reason", [("+86", "+"), ("0086", "00"), ("８６", "full-width"), ("86-", "digits only"),
                                        ("8612", "1-3 digits"), ("CN", "digits only")])
def test_invalid_country_codes(cc, reason):
    [f] = findings(make(phone__country_code=cc), "profile.phone_country_code_invalid")
    assert f.severity == "error" and reason in f.message


def test_non_86_code_for_a_mainland_registrant_warns():
    [f] = findings(make(phone__country_code="852", phone__number="91234567"), "profile.phone_country_code_region")
    assert f.severity == "warning"
    assert "profile.phone_country_code_region" not in codes_of(HONG_KONG_PERSON)


@pytest.mark.parametrize("number", ["13800138000", "19912345678", "15012345678", "01062345678", "057188158000",
                                    "0755861234567"[:12], "02166666666"])
def test_valid_mainland_numbers(number):
    assert "profile.phone_number_invalid" not in codes_of(make(phone__number=number))


@pytest.mark.parametrize(
    "number, reason",
    [
        ("12800138000", "mobile"),          # 12x is not a mobile prefix
        ("1380013800", "mobile"),           # 10 digits
        ("138 0013 8000", "digits only"),
        ("138-0013-8000", "digits only"),
        ("+8613800138000", "country code"),
        ("8613800138000", "86 is repeated"),
        ("88158000", "area code"),          # landline without area code
        ("0571188158000", "area code + landline"),  # local part starts with 1
        ("１３８００１３８０００", "full-width"),
        ("phone", "digits only"),
    ],
)
def test_invalid_mainland_numbers(number, reason):
    [f] = findings(make(phone__number=number), "profile.phone_number_invalid")
    assert f.severity == "error" and reason in f.message and f.field == "phone.number"


@pytest.mark.parametrize("number, ok", [("1234", True), ("12345678901234", True), ("123", False),
                                        ("123456789012345", False), ("2025-550-123", False)])
def test_other_country_numbers(number, ok):
    assert ("profile.phone_number_invalid" not in codes_of(make(FOREIGN_PERSON, phone__number=number))) is ok


@pytest.mark.parametrize("ext, ok", [("", True), (None, True), ("1", True), ("123456", True), ("1234567", False),
                                     ("none", False), ("无", False), ("ext 12", False), (" ", False)])
def test_extension(ext, ok):
    assert ("profile.phone_extension_invalid" not in codes_of(make(phone__extension=ext))) is ok


def test_missing_phone_parts():
    fs = findings(make(phone={"extension": ""}), "profile.missing_field")
    assert {f.field for f in fs} == {"phone.country_code", "phone.number"}
    [f] = findings(make(phone=None), "profile.missing_field")
    assert f.field == "phone"


# --- postal code ---

@pytest.mark.parametrize("code, reason", [("31002", "5 digits"), ("3100245", "7 digits"), ("31OO24", "digits only"),
                                          ("３１００２４", "full-width"), ("310 024", "digits only")])
def test_mainland_postal_code(code, reason):
    [f] = findings(make(postal_code=code), "profile.postal_code_invalid")
    assert f.severity == "error" and reason in f.message and f.field == "postal_code"


def test_postal_code_example_from_the_api_doc():
    assert check_profile(make(MAINLAND_ORG, province="浙江省", city="杭州市", postal_code="310024",
                              address="浙江省杭州市余杭区文一西路969号")).verdict == "pass"


def test_postal_code_outside_the_mainland_is_loose():
    assert "profile.postal_code_invalid" not in codes_of(make(FOREIGN_PERSON, postal_code="SW1A 1AA"))
    [f] = findings(make(FOREIGN_PERSON, postal_code="n/a"), "profile.postal_code_invalid")
    assert f.severity == "warning"
    [f] = findings(make(OVERSEAS_ORG, postal_code=None), "profile.missing_field")
    assert f.severity == "warning"  # Hong Kong has no postal codes


def test_non_mainland_individual_with_mainland_address_needs_six_digits():
    assert "profile.postal_code_invalid" in codes_of(make(HONG_KONG_PERSON, postal_code="5180"))


# --- province and address ---

@pytest.mark.parametrize(
    "province",
    [
        "浙江省",
        "浙江",
        "zhe jiang",
        "Zhejiang",
        "ZHEJIANG SHENG",
        "内蒙古自治区",
        "Inner Mongolia",
        "新疆维吾尔自治区",
        "广西壮族自治区",
        "上海市",
        "Tibet",
        "Shaanxi",
    ],
)
def test_known_provinces(province):
    assert "profile.province_unknown" not in codes_of(make(province=province))


@pytest.mark.parametrize("province", ["Zhejang", "杭州", "California"])
def test_unknown_province_for_mainland(province):
    [f] = findings(make(province=province), "profile.province_unknown")
    assert f.severity == "warning"


def test_address_rules():
    [f] = findings(make(address="1 Chang'an Avenue, Beijing"), "profile.address_no_chinese")
    assert f.severity == "warning"
    [f] = findings(make(address="北京市" * 50), "profile.address_too_long")
    assert f.measured.value == 150 and f.threshold.value == 128
    assert "profile.address_no_chinese" not in codes_of(FOREIGN_PERSON)


# --- email ---

@pytest.mark.parametrize(
    "email",
    [
        "zhangsan@example.com",
        "a.b+tag@sub.example.com.cn",
        "x@例子.中国",
        "x@xn--fsqu00a.xn--fiqs8s",
        "O'Brien@example.ie",
        "first_last-1@example.co.uk",
    ],
)
def test_valid_emails(email):
    assert email_problem(email) is None
    assert "profile.email_invalid" not in codes_of(make(email=email))


@pytest.mark.parametrize(
    "email, reason",
    [
        ("zhangsan", "no @"),
        ("zhangsan@@example.com", "more than one @"),
        ("zhangsan＠example.com", "full-width"),
        ("zhangsan@example。com", "full-width dot"),
        ("zhang san@example.com", "spaces"),
        (" zhangsan@example.com", "spaces around"),
        ("张三@example.com", "ASCII"),
        (".zhangsan@example.com", "dots"),
        ("zhang..san@example.com", "dots"),
        ("zhangsan@example", "incomplete"),
        ("zhangsan@-example.com", "not allowed"),
        ("zhangsan@example.c", "top-level"),
        ("zhangsan@[127.0.0.1]", "IP-address"),
        ("@example.com", "nothing before"),
        ("zhangsan@", "nothing after"),
    ],
)
def test_invalid_emails(email, reason):
    [f] = findings(make(email=email), "profile.email_invalid")
    assert f.severity == "error" and reason in f.message and f.field == "email"
    assert f.params["value"].value == email and str(f.params["value"]) != email  # masked by default


@pytest.mark.parametrize("email, tld", [("test@test.club", "club"), ("a@b.xyz", "xyz"), ("a@b.TOP", "top"),
                                        ("a@b.vip", "vip"), ("a@shop.online", "online"), ("a@例子.在线", "在线"),
                                        ("a@b.xn--3ds443g", "在线")])
def test_new_gtld_mailboxes_warn(email, tld):
    report = check_profile(make(email=email))
    [f] = report.findings
    assert f.code == "profile.email_new_gtld" and f.severity == "warning" and f".{tld}" in f.message
    assert report.verdict == "warn"


@pytest.mark.parametrize("email", ["a@b.com", "a@b.cn", "a@b.net", "a@b.org", "a@b.com.cn", "a@club.com", "a@b.co"])
def test_common_suffixes_do_not_warn(email):
    assert "profile.email_new_gtld" not in codes_of(make(email=email))


def test_new_gtld_list_is_data():
    tlds = new_gtlds()
    assert {"club", "xyz", "top", "vip", "shop", "online", "site"} <= tlds
    assert not {"com", "net", "org", "cn", "info", "biz"} & tlds
    assert "xn--3ds443g" in tlds  # punycode of 在线 derived from the Unicode line


def test_spaces_around_phone_parts_warn():
    [f] = findings(make(phone__country_code=" 86"), "profile.phone_country_code_invalid")
    assert f.severity == "warning"
    [f] = findings(make(phone__number="13800138000 "), "profile.phone_number_invalid")
    assert f.severity == "warning" and "spaces around" in f.message
