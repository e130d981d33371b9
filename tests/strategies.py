"""Hypothesis strategies over the real knowledge base."""

from __future__ import annotations

import math

from hypothesis import strategies as st

from diagnose.knowledge.models import UNKNOWN, Observation


def value_of(obs: Observation):
    if obs.kind == "yesno":
        return st.sampled_from(["yes", "no", UNKNOWN])
    if obs.kind == "scale":
        return st.one_of(st.integers(0, 4), st.just(UNKNOWN))
    if obs.kind == "choice":
        return st.sampled_from([*obs.choices, UNKNOWN])
    low, high = math.ceil(obs.min), math.floor(obs.max)
    whole = [st.integers(low, high)] if low <= high else []
    return st.one_of(
        *whole,
        st.floats(obs.min, obs.max, allow_nan=False),
        st.just(UNKNOWN),
    )


def answers(kb, max_size: int | None = None):
    """Canonical answers: a random subset of observations with values of the right kind."""
    observations = list(kb.observations.values())
    return (
        st.lists(st.sampled_from(observations), unique_by=lambda o: o.id, max_size=max_size)
        .flatmap(lambda chosen: st.fixed_dictionaries({o.id: value_of(o) for o in chosen}))
        .map(lambda given: {k: kb.observations[k].coerce(v) for k, v in given.items()})
    )
