"""What runform does, one function per use, without the command line.

The click commands parse their options, call one of these and lay out what it returns;
everything here takes plain values (an open Store, a loaded knowledge base) and returns
typed results, and raises RunformError for anything the user can fix.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .answers import Answers, parse_answers
from .diagnosis import Diagnosis
from .errors import RunformError
from .knowledge import KnowledgeBase
from .progress import Change, compare, measured_differently
from .store import Assessment, ClientSummary, Store
from .watch import (
    MEASURES,
    WatchSummary,
    diagnose_answers,
    diagnose_measured,
    kept_measurements,
)


@dataclass
class ClientLine:
    summary: ClientSummary
    not_checked: list[str]  # defects the last assessment did not check again


def client_list(store: Store) -> list[ClientLine]:
    """Every client, with the defects still open and those left unchecked last time."""
    lines = []
    for summary in store.clients():
        found = store.assessments(summary.name) if summary.assessments > 1 else []
        not_checked = []
        if len(found) > 1:
            changes = compare(found[-2].diagnosis, found[-1].diagnosis, found[-1].answers)
            not_checked = [c.name for c in changes["defects"] if c.status == "not checked"]
        lines.append(ClientLine(summary, not_checked))
    return lines


@dataclass
class History:
    client: str
    knowledge_base: str  # today's version
    assessments: list[Assessment]
    # by assessment number: what today's knowledge concludes differently from its answers
    today_differs: dict[int, list[str]]


def client_history(store: Store, name: str, kb: KnowledgeBase) -> History:
    from .records import today_differs

    assessments = store.assessments(name)
    return History(
        store.client_name(name),
        kb.version,
        assessments,
        {a.number: today_differs(a, kb) for a in assessments},
    )


def pair_to_compare(
    store: Store, name: str, first: int | None = None, second: int | None = None
) -> tuple[Assessment, Assessment]:
    """The two assessments to compare (default: the last two), in the order given: the
    caller says when the first is not the earlier."""
    assessments = store.assessments(name)
    if len(assessments) < 2 and (first is None or second is None):
        count = len(assessments)
        raise RunformError(
            f"{store.client_name(name)} has {count} assessment{'' if count == 1 else 's'};"
            " comparing needs two"
        )
    after = store.assessment(name, second if second is not None else -1)
    if first is None and after.number == 1:
        raise RunformError(
            "assessment 1 is the first: nothing before it to compare with "
            "(use --to with a later assessment)"
        )
    before = store.assessment(name, first if first is not None else after.number - 1)
    return before, after


def changes_between(before: Assessment, after: Assessment) -> dict[str, list[Change]]:
    """What resolved, persists and is new, by kind (defects, causes, red flags)."""
    return compare(before.diagnosis, after.diagnosis, after.answers)


def measured_differently_between(before: Assessment, after: Assessment) -> list[str]:
    """The watch's measurements taken by the watch at one of the two assessments and
    typed in at the other."""
    return measured_differently(
        [
            (
                words,
                [
                    (a.answers.get(ident), ident in a.diagnosis.watch_values)
                    for a in (before, after)
                ],
            )
            for ident, (*_, words) in MEASURES.items()
        ]
    )


@dataclass(frozen=True)
class Imported:
    name: str
    added: int
    skipped: int
    # dates of the added assessments older than the client's last one already on record:
    # numbered after it all the same, so compare and progress read them after it
    earlier: tuple[str, ...] = ()


def import_assessments(store: Store, name: str, items: list[dict[str, Any]]) -> Imported:
    """A client's exported assessments added to the store (checked by
    records.parse_export), with any that are older than what is on record named."""
    from .records import moment

    known = store.known_name(name)
    on_record = {a.taken_at for a in store.assessments(known)} if known else set()
    last = max(map(moment, on_record), default=None)
    name, added, skipped = store.import_client(name, items)
    earlier = tuple(
        item["taken_at"][:10]
        for item in items
        if last is not None
        and item["taken_at"] not in on_record
        and moment(item["taken_at"]) < last
    )
    return Imported(name, added, skipped, earlier)


def stored_answers(store: Store, name: str, number: int | None, kb: KnowledgeBase) -> Answers:
    """A client's assessment read back as an answers file, named by the client record."""
    stored = store.assessment(name, number)
    runner = {**stored.runner, "name": stored.client}  # the client record names them
    data = {"questionnaire": stored.questionnaire, "runner": runner, "answers": stored.answers}
    source = f"{stored.client}, assessment {stored.number} ({stored.taken_at[:10]})"
    return parse_answers(data, kb, source)


def stored_watch(store: Store, name: str, number: int | None = None) -> dict[str, Any] | None:
    """What the runner's watch measured for a client's assessment, when it did."""
    return store.assessment(name, number).diagnosis.stored.get("watch")


def program_for(
    answers: Answers,
    kb: KnowledgeBase,
    engine: Any,
    start: dt.date | None = None,
    watch: WatchSummary | None = None,
    kept_watch: dict[str, Any] | None = None,
):
    """The corrective program of a runner's answers (with what their watch measured,
    when given, or what it measured for a kept assessment), laid over their week."""
    from .program import build_program

    if watch is None and kept_watch is not None:
        # a client's assessment made with the watch: its answers hold the measurements
        measured = kept_measurements(kept_watch)
        diagnosis = diagnose_measured(
            engine, answers.values, answers.runner, answers.questionnaire, answers.source, measured
        )
    else:
        diagnosis = diagnose_answers(engine, answers, kb, watch, answers.source)
    return build_program(diagnosis, kb, start=start)


def keep_assessment(
    store: Store,
    name: str,
    answers: Answers,
    diagnosis: Diagnosis,
    questionnaire: str,
    kb: KnowledgeBase,
) -> Assessment:
    """An intake kept as the client's next numbered assessment."""
    return store.add_assessment(
        name,
        runner=answers.runner,
        answers=answers.values,
        diagnosis=diagnosis.to_dict(),
        questionnaire=questionnaire,
        kb_version=kb.version,
    )
