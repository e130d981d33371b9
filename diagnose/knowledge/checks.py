"""Cross-file checks of a loaded knowledge base (`runform kb check`).

Validation (loader) proves each item is well formed and each reference exists; these
checks prove the pieces fit together: everything can be concluded, every cause leads to
work, every exercise is prescribed, every observation is used, nothing goes in circles.
"""

from __future__ import annotations

from ..errors import RunformError
from ..logic import layers, observations_in, references
from . import soundness
from .base import KnowledgeBase
from .kinds import NAMESPACES, Prescription, suggest
from .vocabulary import REQUIRED


def _words(namespace: str) -> str:
    return namespace.replace("_", " ")


def check(kb: KnowledgeBase) -> list[str]:
    """Every finding as `file:line: what: problem`; an empty list means the KB is sound."""
    findings: list[str] = []
    all_keys = {ns: list(kb.entities(ns)) for ns in NAMESPACES}
    concluded = {rule.then.key for rule in kb.rules}
    # edges: a fact a rule uses -> what the rule concludes
    leads_to: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for rule in kb.rules:
        for used in references(rule.when, all_keys):
            leads_to.setdefault(used, set()).add(rule.then.key)

    def at(namespace: str, ident: str) -> str:
        return str(kb.where[(namespace, ident)])

    for namespace in ("defect", "cause", "red_flag", "prescription"):
        for ident in kb.entities(namespace):
            if (namespace, ident) not in concluded:
                verb = "prescribed" if namespace == "prescription" else "concluded"
                findings.append(
                    f"{at(namespace, ident)}: {_words(namespace)} '{ident}':"
                    f" never {verb} by any rule"
                )

    def reaches_prescription(start: tuple[str, str]) -> bool:
        seen, todo = set(), [start]
        while todo:
            key = todo.pop()
            for nxt in leads_to.get(key, ()):
                if nxt[0] == "prescription":
                    return True
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return False

    for ident in kb.causes:
        if not reaches_prescription(("cause", ident)):
            findings.append(f"{at('cause', ident)}: cause '{ident}': leads to no prescription")
    for ident in kb.defects:
        if not leads_to.get(("defect", ident)):
            findings.append(
                f"{at('defect', ident)}: defect '{ident}': leads to no cause or prescription"
            )

    used = set().union(*(observations_in(rule.when) for rule in kb.rules)) if kb.rules else set()
    for ident in kb.observations:
        if ident not in used:
            findings.append(f"{at('observation', ident)}: observation '{ident}': used by no rule")

    for rule in kb.rules:
        for namespace, ident in references(rule.when, all_keys):
            if (namespace, ident) not in concluded:
                findings.append(
                    f"{at('rule', rule.id)}: rule '{rule.id}': uses {_words(namespace)}"
                    f" '{ident}', which no rule concludes, so it can never fire"
                )

    try:
        layers(kb.rules, all_keys)
    except RunformError as exc:
        cycle = getattr(exc, "cycle", [])
        # point at the rule that closes the circle: it concludes one step and uses the next
        closing = next(
            (
                rule
                for rule in kb.rules
                for step, nxt in zip(cycle, cycle[1:], strict=False)
                if rule.then.key == step and nxt in references(rule.when, all_keys)
            ),
            None,
        )
        place = at("rule", closing.id) if closing else "rules"
        findings.append(f"{place}: {exc}")

    for ident, item in kb.prescriptions.items():
        seen = [ident]
        step = item.progression
        while step is not None and step in kb.prescriptions:
            if step in seen:
                findings.append(
                    f"{at('prescription', ident)}: prescription '{ident}': progression goes in a"
                    f" circle: {' → '.join([*seen, step])}"
                )
                break
            seen.append(step)
            step = kb.prescriptions[step].progression

    for ident, item in kb.prescriptions.items():
        if item.start_from is not None:
            problem = _start_from_problem(kb, item)
            if problem:
                findings.append(
                    f"{at('prescription', ident)}: prescription '{ident}': start_from: {problem}"
                )

    cited = {s for item in _sourced(kb) for s in item.source}
    for ident in kb.sources:
        if ident not in cited:
            findings.append(f"{at('source', ident)}: source '{ident}': cited by nothing")
    findings += soundness.findings(kb)
    findings += _questionnaire_findings(kb)
    findings += _vocabulary_findings(kb)
    return sorted(set(findings), key=_by_place)


def _sourced(kb: KnowledgeBase) -> list:
    """Everything that can name its sources."""
    items = [rule for rule in kb.rules]
    for namespace in ("observation", *NAMESPACES):
        items += kb.entities(namespace).values()
    return items


def _start_from_problem(kb: KnowledgeBase, item: Prescription) -> str | None:
    """A starting dose is read from a test measured in the dose's own unit."""
    wanted = item.start_from.obs if item.start_from else ""
    obs = kb.observations.get(wanted)
    if obs is None:
        return f"unknown observation '{wanted}'{suggest(wanted, kb.observations)}"
    dose = item.dose
    unit = "s" if dose and dose.seconds else "reps" if dose and dose.reps else None
    if obs.kind != "number" or unit is None or obs.unit != unit:
        return (
            f"observation '{obs.id}' ({obs.unit or obs.kind}) does not measure this dose"
            f" ({unit or 'no seconds or reps'})"
        )
    return None


REQUIRED_QUESTIONNAIRES = ("self-check", "coach-intake")  # `interview` and `intake` use them


def _vocabulary_findings(kb: KnowledgeBase) -> list[str]:
    """The ids runform's code reads (vocabulary.REQUIRED) are there, of the right kind."""
    findings = []
    for namespace, required in REQUIRED.items():
        entities = kb.entities(namespace)
        for ident, kind in required.items():
            entity = entities.get(ident)
            if entity is None:
                findings.append(
                    f"rules: {_words(namespace)} '{ident}': missing; runform relies on it"
                    " (answers files or the program planner: see diagnose/knowledge/vocabulary.py)"
                )
            elif kind is not None and entity.kind != kind:
                findings.append(
                    f"{kb.where[(namespace, ident)]}: {_words(namespace)} '{ident}': must be"
                    f" a {kind} observation (the program planner reads it), not {entity.kind}"
                )
    return findings


def _questionnaire_findings(kb: KnowledgeBase) -> list[str]:
    findings = [
        f"questionnaires/{ident}.yaml: missing: `runform` needs a '{ident}' questionnaire"
        for ident in REQUIRED_QUESTIONNAIRES
        if ident not in kb.questionnaires
    ]
    if kb.questionnaires:
        asked = {
            q.id for questionnaire in kb.questionnaires.values() for q in questionnaire.questions
        }
        for ident in kb.observations:
            if ident not in asked:
                findings.append(
                    f"{kb.where[('observation', ident)]}: observation '{ident}':"
                    " asked by no questionnaire"
                )
    return findings


def _by_place(finding: str) -> tuple[str, int, str]:
    file, _, rest = finding.partition(":")
    line, _, _ = rest.partition(":")
    return (file, int(line) if line.isdigit() else 0, finding)
