"""Chinese and English names: §3.3 field rules and the §6.2 punctuation traps; compare_names (§6.3)."""

import pytest

from idcheck.errors import UsageError
from idcheck.profile import check_profile, compare_names
from idcheck.profile.names import canonical, pinyin_matches, pinyin_of

from .conftest import (
    FOREIGN_PERSON,
    HONG_KONG_PERSON,
    MAINLAND_ORG,
    MAINLAND_PERSON,
    OVERSEAS_ORG,
    codes_of,
    findings,
    make,
)

# --- the Chinese name ---

MINORITY = make(MAINLAND_PERSON, name_zh="阿卜杜拉·买买提", name_en="abudula maimaiti")


def test_middle_dot_and_book_title_marks_are_kept():
    assert check_profile(MINORITY).verdict == "pass"
    assert (
        check_profile(
            make(MAINLAND_ORG, name_zh="北京《读者》杂志有限公司", name_en="beijing duzhe zazhi youxian gongsi")
        ).verdict
        == "pass"
    )


@pytest.mark.parametrize(
    "dot",
    ["\u30fb", "\uff65", "\u2022", "\u2027", "\u2219", "\u22c5", "\u2218", "\u0387", "\u16eb", "\u25e6", "\u2e31",
     ".", "\uff0e", "\ufe52"],
)
def test_lookalike_dots_are_flagged(dot):
    report = check_profile(make(MINORITY, name_zh=f"阿卜杜拉{dot}买买提"))
    [f] = [f for f in report.findings if f.code == "profile.name_lookalike_dot"]
    assert f.severity == "warning" and f.field == "name_zh"
    assert report.to_dict(reveal=True)["findings"][0]["message"].endswith("阿卜杜拉·买买提.")
    assert report.verdict == "warn"


def test_period_in_a_latin_name_is_not_a_dot_lookalike():
    assert "profile.name_lookalike_dot" not in codes_of(make(OVERSEAS_ORG, name_zh="Example Co. Ltd"))


@pytest.mark.parametrize("marks", ["〈〉", "<>", "＜＞", "⟨⟩"])
def test_lookalike_book_title_marks(marks):
    name = f"北京{marks[0]}读者{marks[1]}杂志有限公司"
    report = check_profile(make(MAINLAND_ORG, name_zh=name))
    [f] = [f for f in report.findings if f.code == "profile.name_lookalike_bracket"]
    assert f.severity == "warning"
    assert "北京《读者》杂志有限公司" in f.render(reveal=True)


@pytest.mark.parametrize(
    "name, width", [("杭州示例（中国）有限公司", "full-width"), ("杭州示例(中国)有限公司", "half-width")]
)
def test_brackets_warn_and_show_both_forms(name, width):
    report = check_profile(make(MAINLAND_ORG, name_zh=name))
    [f] = report.findings
    assert f.code == "profile.name_bracket_width" and f.severity == "warning" and width in f.message
    revealed = f.render(reveal=True)
    assert "杭州示例（中国）有限公司" in revealed and "杭州示例(中国)有限公司" in revealed
    assert f.details["mixed"] is False


def test_mixed_bracket_widths_are_an_error():
    [f] = findings(make(MAINLAND_ORG, name_zh="杭州示例（中国)有限公司"), "profile.name_bracket_width")
    assert f.severity == "error" and f.details["mixed"] is True


@pytest.mark.parametrize(
    "name, severity",
    [
        (" 张三", "warning"), ("张三 ", "warning"), ("\u3000张三", "warning"),
        ("张 三", "error"), ("张\u3000三", "error"), ("张\u00a0三", "error"),
    ],
)
def test_spaces_in_the_chinese_name(name, severity):
    report = check_profile(make(name_zh=name))
    fs = [f for f in report.findings if f.code == "profile.name_space"]
    assert [f.severity for f in fs] == [severity]
    assert fs[0].field == "name_zh"


@pytest.mark.parametrize("ch", ["\u200b", "\ufeff", "\u200d", "\u00ad", "\u2060"])
def test_invisible_characters(ch):
    [f] = findings(make(name_zh=f"张{ch}三"), "profile.name_invisible_char")
    assert f.severity == "warning" and f"U+{ord(ch):04X}" in f.message


def test_spaces_between_latin_words_are_fine_but_double_spaces_warn():
    assert "profile.name_space" not in codes_of(FOREIGN_PERSON)
    [f] = findings(make(FOREIGN_PERSON, name_zh="John  Smith"), "profile.name_space")
    assert f.severity == "warning"


@pytest.mark.parametrize(
    "name, code",
    [
        ("北京ＡＢＣ科技有限公司", "profile.name_fullwidth"),
        ("北京示例科技有限公司，分公司", "profile.name_fullwidth"),
        ("北京示例—科技有限公司", "profile.name_lookalike_punct"),
        ("北京示例–科技有限公司", "profile.name_lookalike_punct"),
        ("北京“示例”科技有限公司", "profile.name_lookalike_punct"),
        ("北京示例\ue844科技有限公司", "profile.name_rare_char"),
        ("北京示例\n科技有限公司", "profile.name_invalid_char"),
        ("北京示例😀科技有限公司", "profile.name_invalid_char"),
    ],
)
def test_other_characters_in_the_chinese_name(name, code):
    report = check_profile(make(MAINLAND_ORG, name_zh=name))
    assert code in report.codes
    assert report.verdict == ("fail" if code == "profile.name_invalid_char" else "warn")


def test_fullwidth_suggestion_is_half_width():
    [f] = findings(make(MAINLAND_ORG, name_zh="北京ＡＢＣ科技有限公司"), "profile.name_fullwidth")
    assert "北京ABC科技有限公司" in f.render(reveal=True)


def test_chinese_name_must_contain_a_chinese_character():
    [f] = findings(make(name_zh="Zhang San"), "profile.name_missing_chinese")
    assert f.severity == "error" and f.field == "name_zh"
    assert "profile.name_missing_chinese" in codes_of(make(MAINLAND_ORG, name_zh="ABC Technology Co Ltd"))


@pytest.mark.parametrize(
    "base, changes",
    [
        (FOREIGN_PERSON, {}),                                                   # passport, foreign
        (FOREIGN_PERSON, {"document_type": "foreign_permanent_resident_card", "document_number": "911840198506150011"}),
        (OVERSEAS_ORG, {}),                                                     # Hong Kong company
        (OVERSEAS_ORG, {"region": "foreign"}),
    ],
)
def test_english_only_names_allowed_for_overseas_english_documents(base, changes):
    assert "profile.name_missing_chinese" not in codes_of(make(base, **changes))


def test_english_only_name_not_allowed_for_hong_kong_individual_with_permit():
    assert "profile.name_missing_chinese" in codes_of(make(HONG_KONG_PERSON, name_zh="Chan Tai Man"))


# --- the English name ---

@pytest.mark.parametrize("name_en, found", [("abudula·maimaiti", "·"), ("beijing 《duzhe》", "《")])
def test_dot_and_book_marks_must_be_removed_from_the_english_name(name_en, found):
    [f] = findings(make(MINORITY, name_en=name_en), "profile.name_en_punct")
    assert f.severity == "error" and found in f.message


def test_english_name_must_be_ascii():
    [f] = findings(make(name_en="张三"), "profile.name_en_not_ascii")
    assert f.severity == "error" and "zhang san" in f.render(reveal=True)
    [f] = findings(make(name_en="Zhāng Sān"), "profile.name_en_not_ascii")
    assert "Zhang San" in f.render(reveal=True)
    assert "profile.name_en_not_ascii" in codes_of(make(name_en="ｚｈａｎｇ ｓａｎ"))


@pytest.mark.parametrize(
    "name_en",
    ["zhang san", "Zhang San", "ZHANG SAN", "zhangsan", "San Zhang", "san zhang", "Zhang-San", " zhang  san"],
)
def test_pinyin_spellings_accepted(name_en):
    assert "profile.name_en_pinyin_mismatch" not in codes_of(make(name_en=name_en))


@pytest.mark.parametrize(
    "name_zh, name_en",
    [
        ("单雄信", "shan xiong xin"),      # 单 as a surname: shan (heteronym)
        ("单雄信", "dan xiong xin"),
        ("曾国藩", "zeng guo fan"),
        ("吕布", "lv bu"), ("吕布", "lu bu"), ("吕布", "lyu bu"),
        ("欧阳修", "xiu ouyang"),           # compound surname last
        ("欧阳修", "ouyang xiu"),
        ("阿卜杜拉·买买提", "abudula maimaiti"),
        ("西安", "xi'an"),
    ],
)
def test_pinyin_heteronyms_and_orders(name_zh, name_en):
    assert pinyin_matches(name_en, name_zh)


@pytest.mark.parametrize("name_en", ["li si", "zhang shan", "zhang", "zhang san feng", "sanzhangx"])
def test_english_name_that_is_not_the_pinyin_warns(name_en):
    [f] = findings(make(name_en=name_en), "profile.name_en_pinyin_mismatch")
    assert f.severity == "warning" and f.field == "name_en"
    assert "zhang san" in f.render(reveal=True) and "zhang san" not in f.message


def test_pinyin_check_is_info_for_hong_kong_and_skipped_for_foreign_and_orgs():
    [f] = findings(make(HONG_KONG_PERSON, name_en="Chan Tai Man"), "profile.name_en_pinyin_mismatch")
    assert f.severity == "info"
    assert check_profile(make(HONG_KONG_PERSON, name_en="Chan Tai Man")).verdict == "pass"
    assert "profile.name_en_pinyin_mismatch" not in codes_of(
        make(FOREIGN_PERSON, name_zh="约翰·史密斯", document_type="foreign_permanent_resident_card",
             document_number="911840198506150011"))
    assert "profile.name_en_pinyin_mismatch" not in codes_of(make(MAINLAND_ORG, name_en="Example Ltd"))


def test_pinyin_of():
    assert pinyin_of("张三") == "zhang san"
    assert pinyin_of("欧阳修") == "ou yang xiu"
    minority = pinyin_of("阿卜杜拉·买买提")
    assert "·" not in minority and len(minority.split()) == 7 and pinyin_matches(minority, "阿卜杜拉·买买提")


# --- compare_names (§6.3) ---

@pytest.mark.parametrize(
    "typed, printed, canonical_equal, diagnosis",
    [
        ("阿卜杜拉・买买提", "阿卜杜拉·买买提", True, "lookalike_dot"),
        ("阿卜杜拉.买买提", "阿卜杜拉·买买提", True, "lookalike_dot"),
        ("杭州示例(中国)有限公司", "杭州示例（中国）有限公司", True, "fullwidth_bracket"),
        ("张 三", "张三", True, "space"),
        ("张\u3000三", "张三", True, "space"),
        ("张\u200b三", "张三", True, "invisible"),
        ("北京〈读者〉杂志社", "北京《读者》杂志社", True, "lookalike_bracket"),
        ("北京ＡＢＣ公司", "北京ABC公司", True, "fullwidth"),
        ("示例—公司", "示例-公司", True, "dash"),
        ("示例“一”公司", '示例"一"公司', True, "quote"),
        ("张三", "张叁", False, "similar_char"),
        ("张三", "张伞", False, "homophone"),
        ("张三", "张三丰", False, "missing_char"),
        ("张三丰", "张三", False, "extra_char"),
        ("John Smith", "JOHN SMITH", False, "case"),
    ],
)
def test_compare_names(typed, printed, canonical_equal, diagnosis):
    c = compare_names(typed, printed)
    assert c.exact_equal is False
    assert c.canonical_equal is canonical_equal
    assert diagnosis in c.diagnoses
    assert c.verdict == ("variant" if canonical_equal else "different")
    assert c.diff and all(d.op in ("replace", "delete", "insert") for d in c.diff)
    assert typed not in repr(c)
    data = c.to_dict()
    assert data["diagnoses"] == list(c.diagnoses)


def test_compare_names_equal():
    c = compare_names("阿卜杜拉·买买提", "阿卜杜拉·买买提")
    assert c.exact_equal and c.canonical_equal and c.diff == () and c.diagnoses == () and c.verdict == "equal"


def test_compare_names_diff_positions():
    c = compare_names("阿卜杜拉・买买提", "阿卜杜拉·买买提")
    [d] = c.diff
    assert (d.op, d.typed_start, d.typed, d.printed) == ("replace", 4, "・", "·")


def test_compare_names_wants_strings():
    with pytest.raises(UsageError):
        compare_names(None, "张三")


def test_canonical_keeps_case_and_book_marks():
    assert canonical(" 北京《读者》 ") == "北京《读者》"
    assert canonical("John") != canonical("JOHN")
    assert canonical("(中国)") == canonical("（中国）")


# every row of the §6.2 table, in an organisation name
@pytest.mark.parametrize(
    "ch, code",
    [
        ("（", "profile.name_bracket_width"),
        ("(", "profile.name_bracket_width"),
        ("・", "profile.name_lookalike_dot"),
        ("･", "profile.name_lookalike_dot"),
        ("•", "profile.name_lookalike_dot"),
        ("‧", "profile.name_lookalike_dot"),
        ("∙", "profile.name_lookalike_dot"),
        ("⋅", "profile.name_lookalike_dot"),
        ("∘", "profile.name_lookalike_dot"),
        (".", "profile.name_lookalike_dot"),
        ("．", "profile.name_lookalike_dot"),
        ("﹒", "profile.name_lookalike_dot"),
        ("〈", "profile.name_lookalike_bracket"),
        ("<", "profile.name_lookalike_bracket"),
        ("\u3000", "profile.name_space"),
        ("\u00a0", "profile.name_space"),
        ("\u200b", "profile.name_invisible_char"),
        ("\ufeff", "profile.name_invisible_char"),
        ("，", "profile.name_fullwidth"),
        ("：", "profile.name_fullwidth"),
        ("；", "profile.name_fullwidth"),
        ("－", "profile.name_fullwidth"),
        ("＆", "profile.name_fullwidth"),
        ("Ａ", "profile.name_fullwidth"),
        ("１", "profile.name_fullwidth"),
        ("—", "profile.name_lookalike_punct"),
        ("–", "profile.name_lookalike_punct"),
        ("‐", "profile.name_lookalike_punct"),
        ("“", "profile.name_lookalike_punct"),
        ("”", "profile.name_lookalike_punct"),
        ("‘", "profile.name_lookalike_punct"),
        ("’", "profile.name_lookalike_punct"),
        ("\ue844", "profile.name_rare_char"),
    ],
)
def test_section_6_2_table(ch, code):
    report = check_profile(make(MAINLAND_ORG, name_zh=f"北京示例{ch}科技有限公司"))
    assert code in report.codes
    assert report.verdict in ("warn", "fail")
    assert check_profile(make(MAINLAND_ORG, name_zh="北京示例·科技有限公司")).verdict == "pass"  # the real · is fine
