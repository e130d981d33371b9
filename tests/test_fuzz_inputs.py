"""Fuzzing every way in: answers files, exports and interview input, with the values a
hostile or careless user brings (400-digit numbers, deep nesting, escape sequences,
device paths, huge strings). Whatever comes in: a result or a clean `Error: …`, never a
traceback, and never an escape sequence on the terminal."""

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diagnose.cli import cli

EXAMPLE = json.loads(
    (Path(__file__).resolve().parent.parent / "examples" / "marc-intake-1.json").read_text()
)
ESCAPES = ["\x1b]0;title\x07", "\x1b[2J", "\x1b]52;c;aGk=\x07", "\x9b31m", "\x07"]

nasty_scalars = st.sampled_from(
    [
        10**400,
        -(10**400),
        "9" * 400,
        1e308,
        -1e-308,
        "1e400",
        "nan",
        "unknown",
        "",
        " ",
        "/dev/zero",
        "/dev/stdin",
        "../../etc/passwd",
        "x" * 10_000,
        *ESCAPES,
        True,
        None,
    ]
) | st.text(max_size=30)


def deep(level: int):
    value: object = "bottom"
    for _ in range(level):
        value = [value]
    return value


nasty = (
    nasty_scalars
    | st.integers(1, 2000).map(deep)
    | st.dictionaries(st.sampled_from(["name", *ESCAPES, "x" * 300]), nasty_scalars, max_size=3)
)


def leaves(value, here=()):
    yield here
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from leaves(inner, (*here, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from leaves(inner, (*here, index))


def replaced(value, path, new):
    if not path:
        return new
    copy = value.copy()
    copy[path[0]] = replaced(value[path[0]], path[1:], new)
    return copy


def clean(result, typed: list[str] = ()):
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    shown = result.output
    for line in typed:  # CliRunner echoes what was typed, as a terminal would: not runform's
        shown = shown.replace(f"> {line}\n", "> \n")
    for escape in ESCAPES:
        assert escape not in shown, shown[-500:]


def write_json(path: Path, data) -> None:
    try:
        text = json.dumps(data)
    except (ValueError, RecursionError):
        text = "[" * 5000  # past what JSON nesting allows: refused as invalid
    path.write_text(text)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_answers_files_with_a_nasty_value_anywhere(tmp_path, data):
    where = data.draw(st.sampled_from(list(leaves(EXAMPLE))[1:]))
    path = tmp_path / "fuzz.json"
    write_json(path, replaced(EXAMPLE, where, data.draw(nasty)))
    for command in (["diagnose"], ["program"], ["interview", "--answers"]):
        clean(CliRunner().invoke(cli, [*command, str(path)], input=""))


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    folder = tmp_path_factory.mktemp("export")
    source = folder / "marc.json"
    source.write_text(json.dumps(EXAMPLE))
    db = folder / "r.db"
    runner = CliRunner()
    assert (
        runner.invoke(
            cli, ["intake", "Marc", "--answers", str(source), "--no-input", "--db", str(db)]
        ).exit_code
        == 0
    )
    exported = json.loads(runner.invoke(cli, ["export", "Marc", "--db", str(db)]).stdout)
    exported["assessments"][0]["taken_at"] = "2025-01-01T09:00:00+00:00"
    return exported


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_exports_with_a_nasty_value_anywhere_import_cleanly_or_not_at_all(tmp_path, export, data):
    where = data.draw(st.sampled_from(list(leaves(export))[1:]))
    path = tmp_path / "fuzz-export.json"
    write_json(path, replaced(export, where, data.draw(nasty)))
    db = tmp_path / f"fuzz-{os.getpid()}-{data.draw(st.integers(0, 10**9))}.db"
    runner = CliRunner()
    imported = runner.invoke(cli, ["import", str(path), "--db", str(db)])
    clean(imported)
    if imported.exit_code == 0:  # what was stored must serve every reading command
        name = imported.stdout.split(":")[0]
        for command in (["clients"], ["history", name], ["progress", name], ["export", name]):
            clean(runner.invoke(cli, [*command, "--db", str(db)]))
            assert runner.invoke(cli, [*command, "--db", str(db)]).exit_code == 0, command


typed_lines = st.lists(
    st.sampled_from(["yes", "no", "u", "?", "b", "", "3", "170", "-1", "9" * 400, "x" * 5000])
    | st.sampled_from(ESCAPES)
    | st.text(max_size=20).filter(lambda s: "\n" not in s and "\r" not in s),
    max_size=40,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(lines=typed_lines, questionnaire=st.sampled_from(["self-check", "coach-intake"]))
def test_anything_typed_at_the_interview(tmp_path, monkeypatch, lines, questionnaire):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    save = tmp_path / "typed.json"
    save.unlink(missing_ok=True)
    result = CliRunner().invoke(
        cli,
        ["interview", "-q", questionnaire, "--save", str(save)],
        input="".join(f"{line}\n" for line in lines),
    )
    clean(result, lines)
    if save.exists():  # whatever was saved reads back as an answers file
        clean(CliRunner().invoke(cli, ["diagnose", str(save)]))
        assert CliRunner().invoke(cli, ["diagnose", str(save)]).exit_code == 0


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null", "fifo", "link"])
def test_device_paths_are_refused_without_reading(tmp_path, device):
    if device == "fifo":
        path = tmp_path / "pipe.json"
        os.mkfifo(path)  # would wait for ever for a writer
    elif device == "link":
        path = tmp_path / "zero.json"
        path.symlink_to("/dev/zero")
    else:
        path = Path(device)
    runner = CliRunner()
    for command in (
        ["diagnose", str(path)],
        ["program", str(path)],
        ["interview", "--answers", str(path)],
        ["import", str(path), "--db", str(tmp_path / "r.db")],
    ):
        result = runner.invoke(cli, command, input="")
        clean(result)
        assert result.exit_code == 1
        assert f"{path}: not a regular file (a device, pipe or socket)" in result.stderr
    assert not (tmp_path / "r.db").exists()
