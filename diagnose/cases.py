"""The case library: realistic runners judged as a coach would (`runform kb test`, pytest).

Each case is an answers file (`cases/NAME.json`, diagnosable as it is) beside a coach's
expectations (`cases/NAME.expect.yaml`), written from the sources before anyone looked at
what the engine says: conclusions that must and must not be drawn, certainty bounds, the
health screen, exercises that must be planned, must not be planned, or must not appear
anywhere (diagnosis or printout). The bundled examples carry expectations the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, TypeAdapter, ValidationError, model_validator

from .answers import read_answers
from .diagnosis import CLEAR, INCOMPLETE, RED_FLAG, Diagnosis
from .engine import Engine
from .errors import RunformError
from .knowledge import KnowledgeBase
from .knowledge.loader import Where, read_yaml, validation_problems
from .knowledge.models import Id, Strict, Text, suggest
from .program import Program, build_program

# Where cases live, under a knowledge base's root folder.
CASE_FOLDERS = ("cases", "examples")
SUFFIX = ".expect.yaml"


class Expected(Strict):
    """One conclusion, e.g. {cause: weak_calves_feet, at_least: 0.5}."""

    defect: Id | None = None
    cause: Id | None = None
    red_flag: Id | None = None
    readiness: Id | None = None
    at_least: float | None = Field(None, ge=0, le=1)
    at_most: float | None = Field(None, ge=0, le=1)

    @model_validator(mode="after")
    def _one(self) -> Expected:
        named = [ns for ns in ("defect", "cause", "red_flag", "readiness") if getattr(self, ns)]
        if len(named) != 1:
            raise ValueError("name exactly one of: defect, cause, red_flag, readiness")
        return self

    @property
    def key(self) -> tuple[str, str]:
        ns = next(ns for ns in ("defect", "cause", "red_flag", "readiness") if getattr(self, ns))
        return ns, getattr(self, ns)

    def words(self) -> str:
        return f"{self.key[0].replace('_', ' ')} {self.key[1]}"


class Expectations(Strict):
    runner: Text = Field(description="who this runner is, in one line")
    coach: Text = Field(description="what a coach expects and why, from the sources")
    health: Literal[CLEAR, INCOMPLETE, RED_FLAG]  # type: ignore[valid-type]
    concluded: list[Expected] = Field(default_factory=list)
    not_concluded: list[Expected] = Field(default_factory=list)
    at_most: list[Expected] = Field(default_factory=list)
    planned: list[Id] = Field(default_factory=list)
    not_planned: list[Id] = Field(default_factory=list)
    # in the printout's later steps: prescribed, and waiting for something first
    later: list[Id] = Field(default_factory=list)
    nowhere: list[Id] = Field(default_factory=list)
    advice: list[Id] = Field(default_factory=list)

    @model_validator(mode="after")
    def _bounds(self) -> Expectations:
        if any(e.at_most is None for e in self.at_most):
            raise ValueError("every at_most entry needs an at_most bound")
        return self


@dataclass(frozen=True)
class Case:
    name: str
    answers: Path
    expect_file: str  # as shown in messages
    expect: Expectations


@dataclass(frozen=True)
class CaseOutcome:
    case: Case
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures

    def describe(self) -> str:
        head = f"{self.case.expect_file}: runner case '{self.case.name}'"
        if self.passed:
            return f"{head}: as a coach expects"
        return head + ":\n" + "\n".join(f"    {failure}" for failure in self.failures)


def load_cases(kb: KnowledgeBase, root: Path | None = None) -> list[Case]:
    """Every case under the knowledge base's root; problems in any file are collected
    and raised together, each with its file and line."""
    root = kb.root if root is None else root
    cases, problems = [], []
    for folder in CASE_FOLDERS:
        for path in sorted((root / folder).glob(f"*{SUFFIX}")):
            shown = path.relative_to(root).as_posix()
            data = read_yaml(path, shown, problems)
            if data is None:
                continue
            try:
                expect = TypeAdapter(Expectations).validate_python(data)
            except ValidationError as exc:
                problems += validation_problems(exc, data, Where(shown, 1), "")
                continue
            problems += _unknown_ids(kb, expect, shown)
            name = path.name.removesuffix(SUFFIX)
            answers = path.with_name(f"{name}.json")
            if not answers.is_file():
                problems.append(f"{shown}: no answers file {answers.name} beside it")
                continue
            cases.append(Case(name, answers, shown, expect))
    if problems:
        raise RunformError(f"{len(problems)} problem(s) in the runner cases", problems)
    return cases


def _unknown_ids(kb: KnowledgeBase, expect: Expectations, shown: str) -> list[str]:
    problems = [
        f"{shown}: coach: unknown source '{cited}'{suggest(cited, kb.sources)}"
        for cited in re.findall(r"\[([a-z][a-z0-9-]*)\]", expect.coach)
        if kb.sources and cited not in kb.sources
    ]
    for field_name in ("concluded", "not_concluded", "at_most"):
        for entry in getattr(expect, field_name):
            namespace, ident = entry.key
            if ident not in kb.entities(namespace):
                known = kb.entities(namespace)
                problems.append(
                    f"{shown}: {field_name}: unknown {namespace.replace('_', ' ')}"
                    f" '{ident}'{suggest(ident, known)}"
                )
    for field_name in ("planned", "not_planned", "later", "nowhere", "advice"):
        for ident in getattr(expect, field_name):
            if ident not in kb.prescriptions:
                problems.append(
                    f"{shown}: {field_name}: unknown prescription"
                    f" '{ident}'{suggest(ident, kb.prescriptions)}"
                )
    return problems


def run_case(case: Case, kb: KnowledgeBase, engine: Engine) -> CaseOutcome:
    given = read_answers(case.answers, kb, case.answers.name)
    diagnosis = engine.run(given.values, given.runner, given.questionnaire, str(case.answers))
    program = build_program(diagnosis, kb)
    return CaseOutcome(case, tuple(judge(case.expect, diagnosis, program)))


def judge(expect: Expectations, diagnosis: Diagnosis, program: Program) -> list[str]:
    """What the diagnosis and the printout get wrong, as a coach would say it."""
    failures = []
    certainty = {(f.namespace, f.id): f.certainty for f in diagnosis.findings()}
    if diagnosis.health != expect.health:
        failures.append(f"health screen is {diagnosis.health}, expected {expect.health}")
    for entry in expect.concluded:
        found = certainty.get(entry.key)
        if found is None:
            failures.append(f"{entry.words()} is not concluded")
        elif entry.at_least is not None and found < entry.at_least - 1e-9:
            failures.append(f"{entry.words()} at {found:.2f}, expected at least {entry.at_least}")
        elif entry.at_most is not None and found > entry.at_most + 1e-9:
            failures.append(f"{entry.words()} at {found:.2f}, expected at most {entry.at_most}")
    for entry in expect.not_concluded:
        if entry.key in certainty:
            failures.append(f"{entry.words()} is concluded ({certainty[entry.key]:.2f})")
    for entry in expect.at_most:
        found = certainty.get(entry.key, 0.0)
        if found > entry.at_most + 1e-9:  # type: ignore[operator]
            failures.append(f"{entry.words()} at {found:.2f}, expected at most {entry.at_most}")

    planned = {item.exercise for item in program.items()}
    for ident in expect.planned:
        if ident not in planned:
            failures.append(f"{ident} is not planned in the week")
    for ident in expect.not_planned:
        if ident in planned:
            failures.append(f"{ident} is planned in the week")
    later = {step.exercise for step in program.later}
    for ident in expect.later:
        if ident not in later:
            failures.append(f"{ident} is not among the later steps")
    anywhere = appearing(diagnosis, program)
    for ident in expect.nowhere:
        if ident in anywhere:
            failures.append(f"{ident} appears ({', '.join(sorted(anywhere[ident]))})")
    advised = {a.id for a in diagnosis.advice} & {a.id for a in program.advice}
    for ident in expect.advice:
        if ident not in advised:
            failures.append(f"advice {ident} is not given")
    return failures


def appearing(diagnosis: Diagnosis, program: Program) -> dict[str, set[str]]:
    """Every prescription id the runner could read, and where."""
    found: dict[str, set[str]] = {}

    def seen(ident: str, where: str) -> None:
        found.setdefault(ident, set()).add(where)

    for finding in diagnosis.prescriptions:
        seen(finding.id, "prescribed")
    for finding in diagnosis.advice:
        seen(finding.id, "advised")
    for finding in diagnosis.held_back:
        seen(finding.id, "held back")
    for item in program.items():
        seen(item.exercise, "planned")
    for step in program.later:
        seen(step.exercise, "later steps")
    # (work named as waiting for a readiness not yet shown is not offered: not counted)
    gated = {ident for gate in diagnosis.gates for ident, _ in gate.waiting}
    for note in (*program.held_back, *program.advice):
        if note.id not in gated or note.id in {f.id for f in diagnosis.held_back}:
            seen(note.id, "in the printout")
    return found


def run_cases(kb: KnowledgeBase, engine: Engine) -> list[CaseOutcome]:
    return [run_case(case, kb, engine) for case in load_cases(kb)]
