"""Certainty factors: MYCIN combination, independent of the order rules fire in."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import answers

from diagnose.engine import Engine
from diagnose.knowledge import load_kb
from diagnose.logic import THRESHOLD, combine, counted_supports

cfs = st.floats(-1, 1, allow_nan=False).filter(lambda v: v != 0)


@given(st.lists(cfs, min_size=1, max_size=8), st.randoms())
def test_combination_ignores_order(values, rnd):
    shuffled = list(values)
    rnd.shuffle(shuffled)
    assert combine(shuffled) == combine(values)


@given(st.lists(cfs, max_size=8))
def test_combination_stays_a_certainty(values):
    assert -1.0 <= combine(values) <= 1.0


@given(cfs)
def test_one_rule_keeps_its_certainty(value):
    assert combine([value]) == value


@given(st.lists(st.floats(0.01, 1), min_size=1, max_size=6), st.floats(0.01, 1))
def test_more_support_never_lowers_belief(values, extra):
    assert combine([*values, extra]) >= combine(values) - 1e-12


def test_mycin_figures():
    assert combine([0.6, 0.5]) == 0.8  # 0.6 + 0.5 × 0.4
    assert abs(combine([0.6, -0.4]) - (0.2 / 0.6)) < 1e-12  # EMYCIN mixed signs


_KB = load_kb()
_IN_ORDER = Engine(_KB)
_SHUFFLED = []
for seed in (1, 2):
    rules = list(_KB.rules)
    random.Random(seed).shuffle(rules)
    _SHUFFLED.append(Engine(_KB, rules))
_SHUFFLED.append(Engine(_KB, list(reversed(_KB.rules))))


@settings(max_examples=40, deadline=None)
@given(answers(_KB))
def test_diagnosis_ignores_rule_order(given_answers):
    expected = _IN_ORDER.run(given_answers).to_dict()
    for engine in _SHUFFLED:
        assert engine.run(given_answers).to_dict() == expected


@settings(max_examples=40, deadline=None)
@given(answers(_KB))
def test_nothing_below_the_threshold_is_kept(given_answers):
    diagnosis = _IN_ORDER.run(given_answers)
    for finding in diagnosis.findings():
        assert THRESHOLD <= finding.certainty <= 1.0
        assert finding.because, finding.id
        for support in finding.because:
            assert _KB.rule(support.rule).then.ident == finding.id


def test_an_evidence_group_counts_its_strongest_rule_once():
    supports = [("g", "a", 0.6), ("g", "b", 0.8), (None, "c", 0.5), ("h", "d", -0.7)]
    assert counted_supports(supports) == {"b": 0.8, "c": 0.5, "d": -0.7}
    assert counted_supports(reversed(supports)) == counted_supports(supports)
    # two readings of the same evidence are not more certain than the stronger one
    assert combine(list(counted_supports([("g", "a", 0.7), ("g", "b", 0.8)]).values())) == 0.8
