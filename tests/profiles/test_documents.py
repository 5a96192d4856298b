"""Document type vs registrant type and region (§3.2), and the document number (§1, §2, §3.3, §3.5)."""

import pytest

from idcheck.profile import check_profile
from idcheck.profile.checks import ACCEPTED, DOCUMENT_OWNER, DOCUMENT_REGIONS, NUMBER_FORMAT
from idcheck.profile.model import DOCUMENT_TYPES

from .conftest import (
    FOREIGN_PERSON,
    HONG_KONG_PERSON,
    MACAO_PERSON,
    MAINLAND_ORG,
    MAINLAND_PERSON,
    OVERSEAS_ORG,
    TAIWAN_PERSON,
    codes_of,
    findings,
    make,
)


def test_tables_cover_every_document_type():
    for doc in DOCUMENT_TYPES:
        assert doc in DOCUMENT_OWNER and doc in DOCUMENT_REGIONS, doc
        assert doc in NUMBER_FORMAT or doc == "military_unit", doc
    for (rtype, region), (preferred, alternatives) in ACCEPTED.items():
        for doc in preferred + alternatives:
            assert DOCUMENT_OWNER[doc] in (rtype, None)
            assert DOCUMENT_REGIONS[doc] is None or region in DOCUMENT_REGIONS[doc]


# --- registrant type vs document (未提交注册者证件) ---

@pytest.mark.parametrize(
    "base, doc, number",
    [
        (MAINLAND_PERSON, "business_license", "91110000600037341L"),
        (MAINLAND_ORG, "id_card", "11010519491231002X"),
        (OVERSEAS_ORG, "passport", "A12345678"),
        (FOREIGN_PERSON, "overseas_org_certificate", "12345"),
    ],
)
def test_personal_name_with_org_document_and_vice_versa(base, doc, number):
    [f] = findings(make(base, document_type=doc, document_number=number), "profile.registrant_type_mismatch")
    assert f.severity == "error" and f.field == "document_type"


# --- region vs document (境外个人或组织用户) ---

@pytest.mark.parametrize(
    "base, region",
    [
        (MAINLAND_PERSON, "hong_kong"),   # resident ID => mainland
        (MAINLAND_PERSON, "foreign"),
        (MAINLAND_ORG, "hong_kong"),      # USCC => mainland organisation
        (OVERSEAS_ORG, "mainland"),       # overseas certificate => outside the mainland
        (TAIWAN_PERSON, "hong_kong"),     # Taiwan permit => Taiwan
        (HONG_KONG_PERSON, "taiwan"),
        (FOREIGN_PERSON, "mainland"),     # mainland individuals use the ID card [A1]
    ],
)
def test_region_must_match_the_document(base, region):
    report = check_profile(make(base, region=region))
    [f] = [f for f in report.findings if f.code == "profile.region_mismatch"]
    assert f.severity == "error" and f.field == "region"
    assert report.verdict == "fail"


def test_passport_for_hong_kong_individual_is_only_a_warning():
    [f] = findings(
        make(FOREIGN_PERSON, region="hong_kong", name_zh="陈大文", name_en="chan tai man"), "profile.region_mismatch"
    )
    assert f.severity == "warning" and "why_warning" in f.details


@pytest.mark.parametrize(
    "number, region, ok",
    [
        ("810000199001010019", "hong_kong", True),
        ("810000199001010019", "macao", False),   # 810000 = Hong Kong
        ("820000198511200127", "macao", True),
        ("820000198511200127", "hong_kong", False),  # 820000 = Macao
    ],
)
def test_residence_permit_region_code_must_match_region(number, region, ok):
    profile = make(HONG_KONG_PERSON, region=region, document_number=number)
    assert ("profile.region_mismatch" not in codes_of(profile)) is ok


def test_taiwan_permit_number_with_hkmo_document_type():
    [f] = findings(make(HONG_KONG_PERSON, document_number="830000197707070341"), "number.other_document")
    assert f.details["detected_format"] == "residence_permit_tw"


@pytest.mark.parametrize(
    "number, region, ok",
    [
        ("H32031177", "hong_kong", True),      # C3 example, card
        ("H3203117707", "hong_kong", True),    # C3 example, booklet
        ("M12345678", "macao", True),
        ("H32031177", "macao", False),         # H = Hong Kong
        ("M12345678", "hong_kong", False),     # M = Macao
    ],
)
def test_travel_permit_letter_must_match_region(number, region, ok):
    profile = make(MACAO_PERSON, region=region, document_type="travel_permit_hkmo", document_number=number)
    codes = codes_of(profile)
    assert ("profile.region_mismatch" not in codes) is ok
    assert "profile.document_alternative" in codes  # the residence permit is preferred


def test_document_not_accepted_for_registrant():
    [f] = findings(make(MAINLAND_PERSON, document_type="other", document_number="X1"), "profile.document_not_accepted")
    assert f.severity == "error" and "resident identity card" in f.message


def test_alternative_documents_are_info():
    for doc in ("household_register", "household_certificate", "temporary_id_card"):
        report = check_profile(make(document_type=doc))
        assert report.verdict == "pass" and report.has("profile.document_alternative")
    report = check_profile(make(FOREIGN_PERSON, document_type="foreign_permanent_resident_card",
                                document_number="911840198506150011"))
    assert report.verdict == "pass" and report.has("profile.document_alternative")


def test_military_units_cannot_verify_at_alibaba():
    [f] = findings(
        make(MAINLAND_ORG, document_type="military_unit", document_number="12345"), "profile.document_military"
    )
    assert f.severity == "error"


@pytest.mark.parametrize("doc", ["uscc_certificate", "institution_certificate", "social_org_certificate",
                                 "law_firm_license", "foreign_enterprise_office_certificate", "other"])
def test_other_mainland_org_documents_pass(doc):
    assert check_profile(make(MAINLAND_ORG, document_type=doc)).verdict == "pass"


def test_overseas_org_without_number_enters_zero():
    report = check_profile(make(OVERSEAS_ORG, document_number="0"))
    assert report.verdict == "pass" and report.has("number.overseas_placeholder")


@pytest.mark.parametrize("region", ["macao", "taiwan", "foreign"])
def test_overseas_orgs_of_every_region_pass(region):
    assert check_profile(make(OVERSEAS_ORG, region=region)).verdict == "pass"


# --- numbers: the reference examples ---

USCC_VALID = ["91110000600037341L", "91350100M000100Y43", "91350200MA2YJ1XR9G", "91440101MA5CJQ4N59",
              "91330106MA27XY0A18", "121100004000007638", "5211000050001234XD", "93440300MA5F12342J"]


@pytest.mark.parametrize("number", USCC_VALID)
def test_uscc_valid_examples(number):
    assert check_profile(make(MAINLAND_ORG, document_number=number)).verdict == "pass"


@pytest.mark.parametrize(
    "number, code",
    [
        ("91110000600037341K", "number.invalid_checksum"),
        ("91110000600037340H", "number.invalid_checksum"),   # position 17 (GB 11714)
        ("9111000060003734IL", "number.invalid_format"),     # I is not in the alphabet
        ("9111000060003734", "number.invalid_length"),
    ],
)
def test_uscc_invalid_examples(number, code):
    report = check_profile(make(MAINLAND_ORG, document_number=number))
    [f] = [f for f in report.findings if f.code.startswith("number.")]
    assert f.code == code and f.severity == "error" and f.field == "document_number"
    assert number not in f.message  # masked


@pytest.mark.parametrize("number", ["91350203M0001QAY9B", "91350100M000100Y4A"])
def test_uscc_pilot_era_is_a_warning(number):
    # 91350100M000100Y4A is listed as invalid in §1.6 (util-helpers doctest), but it has the
    # pilot-era shape 9135dddd M000 of §1.5 step 6, so by the reference's own rule it is a warning.
    report = check_profile(make(MAINLAND_ORG, document_number=number))
    assert report.verdict == "warn" and report.codes == ["number.pilot_era"]


def test_uscc_unknown_category_is_a_warning():
    from idcheck.numbers import uscc

    body = "110000600037341"
    first17 = "E1" + body[:15]
    first17 = first17[:16] + uscc.calc_org_check_digit(first17[8:16])
    number = first17 + uscc.calc_check_digit(first17)
    assert uscc.is_valid(number) and not uscc.category_known(number)
    report = check_profile(make(MAINLAND_ORG, document_number=number))
    assert report.codes == ["number.unknown_category"] and report.verdict == "warn"


def test_fifteen_digit_business_registration_number_is_a_warning():
    [f] = findings(make(MAINLAND_ORG, document_number="110000012345678"), "number.invalid_length")
    assert f.severity == "warning"


def test_org_code_certificate_takes_the_nine_character_code_or_the_uscc():
    assert (
        check_profile(make(MAINLAND_ORG, document_type="org_code_certificate", document_number="600037341")).verdict
        == "pass"
    )
    assert check_profile(make(MAINLAND_ORG, document_type="org_code_certificate")).verdict == "pass"
    assert "number.invalid_checksum" in codes_of(
        make(MAINLAND_ORG, document_type="org_code_certificate", document_number="600037342")
    )
    assert "number.invalid_length" in codes_of(
        make(MAINLAND_ORG, document_type="org_code_certificate", document_number="6000373")
    )
    assert "number.invalid_format" in codes_of(
        make(MAINLAND_ORG, document_type="org_code_certificate", document_number="60003734Y")
    )


RID_VALID = ["11010519491231002X", "440305200002291232", "330106198808080354"]


@pytest.mark.parametrize("number", RID_VALID)
def test_resident_id_valid_examples(number):
    assert check_profile(make(document_number=number)).verdict == "pass"


def test_resident_id_born_before_1900_is_a_warning():
    report = check_profile(make(document_number="440524188001010014"))
    assert report.codes == ["number.old_birth_date"] and report.verdict == "warn"


@pytest.mark.parametrize(
    "number, code",
    [
        ("110101199003077578", "number.invalid_checksum"),
        ("110105194902300020", "number.invalid_date"),        # 30 February
        ("990105194912310023", "number.invalid_component"),   # region 99
        ("110105209912310029", "number.invalid_date"),        # in the future
        ("110105491231002", "number.invalid_length"),         # obsolete 15-digit number
        ("11010519491231OO2X", "number.invalid_format"),      # letter O for zero
    ],
)
def test_resident_id_invalid_examples(number, code):
    fs = [f for f in findings(make(document_number=number)) if f.code.startswith("number.")]
    assert [f.code for f in fs] == [code] and fs[0].severity == "error"


@pytest.mark.parametrize(
    "typed, change",
    [
        ("11010519491231002x", "lowercase"),                   # lower-case x: normalise + warn
        ("１１０１０５１９４９１２３１００２Ｘ", "fullwidth"),
        ("110105 19491231 002X", "spaces"),
        ("110105-19491231-002X", "dashes"),
        ("11010519491231002X\u200b", "invisible"),
    ],
)
def test_number_not_typed_as_printed_is_a_warning(typed, change):
    report = check_profile(make(document_number=typed))
    [f] = report.findings
    assert f.code == "number.not_normalized" and f.severity == "warning" and change in f.details["changes"]
    assert report.to_dict(reveal=True)["findings"][0]["message"].endswith("11010519491231002X.")


@pytest.mark.parametrize(
    "number, detected",
    [
        ("810000199001010019", "residence_permit_hkmo"),   # 81: residence permit, not a resident ID
        ("911840198506150011", "foreign_permanent_resident_card"),  # leading 9: FPR 2023
    ],
)
def test_number_of_another_document(number, detected):
    [f] = findings(make(document_number=number), "number.other_document")
    assert f.severity == "error" and f.details["detected_format"] == detected


def test_resident_id_typed_as_passport_number():
    [f] = findings(make(FOREIGN_PERSON, document_number="11010519491231002X"), "number.other_document")
    assert f.details["detected_format"] == "id_card"


@pytest.mark.parametrize("number", ["810000199001010019", "820000198511200127"])
def test_residence_permit_examples(number):
    region = "hong_kong" if number.startswith("81") else "macao"
    assert check_profile(make(HONG_KONG_PERSON, region=region, document_number=number)).verdict == "pass"


def test_residence_permit_bad_checksum():
    assert "number.invalid_checksum" in codes_of(make(HONG_KONG_PERSON, document_number="810000199001010018"))


@pytest.mark.parametrize("number", ["12345678", "07257456", "0725745601"])
def test_taiwan_travel_permit_examples(number):
    report = check_profile(make(TAIWAN_PERSON, document_type="travel_permit_tw", document_number=number))
    assert report.verdict == "pass"


def test_taiwan_one_time_permit_is_a_warning():
    report = check_profile(make(TAIWAN_PERSON, document_type="travel_permit_tw", document_number="F290299977"))
    assert "number.one_time_permit" in report.codes and report.verdict == "warn"


@pytest.mark.parametrize(
    "number, code",
    [("911840198506150011", None), ("931392199001010029", None), ("KAZ110090123105", None),
     ("911840198506150012", "number.invalid_checksum")],
)
def test_foreign_permanent_resident_examples(number, code):
    profile = make(FOREIGN_PERSON, document_type="foreign_permanent_resident_card", document_number=number)
    codes = {c for c in codes_of(profile) if c.startswith("number.")}
    assert codes == ({code} if code else set())


@pytest.mark.parametrize(
    "number", ["E12345678", "EA1234567", "G12345678", "K12345678", "MA1234567", "533380006", "X1234567"]
)
def test_passport_numbers_are_free_form(number):
    assert check_profile(make(FOREIGN_PERSON, document_number=number)).verdict == "pass"


@pytest.mark.parametrize(
    "number, code",
    [("A12", "number.invalid_length"), ("A" * 21, "number.invalid_length"), ("A1234567#", "number.invalid_format"),
     ("护照12345678", "number.invalid_format")],
)
def test_passport_number_shape(number, code):
    assert code in codes_of(make(FOREIGN_PERSON, document_number=number))


def test_overseas_number_too_long_or_odd():
    assert "number.invalid_length" in codes_of(make(OVERSEAS_ORG, document_number="1" * 21))
    assert "number.invalid_format" in codes_of(make(OVERSEAS_ORG, document_number="編號123"))
