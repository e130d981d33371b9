"""`runform kb check` and `runform kb test`: verify the knowledge base without Python."""

from __future__ import annotations

import os

import click

from ..errors import RunformError
from .options import engine_of, kb_option


def _knowledge_here(kb_dir: str | None) -> str | None:
    """The kb commands serve people editing knowledge: without --kb, a rules/ folder in
    the current directory is the one they mean, not the copy installed with runform."""
    if kb_dir is None and os.path.isdir("rules"):
        return "."
    return kb_dir


@click.group("kb")
def kb_group() -> None:
    """Check and test the knowledge base (rules/ and questionnaires/)."""


@kb_group.command("check")
@kb_option
def check_command(kb_dir: str | None) -> None:
    """Validate every knowledge file and run the cross-file checks.

    Checks ./rules and ./questionnaires when the current folder has them, otherwise the
    knowledge base installed with runform (or --kb DIR). Reports every problem as
    FILE:LINE: KEY PATH: MESSAGE and exits 1 if there is any.
    """
    from ..knowledge import load_kb
    from ..knowledge.checks import check

    kb = load_kb(_knowledge_here(kb_dir))
    findings = check(kb)
    if findings:
        raise RunformError(f"{len(findings)} problem(s) in the knowledge base", findings)
    click.echo(
        f"Knowledge base OK ({kb.root}): {len(kb.observations)} observations, "
        f"{len(kb.defects)} defects, {len(kb.causes)} causes, "
        f"{len(kb.prescriptions)} prescriptions, {len(kb.red_flags)} red flags, "
        f"{len(kb.readiness)} readiness checks, {len(kb.rules)} rules."
    )


@kb_group.command("test")
@kb_option
@click.option("-v", "--verbose", is_flag=True, help="List every example, not only failures.")
def test_command(kb_dir: str | None, verbose: bool) -> None:
    """Run every rule's examples through the engine.

    Each example gives answers and says whether its rule must fire or must not. Like
    `kb check`, tests ./rules when the current folder has it.
    """
    from ..cases import run_cases
    from ..kbtest import run_examples
    from ..knowledge import load_kb

    kb = load_kb(_knowledge_here(kb_dir))
    engine = engine_of(kb)
    outcomes = run_examples(kb, engine)
    cases = run_cases(kb, engine)
    failed = [o for o in outcomes if not o.passed]
    failed_cases = [c for c in cases if not c.passed]
    for outcome in outcomes if verbose else failed:
        click.echo(("ok    " if outcome.passed else "FAIL  ") + outcome.describe())
    for case in cases if verbose else failed_cases:
        click.echo(("ok    " if case.passed else "FAIL  ") + case.describe())
    passed = len(outcomes) - len(failed)
    summary = (
        f"{len(outcomes)} examples of {len(kb.rules)} rules: {passed} passed, {len(failed)} failed"
        + (
            f"; {len(cases)} runner cases: {len(cases) - len(failed_cases)} as a coach"
            f" expects, {len(failed_cases)} not"
            if cases
            else "; no runner cases (cases/*.expect.yaml)"
        )
    )
    if failed or failed_cases:
        raise RunformError(summary)
    click.echo(summary)
