"""A knowledge base of a few items, for tests that break one thing on purpose."""

import textwrap
from pathlib import Path

from diagnose.knowledge.loader import load

BASE = """
observations:
  - {id: felt_sign, name: A feeling, kind: yesno, evidence: felt, description: d}
  - {id: seen_sign, name: A sign, kind: yesno, evidence: seen, description: d}
  - {id: other_sign, name: Another sign, kind: yesno, evidence: seen, description: d}
  - {id: test_result, name: A test, kind: number, evidence: tested, unit: s, min: 0,
     max: 300, description: d}
  - {id: pain, name: Pain, kind: yesno, evidence: reported, screen: true, description: d}
  - {id: strength_work, name: Strength work, kind: yesno, evidence: reported, description: d}
defects:
  - {id: fault, name: A fault, description: d}
causes:
  - {id: root, name: A root cause, description: d}
red_flags:
  - {id: hurts, name: It hurts, advice: see someone, signs: [pain]}
readiness:
  - {id: screen_clear, name: Screen clear, description: d}
  - {id: ready_to_jump, name: Ready to jump, description: d, opens: plyometric}
prescriptions:
  - id: drill
    name: A drill
    category: technique
    description: d
    dose: {sets: 3, metres: 20}
    minutes: 2
    when: [technique_day]
    cues: [c]
    pitfalls: [p]
    difficulty: 1
    load: moderate
  - id: jumps
    name: Jumps
    category: technique
    description: d
    dose: {sets: 3, metres: 20}
    minutes: 2
    when: [technique_day]
    cues: [c]
    pitfalls: [p]
    difficulty: 3
    load: plyometric
"""

FINE_RULES = """
  - id: hurts_flag
    when: {obs: pain, is: "yes"}
    then: {red_flag: hurts}
    cf: 1.0
    because: b
    examples: [{given: {pain: "yes"}, fires: true}, {given: {pain: "no"}, fires: false}]
  - id: screen_is_clear
    when: {obs: pain, is: "no"}
    then: {readiness: screen_clear}
    cf: 1.0
    because: b
    examples: [{given: {pain: "no"}, fires: true}, {given: {pain: "yes"}, fires: false}]
  - id: jump_ready
    when:
      all:
        - {readiness: screen_clear}
        - {obs: strength_work, is: "yes"}
    then: {readiness: ready_to_jump}
    cf: 1.0
    because: b
    examples: [{given: {pain: "no", strength_work: "yes"}, fires: true},
               {given: {strength_work: "yes"}, fires: false}]
  - id: fault_seen
    when: {obs: seen_sign, is: "yes"}
    then: {defect: fault}
    cf: 0.7
    because: b
    examples: [{given: {seen_sign: "yes"}, fires: true}, {given: {seen_sign: "no"}, fires: false}]
  - id: root_from_fault
    when: {defect: fault}
    then: {cause: root}
    cf: 0.4
    because: b
    examples: [{given: {seen_sign: "yes"}, fires: true}, {given: {seen_sign: "no"}, fires: false}]
  - id: drill_for_fault
    when: {defect: fault}
    then: {prescription: drill}
    cf: 0.8
    because: b
    examples: [{given: {seen_sign: "yes"}, fires: true}, {given: {seen_sign: "no"}, fires: false}]
  - id: jumps_for_root
    when:
      all:
        - {cause: root}
        - {readiness: ready_to_jump}
    then: {prescription: jumps}
    cf: 0.7
    because: b
    examples: [{given: {seen_sign: "yes", pain: "no", strength_work: "yes"}, fires: true},
               {given: {seen_sign: "yes"}, fires: false}]
"""


def write_tiny_kb(tmp_path: Path, extra_rules: str = "", fine: str = FINE_RULES) -> Path:
    """The tiny knowledge base's folder, with `extra_rules` added to its rules."""
    folder = tmp_path / "kb" / "rules"
    folder.mkdir(parents=True)
    (folder / "entities.yaml").write_text(textwrap.dedent(BASE))
    (folder / "rules.yaml").write_text("rules:\n" + fine + textwrap.indent(extra_rules, "  "))
    return tmp_path / "kb"


def tiny_kb(tmp_path: Path, extra_rules: str = "", fine: str = FINE_RULES):
    """Every rule class in `kb check` can be tried on it, one at a time."""
    return load(write_tiny_kb(tmp_path, extra_rules, fine))
