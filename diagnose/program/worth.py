"""What the work is worth: the stride length × frequency arithmetic of lepape-technique
(docs/sources.md), for this runner."""

from __future__ import annotations

from typing import Any

from ..knowledge import vocabulary
from .model import Worth

MARATHON_KM = 42.195
# lepape-technique: a marathon is 30,000-40,000 strides; its worked example uses 35,000 and +4 cm.
STRIDES_PER_MARATHON = 35_000
STRIDE_GAIN_M = 0.04
# docs/sources.md: raise the runner's own cadence by 5-10 %, never towards a fixed 180;
# +5 % already lowers the load on the knee (Heiderscheit 2011).
CADENCE_RAISE = 0.05
# docs/sources.md cadence bands: above 183 steps a minute is already high.
HIGH_CADENCE = 183
# rule-of-thumb: an easy-pace step is about 0.65 of the runner's height (1.10 m at 170 cm).
STEP_PER_HEIGHT = 0.65
# Below this certainty a finding is "possible", not stated as fact.
STATED = 0.5


def _room_to_raise(cadence: float | None, advised: bool) -> bool:
    """The rise is offered: never from a cadence already high; else when the diagnosis
    advises it (an overstride or a bounce at 178 is still eased by +5-10 %), or when it
    keeps the cadence out of the high band (an unknown cadence: the rise is put in
    general terms). One printout, one story."""
    if cadence is None:
        return True
    if cadence > HIGH_CADENCE:
        return False
    return advised or cadence * (1 + CADENCE_RAISE) <= HIGH_CADENCE


def _distance_words(km: float | None) -> tuple[float, str]:
    if km is None:
        return MARATHON_KM, "a marathon (no goal race was given)"
    if abs(km - MARATHON_KM) < 0.3:
        return km, "your marathon"
    if abs(km - MARATHON_KM / 2) < 0.2:
        return km, "your half marathon"
    return km, f"your {km:g} km race"


def _step(runner: dict[str, Any], answers: dict[str, Any], short: bool) -> tuple[float, str]:
    """(step length in m, where it comes from): the runner's own measurement, else an
    estimate from height that says it is one; a typical step only when no short stride
    was found (0.0 then: no figure in metres can honestly be given)."""
    measured = answers.get(vocabulary.STRIDE_LENGTH_M)
    if isinstance(measured, (int, float)) and not isinstance(measured, bool):
        return float(measured), "measured"
    height = runner.get("height_cm")
    if isinstance(height, (int, float)) and not isinstance(height, bool):
        return round(height / 100 * STEP_PER_HEIGHT, 2), "height"
    if short:
        return 0.0, "unknown"
    return MARATHON_KM * 1000 / STRIDES_PER_MARATHON, "typical"


def worth_of(
    runner: dict[str, Any],
    answers: dict[str, Any],
    overstriding: float = 0.0,
    short_stride: bool = False,
    cadence_advised: bool = False,
) -> Worth:
    """The arithmetic for this runner; `overstriding` (how certain the foot reaches too
    far ahead) turns the advice from longer steps to the cadence first; `short_stride`
    forbids a typical step for someone whose steps are short; `cadence_advised`: the
    diagnosis advises a higher cadence. The figures are upper bounds of simple
    arithmetic, and say so."""
    km, words = _distance_words(runner.get("goal_distance_km"))
    metres = km * 1000
    step, step_source = _step(runner, answers, short_stride)
    known = step_source == "measured"
    if not step:
        return _without_step(km, words, answers, cadence_advised)
    steps = round(metres / step)
    stride_gain = round(steps * STRIDE_GAIN_M)
    extra_steps = round(steps * CADENCE_RAISE)
    cadence_gain = round(extra_steps * step)
    both_gain = round(steps * (1 + CADENCE_RAISE) * (step + STRIDE_GAIN_M) - metres)
    measured_cadence = answers.get(vocabulary.CADENCE_SPM)
    cadence = float(measured_cadence) if isinstance(measured_cadence, (int, float)) else None
    high_cadence = cadence is not None and cadence > HIGH_CADENCE
    room = _room_to_raise(cadence, cadence_advised)
    target = round(cadence * (1 + CADENCE_RAISE)) if cadence and room else None
    percent = round(CADENCE_RAISE * 100)
    gain_cm = round(STRIDE_GAIN_M * 100)

    race = words[0].upper() + words[1:]
    shown = round(steps, -2) if steps >= 1000 else steps
    if known:
        count = f"{race} is about {shown:,} steps of {step:.2f} m, your own step length."
    elif step_source == "height":
        count = (
            f"{race} is about {shown:,} steps of about {step:.2f} m, estimated from your height"
            " (a rule of thumb; a watch measures your own)."
        )
    elif runner.get("goal_distance_km") is None:
        count = (
            f"A marathon takes roughly 35,000 steps of about {step:.2f} m (no goal race was "
            "given, so a marathon is assumed; your step length was not measured)."
        )
    else:
        count = (
            f"A marathon takes roughly 35,000 steps of about {step:.2f} m; {words}, about "
            f"{shown:,} (your step length was not measured)."
        )
    lines = [
        "Speed is step length times step rate, so a small gain in either adds up over a race.",
        count,
    ]
    figures: list[tuple[str, str]] = []
    ahead = (
        "Your foot lands too far ahead"
        if overstriding >= STATED
        else "Your answers suggest your foot may land too far ahead"
    )
    if overstriding and high_cadence:
        lines.append(
            f"{ahead} although your cadence ({cadence:g}) is already high: neither a longer "
            "step nor a quicker one is the lever; the drills that bring the foot down under "
            "the body are."
        )
    elif overstriding:
        lines.append(
            f"{ahead}, so do not chase a longer step by reaching forward: the cadence comes "
            "first, and any extra length must come from a stronger push behind the body."
        )
    else:
        lines.append(
            f"Each step {gain_cm} cm longer at the same rate: {stride_gain:,} m further in the "
            f"same time ({STRIDE_GAIN_M / step * 100:.1f} % of the distance)."
        )
        figures.append((f"+{stride_gain:,} m", f"steps {gain_cm} cm longer"))
    if high_cadence:
        if not overstriding:  # (an overstrider with a high cadence was told above)
            lines.append(
                f"Your cadence of {cadence:g} steps a minute is already high: keep it, and "
                "let step length be the lever."
            )
    elif not room:
        lines.append(
            f"Your cadence of {cadence:g} steps a minute is already good: {percent} % more "
            f"would take it past {HIGH_CADENCE}, which is high, so keep it"
            + (" and let step length be the lever." if not overstriding else ".")
        )
    else:
        start = (
            f"from your own {cadence:g} to about {target} steps a minute (a step up from your "
            + ("number, not a jump to 180)" if target < 180 else "own number)")
            if cadence
            else "from your own (count your steps for 30 s at an easy pace and double it), "
            "not towards a fixed 180"
        )
        lines.append(
            f"Cadence up {percent} % {start}: {extra_steps:,} more steps in the same time, so "
            f"{percent} % further ({cadence_gain:,} m) if each step stayed as long. In "
            "practice the quicker rhythm mostly brings shorter, lighter steps at the same "
            "pace, which eases the load on the knee: count on the comfort more than on the "
            "metres."
        )
        figures.append((f"+{cadence_gain:,} m", f"cadence +{percent} %"))
    lines.append(
        "These are upper bounds from simple arithmetic, not a prediction of your race time."
    )
    return Worth(
        distance_km=km,
        distance_words=words,
        step_length_m=step,
        step_length_known=known,
        step_length_source=step_source,
        steps=steps,
        stride_gain_cm=gain_cm,
        stride_gain_m=stride_gain,
        cadence_spm=cadence,
        target_cadence_spm=target,
        cadence_raise_percent=percent,
        extra_steps=extra_steps,
        cadence_gain_m=cadence_gain,
        both_gain_m=both_gain,
        figures=tuple(figures),
        lines=tuple(lines),
    )


def _without_step(km: float, words: str, answers: dict[str, Any], advised: bool) -> Worth:
    """For a runner with a short stride whose step length is not known: no made-up
    metres, only what the cadence arithmetic gives as a share of the race."""
    measured_cadence = answers.get(vocabulary.CADENCE_SPM)
    cadence = float(measured_cadence) if isinstance(measured_cadence, (int, float)) else None
    percent = round(CADENCE_RAISE * 100)
    room = _room_to_raise(cadence, advised)
    target = round(cadence * (1 + CADENCE_RAISE)) if cadence and room else None
    raise_it = (
        f"Cadence up {percent} %"
        + (f" (from your {cadence:g} to about {target} steps a minute)" if target else "")
        + f" covers up to {percent} % more of {words} in the same time if each step stayed as"
        " long; a longer step adds its own share on top."
        if room
        else f"Your cadence of {cadence:g} steps a minute is already good: keep it, and let "
        "step length be the lever."
    )
    lines = [
        "Speed is step length times step rate, so a small gain in either adds up over a race.",
        "Your steps are short, and their length was not measured: give your height or a "
        "watch's step length to see the gains in metres.",
        raise_it,
        "These are upper bounds from simple arithmetic, not a prediction of your race time.",
    ]
    return Worth(
        distance_km=km,
        distance_words=words,
        step_length_m=None,
        step_length_known=False,
        step_length_source="unknown",
        steps=0,
        stride_gain_cm=round(STRIDE_GAIN_M * 100),
        stride_gain_m=0,
        cadence_spm=cadence,
        target_cadence_spm=target,
        cadence_raise_percent=percent,
        extra_steps=0,
        cadence_gain_m=0,
        both_gain_m=0,
        figures=((f"+{percent} %", f"cadence +{percent} %"),),
        lines=tuple(lines),
    )
