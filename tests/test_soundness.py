"""What a coach requires of every rule: `kb check` catches each class of unsound rule on
small purpose-built knowledge bases, and the real engine keeps the promises over random
answers (an unknown never satisfies a `not`, load needs its readiness)."""

import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from runners import SCREEN_CLEAR
from strategies import answers
from tiny_kb import FINE_RULES, tiny_kb

from diagnose.diagnosis import CLEAR, INCOMPLETE, RED_FLAG
from diagnose.errors import RunformError
from diagnose.knowledge import soundness as principles
from diagnose.knowledge.models import NotOf, ObservationTest, UnlessOf
from diagnose.logic import children, truth
from diagnose.program import build_program


def soundness(kb) -> list[str]:
    return principles.findings(kb)


def rule(text: str) -> str:
    return textwrap.dedent(text).strip("\n") + "\n"


def test_the_tiny_knowledge_base_is_sound(tmp_path):
    assert soundness(tiny_kb(tmp_path)) == []


def test_a_not_over_a_conclusion_is_refused_with_the_way_out(tmp_path):
    with pytest.raises(RunformError) as caught:
        tiny_kb(
            tmp_path,
            rule("""
            - id: drill_unless_root
              when:
                all:
                  - {obs: felt_sign, is: "yes"}
                  - not: {cause: root}
              then: {prescription: drill}
              cf: 0.5
              because: b
              examples: [{given: {felt_sign: "yes"}, fires: true},
                         {given: {felt_sign: "no"}, fires: false}]
            """),
        )
    (problem,) = caught.value.problems
    assert "rules/rules.yaml:" in problem and "drill_unless_root" not in problem
    assert "a conclusion is never shown absent" in problem and "unless:" in problem


def test_plyometric_work_without_its_readiness_is_refused(tmp_path):
    kb = tiny_kb(
        tmp_path,
        rule("""
        - id: jumps_for_fault
          when: {defect: fault}
          then: {prescription: jumps}
          cf: 0.6
          because: b
          examples: [{given: {seen_sign: "yes"}, fires: true},
                     {given: {seen_sign: "no"}, fires: false}]
        """),
    )
    assert any(
        "rule 'jumps_for_fault': prescribes plyometric work ('jumps') without requiring"
        " {readiness: ready_to_jump}" in finding
        for finding in soundness(kb)
    )


def test_a_readiness_that_opens_load_must_require_the_health_screen(tmp_path):
    fine = FINE_RULES.replace(
        """        - {readiness: screen_clear}
        - {obs: strength_work, is: "yes"}""",
        """        - {obs: strength_work, is: "yes"}""",
    )
    findings = soundness(tiny_kb(tmp_path, fine=fine))
    assert any(
        "readiness 'ready_to_jump' opens plyometric work but does not require these health"
        " questions answered no: pain" in f
        for f in findings
    ), findings


def test_evidence_counted_twice_is_found_and_a_group_settles_it(tmp_path):
    twice = rule("""
        - id: fault_seen_with_feeling
          when:
            all:
              - {obs: seen_sign, is: "yes"}
              - {obs: felt_sign, is: "yes"}
          then: {defect: fault}
          cf: 0.5
          because: b
          examples: [{given: {seen_sign: "yes", felt_sign: "yes"}, fires: true},
                     {given: {seen_sign: "no"}, fires: false}]
        """)
    (finding,) = soundness(tiny_kb(tmp_path / "a", twice))
    assert "rule 'fault_seen_with_feeling': concludes defect 'fault' from seen_sign" in finding
    assert "rule 'fault_seen'" in finding and "same `group`" in finding
    grouped = FINE_RULES.replace(
        "then: {defect: fault}\n    cf: 0.7", "then: {defect: fault}\n    cf: 0.7\n    group: g"
    )
    assert (
        soundness(
            tiny_kb(tmp_path / "b", twice.replace("cf: 0.5", "cf: 0.5\n  group: g"), fine=grouped)
        )
        == []
    )


def test_rules_that_can_never_fire_together_do_not_count_twice(tmp_path):
    bands = rule("""
        - id: root_short_test
          when: {obs: test_result, lt: 30}
          then: {cause: root}
          cf: 0.8
          because: b
          examples: [{given: {test_result: 20}, fires: true}, {given: {test_result: 40},
                     fires: false}]
        - id: root_middling_test
          when: {obs: test_result, gte: 30, lt: 45}
          then: {cause: root}
          cf: 0.5
          because: b
          examples: [{given: {test_result: 40}, fires: true}, {given: {test_result: 50},
                     fires: false}]
        """)
    assert soundness(tiny_kb(tmp_path / "a", bands)) == []
    overlapping = bands.replace("gte: 30, lt: 45", "gte: 20, lt: 45")
    (finding,) = soundness(tiny_kb(tmp_path / "b", overlapping))
    assert "'root_middling_test'" in finding and "test_result" in finding


def test_a_catch_all_cause_from_defects_alone_is_found(tmp_path):
    strong = FINE_RULES.replace(
        "then: {cause: root}\n    cf: 0.4", "then: {cause: root}\n    cf: 0.8"
    )
    findings = soundness(tiny_kb(tmp_path / "a", fine=strong))
    assert any(
        "rule 'root_from_fault': draws a cause from other conclusions (and no answer they"
        " do not already read)" in f
        for f in findings
    )
    assert any(
        "its links from other conclusions (root_from_fault) reach 0.80" in f for f in findings
    )
    # an answer the defect already read does not make the link direct evidence
    rereads = strong.replace(
        "    when: {defect: fault}\n    then: {cause: root}",
        '    when:\n      all:\n        - {defect: fault}\n        - {obs: seen_sign, is: "yes"}\n'
        "    then: {cause: root}",
    )
    assert rereads != strong
    findings = soundness(tiny_kb(tmp_path / "b", fine=rereads))
    assert any("rule 'root_from_fault': draws a cause" in f for f in findings)


def test_a_test_against_a_feeling_must_win(tmp_path):
    feel_and_test = rule("""
        - id: fault_felt
          when: {obs: felt_sign, is: "yes"}
          then: {defect: fault}
          cf: 0.8
          group: g
          because: b
          examples: [{given: {felt_sign: "yes"}, fires: true}, {given: {felt_sign: "no"},
                     fires: false}]
        - id: fault_tested_away
          when: {obs: test_result, gte: 60}
          then: {defect: fault}
          cf: -0.5
          because: b
          examples: [{given: {test_result: 70}, fires: true}, {given: {test_result: 50},
                     fires: false}]
        """)
    grouped = FINE_RULES.replace(
        "then: {defect: fault}\n    cf: 0.7", "then: {defect: fault}\n    cf: 0.7\n    group: g"
    )
    findings = soundness(tiny_kb(tmp_path / "a", feel_and_test, fine=grouped))
    assert any(
        "rule 'fault_tested_away': tested evidence against defect 'fault' (cf -0.5) does not"
        " overrule weaker evidence" in f
        for f in findings
    ), findings
    stronger = feel_and_test.replace("cf: -0.5", "cf: -0.95")
    findings = soundness(tiny_kb(tmp_path / "b", stronger, fine=grouped))
    assert not any("overrule" in f for f in findings), findings


def test_a_seen_sign_whose_no_counts_for_nothing_is_found(tmp_path):
    second_way = rule("""
        - id: fault_other_sign
          when: {obs: other_sign, is: "yes"}
          then: {defect: fault}
          cf: 0.6
          because: b
          examples: [{given: {other_sign: "yes"}, fires: true}, {given: {other_sign: "no"},
                     fires: false}]
        """)
    findings = soundness(tiny_kb(tmp_path / "a", second_way))
    assert sorted(f.split("'")[3] for f in findings) == ["other_sign", "seen_sign"], findings
    counted = second_way + rule("""
        - id: fault_not_seen
          when:
            all:
              - {obs: seen_sign, is: "no"}
              - {obs: other_sign, is: "no"}
          then: {defect: fault}
          cf: -0.6
          because: b
          examples: [{given: {seen_sign: "no", other_sign: "no"}, fires: true},
                     {given: {seen_sign: "yes"}, fires: false}]
        """)
    assert soundness(tiny_kb(tmp_path / "b", counted)) == []


# ---------------------------------------------------------------- the real engine


def _held_nots(condition, values) -> list:
    """The `not` parts of a condition that hold for these answers."""
    found = []
    if isinstance(condition, NotOf) and truth(condition.not_, values, lambda t: None) is False:
        found.append(condition)
    for child in children(condition):
        if not isinstance(condition, UnlessOf):
            found += _held_nots(child, values)
    return found


def _observations(condition) -> set[str]:
    if isinstance(condition, ObservationTest):
        return {condition.obs}
    return set().union(*(_observations(c) for c in children(condition)))


def test_unknown_never_satisfies_a_not_and_load_needs_its_gate(kb, engine):
    """Over random answers: every fired rule's `not` rests on answers given (never on an
    unknown or unasked question); nothing above gentle is kept without an answered health
    screen, nothing plyometric without its readiness, in the diagnosis and the printout."""
    gates = {r.opens: r.id for r in kb.readiness.values() if r.opens}

    # random answers, often over a cleared screen and a runner who might be ready, so the
    # gated paths are walked as often as the open ones
    cleared = st.fixed_dictionaries(
        {},
        optional={
            "screen": st.just(SCREEN_CLEAR),
            "ready": st.just(
                {
                    "single_leg_squat_wobble": 1,
                    "calf_raise_reps": 30,
                    "side_to_side_difference": "no",
                    "no_strength_training": "no",
                }
            ),
        },
    )

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(base=cleared, drawn=answers(kb))
    def run(base, drawn):
        values = {**drawn, **base.get("screen", {}), **base.get("ready", {})}
        diagnosis = engine.run(values)
        known = {k for k, v in values.items() if v != "unknown"}
        for rule_id in diagnosis.fired:
            for part in _held_nots(kb.rule(rule_id).when, values):
                assert _observations(part.not_) <= known, (rule_id, values)
        program = build_program(diagnosis, kb)
        kept = [*diagnosis.prescriptions, *diagnosis.advice]
        shown = {i.exercise for i in program.items()} | {s.exercise for s in program.later}
        shown |= {f.id for f in kept}
        ready = {f.id for f in diagnosis.readiness}
        screen = [o for o, obs in kb.observations.items() if obs.screen]
        for ident in shown:
            load = kb.prescriptions[ident].load
            if load != "gentle":
                assert diagnosis.health == CLEAR, (ident, diagnosis.health)
                assert all(values.get(o) == "no" for o in screen)
            if load in gates:
                assert gates[load] in ready, ident
        if diagnosis.health == INCOMPLETE:
            assert diagnosis.screen_open and not diagnosis.red_flags
        if diagnosis.health == RED_FLAG:
            assert diagnosis.red_flags

    run()
