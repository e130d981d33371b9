"""Terminal text: tables (tabulate) that fit 80 columns, the HOW trace on request."""

from __future__ import annotations

from ..diagnosis import Diagnosis
from ..knowledge import KnowledgeBase
from . import diagnosis_view as view
from .safe import printable
from .terminal import table, wrap

# the widths wanted per table shape (certainty, name, reason / + category, dose);
# terminal.fit trims them to the screen
COLUMNS = {3: [9, 22, 45], 5: [9, 22, 10, 16, 15]}


def _wrap(text: str, indent: str = "  ") -> str:
    return wrap(text, indent, "  ")


EXPLAIN_HINT = "Add --explain to see how each conclusion was reached."


def render_diagnosis(
    diagnosis: Diagnosis, kb: KnowledgeBase, explain: bool = False, hint: str = EXPLAIN_HINT
) -> str:
    out: list[str] = []
    heading = wrap(view.title(diagnosis)).splitlines() or [""]
    out += [*heading, "=" * max(map(len, heading))]
    if diagnosis.source:
        out.append(_wrap(f"Answers: {printable(diagnosis.source)}", ""))
    out += [view.GUIDANCE, ""]

    if diagnosis.red_flags:
        out.append("RED FLAGS: see a clinician before starting this program.")
        for flag in diagnosis.red_flags:
            out.append(_wrap(f"! {flag.name}: {flag.details.advice}"))
        out.append("")

    health = view.health_lines(diagnosis, kb)
    if health:
        out += [*(_wrap(line, "") for line in health), ""]

    measured = view.watch_lines(diagnosis, kb)
    if measured:
        out += [_wrap(measured[0], ""), *(_wrap(f"- {line}") for line in measured[1:]), ""]

    for shown in view.tables(diagnosis, kb):
        out.append(shown.heading)
        if shown.rows:
            out.append(table(shown.rows, shown.headers, COLUMNS[len(shown.headers)]))
        else:
            out.append(_wrap(shown.empty))
        out.append("")

    if diagnosis.advice:
        out.append("Advice")
        for item in diagnosis.advice:
            out.append(_wrap(f"- {item.name}: {item.details.text}"))
        out.append("")
    ready = view.readiness_line(diagnosis)
    if ready:
        out += [_wrap(ready, ""), ""]
    for line in view.held_back_lines(diagnosis):
        out += [_wrap(line, ""), ""]
    if argued := view.disagreement_lines(diagnosis):
        out.append(view.DISAGREE_HEADING)
        out += [_wrap(f"- {line}") for line in argued]
        out.append("")
    for line in view.unanswered_lines(diagnosis, kb):
        out += [_wrap(line, ""), ""]

    if explain:
        out += ["How runform concluded this", "-" * 26]
        for heading_line, lines in view.explained(diagnosis):
            out.append(heading_line)
            out += [_wrap(f"• {line}") for line in lines]
        out.append("")
    elif diagnosis.findings():
        out += [*hint.splitlines(), ""]  # a command stays on one line, to copy
    return "\n".join(out).rstrip() + "\n"
