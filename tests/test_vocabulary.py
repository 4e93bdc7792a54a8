"""The method's words are defined once (ivp_core.vocabulary); the lists that still live elsewhere agree with it."""

from __future__ import annotations

from ivp_core import vocabulary
from ivp_core.advice import decision
from ivp_core.advice.aggregate.explain import group_name_nl
from ivp_core.advice.aggregate.model import RANKING_RULES
from ivp_core.consultation import sessions
from ivp_core.consultation.ballots import METHODS
from ivp_core.trajectory import stap1


def test_every_term_has_a_label_and_a_sentence_form() -> None:
    tables = (vocabulary.GREMIA, vocabulary.METHODS, vocabulary.RANKING_RULES, vocabulary.GROUPS)
    for table in tables:
        for code, term in table.items():
            assert term.label and term.label[0].isupper(), code
            assert term.in_sentence and term.in_sentence.strip() == term.in_sentence, code
    for term in vocabulary.GREMIA.values():
        assert term.in_sentence.startswith(("de ", "het ")), term


def test_a_gremium_is_named_with_its_own_article() -> None:
    assert vocabulary.gremium_in_sentence("college") == "het college van B en W"
    assert vocabulary.gremium_in_sentence(" Gemeenteraad ") == "de gemeenteraad"
    assert vocabulary.gremium_label("raad") == "Gemeenteraad"
    assert vocabulary.gremium_in_sentence("stuurgroep") == "stuurgroep"
    assert vocabulary.gremium_code("driehoek") == "driehoek" and vocabulary.gremium_code("x") is None


def test_the_codes_elsewhere_are_the_vocabularys() -> None:
    """Until every list is replaced by the vocabulary, at least their codes may not drift apart."""
    assert set(stap1.GREMIA) == set(decision.GREMIA) == set(vocabulary.GREMIA)
    assert set(stap1.ADOPTERS) == set(vocabulary.DOCUMENT_ADOPTERS)
    assert set(decision.STATUS_LABELS) == set(vocabulary.DECISION_STATUS_LABELS)
    assert decision.ADOPTING_GREMIUM == vocabulary.ADOPTING_GREMIUM
    assert set(METHODS) == set(vocabulary.METHODS) and sessions.METHOD_LABELS == vocabulary.METHOD_LABELS
    assert set(RANKING_RULES) | {vocabulary.AUTO_RULE} == set(vocabulary.RANKING_RULES)
    assert {group for group, _ in sessions.KINDS.values()} <= set(vocabulary.GROUPS)


def test_the_explanations_use_the_sentence_forms() -> None:
    assert group_name_nl("inwoners") == "de inwoners"
    assert group_name_nl("Stuurgroep") == "de groep 'Stuurgroep'"
