"""Read the knowledge files (YAML 1.2, ruamel round-trip for line numbers) into models.

Every problem in every file is collected before anything is raised, each as
`rules/<file>.yaml:<line>: <key path>: <message>`.
"""

from __future__ import annotations

import dataclasses
import datetime
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from ..errors import RunformError, brief
from ..files import read_text
from ..plain import unprintable
from . import kinds
from .base import MAX_FILE_BYTES, MAX_FILES, KnowledgeBase, Where, content_hash, yaml_files
from .models import (
    Cause,
    Defect,
    KBRule,
    KnownIds,
    Observation,
    Prescription,
    Readiness,
    RedFlag,
    Source,
    passed_rule,
    suggest,
)
from .questionnaires import Questionnaire

__all__ = ["MAX_FILE_BYTES", "MAX_FILES", "KnowledgeBase", "Where", "content_hash", "load"]

# section name in a file -> (model, namespace used in references and messages)
ENTITY_SECTIONS: dict[str, tuple[type[BaseModel], str]] = {
    "sources": (Source, "source"),
    "observations": (Observation, "observation"),
    "defects": (Defect, "defect"),
    "causes": (Cause, "cause"),
    "prescriptions": (Prescription, "prescription"),
    "red_flags": (RedFlag, "red_flag"),
    "readiness": (Readiness, "readiness"),
}
SECTIONS = (*ENTITY_SECTIONS, "rules")


@dataclass
class RawItem:
    """One list item of a section, before validation."""

    section: str
    index: int
    data: Any
    where: Where

    @property
    def path(self) -> str:
        return f"{self.section}.{self.index}"


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.version = (1, 2)  # `yes` and `no` stay strings
    return yaml


# Limits well past any real knowledge base (the bundled one: 40 KB files, 8 levels,
# 360 items; `kb check` of 2,000 takes seconds), so that a hostile or runaway file is
# refused instead of taking minutes, gigabytes or the interpreter's stack.
MAX_DEPTH = 40
MAX_ITEMS = 2_000
MAX_NODES = 200_000  # values in one file


def read_yaml(path: Path, shown: str, problems: list[str]) -> Any:
    """Parse one YAML file of plain data; on failure add a located problem, return None."""
    try:
        text = read_text(path, shown, MAX_FILE_BYTES)
    except RunformError as exc:
        problems.append(str(exc))
        return None
    try:
        data = _yaml().load(text)
    except RecursionError:
        problems.append(f"{shown}: nested too deeply (at most {MAX_DEPTH} levels)")
        return None
    except ValueError as exc:  # Python refuses to read an integer of over 4,300 digits
        too_long = "digits" in str(exc)
        what = "a number too long to read" if too_long else f"cannot be read: {brief(str(exc))}"
        problems.append(f"{shown}: {what}")
        return None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        what = exc.problem or exc.context or "not valid YAML"
        problems.append(f"{shown}:{line}: invalid YAML: {what}")
    except YAMLError as exc:
        problems.append(f"{shown}: invalid YAML: {exc}")
    else:
        unplain = _not_plain(data, shown, 1, 0, [MAX_NODES])
        if unplain is None:
            return data
        problems.append(unplain)
    return None


def _not_plain(node: Any, shown: str, line: int, depth: int, budget: list[int]) -> str | None:
    """The first thing in parsed YAML that is not plain data (mappings of words, lists,
    text, numbers, true/false), as a located problem. A tag could build another type, a
    `-` with nothing after it would silently drop an item, and aliases (`*name`) are
    counted as written out, so a few lines cannot stand for a billion items."""
    budget[0] -= 1
    if budget[0] < 0:
        return f"{shown}:{line}: too many items (at most {MAX_NODES:,} with aliases written out)"
    if depth > MAX_DEPTH:
        return f"{shown}:{line}: nested too deeply (at most {MAX_DEPTH} levels)"
    tag = getattr(getattr(node, "tag", None), "value", None)
    if tag is not None or isinstance(node, TaggedScalar):
        return f"{shown}:{line}: a tag ({brief(tag or '')}): knowledge files hold plain data only"
    if type(node) in (CommentedMap, CommentedSeq):
        if isinstance(node, CommentedMap) and node.merge:
            return f"{shown}:{line}: a merge key (<<): write the keys out in full"
        if isinstance(node, CommentedMap):
            children = [(node.lc.key(key)[0] + 1, key, value) for key, value in node.items()]
        else:
            children = [(node.lc.item(i)[0] + 1, i, value) for i, value in enumerate(node)]
        for at, key, value in children:
            if isinstance(node, CommentedMap) and not isinstance(key, str):
                return f"{shown}:{at}: {brief(key)}: a key must be a word"
            if isinstance(node, CommentedMap) and unprintable(key):
                return f"{shown}:{at}: {brief(key)}: {UNPRINTABLE}"
            if isinstance(node, CommentedSeq) and value is None:
                return f"{shown}:{at}: an empty list item (a `-` with nothing after it)"
            problem = _not_plain(value, shown, at, depth + 1, budget)
            if problem:
                return problem
        return None
    if isinstance(node, str) and unprintable(node):
        return f"{shown}:{line}: {brief(node)}: {UNPRINTABLE}"
    if node is None or isinstance(node, (str, int, float)):  # bool is an int
        return None
    if isinstance(node, bytes):
        return f"{shown}:{line}: binary data: knowledge files hold plain data only"
    what = "a date (put it in quotes)" if isinstance(node, datetime.date) else "not plain data"
    return f"{shown}:{line}: {brief(node)}: {what}"


UNPRINTABLE = (
    "control or text-direction characters: knowledge text is shown on terminals and"
    " printouts, and must be plain"
)


def locate(node: Any, loc: tuple[Any, ...], line: int) -> tuple[str, int]:
    """Follow a pydantic error location through ruamel nodes: (key path, line).

    Parts of `loc` that are not keys of the data (union tags, model names) are skipped.
    """
    parts: list[str] = []
    for part in loc:
        if isinstance(node, CommentedMap) and part in node:
            line = node.lc.key(part)[0] + 1
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
            line = node.lc.item(part)[0] + 1
            node = node[part]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            continue
        parts.append(str(part))
    return ".".join(parts), line


def validation_problems(exc: ValidationError, data: Any, where: Where, prefix: str) -> list[str]:
    problems = []
    for error in exc.errors():
        path, line = locate(data, tuple(error["loc"]), where.line)
        if error["type"] == "missing" and error["loc"]:
            path = ".".join(p for p in (path, str(error["loc"][-1])) if p)
        message = error["msg"].removeprefix("Value error, ")
        full = ".".join(p for p in (prefix, path) if p)
        problems.append(f"{where.file}:{line}: {full}: {message}")
    return problems


def _gather(root: Path, problems: list[str], unread: list[str]) -> list[RawItem]:
    if not yaml_files(root / "rules"):
        raise RunformError(f"{root / 'rules'}: no knowledge files (rules/*.yaml) found")
    items: list[RawItem] = []
    expected = f"a mapping with sections: {', '.join(SECTIONS)}"
    for shown, data in _mappings(root, "rules", expected, problems, unread):
        for section, entries in data.items():
            line = data.lc.key(section)[0] + 1
            if section not in SECTIONS:
                problems.append(
                    f"{shown}:{line}: {section}: unknown section"
                    f"{suggest(str(section), SECTIONS)} (expected one of: {', '.join(SECTIONS)})"
                )
                unread.append(shown)  # what it defines is missing to the other files
                continue
            if not isinstance(entries, CommentedSeq):
                problems.append(f"{shown}:{line}: {section}: expected a list")
                continue
            for index, entry in enumerate(entries):
                items.append(
                    RawItem(section, index, entry, Where(shown, entries.lc.item(index)[0] + 1))
                )
            if len(items) > MAX_ITEMS:
                raise RunformError(
                    f"{shown}:{line}: {section}: more than {MAX_ITEMS:,} items in the"
                    " knowledge base; runform refuses one this large"
                )
    return items


def _mappings(
    root: Path, folder: str, expected: str, problems: list[str], unread: list[str] | None = None
) -> Iterator[tuple[str, CommentedMap]]:
    """(shown name, top-level mapping) of each YAML file in root/folder, in name order;
    the files that could not be read go to `unread`."""
    for path in yaml_files(root / folder):
        shown = path.relative_to(root).as_posix()
        before = len(problems)
        data = read_yaml(path, shown, problems)
        if data is None or not isinstance(data, CommentedMap):
            if len(problems) == before:  # read, but empty or not a mapping
                problems.append(f"{shown}:1: expected {expected}")
            if unread is not None:
                unread.append(shown)
            continue
        yield shown, data


def _raw_id(item: RawItem) -> str | None:
    if isinstance(item.data, dict) and isinstance(item.data.get("id"), str):
        return item.data["id"]
    return None


def load(root: Path) -> KnowledgeBase:
    """Load and validate every knowledge file under `root/rules`."""
    problems: list[str] = []
    unread: list[str] = []
    items = _gather(root, problems, unread)
    kb = KnowledgeBase(root=root, version=content_hash(root)[:12])

    # Ids first, so references can be checked whatever file or order they come in.
    raw_ids: dict[str, set[str]] = {ns: set() for _, ns in ENTITY_SECTIONS.values()}
    for item in items:
        namespace = ENTITY_SECTIONS[item.section][1] if item.section != "rules" else "rule"
        ident = _raw_id(item)
        if ident is None:
            continue
        if (namespace, ident) in kb.where:
            first = kb.where[(namespace, ident)]
            problems.append(
                f"{item.where}: {item.path}.id: duplicate {namespace.replace('_', ' ')} id"
                f" '{ident}' (first defined at {first})"
            )
            item.data = None  # validate only the first definition
            continue
        kb.where[(namespace, ident)] = item.where
        raw_ids.setdefault(namespace, set()).add(ident)

    def validate(item: RawItem, model: type[BaseModel], context: Any) -> Any:
        try:
            return TypeAdapter(model).validate_python(item.data, context=context)
        except ValidationError as exc:
            problems.extend(validation_problems(exc, item.data, item.where, item.path))
            return None

    live = [item for item in items if item.data is not None]
    for item in live:
        if item.section == "sources" and (source := validate(item, Source, None)):
            kb.sources[source.id] = source
    # a knowledge base with a list of sources is held to it; one without is not checked
    sources = raw_ids["source"] or None
    for item in live:
        if item.section == "observations" and (
            obs := validate(item, Observation, KnownIds(sources=sources))
        ):
            kb.observations[obs.id] = obs
    known = KnownIds(
        sources=sources,
        observations=kb.observations,
        defect=raw_ids["defect"],
        cause=raw_ids["cause"],
        prescription=raw_ids["prescription"],
        red_flag=raw_ids["red_flag"],
        readiness=raw_ids["readiness"],
    )
    for item in live:
        if item.section in ("sources", "observations", "rules"):
            continue
        model = ENTITY_SECTIONS[item.section][0]
        if entity := validate(item, model, known):
            kb.entities(ENTITY_SECTIONS[item.section][1])[entity.id] = entity
    for item in live:
        if item.section == "rules" and (rule := validate(item, KBRule, known)):
            kb.rules.append(rule)
            examples = item.data.get("examples")
            for index in range(len(rule.examples)):
                kb.example_where[(rule.id, index)] = Where(
                    item.where.file, examples.lc.item(index)[0] + 1
                )

    for item in kb.prescriptions.values():
        if item.passed_when is not None:
            implied = passed_rule(item)
            if ("rule", implied.id) in kb.where:
                problems.append(
                    f"{kb.where[('rule', implied.id)]}: rule id '{implied.id}' is taken by the"
                    f" rule that prescription '{item.id}''s passed_when stands for"
                )
                continue
            kb.rules.append(implied)
            kb.implied_rules.add(implied.id)
            kb.where[("rule", implied.id)] = kb.where[("prescription", item.id)]
    _load_questionnaires(root, kb, known, problems)
    if not raw_ids["red_flag"] and not problems:
        # without them nothing could ever stop the self-guided program for pain,
        # swelling or numbness: never run a knowledge base like that
        problems.append(
            "rules/red_flags.yaml: no red flags are defined (a red_flags: section in any"
            " rules file); runform needs them to send a runner with pain, swelling or"
            " numbness to a clinician"
        )
    folded: list[str] = []
    if unread:
        problems, folded = _without_follow_ons(problems, unread)
    if problems:
        shown = [_short(problem) for problem in problems + folded]
        raise RunformError(f"{len(problems)} problem(s) in the knowledge base", shown)
    return kb


def as_run(kb: KnowledgeBase) -> KnowledgeBase:
    """The validated knowledge base copied into the plain classes of `kinds` (each
    model's first base there), sharing what the models shared: the same behaviour
    without pydantic."""
    copies: dict[int, Any] = {}

    def plain(value: Any) -> Any:
        if isinstance(value, BaseModel):
            copied = copies.get(id(value))
            if copied is None:
                kind = next(c for c in type(value).__mro__ if c.__module__ == kinds.__name__)
                copied = copies[id(value)] = object.__new__(kind)
                for name in type(value).model_fields:
                    copied.__dict__[name] = plain(getattr(value, name))
            return copied
        if isinstance(value, list):
            return [plain(item) for item in value]
        if isinstance(value, tuple):
            return tuple(plain(item) for item in value)
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        return value

    fields = {f.name: plain(getattr(kb, f.name)) for f in dataclasses.fields(kb)}
    return KnowledgeBase(**fields)


def _short(problem: str, width: int = 400) -> str:
    """A problem quoting a huge value is cut: the place and the start say enough."""
    return problem if len(problem) <= width else problem[: width - 1] + "…"


_UNKNOWN_ID = re.compile(
    r": unknown (observation|defect|cause|prescription|red flag|readiness|source)\b"
)


def _without_follow_ons(problems: list[str], unread: list[str]) -> tuple[list[str], list[str]]:
    """A file that cannot be read hides every id it defines, so every reference to them
    elsewhere looks wrong too: (the problems to show, one line standing for the rest)."""
    kept = [p for p in problems if not _UNKNOWN_ID.search(p)]
    hidden = len(problems) - len(kept)
    if not hidden:
        return kept, []
    files = ", ".join(unread)
    return kept, [
        f"{unread[0]}: {hidden} more problem(s) name ids that may be defined in {files};"
        " not shown until it reads"
    ]


def _load_questionnaires(
    root: Path, kb: KnowledgeBase, known: KnownIds, problems: list[str]
) -> None:
    """Each questionnaires/<id>.yaml holds one questionnaire whose id is the file's name."""
    expected = "a mapping (id, title, sections, questions...)"
    for shown, data in _mappings(root, "questionnaires", expected, problems):
        path = root / shown
        where = Where(shown, 1)
        sections = data.get("sections")
        section_ids = (
            {
                s["id"]
                for s in sections or []
                if isinstance(s, dict) and isinstance(s.get("id"), str)
            }
            if isinstance(sections, list)
            else set()
        )
        questions = data.get("questions")
        if isinstance(questions, CommentedSeq):
            first: dict[str, int] = {}
            for index, question in enumerate(questions):
                if not isinstance(question, dict) or not isinstance(question.get("id"), str):
                    continue
                line = questions.lc.item(index)[0] + 1
                if question["id"] in first:
                    problems.append(
                        f"{shown}:{line}: questions.{index}.id: '{question['id']}' is asked"
                        f" twice (first at line {first[question['id']]})"
                    )
                first.setdefault(question["id"], line)
        context = dataclasses.replace(known, sections=section_ids)
        try:
            questionnaire = TypeAdapter(Questionnaire).validate_python(data, context=context)
        except ValidationError as exc:
            problems.extend(validation_problems(exc, data, where, ""))
            continue
        if questionnaire.id != path.stem:
            line = data.lc.key("id")[0] + 1
            problems.append(
                f"{shown}:{line}: id: '{questionnaire.id}' does not match the file name"
                f" '{path.stem}'"
            )
            continue
        kb.questionnaires[questionnaire.id] = questionnaire
