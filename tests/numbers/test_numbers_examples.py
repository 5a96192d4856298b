"""Every example of domain-rules.md §1.6, §2.1-§2.7 and Appendix B, with the exact outcome."""

from __future__ import annotations

import datetime

import pytest

from idcheck.numbers import (
    InvalidChecksum,
    InvalidComponent,
    InvalidDate,
    InvalidFormat,
    InvalidLength,
    ValidationError,
    fpr,
    hkmo_permit,
    mrz,
    passport,
    ric,
    rp,
    tw_permit,
    uscc,
)

# ------------------------------------------------------------------------------------ USCC §1.6

USCC_VALID = [
    "91110000600037341L",  # python-stdnum doctest
    "91350100M000100Y43",  # util-helpers doctest
    "91350200MA2YJ1XR9G",
    "91440101MA5CJQ4N59",
    "91330106MA27XY0A18",  # synthetic
    "121100004000007638",  # synthetic, 12 = 事业单位
    "5211000050001234XD",  # synthetic, org check X
    "93440300MA5F12342J",  # synthetic, 93 = 农民专业合作社
]


@pytest.mark.parametrize("number", USCC_VALID)
def test_uscc_valid_examples(number):
    assert uscc.validate(number) == number
    assert uscc.is_valid(number)
    assert uscc.info(number)["category_known"]


@pytest.mark.parametrize(
    "number, exc, position, expected",
    [
        ("91350100M000100Y4A", InvalidChecksum, 18, "3"),
        ("91110000600037341K", InvalidChecksum, 18, "L"),
        ("91110000600037340H", InvalidChecksum, 17, "1"),  # pos 18 consistent, org check wrong
        ("9111000060003734IL", InvalidFormat, 17, "a digit 0-9 or X"),
        ("91350203M0001QAY9B", InvalidChecksum, 18, "9"),  # real pilot-era code
    ],
)
def test_uscc_invalid_examples(number, exc, position, expected):
    with pytest.raises(exc) as info:
        uscc.validate(number)
    assert type(info.value) is exc
    assert info.value.position == position
    assert info.value.expected == expected
    assert not uscc.is_valid(number)


def test_uscc_lookalike_suggestion():
    with pytest.raises(InvalidFormat) as info:
        uscc.validate("9111000060003734IL")
    assert info.value.found == "I" and info.value.suggestion == "1"
    for bad, good in [("O", "0"), ("S", "5"), ("Z", "2"), ("V", "U")]:
        with pytest.raises(InvalidFormat) as info:
            uscc.validate("91110000" + bad + "00037341L")
        assert info.value.position == 9 and info.value.suggestion == good


def test_uscc_letter_authority_codes_are_allowed():
    # python-stdnum demands digits at positions 1-8; GB 32100 does not (§1.2).
    body = "MA5CJQ4N"
    first17 = "Y1440101" + body + uscc.calc_org_check_digit(body)
    number = first17 + uscc.calc_check_digit(first17)
    assert uscc.validate(number) == number
    first17 = "N2440101" + body + uscc.calc_org_check_digit(body)
    assert uscc.info(first17 + uscc.calc_check_digit(first17))["category_certain"] is False


def test_uscc_region_must_be_digits():
    with pytest.raises(InvalidFormat) as info:
        uscc.validate("91B10000600037341L")
    assert info.value.position == 3 and info.value.suggestion == "8"


def test_uscc_pilot_era():
    for code in ("91350203M0001QAY9B", "91350100M0001TGQXM", "91350211M0000XUF46", "91350203M0001FUE2P"):
        with pytest.raises(InvalidChecksum) as info:
            uscc.validate(code)
        assert info.value.position == 18
        assert "pilot-era" in info.value.message
        assert uscc.is_pilot_era_exception(code)
        assert uscc.info(code)["pilot_era_exception"] is True
    assert not uscc.is_pilot_era_exception("91110000600037341K")  # not Fujian pilot shape
    assert not uscc.is_pilot_era_exception("91350100M000100Y43")  # valid: no exception needed
    assert not uscc.is_pilot_era_exception("91350100M000100X43")  # also fails position 17
    # The rule is shape-based (§1.5 step 6): a typo in position 18 of a pilot-shaped code looks the same.
    assert uscc.is_pilot_era_exception("91350100M000100Y4A")
    assert uscc.info("91110000600037341L")["pilot_era_exception"] is False
    with pytest.raises(InvalidChecksum):
        uscc.info("91110000600037341K")


def test_uscc_unknown_category_passes_with_flag():
    body = "60003734"
    first17 = "3311" + "0000" + body + uscc.calc_org_check_digit(body)  # 33: not in any list
    number = first17 + uscc.calc_check_digit(first17)
    assert uscc.validate(number) == number
    assert not uscc.category_known(number)
    parts = uscc.info(number)
    assert parts["category_known"] is False and parts["category_certain"] is False
    assert uscc.category_known("91110000600037341L")
    assert not uscc.category_known(None)


def test_uscc_tables():
    assert set(uscc.CATEGORIES_2015) == {"11", "12", "13", "19", "51", "52", "53", "59", "91", "92", "93", "Y1"}
    assert not set(uscc.CATEGORIES_2015) & set(uscc.CATEGORIES_EXTENDED)
    assert {"A1", "G1", "J1", "N3", "Q9", "99", "36"} <= set(uscc.CATEGORIES_EXTENDED)
    assert all(code[0] in uscc.AUTHORITIES for code in uscc.CATEGORIES)


def test_uscc_info_parts():
    parts = uscc.info("91110000600037341L")
    assert parts["authority"] == "9" and parts["category"] == "91" and parts["category_name_zh"] == "企业"
    assert parts["region_code"] == "110000" and parts["org_code"] == "600037341"
    assert parts["check_char_17"] == "1" and parts["check_char_18"] == "L"


@pytest.mark.parametrize("value, hint", [("110105000012345", "工商注册号"), ("60003734-1", "组织机构代码")])
def test_uscc_length_hints(value, hint):
    with pytest.raises(InvalidLength) as info:
        uscc.validate(value)
    assert hint in info.value.message and info.value.expected == 18


def test_uscc_calc():
    assert uscc.calc_check_digit("91110000600037341") == "L"
    assert uscc.calc_org_check_digit("60003734") == "1"
    assert uscc.calc_org_check_digit("50001234") == "X"
    with pytest.raises(InvalidFormat):
        uscc.calc_check_digit("9111000060003734I")
    with pytest.raises(InvalidLength):
        uscc.calc_org_check_digit("123")


# -------------------------------------------------------------------------------- RIC §2.1

RIC_VALID = ["11010519491231002X", "440524188001010014", "440305200002291232", "330106198808080354"]


@pytest.mark.parametrize("number", RIC_VALID)
def test_ric_valid_examples(number):
    assert ric.validate(number) == number


@pytest.mark.parametrize(
    "number, exc, position",
    [
        ("110101199003077578", InvalidChecksum, 18),  # check should be 1
        ("110105194902300020", InvalidDate, 7),  # 30 February
        ("990105194912310023", InvalidComponent, 1),  # region 99
        ("110105209912310029", InvalidDate, 7),  # future
    ],
)
def test_ric_invalid_examples(number, exc, position):
    with pytest.raises(exc) as info:
        ric.validate(number)
    assert type(info.value) is exc and info.value.position == position


def test_ric_checksum_expected():
    with pytest.raises(InvalidChecksum) as info:
        ric.validate("110101199003077578")
    assert (info.value.expected, info.value.found) == ("1", "8")


def test_ric_lowercase_x_is_normalised_and_reported():
    assert ric.validate("11010519491231002x") == "11010519491231002X"
    assert ric.normalize("11010519491231002x").changes == ("lowercase",)


def test_ric_before_1900_is_valid_but_flagged():
    parts = ric.info("440524188001010014")
    assert parts["birth_date"] == datetime.date(1880, 1, 1) and parts["born_before_1900"] is True
    assert ric.info("11010519491231002X")["born_before_1900"] is False


def test_ric_info():
    parts = ric.info("11010519491231002X")
    assert parts["region_code"] == "110105" and parts["province"] == "11" and parts["province_name"] == "Beijing"
    assert parts["birth_date"] == datetime.date(1949, 12, 31)
    assert parts["sex"] == "female" and parts["check_digit"] == "X"
    assert ric.info("330106198808080354")["sex"] == "male"


def test_ric_15_digit_obsolete():
    with pytest.raises(InvalidLength) as info:
        ric.validate("110105491231002")
    assert "obsolete" in info.value.message and info.value.expected == 18 and info.value.found == 15


@pytest.mark.parametrize(
    "number, other",
    [("810000199001010019", "rp"), ("820000198511200127", "rp"), ("830000197707070341", "rp"),
     ("911840198506150011", "fpr"), ("990105194912310023", "fpr")],
)
def test_ric_points_to_the_right_format(number, other):
    with pytest.raises(InvalidComponent) as info:
        ric.validate(number)
    assert info.value.other_format == other


def test_ric_redirect_message_says_when_valid_elsewhere():
    with pytest.raises(InvalidComponent) as info:
        ric.validate("810000199001010019")
    assert "valid residence permit" in info.value.message
    with pytest.raises(InvalidComponent) as info:
        ric.validate("990105194912310023")
    assert "valid" not in info.value.message.replace("not resident", "")


def test_ric_taiwan_71_and_unknown_province():
    for number in ("71" + "0105194912310023", "00" + "0105194912310023", "16" + "0105194912310023"):
        first17 = number[:17]
        with pytest.raises(InvalidComponent) as info:
            ric.validate(first17 + ric.calc_check_digit(first17))
        assert info.value.component == "province" and info.value.other_format is None


def test_ric_date_before_1800_rejected():
    first17 = "11010517991231002"
    with pytest.raises(InvalidDate):
        ric.validate(first17 + ric.calc_check_digit(first17))


def test_ric_other_script_digits():
    with pytest.raises(InvalidFormat) as info:
        ric.validate("11010519491231002\u0663")  # Arabic-Indic three
    assert info.value.position == 18 and info.value.suggestion == "3"


def test_ric_format():
    assert ric.format("11010519491231002X") == "110105 19491231 002X"


# ------------------------------------------------------------------- residence permits §2.2

@pytest.mark.parametrize("number, region", [("810000199001010019", "hk"), ("820000198511200127", "macao"),
                                            ("830000197707070341", "taiwan")])
def test_rp_valid_examples(number, region):
    assert rp.validate(number) == number
    assert rp.info(number)["region"] == region


def test_rp_invalid():
    with pytest.raises(InvalidComponent) as info:
        rp.validate("11010519491231002X")
    assert info.value.other_format == "ric"
    with pytest.raises(InvalidComponent) as info:
        rp.validate("810100199001010019")
    assert info.value.position == 4
    with pytest.raises(InvalidComponent) as info:
        rp.validate("710000199001010019")
    assert info.value.other_format is None
    with pytest.raises(InvalidChecksum):
        rp.validate("810000199001010018")
    first17 = "81000020990101001"
    with pytest.raises(InvalidDate):
        rp.validate(first17 + rp.calc_check_digit(first17))


# ---------------------------------------------------------------------- travel permits §2.3 §2.4

def test_hkmo_permit_examples():
    assert hkmo_permit.validate("H3203117707") == "H3203117707"
    assert hkmo_permit.validate("H32031177") == "H32031177"
    assert hkmo_permit.info("H32031177") == {
        "number": "H32031177", "region": "hk", "region_name": "Hong Kong", "generation": "card",
        "holder_number": "32031177", "replacements": None,
    }
    assert hkmo_permit.info("M1234567801")["region"] == "macao"
    assert hkmo_permit.info("H3203117707")["replacements"] == 7
    assert hkmo_permit.validate("h32031177") == "H32031177"


@pytest.mark.parametrize("value, exc, position", [
    ("X32031177", InvalidFormat, 1), ("H3203117", InvalidLength, None), ("H320311770", InvalidLength, None),
    ("HA3203117", InvalidFormat, 2), ("H3203117O", InvalidFormat, 9), ("32031177", InvalidLength, None),
])
def test_hkmo_permit_invalid(value, exc, position):
    with pytest.raises(exc) as info:
        hkmo_permit.validate(value)
    assert info.value.position == position
    if value.endswith("O"):
        assert info.value.suggestion == "0"


def test_tw_permit_examples():
    assert tw_permit.validate("12345678") == "12345678"
    assert tw_permit.validate("07257456") == "07257456"
    assert tw_permit.info("0725745601")["generation"] == "booklet"
    assert tw_permit.info("0725745601")["replacements"] == 1


def test_tw_permit_one_time():
    with pytest.raises(InvalidFormat) as info:
        tw_permit.validate("F290299977")
    assert info.value.component == "one_time_permit"
    assert tw_permit.is_one_time_permit("F290299977")
    assert tw_permit.is_one_time_permit("123456789012")
    assert not tw_permit.is_one_time_permit("0725745601")  # 10 digits: a booklet number
    assert not tw_permit.is_one_time_permit("07257456")
    with pytest.raises(InvalidLength):
        tw_permit.validate("1234567")


# ------------------------------------------------------------------------------- FPR §2.5

@pytest.mark.parametrize("number", ["911840198506150011", "931392199001010029", "KAZ110090123105"])
def test_fpr_valid_examples(number):
    assert fpr.validate(number) == number


def test_fpr_info():
    parts = fpr.info("911840198506150011")
    assert parts["version"] == 2023 and parts["province"] == "11" and parts["nationality"] == "USA"
    assert parts["birth_date"] == datetime.date(1985, 6, 15) and parts["sex"] == "male"
    parts = fpr.info("931392199001010029")
    assert parts["nationality"] == "JPN" and parts["province_name"] == "Shanghai" and parts["sex"] == "female"
    parts = fpr.info("KAZ110090123105")
    assert parts["version"] == 2017 and parts["nationality"] == "KAZ" and parts["place_code"] == "1100"
    assert parts["birth_date"] == datetime.date(1990, 12, 31) and parts["sex"] is None
    assert fpr.version("KAZ110090123105") == 2017


def test_fpr_check_digits():
    assert fpr.calc_check_digit("KAZ11009012310") == "5"  # 7-3-1, Appendix B
    assert fpr.calc_check_digit("91184019850615001") == "1"
    with pytest.raises(InvalidLength):
        fpr.calc_check_digit("123")


@pytest.mark.parametrize("number, exc, position", [
    ("911840198506150012", InvalidChecksum, 18),
    ("KAZ110090123104", InvalidChecksum, 15),
    ("QQQ110090123105", InvalidComponent, 1),  # not an ISO alpha-3 code
    ("KAZ990090123105", InvalidComponent, 4),  # province 99
    ("KAZ110090023105", InvalidDate, 8),  # month 00
    ("11010519491231002X", InvalidComponent, 1),  # a resident ID number
])
def test_fpr_invalid(number, exc, position):
    with pytest.raises(exc) as info:
        fpr.validate(number)
    assert info.value.position == position


def test_fpr_2023_components():
    def build(first17: str) -> str:
        return first17 + fpr.calc_check_digit(first17)

    with pytest.raises(InvalidComponent) as info:
        fpr.validate(build("99184019850615001"))
    assert info.value.component == "province"
    with pytest.raises(InvalidComponent) as info:
        fpr.validate(build("91199919850615001"))  # 999 is not an ISO numeric code
    assert info.value.component == "nationality" and info.value.position == 4
    with pytest.raises(InvalidDate):
        fpr.validate(build("91184020990615001"))


# -------------------------------------------------------------------------- passports §2.6

@pytest.mark.parametrize("number, kind, issuer", [
    ("E12345678", "ordinary e-passport", "PRC"), ("EA1234567", "ordinary e-passport", "PRC"),
    ("G12345678", "ordinary passport (before 2012)", "PRC"), ("141234567", "ordinary passport (old series)", "PRC"),
    ("151234567", "ordinary passport (old series)", "PRC"), ("DE1234567", "diplomatic passport", "PRC"),
    ("SE1234567", "service passport", "PRC"), ("PE1234567", "public-affairs ordinary passport", "PRC"),
    ("K12345678", "HKSAR passport", "HKSAR"), ("KJ1234567", "HKSAR passport", "HKSAR"),
    ("H12345678", "HKSAR passport", "HKSAR"), ("MA1234567", "MSAR passport", "MSAR"),
    ("MB1234567", "MSAR passport", "MSAR"),
])
def test_passport_valid(number, kind, issuer):
    assert passport.validate(number) == number
    assert passport.info(number) == {"number": number, "kind": kind, "issuer": issuer}


@pytest.mark.parametrize("number, exc", [
    ("EI1234567", InvalidFormat), ("EO1234567", InvalidFormat), ("E1234567", InvalidLength),
    ("161234567", InvalidFormat), ("X12345678", InvalidFormat), ("MC1234567", InvalidFormat),
])
def test_passport_invalid(number, exc):
    with pytest.raises(exc):
        passport.validate(number)


# ------------------------------------------------------------------------------ MRZ §2.7

TD3_ICAO = ("P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10")
TD1_LVA = ("I<LVAPA99929216121282<88882<<<\n"
           "8212122M1703054LVA<<<<<<<<<<<0\n"
           "PARAUDZINS<<ANDRIS<<<<<<<<<<<<")
TD1_ICAO = ("I<UTOD231458907<<<<<<<<<<<<<<<\n"
            "7408122F1204159UTO<<<<<<<<<<<6\n"
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<")
TD2_UTO = ("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\n"
           "D231458907UTO7408122F1204159<<<<<<<6")


def test_mrz_td3_icao_specimen():
    line2 = TD3_ICAO.split("\n")[1]
    # Appendix B: docno 6, dob 2, expiry 9, personal 1, composite 0
    assert mrz.calc_check_digit(line2[0:9]) == "6"
    assert mrz.calc_check_digit(line2[13:19]) == "2"
    assert mrz.calc_check_digit(line2[21:27]) == "9"
    assert mrz.calc_check_digit(line2[28:42]) == "1"
    assert mrz.calc_check_digit(line2[0:10] + line2[13:20] + line2[21:43]) == "0"
    assert mrz.validate(TD3_ICAO) == TD3_ICAO
    parts = mrz.info(TD3_ICAO)
    assert parts["type"] == "TD3" and parts["surname"] == "ERIKSSON" and parts["given_names"] == "ANNA MARIA"
    assert parts["document_number"] == "L898902C3" and parts["nationality"] == "UTO"
    assert parts["birth_date"] == datetime.date(1974, 8, 12) and parts["expiry_date"] == datetime.date(2012, 4, 15)
    assert parts["sex"] == "female" and parts["personal_number"] == "ZE184226B"
    assert parts["check_digits"] == {"document_number": "6", "birth_date": "2", "expiry_date": "9",
                                     "personal_number": "1", "composite": "0"}


def test_mrz_td1_lva_sample():
    assert mrz.validate(TD1_LVA) == TD1_LVA
    parts = mrz.info(TD1_LVA)
    # Appendix B: docno 6, dob 2, expiry 4, composite 0
    assert parts["check_digits"] == {"document_number": "6", "birth_date": "2", "expiry_date": "4", "composite": "0"}
    assert parts["type"] == "TD1" and parts["document_number"] == "PA9992921" and parts["sex"] == "male"
    assert parts["surname"] == "PARAUDZINS" and parts["given_names"] == "ANDRIS"


def test_mrz_td1_and_td2_icao_specimens():
    assert mrz.info(TD1_ICAO)["document_number"] == "D23145890"
    parts = mrz.info(TD2_UTO)
    assert parts["type"] == "TD2" and parts["document_number"] == "D23145890"
    assert parts["check_digits"]["composite"] == "6"


def test_mrz_check_digit_examples():
    assert mrz.calc_check_digit("E12345678") == "2"  # §2.7
    assert mrz.calc_check_digit("<<<<") == "0"
    with pytest.raises(InvalidFormat):
        mrz.calc_check_digit("ab")


def test_mrz_long_document_number_td1():
    # ICAO 9303 note j: 12-character number D23145890734 -> 9 chars, '<', then "734" + check digit.
    number = "D23145890734"
    check = mrz.calc_check_digit(number)
    l1 = ("I<UTO" + number[:9] + "<" + number[9:] + check + "<" * 11)
    l2 = "7408122F1204159UTO<<<<<<<<<<<"
    composite = mrz.calc_check_digit(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
    value = l1 + "\n" + l2 + composite + "\n" + "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"
    assert mrz.info(value)["document_number"] == number
    bad = value.replace(number[9:] + check, number[9:] + str((int(check) + 1) % 10))
    with pytest.raises(InvalidChecksum) as info:
        mrz.validate(bad)
    assert info.value.line == 1 and info.value.position == 19  # I<UTO + 9 + "<" + "734" -> column 19


@pytest.mark.parametrize("value, exc, line, position", [
    (TD3_ICAO.replace("36UTO", "46UTO"), InvalidChecksum, 2, 10),  # docno check
    (TD3_ICAO.replace("7408122F", "7408123F"), InvalidChecksum, 2, 20),
    (TD3_ICAO.replace("1204159Z", "1204158Z"), InvalidChecksum, 2, 28),
    (TD3_ICAO.replace("B<<<<<10", "B<<<<<20"), InvalidChecksum, 2, 43),
    (TD3_ICAO[:-1] + "1", InvalidChecksum, 2, 44),  # composite
    (TD3_ICAO.replace("7408122F", "74O8122F"), InvalidFormat, 2, 16),
    (TD3_ICAO.replace("ERIKSSON", "ERIKSS0N"), InvalidFormat, 1, 12),
    (TD3_ICAO.replace("2F1", "2Q1"), InvalidFormat, 2, 21),
    (TD3_ICAO.replace("P<UTO", "I<UTO"), InvalidComponent, 1, 1),
    (TD3_ICAO.replace("P<UTO", "V<UTO"), InvalidComponent, 1, 1),
    (TD3_ICAO.replace("P<UTO", "P-UTO"), InvalidFormat, 1, 2),
    (TD3_ICAO[:-1], InvalidLength, 2, None),
    (TD3_ICAO.split("\n")[0], InvalidLength, None, None),
    ("", InvalidLength, 1, None),
])
def test_mrz_invalid(value, exc, line, position):
    with pytest.raises(exc) as info:
        mrz.validate(value)
    assert type(info.value) is exc
    assert info.value.line == line and info.value.position == position


def test_mrz_invalid_dates():
    # A date that fails only the calendar: build its check digits right.
    line2 = "L898902C36UTO" + "741312" + mrz.calc_check_digit("741312") + "F1204159ZE184226B<<<<<1"
    line2 = line2 + mrz.calc_check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    with pytest.raises(InvalidDate) as info:
        mrz.validate(TD3_ICAO.split("\n")[0] + "\n" + line2)
    assert info.value.position == 14


def test_mrz_compact_layouts():
    one_line = TD3_ICAO.replace("\n", "")
    assert mrz.compact(one_line) == TD3_ICAO
    assert mrz.compact(" " + TD3_ICAO.replace("\n", "\r\n") + "\n\n") == TD3_ICAO
    assert mrz.compact(TD3_ICAO.lower()) == TD3_ICAO
    assert mrz.normalize(TD3_ICAO.lower()).changes == ("lowercase",)
    assert mrz.compact(TD1_LVA.replace("\n", " ")) == TD1_LVA
    assert mrz.format(TD2_UTO.replace("\n", "")) == TD2_UTO


def test_mrz_filler_personal_number_check():
    # Appendix: an empty personal-number field may carry '<' or 0 as its check digit.
    base = "P<CANMARTIN<<SARAH<<<<<<<<<<<<<<<<<<<<<<<<<<\nZE000509<9CAN8501019F2301147<<<<<<<<<<<<<<08"
    assert mrz.is_valid(base)
    line2 = base.split("\n")[1]
    alt = line2[:42] + "<"
    alt += mrz.calc_check_digit(alt[0:10] + alt[13:20] + alt[21:43])
    assert mrz.is_valid(base.split("\n")[0] + "\n" + alt)


def test_every_error_is_a_validation_error_and_value_error():
    for exc in (InvalidLength, InvalidFormat, InvalidChecksum, InvalidDate, InvalidComponent):
        assert issubclass(exc, ValidationError) and issubclass(exc, ValueError)
    from idcheck.errors import IdcheckError

    assert issubclass(ValidationError, IdcheckError)
    err = InvalidChecksum("m", position=3, expected="1", found="2")
    assert err.to_dict()["code"] == "invalid_checksum" and str(err) == "m"
