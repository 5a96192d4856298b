"""Every lexer and parser error, with its exact message and position; recovery; the caret excerpt."""

import pytest

from idcheck.dsl import RuleFileError, parse, parse_source, regex_problem
from idcheck.dsl.loader import RuleBook, load_rules, parse_files
from tests.strategies import examples

from .conftest import rule_file as R

H = 'ruleset "t" version 1\napplies to suffix ".example"\n'
OK = "require profile.email exists"

# name -> (source, [(line, column, message), ...]): the complete list of errors the file gives
CASES = {
    # lexer
    "unexpected_char": (R("require profile.email exists @"), [(7, 32, "unexpected character '@'")]),
    "fullwidth_char": (R("require profile.email == \"a\"，"), [(7, 31, "unexpected character '，' (a full-width character: type its half-width form)")]),
    "single_quote": (R("require profile.email == 'a'"), [(7, 28, 'strings use double quotes ", not single quotes')]),
    "ampersand": (R("require profile.email exists && profile.city exists"), [(7, 32, 'write and instead of &&')]),
    "number_then_letters": (R("version 3x", OK), [(7, 11, "'3x' is neither a number nor a name (names start with a letter)")]),
    "number_too_large": (R("version 12345678901", OK), [(7, 11, 'number 12345678901 is too large (at most 9 digits)')]),
    "unterminated_string": (R('require profile.email == "abc', ), [(7, 28, 'unterminated string (a string must end with " on the same line)')]),
    "bad_u_escape": (R(r'require profile.email == "a\u12"'), [(7, 30, '\\u must be followed by four hexadecimal digits')]),
    "unknown_escape": (R(r'require profile.email == "a\q"'), [(7, 30, 'unknown escape \\q in a string (use \\" \\\\ \\n \\t or \\uXXXX)')]),
    "unterminated_regex": (R("require profile.email matches /abc"), [(7, 33, 'unterminated regular expression (it must end with / on the same line)')]),
    "single_equals": (R('require profile.email = "a"'), [(7, 25, "unexpected '=' (compare with ==)")]),
    "bang": (R('require ! profile.email exists'), [(7, 11, 'write not instead of !')]),
    "curly_quotes": (R('description “smart”', OK), [(6, 15, 'the string uses typographic quotes “”; use straight double quotes "')]),
    # header
    "missing_ruleset": ('applies to suffix ".example"\n\nrule r {\n  severity error\n  description "d"\n  ' + OK + "\n}\n", [(1, 1, 'missing the line: ruleset "NAME" version N')]),
    "ruleset_no_string": (R(OK, header='ruleset t version 1\napplies to suffix ".example"\n'), [(1, 9, "expected the rule set's name in double quotes, found 't'")]),
    "ruleset_no_version": (R(OK, header='ruleset "t" 1\napplies to suffix ".example"\n'), [(1, 13, 'expected version after ruleset "t", found the number 1')]),
    "ruleset_version_not_int": (R(OK, header='ruleset "t" version "1"\napplies to suffix ".example"\n'), [(1, 21, 'expected the version (a whole number), found the string "1"')]),
    "ruleset_empty_name": (R(OK, header='ruleset "" version 1\napplies to suffix ".example"\n'), [(1, 9, "the rule set's name is empty")]),
    "no_applies": (R(OK, header='ruleset "t" version 1\n'), [(1, 1, 'ruleset "t" has no applies line (write: applies to suffix ".example", or: applies to all suffixes)')]),
    "no_rules": (H, [(1, 1, 'ruleset "t" has no rules')]),
    "applies_no_to": (R(OK, header='ruleset "t" version 1\napplies suffix ".example"\n'), [(2, 9, "expected to after applies, found 'suffix'")]),
    "applies_bad": (R(OK, header='ruleset "t" version 1\napplies to domains ".example"\n'), [(2, 12, "expected suffix or all suffixes after applies to, found 'domains'")]),
    "applies_all_no_suffixes": (R(OK, header='ruleset "t" version 1\napplies to all\n'), [(4, 1, "expected suffixes after applies to all, found 'rule'")]),
    "two_sources": (R(OK, header=H + 'source "a"\nsource "b"\n'), [(4, 1, 'the header has two source lines')]),
    "suffix_no_dot": (R(OK, header='ruleset "t" version 1\napplies to suffix "gov.cn"\n'), [(2, 19, 'a suffix starts with a dot: ".gov.cn"')]),
    "suffix_empty_label": (R(OK, header='ruleset "t" version 1\napplies to suffix ".gov..cn"\n'), [(2, 19, "'.gov..cn' is not a domain suffix (empty label)")]),
    "suffix_space": (R(OK, header='ruleset "t" version 1\napplies to suffix ".gov cn"\n'), [(2, 19, "'.gov cn' is not a domain suffix (it contains spaces)")]),
    "suffix_bad_label": (R(OK, header='ruleset "t" version 1\napplies to suffix ".gov_x.cn"\n'), [(2, 19, "'.gov_x.cn' is not a domain suffix ('gov_x' is not a valid label)")]),
    "suffix_twice": (R(OK, header='ruleset "t" version 1\napplies to suffix ".cn", ".cn"\n'), [(2, 26, "suffix '.cn' is listed twice")]),
    "top_level_junk": (R(OK) + "severity error\n", [(9, 1, "expected ruleset, applies, alias, source, description or rule, found 'severity' (rule statements belong inside rule NAME { ... })")]),
    "top_level_typo": (R(OK) + 'rulez x {\n}\n', [(9, 1, "expected ruleset, applies, alias, source, description or rule, found 'rulez' (did you mean rule?)")]),
    "header_junk_after": (R(OK, header='ruleset "t" version 1 extra\napplies to suffix ".example"\n'), [(1, 23, "unexpected 'extra' after the ruleset statement (each statement starts on a new line)")]),
    # rules
    "rule_no_id": (H + '\nrule {\n  severity error\n  description "d"\n  ' + OK + "\n}\n", [(4, 6, "expected a rule id after rule (letters, digits, - and _), found '{'")]),
    "rule_no_brace": (H + '\nrule r\n  severity error\n  description "d"\n  ' + OK + "\n}\n", [(5, 3, "expected '{' after rule r, found 'severity'")]),
    "rule_unclosed": (H + '\nrule r {\n  severity error\n  description "d"\n  ' + OK + "\n", [(8, 1, "missing '}' to close rule r (opened on line 4)")]),
    "rule_unclosed_next_rule": (H + '\nrule r {\n  severity error\n  description "d"\n  ' + OK + '\nrule s {\n  severity error\n  description "d"\n  ' + OK + "\n}\n", [(8, 1, "missing '}' to close rule r (opened on line 4)")]),
    "rule_twice": (H + "\n" + R(OK, header="").strip() + "\n" + R(OK, header="").strip() + "\n", [(9, 6, 'rule r is defined twice (first on line 4)')]),
    "no_severity": (R('description "d"', OK).replace("  severity error\n", ""), [(4, 6, 'rule r has no severity line (severity error, warning or info)')]),
    "no_description": (R(OK).replace('  description "d"\n', ""), [(4, 6, 'rule r has no description line')]),
    "requires_nothing": (R('when profile.email exists'), [(4, 6, 'rule r requires nothing: add a require, registrants or regions line')]),
    "unknown_item": (R("requires profile.email exists"), [(7, 3, "expected severity, description, source, version, message, message_zh, when, require, registrants or regions, found 'requires' (did you mean require?)")]),
    "two_severities": (R("severity error", "severity warning", OK), [(7, 3, 'rule r has two severity lines')]),
    "severity_not_word": (R('severity "error"', OK), [(5, 12, 'expected error, warning or info after severity, found the string "error"')]),
    "unknown_severity": (R("severity fatal", OK), [(5, 12, 'unknown severity fatal: use error, warning or info')]),
    "empty_description": (R('description ""', OK), [(6, 15, 'the description text is empty')]),
    "empty_doc_description": (R('require document "x" ""'), [(7, 24, 'the document description is empty')]),
    "registrants_not_word": (R('registrants "individual"'), [(7, 15, 'expected a registrant type (individual, organization), found the string "individual"')]),
    "unknown_registrant": (R("registrants company"), [(7, 15, 'unknown registrant type company; use individual, organization')]),
    "unknown_region": (R("regions hongkong"), [(7, 11, 'unknown region hongkong (did you mean hong_kong?); use mainland, hong_kong, macao, taiwan, foreign')]),
    "region_twice": (R("regions mainland, mainland"), [(7, 21, 'region mainland is listed twice')]),
    "any_of_one": (R('require document any of ["a"] "d"'), [(7, 20, 'any of needs at least two document kinds')]),
    "kind_twice": (R('require document any of ["a", "a"] "d"'), [(7, 33, "document kind 'a' is listed twice")]),
    "kind_from_document_path": (R('require document domain.label "d"'), [(7, 20, 'the document kind can only come from a profile text field such as profile.document_type, not domain.label')]),
    "kind_missing": (R('require document 5 "d"'), [(7, 20, 'expected a document kind after require document ("kind", any of ["a", "b"], or profile.document_type), found the number 5')]),
    "kind_identity": (R('require document "identity" "d"'), [(7, 20, '"identity" is not a document kind here: write require document profile.document_type')]),
    "kind_bad": (R('require document "Business-License" "d"'), [(7, 20, 'document kind \'Business-License\' must be lower-case letters, digits and _ (such as "business_license")')]),
    "doc_no_description": (R('require document "a"'), [(8, 1, "expected a description of the document (shown to the user) in double quotes, found '}'")]),
    "any_no_of": (R('require document any ["a", "b"] "d"'), [(7, 24, "expected of after any, found '['")]),
    "any_no_bracket": (R('require document any of "a" "d"'), [(7, 27, 'expected \'[\' after any of, found the string "a"')]),
    "any_unclosed": (R('require document any of ["a", "b" "d"'), [(7, 37, 'expected \']\' to close the list of document kinds, found the string "d"')]),
    "statement_junk": (R('severity error warning', OK), [(5, 18, "unexpected 'warning' after the severity statement (each statement starts on a new line)")]),
    # expressions
    "too_deep": (R("require " + "(" * 70 + "profile.email exists" + ")" * 70), [(7, 75, 'expression nested too deeply (at most 64 levels)')]),
    "list_after_eq": (R('require profile.email == ["a"]'), [(7, 28, 'a list can only follow in or not in (not ==)')]),
    "list_after_starts": (R('require profile.email starts_with ["a"]'), [(7, 37, 'a list can only follow in or not in (not starts_with)')]),
    "matches_no_regex": (R('require profile.email matches "a.*"'), [(7, 33, 'expected a pattern such as /[0-9]{18}/ after matches, found the string "a.*"')]),
    "regex_bad": (R("require profile.email matches /(a+)+/"), [(7, 33, 'a repeated group may not contain a repetition or an alternative (such patterns can take exponential time)')]),
    "no_test": (R("require profile.email"), [(8, 1, "expected a test after profile.email (==, !=, <, <=, >, >=, in, not in, starts_with, ends_with, contains, matches or exists), found '}'")]),
    "test_typo": (R('require profile.email stars_with "a"'), [(7, 25, "expected a test after profile.email (==, !=, <, <=, >, >=, in, not in, starts_with, ends_with, contains, matches or exists), found 'stars_with' (did you mean starts_with?)")]),
    "in_no_list": (R('require profile.region in "mainland"'), [(7, 29, 'expected a list in square brackets after in, found the string "mainland"')]),
    "exists_on_literal": (R('require "a" exists'), [(7, 11, 'exists applies to a field path, such as profile.email exists')]),
    "list_bad_item": (R("require profile.region in [mainland]"), [(7, 30, "expected a string or a number in the list, found 'mainland'")]),
    "list_mixed": (R('require profile.region in ["a", 1]'), [(7, 29, 'a list mixes strings and numbers')]),
    "length_not_text": (R("require length(profile.phone) > 1"), [(7, 18, 'length applies to a text field, and profile.phone is an object')]),
    "length_unclosed": (R("require length(profile.email > 1"), [(7, 32, "expected ')' to close length(, found '>'")]),
    "operand_bad": (R("require { == 1"), [(7, 11, "expected a field (profile.…, document.…, domain.…), a string, a number or a list, found '{'")]),
    "unknown_root": (R("require profil.email exists"), [(7, 11, 'unknown name profil (did you mean profile?): field paths start with profile., document. or domain.')]),
    "root_no_dot": (R("require profile exists"), [(7, 19, "expected '.' and a field name after profile, found 'exists'")]),
    "dot_no_field": (R("require profile. exists"), [(7, 20, "expected a field name right after 'profile.', found 'exists'")]),
    "unknown_profile_field": (R("require profile.nmae_zh exists"), [(7, 11, 'unknown field profile.nmae_zh (did you mean name_zh?); the profile fields are registrant_type, region, name_zh, name_en, document_type, document_number, province, city, address, postal_code, phone, email')]),
    "unknown_phone_field": (R("require profile.phone.ext exists"), [(7, 11, 'unknown field profile.phone.ext; the phone fields are country_code, number, extension')]),
    "profile_too_deep": (R("require profile.email.domain exists"), [(7, 11, 'profile.email.domain goes too deep: profile.email has no fields')]),
    "document_kind_bad": (R("require document.Business.number exists"), [(7, 11, "document kind 'Business' must be lower-case letters, digits and _")]),
    "document_too_deep": (R("require document.a.b.c exists"), [(7, 11, 'document.a.b.c goes too deep: use document.KIND or document.KIND.FIELD')]),
    "document_field_bad": (R("require document.a.Number exists"), [(7, 11, "document field 'Number' must be lower-case letters, digits and _")]),
    "unknown_domain_field": (R("require domain.lable exists"), [(7, 11, 'unknown field domain.lable (did you mean label?); the domain fields are name, ascii, label, suffix, tld')]),
    "compare_document": (R('require document.identity == "x"'), [(7, 11, 'document.identity is a document, not a value: test document.identity exists, or compare one of its fields such as document.identity.number')]),
    "compare_phone": (R('require profile.phone starts_with "86"'), [(7, 11, 'profile.phone is an object: compare one of its fields, such as profile.phone.number')]),
    "starts_with_number": (R("require length(profile.email) starts_with \"1\""), [(7, 11, 'starts_with needs text, and length(profile.email) is a number')]),
    "order_text": (R('require profile.email > "a"'), [(7, 11, '> compares numbers, and profile.email is text (use length(...) for the length of a text)')]),
    "list_type": (R("require profile.region in [1, 2]"), [(7, 29, 'the list holds numbers but profile.region is text')]),
    "eq_types": (R('require length(profile.email) == "18"'), [(7, 36, '== compares a number with text; they are never equal')]),
    "paren_unclosed": (R("require (profile.email exists"), [(8, 1, "expected ')' to close the parenthesis, found '}'")]),
    # accepted_documents(registrant type, region or [regions]): a row of §3.2
    "accepted_unknown_type": (R('require profile.document_type in accepted_documents("company", "mainland")'), [(7, 55, 'unknown registrant type "company"; use individual, organization')]),
    "accepted_unknown_region": (R('require profile.document_type in accepted_documents("individual", "hongkong")'), [(7, 69, 'unknown region "hongkong" (did you mean hong_kong?); use mainland, hong_kong, macao, taiwan, foreign')]),
    "accepted_rows_differ": (R('require document any of accepted_documents("individual", ["hong_kong", "taiwan"]) "d"'), [(7, 74, 'individual registrants from hong_kong and from taiwan may use different documents (§3.2): write one rule for each')]),
    "accepted_no_comma": (R('require profile.document_type in accepted_documents("individual" "mainland")'), [(7, 68, 'expected \',\' between the registrant type and the region of accepted_documents(, found the string "mainland"')]),
    "accepted_unclosed": (R('require profile.document_type in accepted_documents("individual", "mainland"'), [(8, 1, "expected ')' to close accepted_documents(, found '}'")]),
    "accepted_regions_unclosed": (R('require profile.document_type in accepted_documents("individual", ["mainland")'), [(7, 80, "expected ']' to close the list of regions, found ')'")]),
    "accepted_after_eq": (R('require profile.document_type == accepted_documents("individual", "mainland")'), [(7, 36, 'a list can only follow in or not in (not ==)')]),
    "accepted_no_call": (R("require profile.document_type in accepted_documents"), [(7, 36, "expected a list in square brackets after in, found 'accepted_documents'")]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_error_message_and_position(name):
    source, expected = CASES[name]
    ruleset, errors = parse_source(source, "t.rules")
    assert [(e.line, e.col, e.message) for e in errors] == expected
    assert expected, "every case is an error case"
    with pytest.raises(RuleFileError) as info:
        parse(source, "t.rules")
    assert len(info.value.errors) == len(expected)


def test_valid_variants_parse():
    # the first statement may follow "{" on its line, and "}" may end the last statement's line
    one = parse(H + '\nrule r { severity error\n  description "d"\n  require profile.email exists }\n')
    assert one == parse(R(OK))
    # x not exists is not (x exists); comments anywhere; a BOM; CRLF line ends
    a = parse(R("require profile.email not exists"))
    b = parse("\ufeff# c\n" + R("require not profile.email exists  # why").replace("\n", "\r\n"))
    assert a == b


def test_accepted_documents_is_the_table_written_out():
    # accepted_documents(...) is §3.2's row from idcheck/data/document_types.toml, in its order: the tree is the one
    # the written-out list gives (a row of one document: == / != that document, any of: that one kind)
    from idcheck.doctypes import ACCEPTED_DOCUMENTS
    from idcheck.dsl import to_source

    mainland = ACCEPTED_DOCUMENTS[("individual", "mainland")]
    listed = "[" + ", ".join(f'"{d}"' for d in mainland) + "]"
    call = 'accepted_documents("individual", "mainland")'
    assert parse(R(f"require profile.document_type in {call}")) == parse(R(f"require profile.document_type in {listed}"))
    assert parse(R(f'require document any of {call} "d"')) == parse(R(f'require document any of {listed} "d"'))
    assert call not in to_source(parse(R(f"require profile.document_type not in {call}")))
    hkmo = 'accepted_documents("individual", ["hong_kong", "macao"])'
    assert parse(R(f"require profile.document_type in {hkmo}")) == parse(
        R('require profile.document_type in ["residence_permit_hkmo", "travel_permit_hkmo"]'))
    outside = 'accepted_documents("organization", ["hong_kong", "macao", "taiwan", "foreign"])'
    assert ACCEPTED_DOCUMENTS[("organization", "taiwan")] == ("overseas_org_certificate",)
    assert parse(R(f"require profile.document_type not in {outside}")) == parse(
        R('require profile.document_type != "overseas_org_certificate"'))
    assert parse(R(f"require profile.document_type in {outside}")) == parse(
        R('require profile.document_type == "overseas_org_certificate"'))
    assert parse(R(f'require document any of {outside} "d"')) == parse(R('require document "overseas_org_certificate" "d"'))


def test_caret_excerpt_format():
    _, [error] = parse_source(R('require profile.document_number stars_with "11"'), "rules/x.rules")
    assert error.format() == (
        "rules/x.rules:7:35: error: expected a test after profile.document_number (==, !=, <, <=, >, >=, in, "
        "not in, starts_with, ends_with, contains, matches or exists), found 'stars_with' (did you mean starts_with?)\n"
        '      require profile.document_number stars_with "11"\n'
        "                                      ^^^^^^^^^^"
    )


def test_caret_counts_wide_characters_twice():
    _, [error] = parse_source(R('description "机关法人" nope', OK), "x.rules")
    line, caret = error.format().split("\n")[1:]
    assert line == '      description "机关法人" nope'
    assert caret == "    " + " " * (2 + len('description "') + 8 + 2) + "^^^^"


def test_all_errors_of_a_file_are_reported_with_recovery_at_rule_boundaries():
    source = H + """
rule a {
  severity fatal
  description "d"
  require profile.nmae_zh exists
}
rule b {
  severity error
  description "d"
  require profile.region in "mainland"
  require profile.email matches /(a|b)*/
}
rule c {
  severity error
  description "d"
  require profile.email exists
}
rule a {
  severity error
  description "d"
  require document "x" "y"
"""
    ruleset, errors = parse_source(source, "t.rules")
    assert [(e.line, e.message.split(":")[0].split(" (")[0]) for e in errors] == [
        (5, "unknown severity fatal"),
        (7, "unknown field profile.nmae_zh"),
        (12, "expected a list in square brackets after in, found the string \"mainland\""),
        (13, "a repeated group may not contain a repetition or an alternative"),
        (20, "rule a is defined twice"),
        (24, "missing '}' to close rule a"),
    ]
    with pytest.raises(RuleFileError) as info:
        parse(source, "t.rules")
    text = str(info.value)
    assert text.count("t.rules:") == 6 and text.count("^") >= 6


REGEX_CASES = {
    "a": None,
    "[0-9]{18}": None,
    ".*(中国|国家|中华|全国).*": None,
    r"\+?\d{1,3}\.\d{1,14}": None,
    r"[A-Z\]]+x": None,
    r"\x41\u4e2d": None,
    "(ab)?c": None,
    "": "empty pattern",
    "a" * 201: "pattern too long (201 characters; at most 200)",
    "\\": "the pattern ends with a lone backslash",
    r"(a)\1": "back-references (\\1) are not allowed",
    r"[\1]": "back-references (\\1) are not allowed",
    r"\p{L}": "the escape \\p is not allowed",
    "[[:alpha:]]": "POSIX classes ([:alpha:]) are not allowed",
    "[abc": "unterminated character class [",
    "(?=a)": "(?...) groups (look-arounds, flags, named groups) are not allowed; use (...) or (?:...)",
    "(?P<x>a)": "(?...) groups (look-arounds, flags, named groups) are not allowed; use (...) or (?:...)",
    "a)": "unbalanced ) in the pattern",
    "(a": "unbalanced ( in the pattern",
    "*a": "nothing to repeat before '*'",
    "a{2000}": "repetition counts above 1000 are not allowed",
    "(a+)+": "a repeated group may not contain a repetition or an alternative (such patterns can take exponential time)",
    "(a|aa)*": "a repeated group may not contain a repetition or an alternative (such patterns can take exponential time)",
    "((a|b)c){2,}": "a repeated group may not contain a repetition or an alternative (such patterns can take exponential time)",
    "a**": "a repetition may not be repeated directly",
    ".*.*.*": "the pattern has too many repetitions and alternatives (it could take too long to match); bound or "
              "remove some, for example {1,20} instead of *",
    "a?" * 21: "the pattern has too many repetitions and alternatives (it could take too long to match); bound or "
               "remove some, for example {1,20} instead of *",
    "a{3,1}": "invalid pattern: min repeat greater than max repeat",
}


@pytest.mark.parametrize("pattern", sorted(REGEX_CASES))
def test_regex_subset(pattern):
    assert regex_problem(pattern) == REGEX_CASES[pattern]


def test_regex_flags():
    assert regex_problem("a", "i") is None
    assert regex_problem("a", "x") == "unknown pattern flag 'x' (the only flag is i, ignore case)"
    _, [error] = parse_source(R("require profile.email matches /a/g"), "t.rules")
    assert error.message == "unknown pattern flag 'g' (the only flag is i, ignore case)"


def test_loader_errors(tmp_path):
    good = R(OK)
    (tmp_path / "a.rules").write_text(good, encoding="utf-8")
    (tmp_path / "b.rules").write_text(good, encoding="utf-8")  # same name "t", same suffix
    with pytest.raises(RuleFileError) as info:
        load_rules(tmp_path)
    messages = [e.message for e in info.value.errors]
    assert messages == [
        f'ruleset "t" is also defined in {tmp_path / "a.rules"}',
        f'suffix .example is claimed by ruleset "t" and by ruleset "t" ({tmp_path / "a.rules"})',
    ]
    (tmp_path / "b.rules").write_bytes(b"\xff\xfe bad")
    (tmp_path / "c.rules").write_text("x" * 10, encoding="utf-8")
    sets, errors = parse_files([tmp_path / "b.rules", tmp_path / "missing.rules"])
    assert [e.message for e in errors] == [
        "the file is not UTF-8 text (invalid start byte at byte 0)",
        "cannot read the file: No such file or directory",
    ]
    big = tmp_path / "big.rules"
    big.write_text("#" * 1_000_001)
    assert parse_files([big])[1][0].message == "the file is too large (1000001 bytes; at most 1000000)"
    with pytest.raises(RuleFileError):
        load_rules(tmp_path)  # every file's errors at once
    assert isinstance(RuleBook.build([]), RuleBook)


def test_the_parser_never_raises_on_junk():
    for junk in ["", "{", "}}}}", "rule", "ruleset", '"', "/", "ruleset \"x\" version 1\nrule r {", "(((" * 400,
                 "require " + "not " * 500 + "profile.email exists", "\x00\x01", "rule r { require (", "]"]:
        ruleset, errors = parse_source(junk, "junk.rules")
        assert errors, junk[:20]


def test_allowed_patterns_match_adversarial_values_quickly():
    import re
    import time

    for pattern in (".*.*b", "[a-z]*[a-z]*x", r"\d{0,200}\d{0,200}x", "(?:ab)*(?:ab)*x", "a?" * 19 + "a" * 19,
                    ".*(中国|国家|中华|全国).*"):
        assert regex_problem(pattern) is None, pattern
        rx = re.compile(pattern)
        started = time.perf_counter()
        for value in ("a" * 256, "ab" * 128, "a" * 255 + "c", "1" * 256, "中" * 256):
            rx.fullmatch(value)
        assert time.perf_counter() - started < 0.5, pattern


from pathlib import Path  # noqa: E402

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SHIPPED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted((Path(__file__).parents[2] / "rules").glob("*.rules"))]
PIECES = list('{}[](),.=!<>/"\\#\n ') + ["rule ", "require ", "not ", "and ", "document ", "profile.", "matches ",
                                         " in ", "when ", "any of ", "\u201c", "'", "&", "length(", " exists"]


@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SHIPPED_TEXTS),
       st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 5), st.sampled_from(PIECES)), min_size=1, max_size=5))
def test_mutated_rule_files_never_crash_the_parser(text, edits):
    for pos, drop, piece in edits:
        pos %= len(text) + 1
        text = text[:pos] + piece + text[pos + drop:]
    ruleset, errors = parse_source(text, "m.rules")
    for e in errors:
        assert e.line >= 1 and e.col >= 1 and e.message
        e.format()


@settings(max_examples=examples(200), deadline=None)
@given(st.text(max_size=200))
def test_any_text_never_crashes_the_parser(text):
    ruleset, errors = parse_source(text, "x.rules")  # must not raise on any text
    assert isinstance(errors, list) and all(e.line >= 1 and e.col >= 1 for e in errors)


def test_catalogue_entries_for_rules_and_submission():
    import string

    from idcheck import codes

    mine = {c: i for c, i in codes.catalogue().items() if c.startswith(("rules.", "submission."))}
    assert set(mine) == {"rules.failed", "rules.document_missing", "rules.not_eligible", "rules.not_verified",
                         "submission.domain_invalid", "submission.document_unused"}
    for code, info in mine.items():
        en = {f for _, f, _, _ in string.Formatter().parse(info.message) if f}
        zh = {f for _, f, _, _ in string.Formatter().parse(info.message_zh) if f}
        assert zh <= en | {f + "_zh" for f in en}, code
        assert info.title and info.meaning and info.fix
