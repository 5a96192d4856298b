"""Hypothesis strategies: valid rule-set syntax trees, and the data rules are evaluated over."""

from hypothesis import strategies as st

from idcheck.dsl import tree as T
from idcheck.profile.model import DOCUMENT_TYPES, PHONE_FIELDS, REGIONS, REGISTRANT_TYPES

TEXT_PROFILE = ["registrant_type", "region", "name_zh", "name_en", "document_type", "document_number", "province",
                "city", "address", "postal_code", "email"]
KINDS = ["identity", "business_license", "contact_id_card", "trademark_certificate", "id_card"]
DOC_FIELDS = ["name", "number", "mrz"]
SAFE_PATTERNS = [
    "11.*",
    "[0-9]{18}",
    ".*(中国|国家).*",
    "a|b",
    "(?:ab)?c",
    r"\d{6}",
    "[^/]+/x",
    "a/b",
    r"x\\/",
    "x\\.y",
]
SUFFIXES = [".cn", ".gov.cn", ".商标", ".餐厅", ".example", ".xn--czr694b", ".com.cn"]

texts = st.text(max_size=12)
nonblank = st.text(min_size=1, max_size=20).filter(lambda s: s.strip())
ints = st.integers(min_value=0, max_value=999_999_999)
ident = st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)
kind_names = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True).filter(lambda k: k != "identity")

text_paths = st.one_of(
    st.sampled_from(TEXT_PROFILE).map(lambda f: T.Path("profile", (f,))),
    st.sampled_from(PHONE_FIELDS).map(lambda f: T.Path("profile", ("phone", f))),
    st.tuples(st.sampled_from(KINDS), st.sampled_from(DOC_FIELDS)).map(lambda kf: T.Path("document", kf)),
    st.sampled_from(["name", "ascii", "label", "suffix", "tld"]).map(lambda f: T.Path("domain", (f,))),
)
record_paths = st.one_of(st.sampled_from(KINDS).map(lambda k: T.Path("document", (k,))),
                         st.just(T.Path("profile", ("phone",))))
text_operands = st.one_of(text_paths, texts.map(T.Str))
number_operands = st.one_of(ints.map(T.Int), text_paths.map(T.Length))


def _compare():
    eq = st.tuples(st.sampled_from(["==", "!="]), text_operands, text_operands) | \
        st.tuples(st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), number_operands, number_operands)
    strings = st.tuples(st.sampled_from(["starts_with", "ends_with", "contains"]), text_operands, text_operands)
    member = st.tuples(st.sampled_from(["in", "not in"]), text_operands,
                       st.lists(texts.map(T.Str), max_size=4).map(lambda xs: T.ListLit(tuple(xs)))) | \
        st.tuples(st.sampled_from(["in", "not in"]), number_operands,
                  st.lists(ints.map(T.Int), max_size=4).map(lambda xs: T.ListLit(tuple(xs))))
    return st.one_of(eq, strings, member).map(lambda t: T.Compare(t[0], t[1], t[2]))


leaves = st.one_of(
    _compare(),
    st.builds(T.Matches, text_operands, st.sampled_from(SAFE_PATTERNS), st.sampled_from(["", "i"])),
    st.one_of(text_paths, record_paths).map(T.Exists),
)
exprs = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(T.And, inner, inner), st.builds(T.Or, inner, inner), st.builds(T.Not, inner),
    ),
    max_leaves=8,
)


def _doc_kinds():
    one = kind_names.map(lambda k: T.DocKinds((k,)))
    many = st.lists(kind_names, min_size=2, max_size=4, unique=True).map(lambda ks: T.DocKinds(tuple(ks), any_of=True))
    path = st.sampled_from(TEXT_PROFILE).map(lambda f: T.DocKinds(path=T.Path("profile", (f,))))
    return st.one_of(one, many, path)


requirements = st.one_of(
    exprs.map(T.Require),
    st.builds(T.RequireDocument, _doc_kinds(), nonblank),
    st.lists(st.sampled_from(REGISTRANT_TYPES), min_size=1, unique=True).map(lambda v: T.Registrants(tuple(v))),
    st.lists(st.sampled_from(REGIONS), min_size=1, unique=True).map(lambda v: T.Regions(tuple(v))),
)
statements = st.one_of(exprs.map(T.When), requirements)


@st.composite
def rules(draw, rule_id):
    body = draw(st.lists(statements, max_size=4))
    body.insert(draw(st.integers(0, len(body))), draw(requirements))
    return T.Rule(
        id=rule_id,
        severity=draw(st.sampled_from(T.SEVERITIES)),
        description=draw(nonblank),
        statements=tuple(body),
        source=draw(st.none() | nonblank),
        version=draw(st.none() | ints),
        message=draw(st.none() | nonblank),
        message_zh=draw(st.none() | nonblank),
    )


@st.composite
def rulesets(draw):
    ids = draw(st.lists(ident, min_size=1, max_size=4, unique=True))
    universal = draw(st.booleans())
    return T.RuleSet(
        name=draw(nonblank),
        version=draw(ints),
        suffixes=None
        if universal
        else tuple(draw(st.lists(st.sampled_from(SUFFIXES), min_size=1, max_size=3, unique=True))),
        rules=tuple(draw(rules(i)) for i in ids),
        aliases=()
        if universal
        else tuple(draw(st.lists(st.sampled_from([".trademark", ".restaurant"]), max_size=2, unique=True))),
        source=draw(st.none() | nonblank),
        description=draw(st.none() | nonblank),
    )


# --- data --------------------------------------------------------------------------------------------

junk = st.one_of(st.none(), texts, st.integers(), st.floats(allow_nan=True), st.booleans(),
                 st.lists(st.integers(), max_size=2), st.dictionaries(texts, texts, max_size=2))
profile_values = {
    "registrant_type": st.one_of(st.sampled_from(REGISTRANT_TYPES), junk),
    "region": st.one_of(st.sampled_from(REGIONS), junk),
    "document_type": st.one_of(st.sampled_from(sorted(DOCUMENT_TYPES)), junk),
    "document_number": st.one_of(
        st.sampled_from(["11110108000028281F", "91110000600037341L", "11010519491231002X"]), junk
    ),
    "name_zh": junk,
    "name_en": junk,
    "province": junk,
    "city": junk,
    "address": junk,
    "postal_code": junk,
    "email": junk,
    "phone": st.one_of(junk, st.fixed_dictionaries({}, optional={k: junk for k in PHONE_FIELDS})),
}
profiles = st.one_of(
    st.fixed_dictionaries({}, optional=profile_values),
    st.dictionaries(texts, junk, max_size=3),
)
documents = st.dictionaries(
    st.sampled_from(sorted(DOCUMENT_TYPES) + ["contact_id_card", "registration_form", "trademark_certificate", "x"]),
    st.one_of(st.none(), junk, st.dictionaries(st.sampled_from(DOC_FIELDS + ["other"]), junk, max_size=3)),
    max_size=4,
)
domain_facts = st.one_of(
    st.just({}),
    st.fixed_dictionaries({}, optional={k: junk for k in ("name", "ascii", "label", "suffix", "tld")}),
)
