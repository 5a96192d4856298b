"""Masking of personal data in reports, and every profile/number code: defined, complete and reachable."""

import json
import string

import pytest

from idcheck import codes
from idcheck.profile import check_profile

from .conftest import MAINLAND_ORG, MAINLAND_PERSON, OVERSEAS_ORG, TAIWAN_PERSON, make

SECRETS = ["阿卜杜拉・买买提", "abudula·maimaiti", "1101051949123100２X", "13800138000x", "zhangsan＠example.com"]


def leaky_profile():
    return make(
        MAINLAND_PERSON,
        name_zh="阿卜杜拉・买买提", name_en="abudula·maimaiti", document_number="1101051949123100２X",
        phone={"country_code": "86", "number": "13800138000x"}, email="zhangsan＠example.com",
    )


def test_names_and_numbers_are_masked_by_default_and_revealed_on_request():
    report = check_profile(leaky_profile())
    masked = json.dumps(report.to_dict(), ensure_ascii=False)
    revealed = json.dumps(report.to_dict(reveal=True), ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in masked, secret
    for shown in ("阿卜杜拉·买买提", "abudula maimaiti", "13800138000x", "zhangsan＠example.com", "11010519491231002X"):
        assert shown in revealed and shown not in masked, shown
    assert "11010519491231002X" not in masked and "11010519491231002X" in revealed  # the normalised number
    assert "1101**********002X" in masked
    for f in report.findings:
        assert all(s not in f.message for s in SECRETS)


def test_pinyin_mismatch_masks_both_names():
    report = check_profile(make(name_en="li si"))
    [f] = report.to_dict()["findings"]
    assert "张三" not in f["message"] and "li si" not in f["message"] and "zhang san" not in f["message"]
    [f] = report.to_dict(reveal=True)["findings"]
    assert "张三" in f["message"] and "li si" in f["message"] and "zhang san" in f["message"]


# The form's own codes; the profile.*_mismatch codes compare the form with the document and belong to
# the OCR cross-check (catalogue/ocr.toml, tested in tests/ocr).
OCR_CODES = {"profile.name_mismatch", "profile.number_mismatch", "profile.document_type_mismatch"}
PROFILE_AND_NUMBER = sorted(
    c for c in codes.catalogue() if c.startswith(("profile.", "number.")) and c not in OCR_CODES
)

# one profile that produces each code (the targeted failing examples, collected)
EXAMPLES = {
    "profile.missing_field": make(email=None),
    "profile.invalid_value": make(region="moon"),
    "profile.number_not_string": make(postal_code=100010),
    "profile.unknown_field": make(nmae="x"),
    "profile.value_too_long": make(address="北" * 1001),
    "profile.too_many_fields": make(**{f"x{i}": 1 for i in range(60)}),
    "profile.registrant_type_mismatch": make(registrant_type="organization"),
    "profile.region_mismatch": make(region="taiwan"),
    "profile.document_not_accepted": make(document_type="other"),
    "profile.document_alternative": make(document_type="household_register"),
    "profile.document_military": make(MAINLAND_ORG, document_type="military_unit"),
    "profile.name_missing_chinese": make(name_zh="Zhang San"),
    "profile.name_space": make(name_zh="张 三"),
    "profile.name_invisible_char": make(name_zh="张\u200b三"),
    "profile.name_lookalike_dot": make(name_zh="阿卜杜拉・买买提"),
    "profile.name_lookalike_bracket": make(MAINLAND_ORG, name_zh="北京〈读者〉杂志社"),
    "profile.name_bracket_width": make(MAINLAND_ORG, name_zh="杭州示例（中国）有限公司"),
    "profile.name_fullwidth": make(MAINLAND_ORG, name_zh="北京ＡＢＣ有限公司"),
    "profile.name_lookalike_punct": make(MAINLAND_ORG, name_zh="北京—示例有限公司"),
    "profile.name_rare_char": make(name_zh="张\ue844"),
    "profile.name_invalid_char": make(name_zh="张三\t"),
    "profile.name_en_not_ascii": make(name_en="Zhāng Sān"),
    "profile.name_en_punct": make(name_en="zhang·san"),
    "profile.name_en_pinyin_mismatch": make(name_en="li si"),
    "profile.phone_country_code_invalid": make(phone__country_code="+86"),
    "profile.phone_area_code_in_country_code": make(phone__country_code="010"),
    "profile.phone_country_code_region": make(phone__country_code="1", phone__number="4155550123"),
    "profile.phone_number_invalid": make(phone__number="1380013800"),
    "profile.phone_extension_invalid": make(phone__extension="无"),
    "profile.postal_code_invalid": make(postal_code="10001"),
    "profile.province_unknown": make(province="Atlantis"),
    "profile.address_no_chinese": make(address="1 Main Street"),
    "profile.address_too_long": make(address="北" * 129),
    "profile.email_invalid": make(email="zhangsan"),
    "profile.email_new_gtld": make(email="test@test.club"),
    "number.invalid_length": make(document_number="1101051949123100"),
    "number.invalid_format": make(document_number="11010519491231OO2X"),
    "number.invalid_checksum": make(document_number="110101199003077578"),
    "number.invalid_date": make(document_number="110105194902300020"),
    "number.invalid_component": make(document_number="990105194912310023"),
    "number.not_normalized": make(document_number="11010519491231002x"),
    "number.pilot_era": make(MAINLAND_ORG, document_number="91350203M0001QAY9B"),
    "number.unknown_category": make(MAINLAND_ORG, document_number="E1110000600037341F"),
    "number.other_document": make(document_number="810000199001010019"),
    "number.overseas_placeholder": make(OVERSEAS_ORG, document_number="0"),
    "number.old_birth_date": make(document_number="440524188001010014"),
    "number.one_time_permit": make(TAIWAN_PERSON, document_type="travel_permit_tw", document_number="F290299977"),
}


def test_every_code_has_an_example():
    assert set(EXAMPLES) == set(PROFILE_AND_NUMBER)


@pytest.mark.parametrize("code", PROFILE_AND_NUMBER)
def test_every_code_is_reachable_and_renders(code):
    report = check_profile(EXAMPLES[code])
    assert code in report.codes, report.codes
    assert not report.has("internal.check_failed")
    for f in report.findings:
        for lang in ("en", "zh"):
            text = f.render(reveal=True, lang=lang)
            assert "{" not in text and "}" not in text, (f.code, lang, text)
        assert f.field, f.code


@pytest.mark.parametrize("code", PROFILE_AND_NUMBER)
def test_catalogue_entries_are_complete(code):
    info = codes.get(code)
    assert info.message_zh and info.fix and info.meaning and info.title
    assert info.message.rstrip().endswith("."), code
    en = {f for _, f, _, _ in string.Formatter().parse(info.message) if f}
    zh = {f for _, f, _, _ in string.Formatter().parse(info.message_zh) if f}
    assert zh <= en | {f + "_zh" for f in en}, code
