"""Client records: `clients`, `history`, `compare`, `export`, `import`."""

from __future__ import annotations

import click

from ..render.jsonout import to_json
from .options import (
    claim_output,
    database_files,
    db_option,
    force_option,
    kb_option,
    open_store,
)

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: tables; json: for other tools.",
)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _date(taken_at: str | None) -> str:
    return (taken_at or "")[:10]


def _listing(findings) -> str:
    return "; ".join(f"{f.name} ({f.certainty:.2f})" for f in findings) or "none"


@click.command("clients")
@db_option
@format_option
def clients_command(db_path, fmt):
    """List clients: assessments, last date, defects still open (and those the last
    assessment did not check again)."""
    from ..render.terminal import table
    from ..usecases import client_list

    with open_store(db_path) as store:
        lines = client_list(store)
    if fmt == "json":
        click.echo(to_json([line.summary.__dict__ for line in lines]))
        return
    if not lines:
        click.echo("No clients yet. Start with: runform intake NAME")
        return

    def open_defects(line) -> str:
        shown = "; ".join(line.summary.open_defects) or "none"
        if missed := line.not_checked:
            shown += f" ({len(missed)} not checked: {'; '.join(missed)})"
        return shown

    rows = [
        [
            line.summary.name,
            line.summary.assessments,
            _date(line.summary.last_taken_at),
            open_defects(line),
        ]
        for line in lines
    ]
    click.echo(table(rows, ["client", "assessments", "last", "open defects"], [22, 11, 10, 40]))


@click.command("history")
@click.argument("name")
@db_option
@kb_option
@format_option
def history_command(name, db_path, kb_dir, fmt):
    """Each assessment of a client with its defects and causes.

    An assessment made with another knowledge base than today's says when today's would
    conclude differently from the same answers.
    """
    from ..knowledge import load_kb
    from ..render.terminal import wrap
    from ..usecases import client_history

    kb = load_kb(kb_dir)
    with open_store(db_path) as store:
        history = client_history(store, name, kb)
    later = history.today_differs
    if fmt == "json":
        data = {
            "client": history.client,
            "knowledge_base": history.knowledge_base,
            "assessments": [
                {**a.to_dict(), "today_differs": later[a.number]} for a in history.assessments
            ],
        }
        click.echo(to_json(data))
        return
    click.echo(f"{history.client}: {_count(len(history.assessments), 'assessment')}")
    for a in history.assessments:
        click.echo(f"\n#{a.number}  {_date(a.taken_at)}  ({a.questionnaire or 'answers'})")
        click.echo(wrap(f"Defects: {_listing(a.diagnosis.defects)}", "  "))
        click.echo(wrap(f"Causes: {_listing(a.diagnosis.causes)}", "  "))
        if a.diagnosis.red_flags:
            click.echo(wrap(f"Red flags: {_listing(a.diagnosis.red_flags)}", "  "))
        if later[a.number]:
            made = a.kb_version or "an earlier one"
            click.echo(
                wrap(
                    f"Today's knowledge base ({kb.version}, this was {made}) would conclude"
                    f" differently from the same answers: {'; '.join(later[a.number])}.",
                    "  ",
                )
            )


@click.command("compare")
@click.argument("name")
@click.option(
    "--from", "first", type=click.IntRange(min=1), help="Assessment number to compare from."
)
@click.option("--to", "second", type=click.IntRange(min=1), help="Assessment number to compare to.")
@db_option
@format_option
def compare_command(name, first, second, db_path, fmt):
    """What resolved, persists and is new between two assessments (default: the last two)."""
    from ..progress import method_caveat, pace_caveat
    from ..render.terminal import table, wrap
    from ..usecases import changes_between, measured_differently_between, pair_to_compare

    with open_store(db_path) as store:
        before, after = pair_to_compare(store, name, first, second)
    if before.number >= after.number:
        raise click.BadParameter(
            f"compare goes from an earlier assessment to a later one"
            f" (from {before.number} to {after.number})",
            param_hint="'--from'",
        )
    changes = changes_between(before, after)
    if fmt == "json":
        data = {
            "client": after.client,
            "from": before.number,
            "to": after.number,
            **{kind: [c.to_dict() for c in found] for kind, found in changes.items()},
        }
        click.echo(to_json(data))
        return
    click.echo(
        f"{after.client}: assessment {before.number} ({_date(before.taken_at)})"
        f" → {after.number} ({_date(after.taken_at)})"
    )
    for kind, found in changes.items():
        if kind == "red_flags" and not found:
            continue  # said only when there was one, then or now
        click.echo(f"\n{kind.replace('_', ' ').capitalize()}")
        if not found:
            click.echo("  none, then or now")
            continue
        rows = [
            [
                c.status,
                c.name,
                "" if c.before is None else f"{c.before:.2f}",
                "" if c.after is None else f"{c.after:.2f}",
                ("" if c.delta is None else f"{c.delta:+.2f}") + (" *" if c.partly_checked else ""),
            ]
            for c in found
        ]
        click.echo(table(rows, ["", "name", "before", "after", "change"], [11, 34, 6, 6, 6]))

    def named(status: str) -> list[str]:
        return [c.name for found in changes.values() for c in found if c.status == status]

    if any(c.partly_checked for found in changes.values() for c in found):
        click.echo(
            "\n"
            + wrap(
                "* Part of what this rested on was not asked again, so the change in "
                "certainty may only reflect the skipped questions."
            )
        )
    if resolved := named("resolved"):
        click.echo("\n" + wrap(f"Resolved: {'; '.join(resolved)}."))
    if caveat := pace_caveat([before.diagnosis.watch_pace, after.diagnosis.watch_pace]):
        click.echo("\n" + wrap(caveat))
    if caveat := method_caveat(measured_differently_between(before, after)):
        click.echo("\n" + wrap(caveat))
    if unchecked := named("not checked"):
        click.echo(
            "\n"
            + wrap(
                f"Not checked this time: {'; '.join(unchecked)}. The questions that would "
                "show them were left unanswered; ask them at the next assessment."
            )
        )


@click.command("progress")
@click.argument("name")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "html", "pdf"]),
    help="Default: from -o's extension (.txt .json .md .html .pdf); text without -o.",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write the report here (atomically) instead of to the terminal. PDF needs it."
    " An existing file is replaced only with --force.",
)
@force_option
@db_option
@kb_option
def progress_command(name, fmt, output, force, db_path, kb_dir):
    """A client's progress across all assessments: each defect's and cause's certainty
    and each measurement, as charts in HTML and PDF and a compact table in the terminal,
    with what resolved and what is new since the first assessment.

    \b
    runform progress "Marc Dupont"
    runform progress "Marc Dupont" -o marc-progress.pdf
    """
    from ..errors import RunformError
    from ..knowledge import load_kb
    from ..progress_printout import format_for, render_progress, report_of, save_progress
    from .options import echo_printout, printout_destination

    try:
        fmt = format_for(output, fmt)
    except RunformError as exc:
        raise click.BadParameter(str(exc), param_hint="'-o' / '--output'") from None
    to_stdout = printout_destination(fmt, output)
    claim_output(output, force, *database_files(db_path))
    with open_store(db_path) as store:
        assessments = store.assessments(name)
        client = store.client_name(name)
    report = report_of(client, assessments, load_kb(kb_dir))
    if to_stdout:
        echo_printout(render_progress(report, fmt))
        return
    save_progress(report, output, fmt)
    click.echo(f"Wrote the progress of {client} to {output} ({fmt}).", err=True)


@click.command("export")
@click.argument("name")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Write to FILE (private: it holds health answers). An existing file is replaced"
    " only with --force.",
)
@force_option
@db_option
def export_command(name, output, force, db_path):
    """Export a client's assessments as JSON (stdout, or -o FILE)."""

    output = None if output == "-" else output
    claim_output(output, force, *database_files(db_path))
    with open_store(db_path) as store:
        text = to_json(store.export_client(name)) + "\n"
    if output:
        from ..files import write_text_atomically

        write_text_atomically(output, text)
        click.echo(f"Exported to {output}.", err=True)
    else:
        click.echo(text, nl=False)


@click.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@db_option
@kb_option
def import_command(file, db_path, kb_dir):
    """Import a client's assessments exported by `runform export`.

    The whole file is checked first; assessments already stored are skipped, the others
    are added after the client's last, oldest first.
    """
    from ..files import read_json
    from ..knowledge import load_kb
    from ..records import parse_export
    from ..render.terminal import wrap
    from ..usecases import import_assessments

    name, items = parse_export(read_json(file), load_kb(kb_dir), file)
    with open_store(db_path, create=True) as store:
        done = import_assessments(store, name, items)
    click.echo(
        f"{done.name}: {_count(done.added, 'assessment')} imported, {done.skipped} already there."
    )
    if done.earlier:
        click.echo(
            wrap(
                f"Note: {_count(len(done.earlier), 'imported assessment')}"
                f" ({', '.join(done.earlier)})"
                f" {'predates' if len(done.earlier) == 1 else 'predate'} the last one already"
                " on record: assessments are numbered in the order they are added, so"
                f" compare and progress read {'it' if len(done.earlier) == 1 else 'them'}"
                " after it."
            ),
            err=True,
        )
