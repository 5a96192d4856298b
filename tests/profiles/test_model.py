"""The Profile model: JSON in and out, lenient loading, and what is (not) an exception."""

import json

import pytest

from idcheck import Profile as PublicProfile
from idcheck import check_profile as public_check_profile
from idcheck.errors import UsageError
from idcheck.profile import Phone, Profile, ProfileFormatError, check_profile

from .conftest import DELETE, MAINLAND_PERSON, PASSING, codes_of, findings, make


def test_public_names():
    assert PublicProfile is Profile and public_check_profile is check_profile


def test_round_trip_every_passing_profile(passing_profile):
    p = Profile.from_dict(passing_profile)
    assert Profile.from_json(p.to_json()) == p
    assert Profile.from_dict(p.to_dict()) == p
    assert isinstance(p.phone, Phone)
    assert check_profile(p).verdict == check_profile(passing_profile).verdict == "pass"


def test_load_and_save(tmp_path):
    path = tmp_path / "p.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(MAINLAND_PERSON, ensure_ascii=False).encode())  # BOM allowed
    p = Profile.load(path)
    assert p.name_zh == "张三" and p.phone.number == "13800138000"
    p.save(tmp_path / "q.json")
    assert Profile.load(tmp_path / "q.json") == p


def test_profile_is_frozen():
    p = Profile.from_dict(MAINLAND_PERSON)
    with pytest.raises(AttributeError):
        p.name_zh = "李四"


def test_repr_masks_personal_data():
    text = repr(Profile.from_dict(MAINLAND_PERSON))
    assert "张三" not in text and "11010519491231002X" not in text and "zhangsan@example.com" not in text
    assert "1101**********002X" in text


@pytest.mark.parametrize("top", [[], [MAINLAND_PERSON], "profile", 42, None, 1.5, True])
def test_non_object_top_level_is_a_usage_error(top):
    with pytest.raises(UsageError):
        Profile.from_dict(top)
    with pytest.raises(UsageError):
        check_profile(top)
    with pytest.raises(ValueError):  # ProfileFormatError is also a ValueError (the check CLI catches those)
        Profile.from_json(json.dumps(top))


@pytest.mark.parametrize("text", ["", "{", "{'a': 1}", "nan", b"\xff\xfe{}", "[1, 2"])
def test_bad_json_text_is_a_format_error(text):
    with pytest.raises(ProfileFormatError):
        Profile.from_json(text)


def test_deeply_nested_json_is_a_format_error_not_a_crash():
    with pytest.raises(ProfileFormatError):
        Profile.from_json("[" * 100000 + "]" * 100000)


def test_missing_fields_become_findings():
    report = check_profile({})
    missing = {f.field for f in report.findings if f.code == "profile.missing_field"}
    assert {"registrant_type", "region", "name_zh", "document_type", "document_number", "province", "city",
            "address", "phone", "email"} <= missing
    assert report.verdict == "fail"


def test_missing_english_name_is_only_a_warning():
    [f] = findings(make(name_en=DELETE), "profile.missing_field")
    assert f.field == "name_en" and f.severity == "warning"


def test_blank_strings_count_as_missing():
    fs = findings(make(name_zh="   ", email=""), "profile.missing_field")
    assert {f.field for f in fs} == {"name_zh", "email"}


def test_unknown_choices_are_kept_and_reported():
    p = Profile.from_dict(make(registrant_type="robot", region="mars", document_type="library_card"))
    assert (p.registrant_type, p.region, p.document_type) == ("robot", "mars", "library_card")
    fs = findings(p, "profile.invalid_value")
    assert {f.field for f in fs} == {"registrant_type", "region", "document_type"}
    assert all(f.severity == "error" for f in fs)


@pytest.mark.parametrize(
    "field, typed, canonical",
    [
        ("registrant_type", "Individual", "individual"),
        ("registrant_type", "Organisation", "organization"),
        ("registrant_type", "company", "organization"),
        ("region", "HK", "hong_kong"),
        ("region", "Hong Kong", "hong_kong"),
        ("region", "Macau", "macao"),
        ("region", "overseas", "foreign"),
        ("region", "other", "foreign"),
        ("region", "中国内地", "mainland"),
        ("document_type", "ID-Card", "id_card"),
    ],
)
def test_common_spellings_of_choices_are_accepted(field, typed, canonical):
    p = Profile.from_dict(make(**{field: typed}))
    assert getattr(p, field) == canonical
    assert p.to_dict()[field] == canonical


@pytest.mark.parametrize("value", [["张三"], {"first": "三"}, True, 3.5])
def test_wrong_json_types_become_invalid_value(value):
    p = Profile.from_dict(make(name_zh=value))
    assert p.name_zh is None
    [f] = findings(p, "profile.invalid_value")
    assert f.field == "name_zh" and f.severity == "error"
    assert "profile.missing_field" not in codes_of(p)  # one finding per problem


def test_numbers_typed_as_json_numbers_are_converted_with_a_warning():
    p = Profile.from_dict(make(postal_code=100010, document_number=110105194912310020, phone__number=13800138000))
    assert p.postal_code == "100010" and p.phone.number == "13800138000"
    fs = findings(p, "profile.number_not_string")
    assert {f.field for f in fs} == {"postal_code", "document_number", "phone.number"}
    assert all(f.severity == "warning" for f in fs)
    # a number that lost its X is checked (and fails) as typed
    assert "number.invalid_checksum" in codes_of(p)


def test_phone_of_the_wrong_type():
    fs = findings(make(phone="+86 13800138000"), "profile.invalid_value")
    assert [f.field for f in fs] == ["phone"]
    assert "object" in fs[0].message


def test_unknown_keys_are_warnings_with_a_suggestion():
    report = check_profile(make(nmae_zh="张三", phone_number="13800138000", phone__fax="123"))
    fs = {f.field: f for f in report.findings if f.code == "profile.unknown_field"}
    assert set(fs) == {"nmae_zh", "phone_number", "phone.fax"}
    assert all(f.severity == "warning" for f in fs.values())
    assert "name_zh" in fs["nmae_zh"].message
    assert "phone.number" in fs["phone_number"].message
    assert Profile.from_dict(make(nmae_zh="x")).extra == {"nmae_zh": "x"}


def test_non_string_keys_do_not_crash():
    report = check_profile({**MAINLAND_PERSON, 1: "x", None: 2})
    assert report.verdict == "warn" and report.has("profile.unknown_field")


def test_hand_made_profile_with_wrong_types_is_judged_not_crashed():
    p = Profile(registrant_type="individual", region="mainland", name_zh=123, phone={"number": 5})  # type: ignore[arg-type]
    report = check_profile(p)
    assert report.has("profile.invalid_value") or report.has("profile.number_not_string")
    assert not report.has("internal.check_failed")


def test_check_profile_accepts_a_profile_or_a_dict_equally(passing_profile):
    a = check_profile(passing_profile).to_dict(reveal=True)
    b = check_profile(Profile.from_dict(passing_profile)).to_dict(reveal=True)
    assert a == b


def test_report_kind_and_extra():
    report = check_profile(MAINLAND_PERSON)
    assert report.kind == "profile"
    extra = report.to_dict(reveal=True)["extra"]["profile"]
    assert extra["document_number"] == "11010519491231002X" and extra["number_format"] == "ric"
    assert extra["name_en_default"] == "zhang san"


@pytest.mark.parametrize("name", sorted(PASSING))
def test_every_finding_names_a_field(name):
    broken = {k: (["x"] if k != "phone" else "x") for k in PASSING[name]}
    for f in check_profile(broken).findings:
        assert f.field, f.code


def test_image_check_adds_the_profile_findings():
    from idcheck import check

    report = check(b"", profile=make(email="test@test.club"))
    assert report.has("file.empty") and report.has("profile.email_new_gtld")
    report = check(b"", profile=Profile.from_dict(make(email="test@test.club")))
    assert report.has("profile.email_new_gtld")
