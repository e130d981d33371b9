"""A knowledge base in CLIPS (clipspy), certainty factors and all, for an honest comparison.

Each KB rule becomes one CLIPS rule per way its condition can hold (`any` expanded,
`not` and `unless` pushed down to the tests, as runform's engine does). A firing
asserts a `support`: the rule's cf × its premise (the weakest conclusion it used;
answers count 1), under its evidence (its group, or the rule itself). Supports are
folded at once into a `tally` per conclusion, keeping only the strongest of each
evidence; once every rule of a layer has fired (salience, layered as in
`diagnose.logic.layers`), the layer's tallies are combined as MYCIN does it in
`diagnose.logic.combine`, and a conclusion at or above the threshold becomes a
`concluded` fact for the rules of deeper layers. `not` matches an answer known to fail
the test (three-valued); `unless` is CLIPS `not` over an answer or a concluded fact.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import clips

from diagnose.knowledge import KnowledgeBase
from diagnose.knowledge.kinds import (
    NAMESPACES,
    UNKNOWN,
    AllOf,
    AnyOf,
    ConclusionTest,
    KBRule,
    NotOf,
    ObservationTest,
    UnlessOf,
)
from diagnose.logic import THRESHOLD, layers, observations_in

CONSTRUCTS = """
(deftemplate answer (slot id) (slot value))
(deftemplate support (slot ns) (slot id) (slot depth) (slot evidence) (slot cf))
(deftemplate tally (slot ns) (slot id) (slot depth) (multislot evidence) (multislot cfs))
(deftemplate concluded (slot ns) (slot id) (slot cf))

; diagnose.logic.combine: positives ascending as a + b - ab, negatives descending as
; a + b + ab, then merged; the same order, so the same floating-point result
(deffunction mycin ($?cfs)
  (bind ?pos (create$)) (bind ?neg (create$))
  (foreach ?c ?cfs
    (if (> ?c 0) then (bind ?pos (create$ ?pos ?c))
     else (if (< ?c 0) then (bind ?neg (create$ ?neg ?c)))))
  (bind ?p 0.0)
  (foreach ?c (sort > ?pos) (bind ?p (- (+ ?p ?c) (* ?p ?c))))
  (bind ?n 0.0)
  (foreach ?c (sort < ?neg) (bind ?n (+ (+ ?n ?c) (* ?n ?c))))
  (if (and (<> ?p 0) (<> ?n 0)) then
    (bind ?m (min ?p (abs ?n)))
    (if (>= ?m 1.0) then (return 0.0))
    (return (/ (+ ?p ?n) (- 1 ?m))))
  (+ ?p ?n))

; every established conclusion as ns id cf ns id cf ..., read back in one call
(deffunction established ()
  (bind ?out (create$))
  (do-for-all-facts ((?f concluded)) TRUE (bind ?out (create$ ?out ?f:ns ?f:id ?f:cf)))
  ?out)

; one intake: answers as id value id value ..., in a freshly reset environment
(deffunction diagnose ($?pairs)
  (reset)
  (loop-for-count (?i 1 (div (length$ ?pairs) 2))
    (assert (answer (id (nth$ (- (* 2 ?i) 1) ?pairs)) (value (nth$ (* 2 ?i) ?pairs)))))
  (run)
  (established))

; a support is folded into its conclusion's tally at once (top salience): per evidence,
; only the strongest contribution is kept (diagnose.logic.counted_supports)
(defrule tally-start (declare (salience 10000))
  (support (ns ?ns) (id ?id) (depth ?d))
  (not (tally (ns ?ns) (id ?id)))
  =>
  (assert (tally (ns ?ns) (id ?id) (depth ?d))))

(defrule tally-fold (declare (salience 9999))
  ?s <- (support (ns ?ns) (id ?id) (evidence ?e) (cf ?cf))
  ?t <- (tally (ns ?ns) (id ?id) (evidence $?es) (cfs $?cs))
  =>
  (retract ?s)
  (bind ?at (member$ ?e ?es))
  (if (not ?at) then (modify ?t (evidence ?es ?e) (cfs ?cs ?cf))
   else (if (> (abs ?cf) (abs (nth$ ?at ?cs))) then
          (modify ?t (cfs (replace$ ?cs ?at ?at ?cf))))))
"""

# How a test is reached through the `not`s and `unless`es above it (as in
# diagnose.engine): as itself, as an answer known to fail it, as not established, or
# as "no answer known to fail it".
AS_IS, OPPOSITE, ABSENT, OPPOSITE_ABSENT = "as is", "opposite", "absent", "opposite absent"
_THROUGH_NOT = {AS_IS: OPPOSITE, OPPOSITE: AS_IS, ABSENT: OPPOSITE_ABSENT, OPPOSITE_ABSENT: ABSENT}
_THROUGH_UNLESS = {AS_IS: ABSENT, ABSENT: AS_IS}


def salience(depth: int) -> int:
    """A layer's rules fire before its tallies are combined, and both before the
    next layer's rules: depth 1 at -2 (combined at -3), depth 2 at -4, ..."""
    return -2 * depth


def branches(condition: Any, mode: str = AS_IS) -> list[list[tuple[str, Any]]]:
    """The ways a condition can hold, each a list of (mode, test): disjunctive normal
    form with the negations pushed down to the tests (De Morgan)."""
    if isinstance(condition, NotOf):
        return branches(condition.not_, _THROUGH_NOT[mode])
    if isinstance(condition, UnlessOf):
        return branches(condition.unless, _THROUGH_UNLESS[mode])
    if isinstance(condition, (AllOf, AnyOf)):
        parts = [
            branches(c, mode)
            for c in (condition.all if isinstance(condition, AllOf) else condition.any)
        ]
        if isinstance(condition, AllOf) != (mode in (OPPOSITE, ABSENT)):
            return [sum(combo, []) for combo in itertools.product(*parts)]
        return [branch for part in parts for branch in part]
    if isinstance(condition, ConclusionTest) and mode in (OPPOSITE, OPPOSITE_ABSENT):
        raise TypeError("a conclusion is never known to be absent")  # the models refuse it
    return [[(mode, condition)]]


def _literal(value: Any) -> str:
    return repr(float(value)) if isinstance(value, (int, float)) else str(value)


def _passes(test: ObservationTest, var: str) -> str:
    """A CLIPS expression: the answer in `var` passes the test (ObservationTest.matches)."""
    if test.is_ is not None or test.in_ is not None:
        parts = [
            f"(and (numberp {var}) (= {var} {_literal(v)}))"
            if isinstance(v, (int, float))
            else f"(eq {var} {v})"
            for v in sorted(test.values(), key=str)
        ]
        return parts[0] if len(parts) == 1 else f"(or {' '.join(parts)})"
    bounds = [
        f"({op} {var} {_literal(bound)})"
        for op, bound in ((">=", test.gte), (">", test.gt), ("<=", test.lte), ("<", test.lt))
        if bound is not None
    ]
    return f"(and (numberp {var}) {' '.join(bounds)})"


def _answer_pattern(test: ObservationTest, var: str, opposite: bool) -> str:
    if not opposite and isinstance(test.is_, str):
        return f"(answer (id {test.obs}) (value {test.is_}))"  # a constant: hashed by CLIPS
    check = _passes(test, var)
    return f"(answer (id {test.obs}) (value {var}&:{'(not ' + check + ')' if opposite else check}))"


def _conclusion_pattern(test: ConclusionTest, var: str | None) -> str:
    ident = "" if test.ident == "*" else f" (id {test.ident})"
    cf = f" (cf {var})" if var else ""
    return f"(concluded (ns {test.namespace}){ident}{cf})"


def _elements(branch: list[tuple[str, Any]]) -> tuple[list[str], list[str]]:
    """The conditional elements of one way a rule holds, and the variables holding the
    certainties of the conclusions it uses."""
    elements, certainties = [], []
    for position, (mode, test) in enumerate(branch):
        var = f"?v{position}"
        if isinstance(test, ConclusionTest):
            if mode == AS_IS:
                certainties.append(var)
                elements.append(_conclusion_pattern(test, var))
            else:
                elements.append(f"(not {_conclusion_pattern(test, None)})")
        elif mode in (AS_IS, OPPOSITE):
            elements.append(_answer_pattern(test, var, opposite=mode == OPPOSITE))
        else:
            pattern = _answer_pattern(test, var, opposite=mode == OPPOSITE_ABSENT)
            elements.append(f"(not {pattern})")
    return elements, certainties


def rule_constructs(rule: KBRule, depth: int) -> list[str]:
    """One defrule per way the rule's condition can hold."""
    ns, ident = rule.then.key
    evidence = f"group-{rule.group}" if rule.group else f"rule-{rule.id}"
    out = []
    for number, branch in enumerate(branches(rule.when)):
        elements, certainties = _elements(branch)
        if not elements:
            raise TypeError(f"rule {rule.id}: a way to hold that tests nothing")
        premise = (
            certainties[0]
            if len(certainties) == 1
            else f"(min {' '.join(certainties)})"
            if certainties
            else "1.0"
        )
        out.append(
            f"(defrule {rule.id}--{number} (declare (salience {salience(depth)}))\n  "
            + "\n  ".join(elements)
            + f"\n  =>\n  (assert (support (ns {ns}) (id {ident}) (depth {depth})"
            f" (evidence {evidence}) (cf (* {_literal(rule.cf)} {premise})))))"
        )
    return out


def combiner(depth: int) -> str:
    """Combine one layer's tallies once all its rules have fired."""
    return (
        f"(defrule combine-{depth} (declare (salience {salience(depth) - 1}))\n"
        f"  ?t <- (tally (ns ?ns) (id ?id) (depth {depth}) (cfs $?cfs))\n  =>\n"
        f"  (retract ?t)\n  (bind ?cf (mycin ?cfs))\n"
        f"  (if (>= ?cf {THRESHOLD!r}) then (assert (concluded (ns ?ns) (id ?id) (cf ?cf)))))"
    )


def mixed_groups(rules: list[KBRule]) -> list[str]:
    """Groups holding rules of both signs: of two equally strong contributions runform
    keeps the one that fired first, an order CLIPS does not share, so a knowledge base
    with such a group is refused, loudly (the bundled one has none)."""
    signs: dict[tuple[Any, str], set[bool]] = {}
    for rule in rules:
        if rule.group:
            signs.setdefault((rule.then.key, rule.group), set()).add(rule.cf > 0)
    return sorted(group for (_, group), both in signs.items() if len(both) > 1)


class ClipsKB:
    """A knowledge base compiled into one CLIPS environment, reused for every intake."""

    def __init__(self, kb: KnowledgeBase):
        mixed = mixed_groups(kb.rules)
        if mixed:
            raise TypeError(f"evidence groups with rules of both signs: {', '.join(mixed)}")
        all_keys = {ns: list(kb.entities(ns)) for ns in NAMESPACES}
        depth = layers(kb.rules, all_keys)
        self.env = clips.Environment()
        for construct in _split(CONSTRUCTS):
            self.env.build(construct)
        for rule in kb.rules:
            for construct in rule_constructs(rule, depth[rule.then.key]):
                self.env.build(construct)
        for level in sorted(set(depth.values())):
            self.env.build(combiner(level))
        self._diagnose = self.env.find_function("diagnose")
        self._tested = set().union(*(observations_in(r.when) for r in kb.rules))

    def run(self, answers: Mapping[str, Any]) -> set[tuple[str, str, float]]:
        """The established conclusions (namespace, id, certainty to 6 places)."""
        pairs: list[Any] = []
        for obs, value in answers.items():
            if value != UNKNOWN and obs in self._tested:  # as runform declares answers
                pairs += [
                    clips.Symbol(obs),
                    clips.Symbol(value) if isinstance(value, str) else value,
                ]
        found = self._diagnose(*pairs)
        return {
            (str(found[i]), str(found[i + 1]), round(found[i + 2], 6))
            for i in range(0, len(found), 3)
        }


def runform_established(diagnosis: Any) -> set[tuple[str, str, float]]:
    """The same set from a runform Diagnosis: every finding, wherever it is listed
    (prescriptions, advice, held back, ...), with its certainty."""
    return {(f.namespace, f.id, round(f.certainty, 6)) for f in diagnosis.findings()}


def _split(text: str) -> list[str]:
    """Top-level constructs of a CLIPS text, comments dropped."""
    constructs, depth, current = [], 0, []
    for line in text.splitlines():
        code = line.split(";", 1)[0]
        if not code.strip():
            continue
        current.append(code)
        depth += code.count("(") - code.count(")")
        if depth == 0:
            constructs.append("\n".join(current))
            current = []
    return constructs
