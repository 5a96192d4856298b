"""One table of document types (idcheck/data/document_types.toml), §3.2 included: written once, read by the profile
check and by rules/standard.rules (accepted_documents(...))."""

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
    assert documents.ACCEPTED == {key: (row[:1], row[1:]) for key, row in doctypes.ACCEPTED_DOCUMENTS.items()}


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


def test_section_3_2_has_one_row_for_each_registrant_type_and_region_that_the_owner_and_region_checks_allow():
    table = doctypes.ACCEPTED_DOCUMENTS
    assert set(table) == {(t, r) for t in REGISTRANT_TYPES for r in REGIONS}
    for (rtype, region), row in table.items():
        for doc in row:  # an accepted document is never refused by the owner or the region check before it
            assert doctypes.DOCUMENT_OWNER[doc] in (None, rtype), (rtype, region, doc)
            regions = doctypes.DOCUMENT_REGIONS[doc]
            assert regions is None or region in regions, (rtype, region, doc)
    assert "military_unit" not in {d for row in table.values() for d in row}


def test_the_rule_file_does_not_write_the_table_again():
    # every *-document rule of rules/standard.rules takes its documents from accepted_documents(...), twice (when
    # the profile names none of them, require one of them): no list of document kinds of its own
    text = (resources.files("idcheck") / "rules" / "standard.rules").read_text(encoding="utf-8")
    bodies = re.findall(r"rule ([a-z-]+)-document \{(.*?)\n\}", text, re.S)
    assert len(bodies) == 6
    for rule, body in bodies:
        assert body.count("accepted_documents(") == 2, rule
        for written_out in ("any of [", 'document_type != "', "document_type not in [", 'require document "'):
            assert written_out not in body, rule


def _parsed_rule_file_table() -> dict[tuple[str, str], tuple[str, ...]]:
    """§3.2 as the rules read it (the parsed "standard" rule set): (registrant type, region) -> the documents the
    *-document rule for them requires, in order."""
    from idcheck.dsl import tree as T
    from idcheck.dsl.loader import load_rules

    [standard] = [rs for rs in load_rules().rulesets if rs.name == "standard"]
    table: dict[tuple[str, str], tuple[str, ...]] = {}
    for rule in standard.rules:
        if not rule.id.endswith("-document"):
            continue
        who, unless = [s.expr for s in rule.statements if isinstance(s, T.When)]
        assert isinstance(who, T.And) and isinstance(who.left, T.Compare) and isinstance(who.right, T.Compare)
        assert who.left.left == T.Path("profile", ("registrant_type",)) and isinstance(who.left.right, T.Str)
        assert who.right.left == T.Path("profile", ("region",))
        region = who.right.right
        regions = [i.value for i in region.items] if isinstance(region, T.ListLit) else [region.value]
        [need] = [s for s in rule.statements if isinstance(s, T.RequireDocument)]
        # the second when: the profile names none of the documents the rule then requires
        assert isinstance(unless, T.Or) and isinstance(unless.right, T.Compare)
        named = unless.right.right
        named_kinds = tuple(i.value for i in named.items) if isinstance(named, T.ListLit) else (named.value,)
        assert named_kinds == need.kinds.kinds
        for r in regions:
            table[(who.left.right.value, str(r))] = need.kinds.kinds
    return table


def test_the_rule_file_reads_each_row_of_section_3_2_for_the_registrants_it_applies_to():
    # each *-document rule's when line names registrant type and region(s); the documents it requires, as parsed,
    # are that row of the table for every region it names, in the table's order
    assert _parsed_rule_file_table() == doctypes.ACCEPTED_DOCUMENTS
