"""idcheck's rule language: which suffixes a rule file covers, who may register, which documents
must be supplied, and conditions over profile fields, document-read fields and the domain.

A small language of its own (not YAML or TOML with expressions in strings): a lexer
(:mod:`.lexer`), a recursive-descent parser that reports every error of a file with a caret
excerpt (:mod:`.parser`), a plain syntax tree (:mod:`.tree`), a pretty-printer (:mod:`.printer`),
a total three-valued evaluator (:mod:`.evaluate`) and the loader that finds the rule files and
picks them by domain suffix (:mod:`.loader`).  The language is closed: no code, no imports, no
file access; regular expressions are limited to a subset that cannot backtrack catastrophically.

::

    from idcheck.dsl import parse, to_source, load_rules, parse_domain, Facts, evaluate

    book = load_rules()                                   # rules/*.rules (or rules_dir= / $IDCHECK_RULES)
    domain = parse_domain("example.gov.cn")
    rulesets, suffix = book.select(domain)                # standard + the longest-matching suffix's
    result = evaluate(rulesets, Facts.build(profile, {"business_license": {}}, domain.facts(suffix)))
    result.findings, result.trace

An example file::

    ruleset "gov.cn" version 1
    applies to suffix ".gov.cn"
    source "domain-rules.md §4 [A2][S1]"

    rule gov-credit-code-is-organ {
      severity error
      description "Only government organs (机关法人) may register .gov.cn"
      when profile.registrant_type == "organization" and length(profile.document_number) == 18
      require profile.document_number starts_with "11"
      message "The unified social credit code must start with 11 (机关)."
    }

The grammar is in :mod:`idcheck.dsl.parser`; the evaluation semantics in :mod:`idcheck.dsl.evaluate`.
"""

from .evaluate import Evaluation, Facts, RuleResult, evaluate, evaluate_rule
from .lexer import RuleError, tokenize
from .loader import Domain, RuleBook, load_rules, parse_domain, rules_dir, suffix_forms
from .parser import RuleFileError, parse, parse_source, regex_problem
from .printer import expr_source, expr_words, to_source
from .tree import RuleSet

__all__ = [
    "Domain", "Evaluation", "Facts", "RuleBook", "RuleError", "RuleFileError", "RuleResult", "RuleSet",
    "evaluate", "evaluate_rule", "expr_source", "expr_words", "load_rules", "parse", "parse_domain",
    "parse_source", "regex_problem", "rules_dir", "suffix_forms", "to_source", "tokenize",
]
