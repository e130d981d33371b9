"""Run every rule's own examples through the real engine (`runform kb test`, and pytest)."""

from __future__ import annotations

from dataclasses import dataclass

from .engine import Engine
from .knowledge import KnowledgeBase, Where


@dataclass(frozen=True)
class ExampleOutcome:
    rule: str
    index: int  # 1-based, as a person counts
    where: Where
    expected: bool
    fired: bool
    given: dict

    @property
    def passed(self) -> bool:
        return self.expected == self.fired

    def describe(self) -> str:
        given = ", ".join(f"{k}={v}" for k, v in self.given.items()) or "no answers"
        wanted = "to fire" if self.expected else "not to fire"
        got = "it fired" if self.fired else "it did not fire"
        joint = ", and" if self.passed else ", but"
        return (
            f"{self.where}: rule '{self.rule}' example {self.index}:"
            f" expects the rule {wanted}{joint} {got} (given {given})"
        )


def run_examples(kb: KnowledgeBase, engine: Engine) -> list[ExampleOutcome]:
    outcomes = []
    for rule in kb.rules:
        for index, example in enumerate(rule.examples):
            diagnosis = engine.run(example.given)
            outcomes.append(
                ExampleOutcome(
                    rule=rule.id,
                    index=index + 1,
                    where=kb.example_where[(rule.id, index)],
                    expected=example.fires,
                    fired=rule.id in diagnosis.fired,
                    given=dict(example.given),
                )
            )
    return outcomes
