"""One table of document types (idcheck/data/document_types.toml) and §3.2 written once (rules/standard.rules)."""

import re
from importlib import resources

from idcheck import api, doctypes, ocr, submission
from idcheck.config import Config
from idcheck.profile import documents
from idcheck.profile.model import DOCUMENT_TYPES, REGIONS, REGISTRANT_TYPES


def test_every_reader_reads_the_one_table():
    assert DOCUMENT_TYPES is doctypes.DOCUMENT_TYPES
    assert submission.IMAGE_KINDS is doctypes.IMAGE_KINDS
    assert submission.DOCUMENT_TITLES is doctypes.DOCUMENT_TITLES
    assert ocr.EXPECTED_LABEL is doctypes.EXPECTED_LABEL
    assert api.KINDS is doctypes.KINDS
    assert documents.NUMBER_FORMAT is doctypes.NUMBER_FORMAT


def test_the_table_is_consistent():
    for d in doctypes.DOCUMENT_TABLE:
        assert d.image_kind is None or d.image_kind in doctypes.KINDS, d.id
        assert d.owner in (None, *REGISTRANT_TYPES), d.id
        assert d.regions is None or set(d.regions) <= set(REGIONS), d.id
        if d.profile:
            assert d.title_en and d.title_zh and d.alibaba, d.id
    assert len({d.id for d in doctypes.DOCUMENT_TABLE}) == len(doctypes.DOCUMENT_TABLE)
    assert doctypes.KINDS[0] == "auto"
    assert set(doctypes.CARD_KINDS).isdisjoint(doctypes.PAGE_KINDS)
    assert Config().resolution.card_aspect > 1  # shape None: judged from the outline with this ratio


def _rule_file_table() -> dict[tuple[str, str], set[str]]:
    """(registrant type, region) -> the documents the *-document rules of rules/standard.rules accept."""
    text = (resources.files("idcheck") / "rules" / "standard.rules").read_text(encoding="utf-8")
    table: dict[tuple[str, str], set[str]] = {}
    for body in re.findall(r"rule [a-z-]+-document \{(.*?)\n\}", text, re.S):
        who = re.search(r'profile\.registrant_type == "(\w+)" and profile\.region (==|in) (\[[^\]]*\]|"\w+")', body)
        if who is None:
            continue
        regions = re.findall(r'"(\w+)"', who.group(3))
        need = re.search(r'require document (?:any of (\[[^\]]*\])|("\w+"))', body)
        docs = set(re.findall(r'"(\w+)"', need.group(1) or need.group(2)))
        for region in regions:
            table[(who.group(1), region)] = docs
    return table


def test_section_3_2_is_the_same_in_the_rule_file_and_the_profile_check():
    from_rules = _rule_file_table()
    from_profile = {key: set(preferred) | set(alternatives)
                    for key, (preferred, alternatives) in documents.ACCEPTED.items()}
    assert from_rules == from_profile
    assert len(from_rules) == len(REGISTRANT_TYPES) * len(REGIONS)


def _parsed_rule_file_table() -> dict[tuple[str, str], tuple[str, ...]]:
    """The same table as the rules language itself reads it (the parsed "standard" rule set), each row's documents
    in the order the rule file writes them."""
    from idcheck.dsl import tree as T
    from idcheck.dsl.loader import load_rules

    [standard] = [rs for rs in load_rules().rulesets if rs.name == "standard"]
    table: dict[tuple[str, str], tuple[str, ...]] = {}
    for rule in standard.rules:
        if not rule.id.endswith("-document"):
            continue
        who = next(s.expr for s in rule.statements if isinstance(s, T.When))
        assert isinstance(who, T.And) and isinstance(who.left, T.Compare) and isinstance(who.right, T.Compare)
        assert who.left.left == T.Path("profile", ("registrant_type",)) and isinstance(who.left.right, T.Str)
        assert who.right.left == T.Path("profile", ("region",))
        region = who.right.right
        regions = [i.value for i in region.items] if isinstance(region, T.ListLit) else [region.value]
        [need] = [s for s in rule.statements if isinstance(s, T.RequireDocument)]
        for r in regions:
            table[(who.left.right.value, str(r))] = need.kinds.kinds
    return table


def test_section_3_2_profile_table_is_the_rule_file_in_its_order():
    # The profile check cannot read the rule file itself: the rules language (dsl/) sits above profile/ and
    # imports its vocabulary, so profile/ keeps a copy. It must be the rule file's rows exactly: the same
    # documents in the same order (the order of the "accepted" list in profile.document_not_accepted), the
    # first one written being the preferred document (profile.document_alternative names it).
    from_rules = _parsed_rule_file_table()
    assert from_rules == {key: preferred + alternatives
                          for key, (preferred, alternatives) in documents.ACCEPTED.items()}
    assert all(len(preferred) == 1 and preferred[0] == from_rules[key][0]
               for key, (preferred, _) in documents.ACCEPTED.items())
