"""No input overwritten, no device or link replaced by a file, no database changed by a
reading command, and a full disk or a damaged record said plainly."""

import hashlib
import json
import os
import sqlite3
import stat
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from diagnose.answers import Answers, write_answers
from diagnose.cli import cli
from diagnose.errors import RunformError
from diagnose.store import Store

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "marc-intake-1.json"


def run(*args, input=None):
    result = CliRunner().invoke(cli, [str(a) for a in args], input=input)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def digest(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def answers(tmp_path):
    path = tmp_path / "a.json"
    path.write_bytes(EXAMPLE.read_bytes())
    path.chmod(0o600)
    return path


# ---------------------------------------------------------------- printouts and exports


def test_a_printout_never_replaces_the_answers_it_reads(answers):
    before = digest(answers)
    for extra in ([], ["--force"], ["--format", "text"]):
        result = run("program", answers, "-o", answers, *extra)
        assert result.exit_code == 1
        assert f"{answers}: this command reads it; write to another file" in result.stderr
    assert digest(answers) == before
    assert stat.S_IMODE(answers.stat().st_mode) == 0o600
    linked = answers.with_name("link.json")
    linked.symlink_to(answers)
    assert "this command reads it" in run("program", linked, "-o", answers).stderr


def test_an_interview_refuses_a_printout_over_its_own_save_before_asking(tmp_path, answers):
    save = tmp_path / "s.json"
    for args in (
        ["interview", "--save", save, "--printout", save],
        ["interview", "--answers", answers, "--printout", answers],
        ["intake", "Bob", "--answers", answers, "--no-input", "--printout", answers],
        ["intake", "Bob", "--save", save, "--printout", save, "--db", tmp_path / "r.db"],
    ):
        result = run(*args, input="")
        assert result.exit_code == 1, result.output
        assert "this command reads it" in result.stderr
        assert "?" not in result.stdout  # no question was asked
    assert not save.exists()
    assert not (tmp_path / "r.db").exists()


def test_an_existing_file_is_replaced_only_with_force_keeping_its_permissions(tmp_path, answers):
    out = tmp_path / "p.txt"
    out.write_text("the coach's notes")
    out.chmod(0o640)
    refused = run("program", answers, "-o", out)
    assert refused.exit_code == 1
    assert f"{out} is already there: add --force to replace it" in refused.stderr
    assert out.read_text() == "the coach's notes"
    assert run("program", answers, "-o", out, "--force").exit_code == 0
    assert "Running program for Marc Dupont" in out.read_text()
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


def test_a_symlink_stays_a_link_and_its_target_is_written(tmp_path, answers):
    target = tmp_path / "real.md"
    target.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(target)
    assert run("program", answers, "-o", link, "--force").exit_code == 0
    assert link.is_symlink()
    assert "# Running program" in target.read_text()


def test_a_device_or_a_pipe_is_written_as_a_stream_never_replaced(tmp_path, answers):
    link = tmp_path / "null.txt"
    link.symlink_to("/dev/null")
    assert run("program", answers, "-o", link).exit_code == 0
    assert link.is_symlink() and os.readlink(link) == "/dev/null"
    full = run("program", answers, "-o", "/dev/full", "--format", "text")
    assert full.exit_code == 1
    assert "/dev/full: cannot write: the disk is full; nothing was written" in full.stderr
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    pipe = tmp_path / "pipe.md"
    os.mkfifo(pipe)
    got = []
    reader = threading.Thread(target=lambda: got.append(pipe.read_text()))
    reader.start()
    assert run("program", answers, "-o", pipe).exit_code == 0
    reader.join(10)
    assert "# Running program" in got[0]
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)


def test_export_refuses_an_existing_file_and_writes_dash_to_stdout(tmp_path, answers):
    db = tmp_path / "r.db"
    assert run("intake", "Bob", "--answers", answers, "--no-input", "--db", db).exit_code == 0
    out = tmp_path / "bob.json"
    out.write_text("{}")
    assert "already there" in run("export", "Bob", "-o", out, "--db", db).stderr
    assert run("export", "Bob", "-o", out, "--db", db, "--force").exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # health answers stay private
    dashed = run("export", "Bob", "-o", "-", "--db", db)
    assert json.loads(dashed.stdout)["client"] == "Bob"
    assert not Path("-").exists()
    assert "this command reads it" in run("export", "Bob", "-o", db, "--db", db).stderr


def test_a_save_folder_that_cannot_be_made_is_said_before_the_first_question(tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("")
    result = run("interview", "--save", blocker / "s.json", input="")
    assert result.exit_code == 1
    assert f"cannot save the answers: {blocker}: a file stands where a folder should be" in (
        result.stderr
    )
    assert "?" not in result.stdout


def test_hidden_copies_left_by_a_killed_run_are_cleaned_and_private(tmp_path):
    save = tmp_path / "s.json"
    stale = tmp_path / ".s.json.killed.tmp"
    stale.write_text('{"answers": {"pain_sharp": "yes"}}')
    old = time.time() - 3600
    os.utime(stale, (old, old))
    fresh = tmp_path / ".s.json.writing.tmp"  # another process's write in flight
    fresh.write_text("{}")
    write_answers(save, Answers(values={"heel_strike": "yes"}))
    assert not stale.exists()
    assert fresh.exists()
    assert stat.S_IMODE(save.stat().st_mode) == 0o600


# ---------------------------------------------------------------- the client database


def foreign_database(tmp_path) -> Path:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text)")
        db.execute("INSERT INTO notes VALUES ('keep me')")
    return path


def every_command_on(db, answers, tmp_path):
    return [
        ["clients"],
        ["history", "Bob"],
        ["compare", "Bob"],
        ["progress", "Bob"],
        ["export", "Bob"],
        ["program", "--client", "Bob"],
        ["intake", "Bob", "--answers", answers, "--no-input"],
        ["import", tmp_path / "bob.json"],
    ]


def test_a_database_that_is_not_runforms_is_refused_untouched(tmp_path, answers):
    db = foreign_database(tmp_path)
    before = digest(db)
    (tmp_path / "bob.json").write_text(
        json.dumps({"format": "runform-client", "version": 2, "client": "Bob", "assessments": []})
    )
    for args in every_command_on(db, answers, tmp_path):
        result = run(*args, "--db", db)
        assert result.exit_code != 0, args
        if args[0] != "import":  # an empty export is refused before the database is opened
            assert "not a runform client database (it holds other tables: 'notes')" in (
                result.stderr
            ), args
    assert digest(db) == before
    assert sorted(p.name for p in tmp_path.glob("other.sqlite*")) == ["other.sqlite"]


def test_reading_commands_never_change_the_database(tmp_path, answers):
    db = tmp_path / "r.db"
    for _ in range(2):
        assert run("intake", "Bob", "--answers", answers, "--no-input", "--db", db).exit_code == 0
    with sqlite3.connect(db) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = digest(db)
    for args in every_command_on(db, answers, tmp_path)[:6]:
        assert run(*args, "--db", db).exit_code == 0, args
    assert digest(db) == before


def test_a_reading_store_is_opened_read_only(tmp_path):
    path = tmp_path / "r.db"
    Store(path).close()
    with Store(path, writable=False) as store:
        assert store.clients() == []
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            store.db.execute("INSERT INTO clients (name, name_key, created_at) VALUES (1, 1, 1)")


@pytest.mark.parametrize("value", ["'abc'", "X'00'", "-1", "2.5"])
def test_a_hand_edited_schema_version_is_a_clean_error(tmp_path, answers, value):
    db = tmp_path / "r.db"
    assert run("intake", "Bob", "--answers", answers, "--no-input", "--db", db).exit_code == 0
    with sqlite3.connect(db) as connection:
        connection.execute(f"UPDATE schema_version SET version = {value}")
    for args in (["clients"], ["intake", "Bob", "--answers", answers, "--no-input"]):
        result = run(*args, "--db", db)
        assert result.exit_code == 1
        assert f"{db}: damaged: its schema_version should hold one number" in result.stderr


def test_a_full_disk_at_commit_stores_nothing_and_says_so(tmp_path):
    path = tmp_path / "r.db"
    with Store(path) as store:
        store.add_assessment("Bob", runner={}, answers={}, diagnosis={"defects": []})
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages}")  # a disk with no room left
        with pytest.raises(RunformError, match="the disk is full; nothing was stored"):
            store.add_assessment(
                "Bob", runner={}, answers={"notes": "x" * 100_000}, diagnosis={"defects": []}
            )
        assert not store.db.in_transaction
        assert [a.number for a in store.assessments("Bob")] == [1]


@pytest.mark.parametrize(
    ("because", "said"),
    [
        ([{"rule": ["a"], "reason": "r", "certainty": 0.5, "facts": []}], "because.0.rule"),
        ([{"rule": {"x": 1}, "reason": "r", "certainty": 0.5, "facts": []}], "because.0.rule"),
        ([{"rule": "a", "reason": "r", "certainty": "0.5", "facts": []}], "because.0.certainty"),
        ([{"rule": "a", "reason": "r", "certainty": 0.5, "facts": [1]}], "because.0.facts.0"),
        (["heel strike"], "because.0"),
    ],
)
def test_an_import_with_a_stored_diagnosis_of_the_wrong_shape_is_refused(
    tmp_path, answers, because, said
):
    db = tmp_path / "r.db"
    assert run("intake", "Bob", "--answers", answers, "--no-input", "--db", db).exit_code == 0
    exported = json.loads(run("export", "Bob", "--db", db).stdout)
    item = exported["assessments"][0]
    item["taken_at"] = "2025-01-01T09:00:00+00:00"
    item["kb_version"] = None  # made elsewhere: its findings stand as made, so shape matters
    item["diagnosis"]["defects"][0]["because"] = because
    path = tmp_path / "bob.json"
    path.write_text(json.dumps(exported))
    result = run("import", path, "--db", db)
    assert result.exit_code == 1
    assert f"assessments.0.diagnosis.defects.0.{said}" in result.stderr
    assert run("compare", "Bob", "--db", db).exit_code == 1  # still only one assessment


def test_at_a_terminal_replacing_a_file_is_asked(tmp_path, answers):
    import sys

    pexpect = pytest.importorskip("pexpect")
    out = tmp_path / "p.txt"
    out.write_text("the coach's notes")
    command = [sys.executable, "-m", "diagnose", "program", str(answers), "-o", str(out)]
    child = pexpect.spawn(command[0], command[1:], encoding="utf-8", timeout=60)
    child.expect_exact(f"{out} is already there. Replace it? [y/N]")
    child.sendline("n")
    child.expect_exact(f"{out} is already there: add --force to replace it")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1 and out.read_text() == "the coach's notes"
    child = pexpect.spawn(command[0], command[1:], encoding="utf-8", timeout=60)
    child.expect_exact("Replace it? [y/N]")
    child.sendline("y")
    child.expect_exact("Wrote the program for Marc Dupont")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0 and "Running program" in out.read_text()


def test_readers_do_not_wait_behind_a_writer(tmp_path, answers):
    db = tmp_path / "r.db"
    assert run("intake", "Bob", "--answers", answers, "--no-input", "--db", db).exit_code == 0
    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a coach's intake holding the write lock
    writer.execute("UPDATE clients SET created_at = created_at")
    try:
        # (were reading to take the write lock, this would wait out the busy timeout
        # and fail)
        for args in (["clients"], ["history", "Bob"], ["export", "Bob"]):
            assert run(*args, "--db", db).exit_code == 0, args
    finally:
        writer.execute("ROLLBACK")
        writer.close()


# ---------------------------------------------------------------- a second hostile look


@pytest.mark.parametrize(
    "edit",
    [
        "CREATE TRIGGER evil AFTER INSERT ON assessments BEGIN"
        " UPDATE clients SET name = 'PWNED'; END",
        "ALTER TABLE clients ADD COLUMN notes TEXT",
        "CREATE INDEX extra ON clients(created_at)",
        "CREATE VIEW everyone AS SELECT name FROM clients",
        "DROP INDEX assessments_by_client",
    ],
)
def test_a_schema_edited_outside_runform_is_refused_untouched(tmp_path, answers, edit):
    """A trigger slipped into the file would run on the next intake: nothing of a
    database whose schema runform did not make is used."""
    db = tmp_path / "r.db"
    assert run("intake", "Bob", "--answers", answers, "--no-input", "--db", db).exit_code == 0
    with sqlite3.connect(db) as connection:
        connection.execute(edit)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = digest(db)
    for args in (["clients"], ["intake", "Bob", "--answers", answers, "--no-input"]):
        result = run(*args, "--db", db)
        assert result.exit_code == 1, args
        assert "its schema was changed outside runform" in result.stderr
    assert digest(db) == before


def test_an_old_schema_still_reads(tmp_path, answers):
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as connection:
        from diagnose.store import MIGRATIONS, SCHEMA_VERSION_TABLE

        connection.execute(SCHEMA_VERSION_TABLE)
        connection.executescript(MIGRATIONS[0])
        connection.execute("INSERT INTO schema_version VALUES (1)")
    assert run("clients", "--db", db).exit_code == 0


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_a_database_path_that_is_no_file_is_refused_without_waiting(tmp_path, answers, kind):
    db = tmp_path / "x.db"
    if kind == "fifo":
        os.mkfifo(db)
    elif kind == "folder":
        db.mkdir()
    else:
        db.symlink_to("/dev/null")
    for args in (["clients"], ["intake", "Bob", "--answers", answers, "--no-input"]):
        result = run(*args, "--db", db)
        if kind == "folder":  # click's own check of the option
            assert result.exit_code == 2 and "is a directory" in result.stderr, result.stderr
        else:
            assert result.exit_code == 1
            assert "not a client database file (not a regular file)" in result.stderr
    assert not Path("/dev/null-journal").exists()


@pytest.mark.skipif(
    os.geteuid() != 0 or not __import__("shutil").which("unshare"), reason="needs root's mounts"
)
def test_a_database_on_read_only_storage_can_be_read(tmp_path, answers):
    """WAL needs a shared-memory file beside the database, even to read it; on a
    read-only mount no one can be writing, so runform reads it as immutable."""
    import subprocess
    import sys

    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "r.db"
    assert run("intake", "Bob", "--answers", answers, "--no-input", "--db", db).exit_code == 0
    script = (
        f"mount --bind {folder} {folder} && mount -o remount,ro,bind {folder} &&"
        f" {sys.executable} -m diagnose clients --db {db}"
    )
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True)
    if "mount" in done.stderr and done.returncode != 0 and "Bob" not in done.stdout:
        if "permission denied" in done.stderr.lower() or "not permitted" in done.stderr:
            pytest.skip("mounts are not allowed here")
    assert done.returncode == 0, done.stderr
    assert "Bob" in done.stdout


def test_an_export_never_writes_over_the_database_journal(tmp_path, answers):
    db = tmp_path / "r.db"
    assert run("intake", "Bob", "--answers", answers, "--no-input", "--db", db).exit_code == 0
    for journal in ("r.db-wal", "r.db-shm"):
        result = run("export", "Bob", "--db", db, "-o", tmp_path / journal, "--force")
        assert result.exit_code == 1
        assert "this command reads it" in result.stderr


def refused_at_a_terminal(*args) -> int:
    """Run runform at a (pseudo-)terminal, expect the PDF refusal and no PDF bytes;
    the exit status."""
    import sys

    pexpect = pytest.importorskip("pexpect")
    command = [sys.executable, "-m", "diagnose", *map(str, args)]
    child = pexpect.spawn(command[0], command[1:], encoding="utf-8", timeout=60)
    child.expect_exact("a PDF is not for the terminal")
    child.expect(pexpect.EOF)
    child.close()
    assert "%PDF" not in (child.before or "")
    return child.exitstatus


def test_a_pdf_is_never_written_to_a_terminal_named_as_the_output(answers):
    for target in ("/dev/tty", "/dev/stdout"):
        assert refused_at_a_terminal("program", answers, "--format", "pdf", "-o", target) == 2


def test_json_output_stays_valid_utf8_for_a_file_name_that_is_not(tmp_path, answers):
    import subprocess
    import sys

    odd = os.fsencode(tmp_path) + b"/\xff\xfe.json"
    with open(odd, "wb") as out:
        out.write(answers.read_bytes())
    done = subprocess.run(
        [sys.executable, "-m", "diagnose", "diagnose", odd, "--format", "json"],
        capture_output=True,
    )
    assert done.returncode == 0
    data = json.loads(done.stdout.decode("utf-8"))  # strict: fails on stray bytes
    assert data["source"].endswith("\udcff\udcfe.json")


def test_a_pipe_beside_the_database_is_refused_without_waiting(tmp_path, answers):
    db = tmp_path / "r.db"
    assert run("intake", "Bob", "--answers", answers, "--no-input", "--db", db).exit_code == 0
    os.mkfifo(tmp_path / "r.db-journal")
    for args in (["clients"], ["intake", "Bob", "--answers", answers, "--no-input"]):
        result = run(*args, "--db", db)
        assert result.exit_code == 1
        assert "r.db-journal: not a client database file (not a regular file)" in result.stderr


@pytest.mark.skipif(
    os.geteuid() != 0 or not __import__("shutil").which("unshare"), reason="needs root's mounts"
)
def test_changes_waiting_in_the_wal_on_read_only_storage_are_not_left_out_silently(
    tmp_path, answers
):
    import subprocess
    import sys

    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "r.db"
    assert run("intake", "Bob", "--answers", answers, "--no-input", "--db", db).exit_code == 0
    # a writer killed before its checkpoint: the last change is only in r.db-wal
    killed = (
        "import os, sqlite3; c = sqlite3.connect(%r, isolation_level=None);"
        " c.execute('PRAGMA wal_autocheckpoint = 0');"
        " c.execute(\"UPDATE clients SET created_at = 'x'\"); os._exit(0)" % str(db)
    )
    subprocess.run([sys.executable, "-c", killed], check=True)
    assert (folder / "r.db-wal").stat().st_size > 0
    (folder / "r.db-shm").unlink(missing_ok=True)
    script = (
        f"mount --bind {folder} {folder} && mount -o remount,ro,bind {folder} &&"
        f" {sys.executable} -m diagnose clients --db {db}"
    )
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True)
    if "not permitted" in done.stderr or "permission denied" in done.stderr.lower():
        pytest.skip("mounts are not allowed here")
    assert done.returncode == 1
    assert "changes still in r.db-wal" in done.stderr


def test_a_pdf_printout_named_after_a_terminal_is_refused_before_anything_is_kept(
    tmp_path, answers
):
    link = tmp_path / "tty.pdf"
    link.symlink_to("/dev/tty")
    db = tmp_path / "r.db"
    args = ["intake", "Bob", "--answers", answers, "--no-input", "--db", db]
    assert refused_at_a_terminal(*args, "--printout", link, "--force") == 1
    assert not db.exists()


def test_an_intake_from_a_file_name_that_is_not_utf8_is_kept_and_moves(tmp_path, answers):
    odd = os.fsencode(tmp_path) + b"/\xff\xfe.json"
    with open(odd, "wb") as out:
        out.write(answers.read_bytes())
    db, other = tmp_path / "r.db", tmp_path / "other.db"
    shown = os.fsdecode(odd)
    assert run("intake", "Bob", "--answers", shown, "--no-input", "--db", db).exit_code == 0
    exported = tmp_path / "bob.json"
    assert run("export", "Bob", "--db", db, "-o", exported).exit_code == 0
    source = json.loads(exported.read_text())["assessments"][0]["diagnosis"]["source"]
    assert source.endswith("\ufffd\ufffd.json")
    assert "1 assessment imported" in run("import", exported, "--db", other).stdout
    assert "1 already there" in run("import", exported, "--db", other).stdout


def test_a_printout_that_cannot_be_written_is_said_before_anything_is_kept(tmp_path, answers):
    (tmp_path / "afile").write_text("x")
    db = tmp_path / "r.db"
    args = ["intake", "Bob", "--answers", answers, "--no-input", "--db", db]
    result = run(*args, "--printout", tmp_path / "afile" / "p.pdf")
    assert result.exit_code == 1
    assert "a file stands where a folder should be" in result.stderr
    assert not db.exists()
