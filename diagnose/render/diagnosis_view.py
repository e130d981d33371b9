"""What a diagnosis printout shows, as plain rows and lines, shared by text and Markdown."""

from __future__ import annotations

from dataclasses import dataclass

from ..diagnosis import Diagnosis, Finding
from ..knowledge import KnowledgeBase
from ..knowledge.kinds import UNKNOWN
from ..logic import THRESHOLD

GUIDANCE = "Coaching guidance, not a medical diagnosis."


def certainty(value: float) -> str:
    return f"{value:.2f}"


def title(diagnosis: Diagnosis) -> str:
    name = diagnosis.runner.get("name")
    return f"Diagnosis for {name}" if name else "Diagnosis"


def names_of(ids: list[str], kb: KnowledgeBase) -> str:
    found = []
    for ident in ids:
        for namespace in ("defect", "cause", "red_flag"):
            entity = kb.entities(namespace).get(ident)
            if entity is not None:
                found.append(entity.name)
                break
        else:
            found.append(ident)
    return ", ".join(found)


def watch_lines(diagnosis: Diagnosis, kb: KnowledgeBase) -> list[str]:
    """What the runner's watch measured, first the summary and then each value used
    (with the typed answer it outweighed), what the files lacked, what was left out."""
    watch = diagnosis.watch
    if watch is None:
        return []
    from ..watch import MEASURES

    files = ", ".join(watch["files"])
    lines = [f"Measured by the watch: {watch['summary']} ({files})."]
    for obs, value in watch["values"].items():
        observation = kb.observations.get(obs)
        name = observation.name if observation else obs
        unit = f" {observation.unit}" if observation and observation.unit else ""
        shown_value = f"{value:.{MEASURES[obs][2]}f}" if obs in MEASURES else f"{value:g}"
        line = f"{name}: {shown_value}{unit}, over {watch['minutes_of'][obs]:.0f} min"
        typed = watch["typed"].get(obs)
        if typed is not None:
            shown = f"{typed:g}" if isinstance(typed, (int, float)) else str(typed)
            line += f" (answered {shown}{unit}; the measurement is used"
            if isinstance(typed, (int, float)) and abs(typed - value) > 0.1 * abs(value):
                line += ": more than a tenth apart, so measure an easy run again to settle it"
            line += ")"
        lines.append(line)
    if watch["missing"]:
        lines.append("Not in the files: " + ", ".join(watch["missing"]) + ".")
    lines += [f"{note}." if not note.endswith(".") else note for note in watch["notes"]]
    return lines


@dataclass
class Table:
    heading: str
    headers: list[str]
    rows: list[list[str]]
    empty: str


def tables(diagnosis: Diagnosis, kb: KnowledgeBase) -> list[Table]:
    def reason(finding: Finding) -> str:
        return finding.because[0].reason if finding.because else ""

    return [
        Table(
            "Defects",
            ["certainty", "defect", "why"],
            [[certainty(f.certainty), f.name, reason(f)] for f in diagnosis.defects],
            "No technique defect stands out from these answers.",
        ),
        Table(
            "Causes",
            ["certainty", "cause", "why"],
            [[certainty(f.certainty), f.name, reason(f)] for f in diagnosis.causes],
            "No root cause stands out from these answers.",
        ),
        Table(
            "Prescriptions",
            ["certainty", "exercise", "kind", "dose", "treats"],
            [
                [
                    certainty(f.certainty),
                    f.name,
                    f.details.category,
                    f.details.dose or "",
                    names_of(f.treats, kb),
                ]
                for f in diagnosis.prescriptions
            ],
            "Nothing to prescribe yet.",
        ),
    ]


def unanswered_lines(diagnosis: Diagnosis, kb: KnowledgeBase, limit: int = 8) -> list[str]:
    """The questions that could still change the result: those answered "unknown" first
    (the runner may find out), then those not asked at all (another questionnaire, or a
    coach, covers them)."""
    unknown = [o for o in diagnosis.unanswered if diagnosis.answers.get(o) == UNKNOWN]
    not_asked = [o for o in diagnosis.unanswered if o not in diagnosis.answers]

    def listing(ids: list[str]) -> str:
        names = [kb.observations[o].name for o in ids[:limit]]
        more = len(ids) - limit
        return "; ".join(names) + (f" and {more} more" if more > 0 else "")

    lines = []
    if unknown:
        count = len(unknown)
        lines.append(
            f"Answered unknown, and could change this result ({count}): {listing(unknown)}."
        )
    if not_asked:
        count = len(not_asked)
        where = (
            f"not in the {diagnosis.questionnaire} questionnaire or not reached"
            if diagnosis.questionnaire
            else "not in the answers"
        )
        lines.append(
            f"{count} more question{'s' if count != 1 else ''} ({where}) could change it: "
            f"{listing(not_asked)}."
        )
    return lines


def _signed(value: float) -> str:
    return f"{'+' if value >= 0 else '−'}{abs(value):.2f}"


def how(finding: Finding) -> list[str]:
    """The HOW trace of one conclusion, in plain words, one line per supporting rule."""
    lines = []
    for support in finding.because:
        facts = "; ".join(support.facts)
        counted = "" if support.counted else " (same evidence as a stronger rule: not counted)"
        lines.append(
            f"{_signed(support.certainty)} from rule {support.rule}{counted}: {support.reason}"
            + (f" [{facts}]" if facts else "")
        )
    counted = [s for s in finding.because if s.counted]
    if len(counted) > 1:
        parts = " and ".join(_signed(s.certainty) for s in counted)
        lines.append(f"combined ({parts}) → {finding.certainty:.2f}")
    return lines


def health_lines(diagnosis: Diagnosis, kb: KnowledgeBase) -> list[str]:
    """The health screen when it is open: what is unanswered, and what that holds back
    (beside a red flag, the questions still to answer for the clinician and later)."""
    if not diagnosis.screen_open:
        return []
    names = "; ".join(kb.observations[o].name for o in diagnosis.screen_open)
    count = len(diagnosis.screen_open)
    if diagnosis.red_flags:
        return [f"Health questions also unanswered ({count}): {names}."]
    return [
        f"Health questions unanswered ({count}): {names}.",
        "Until every health question is answered, only gentle work is prescribed;"
        " anything harder waits.",
    ]


def readiness_line(diagnosis: Diagnosis) -> str | None:
    if not diagnosis.readiness:
        return None
    shown = "; ".join(f"{f.name} ({certainty(f.certainty)})" for f in diagnosis.readiness)
    if diagnosis.red_flags:
        # a test passed is not a go-ahead while a clinician has not seen the red flag
        return f"Tests passed, for once a clinician has cleared you: {shown}."
    return f"Ready for load: {shown}."


DISAGREE_HEADING = "Where the answers disagree (look or test again)"


def disagreement_lines(diagnosis: Diagnosis) -> list[str]:
    """One line per conclusion the answers argue both ways, with the reasons each way."""
    lines = []
    for found in diagnosis.disagreements:
        outcome = (
            f"concluded at {certainty(found.certainty)}"
            if found.certainty >= THRESHOLD
            else "not concluded"
        )
        said_for = " ".join(s.reason for s in found.for_)
        said_against = " ".join(s.reason for s in found.against)
        lines.append(f"{found.name} ({outcome}). For: {said_for} Against: {said_against}")
    return lines


def held_back_lines(diagnosis: Diagnosis) -> list[str]:
    """What is held back, one line per reason (work waiting for a readiness not yet
    shown too, with what it lacks)."""
    by_reason: dict[str, list[str]] = {}
    for finding in diagnosis.held_back:
        reason = finding.held_back_because or "for now"
        by_reason.setdefault(reason, []).append(finding.name)
    for gate in diagnosis.gates:
        by_reason.setdefault(gate.words, []).extend(name for _, name in gate.waiting)
    return [f"Held back {reason}: {'; '.join(names)}." for reason, names in by_reason.items()]


def explained(diagnosis: Diagnosis) -> list[tuple[str, list[str]]]:
    """(heading, HOW lines) for every conclusion, red flags first."""
    kinds = {
        "red_flag": "red flag",
        "readiness": "readiness",
        "defect": "defect",
        "cause": "cause",
        "prescription": "prescription",
    }
    out = []
    for finding in diagnosis.findings():
        kind = kinds[finding.namespace]
        if finding in diagnosis.advice:
            kind = "advice"
        elif finding in diagnosis.held_back:
            kind = "held back"
        out.append((f"{finding.name} — {kind}, certainty {finding.certainty:.2f}", how(finding)))
    return out
