"""What the printout says the program rests on: the defects and causes found with the
answers behind them, what was measured, and the questions that could still change it."""

from __future__ import annotations

from typing import Any

from ..diagnosis import Diagnosis, Finding
from ..knowledge import KnowledgeBase
from ..knowledge.kinds import NAMESPACES, UNKNOWN
from .model import Note


def _value_words(obs: Any, value: Any) -> str:
    """An answer's value in words: "158 spm", "2 of 4", "yes"."""
    if obs.kind == "number":
        return f"{value:g} {obs.unit}" if isinstance(value, (int, float)) else str(value)
    if obs.kind == "scale":
        return f"{value} of 4"
    return str(value)


def _answer_words(kb: KnowledgeBase, obs_id: str, value: Any) -> str:
    obs = kb.observations.get(obs_id)
    if obs is None:
        return f"{obs_id}: {value}"
    if obs.kind == "number" and not isinstance(value, (int, float)):
        return obs.name
    return f"{obs.name}: {_value_words(obs, value)}"


def evidence(finding: Finding, kb: KnowledgeBase, answers: dict[str, Any]) -> str:
    """The answers and conclusions a finding rests on, in words ("Heel lands first: yes;
    Cadence: 158 spm"), from the rules that count towards it."""
    words: dict[str, None] = {}
    for support in finding.because:
        if not support.counted or support.certainty <= 0:
            continue
        for fact in support.facts:
            if " = " in fact:
                obs_id = fact.split(" = ", 1)[0]
                words[_answer_words(kb, obs_id, answers.get(obs_id))] = None
            elif fact.startswith("not established"):
                continue
            else:
                namespace, _, ident = fact.rpartition(" ")
                namespace = namespace.replace(" ", "_")
                if namespace in NAMESPACES and ident in kb.entities(namespace):
                    words[kb.entity(namespace, ident).name] = None
    return "; ".join(words)


def found(findings: list[Finding], kb: KnowledgeBase, answers: dict[str, Any]) -> list[Note]:
    return [Note(f.id, f.name, evidence(f, kb, answers), f.certainty) for f in findings]


def measured(diagnosis: Diagnosis, kb: KnowledgeBase) -> list[Note]:
    """Every measurement and test result given, in the order of the observations; those
    the runner's watch measured say so ("158 spm, by the watch over 38 min")."""
    watch = diagnosis.watch or {"values": {}, "minutes_of": {}}
    notes = []
    for obs in kb.observations.values():
        if (
            obs.evidence not in ("measured", "tested")
            or obs.kind not in ("number", "scale")
            or diagnosis.answers.get(obs.id, UNKNOWN) == UNKNOWN
        ):
            continue
        text = _value_words(obs, diagnosis.answers[obs.id])
        if obs.id in watch["values"]:
            text += f", by the watch over {watch['minutes_of'][obs.id]:.0f} min"
            typed = watch.get("typed", {}).get(obs.id)
            if typed is not None:
                text += f" (answered {_value_words(obs, typed)})"
        notes.append(Note(obs.id, obs.name, text))
    return notes


def could_change(diagnosis: Diagnosis, kb: KnowledgeBase) -> list[Note]:
    """The questions whose answer could still change the program: those answered
    unknown first (text "unknown"), then those not asked."""
    unknown = [o for o in diagnosis.unanswered if diagnosis.answers.get(o) == UNKNOWN]
    not_asked = [o for o in diagnosis.unanswered if o not in diagnosis.answers]
    return [Note(o, kb.observations[o].name, "unknown") for o in unknown] + [
        Note(o, kb.observations[o].name, "not asked") for o in not_asked
    ]


def watch_notes(watch: dict[str, Any] | None) -> list[str]:
    """What the runner's watch measured, for the printout's notes: the summary with its
    files, what the files lacked, and what was left out of each."""
    if watch is None:
        return []
    notes = [f"Measured by the watch: {watch['summary']} ({', '.join(watch['files'])})."]
    if watch["missing"]:
        notes.append("Not in the watch's files: " + ", ".join(watch["missing"]) + ".")
    return notes + [note if note.endswith(".") else note + "." for note in watch["notes"]]
