"""Synthetic knowledge bases of the real one's shape, for scaling benchmarks.

For N rules: about 40 % observations → defects, 30 % defects (+ observations) →
causes, 30 % causes → prescriptions; conditions mix all / any / not, equality and
numeric thresholds, as the real rules do. Built as models directly (no YAML), so the
figures measure the engine, not the parser.
"""

from __future__ import annotations

import random
from pathlib import Path

from diagnose.knowledge.loader import KnowledgeBase
from diagnose.knowledge.models import (
    AllOf,
    AnyOf,
    Cause,
    Conclusion,
    ConclusionTest,
    Defect,
    Dose,
    Example,
    KBRule,
    NotOf,
    Observation,
    ObservationTest,
    Prescription,
)


def _obs_test(rnd: random.Random, observations: list[Observation]) -> ObservationTest:
    obs = rnd.choice(observations)
    if obs.kind == "number":
        return ObservationTest(obs=obs.id, lt=rnd.uniform(obs.min, obs.max))
    return ObservationTest(obs=obs.id, **{"is": "yes"})


def synthetic_kb(rules: int, seed: int = 7) -> KnowledgeBase:
    rnd = random.Random(seed)
    n_obs = max(10, rules // 3)
    n_defects = max(4, rules // 10)
    n_causes = max(3, rules // 15)
    n_prescriptions = max(5, rules // 6)
    kb = KnowledgeBase(root=Path("."))
    for i in range(n_obs):
        if i % 4 == 0:
            obs = Observation(
                id=f"m{i}",
                name=f"Measure {i}",
                kind="number",
                unit="u",
                min=0,
                max=100,
                description="synthetic",
            )
        else:
            obs = Observation(id=f"o{i}", name=f"Obs {i}", kind="yesno", description="synthetic")
        kb.observations[obs.id] = obs
    for i in range(n_defects):
        kb.defects[f"d{i}"] = Defect(id=f"d{i}", name=f"Defect {i}", description="synthetic")
    for i in range(n_causes):
        kb.causes[f"c{i}"] = Cause(id=f"c{i}", name=f"Cause {i}", description="synthetic")
    for i in range(n_prescriptions):
        kb.prescriptions[f"p{i}"] = Prescription(
            id=f"p{i}",
            name=f"Drill {i}",
            category="technique",
            description="synthetic",
            dose=Dose(sets=3, metres=20),
            minutes=2,
            when=["technique_day"],
            cues=["c"],
            pitfalls=["p"],
            difficulty=1,
            load="moderate",
        )
    observations = list(kb.observations.values())
    examples = [Example(given={}, fires=True), Example(given={}, fires=False)]
    for i in range(rules):
        layer = i % 10
        if layer < 4:
            parts = [_obs_test(rnd, observations) for _ in range(rnd.randint(1, 3))]
            if rnd.random() < 0.3:
                parts.append(NotOf(**{"not": _obs_test(rnd, observations)}))
            when = AllOf(all=parts) if len(parts) > 1 else parts[0]
            then = Conclusion(defect=f"d{rnd.randrange(n_defects)}")
        elif layer < 7:
            defects = [ConclusionTest(defect=f"d{rnd.randrange(n_defects)}") for _ in range(2)]
            when = AllOf(all=[AnyOf(any=defects), _obs_test(rnd, observations)])
            then = Conclusion(cause=f"c{rnd.randrange(n_causes)}")
        else:
            when = ConclusionTest(cause=f"c{rnd.randrange(n_causes)}")
            then = Conclusion(prescription=f"p{rnd.randrange(n_prescriptions)}")
        kb.rules.append(
            KBRule(
                id=f"r{i}",
                when=when,
                then=then,
                cf=round(rnd.uniform(0.4, 0.9), 2),
                because="synthetic",
                examples=examples,
            )
        )
    return kb


def synthetic_answers(kb: KnowledgeBase, count: int, seed: int = 11) -> list[dict]:
    rnd = random.Random(seed)
    observations = list(kb.observations.values())
    batches = []
    for _ in range(count):
        chosen = rnd.sample(observations, k=min(len(observations), rnd.randint(10, 30)))
        batches.append(
            {
                o.id: (
                    round(rnd.uniform(o.min, o.max), 1)
                    if o.kind == "number"
                    else rnd.choice(["yes", "no", "unknown"])
                )
                for o in chosen
            }
        )
    return batches
