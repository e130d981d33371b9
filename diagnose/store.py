"""Client records in SQLite: clients and their assessments (answers + diagnosis).

Beside the flow, never inside it: the store keeps what the engine produced and hands it
back; it decides nothing. The schema is created and migrated here (a schema version
table), the database runs in WAL mode with a busy timeout, and every write is one
transaction, so several coaches' processes can write to one file at once.
"""

from __future__ import annotations

import difflib
import functools
import json
import os
import re
import sqlite3
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from .errors import RunformError, brief
from .kept import KeptDiagnosis

T = TypeVar("T")
BUSY_TIMEOUT_S = 30.0
# `runform export` files (read back by records.parse_export)
EXPORT_FORMAT = "runform-client"
EXPORT_VERSION = 4  # 2: each assessment says which knowledge base diagnosed it; 3: and
# where its answers disagree (a diagnosis's `disagreements`); 4: and what waits for a
# readiness (`waiting_for_readiness`): an older runform refuses what it cannot read

SCHEMA_VERSION_TABLE = "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
# Each entry moves the schema from version N-1 to N. Never edit a released entry: add one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE clients (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        name_key TEXT NOT NULL UNIQUE,  -- case- and accent-folded, for lookups
        created_at TEXT NOT NULL
    );
    CREATE TABLE assessments (
        id INTEGER PRIMARY KEY,
        client_id INTEGER NOT NULL REFERENCES clients(id) ON DELETE CASCADE,
        number INTEGER NOT NULL,  -- 1, 2, 3 ... per client
        taken_at TEXT NOT NULL,   -- ISO 8601, UTC
        questionnaire TEXT,
        runner TEXT NOT NULL,     -- JSON
        answers TEXT NOT NULL,    -- JSON
        diagnosis TEXT NOT NULL,  -- JSON, as `runform diagnose --format json`
        UNIQUE (client_id, number)
    );
    CREATE INDEX assessments_by_client ON assessments(client_id, number);
    """,
    """
    -- which knowledge base made the diagnosis (a short hash of its files)
    ALTER TABLE assessments ADD COLUMN kb_version TEXT;
    """,
]


@functools.cache
def _schema(version: int) -> frozenset[tuple[Any, ...]]:
    """What runform's own migrations make of a database at a schema version."""
    db = sqlite3.connect(":memory:")
    try:
        db.execute(SCHEMA_VERSION_TABLE)
        for script in MIGRATIONS[:version]:
            for statement in _statements(script):
                db.execute(statement)
        return _schema_of(db)
    finally:
        db.close()


def _schema_of(db: sqlite3.Connection) -> frozenset[tuple[Any, ...]]:
    """Every table, index, view and trigger of a database, with the SQL that made it."""
    return frozenset(db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"))


def _connect(target: str | Path, uri: bool = False) -> sqlite3.Connection:
    return sqlite3.connect(
        target, uri=uri, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )


JOURNALS = ("-wal", "-shm", "-journal")  # the files SQLite keeps beside a database


def _beside(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _connect_for_reading(path: Path) -> sqlite3.Connection:
    """Open without the right to change anything. A database in WAL mode needs its
    shared-memory file beside it even to be read; on read-only storage, where no one
    can be writing it, it is read as immutable instead, unless changes wait in its
    write-ahead log (an immutable read would silently leave them out)."""
    uri = path.resolve().as_uri() + "?mode=ro"
    db = _connect(uri, uri=True)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return db
    except sqlite3.OperationalError:
        db.close()
        if os.access(path.resolve().parent, os.W_OK):
            raise
    wal = _beside(path, "-wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise RunformError(
            f"{path}: on read-only storage, with changes still in {wal.name} that cannot be"
            " read there: copy the database and its -wal file to a writable folder"
        )
    return _connect(uri + "&immutable=1", uri=True)


def name_key(name: str) -> str:
    """Fold case and accents so 'Léa Müller', 'lea muller' and 'LÉA MÜLLER' are one client."""
    decomposed = unicodedata.normalize("NFKD", name.strip())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


def clean_name(name: str) -> str:
    cleaned = " ".join(unicodedata.normalize("NFC", name).split())
    if not cleaned:
        raise RunformError("a client name cannot be empty")
    if len(cleaned) > 200:
        raise RunformError("a client name can be at most 200 characters")
    if any(not ch.isprintable() for ch in cleaned):
        raise RunformError("a client name cannot contain control characters")
    return cleaned


@dataclass(frozen=True)
class Assessment:
    client: str
    number: int
    taken_at: str
    questionnaire: str | None
    runner: dict[str, Any]
    answers: dict[str, Any]
    diagnosis: KeptDiagnosis
    kb_version: str | None = None  # None: stored before runform recorded it

    def to_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "taken_at": self.taken_at,
            "questionnaire": self.questionnaire,
            "runner": self.runner,
            "answers": self.answers,
            "diagnosis": self.diagnosis.stored,
            "kb_version": self.kb_version,
        }


@dataclass(frozen=True)
class ClientSummary:
    name: str
    assessments: int
    last_taken_at: str | None
    open_defects: list[str]  # defect names of the latest assessment


def _database_errors(method: Callable[..., T]) -> Callable[..., T]:
    """SQLite's errors (a full disk, a lock held too long, a damaged file or record)
    become one RunformError naming the database; a failed write stored nothing."""

    @functools.wraps(method)
    def guarded(self: Store, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as exc:
            raise RunformError(f"{self.path}: {_reason(exc)}") from None
        except (ValueError, TypeError) as exc:  # a stored record edited by hand
            raise RunformError(f"{self.path}: a stored record is damaged ({exc})") from None

    return guarded


def _reason(exc: sqlite3.DatabaseError) -> str:
    text = str(exc)
    if "full" in text:
        return "the disk is full; nothing was stored"
    if "locked" in text or "busy" in text:
        return "another runform kept the database busy too long; nothing was stored, try again"
    if "readonly" in text or "read-only" in text:
        return "the database cannot be written (read-only); nothing was stored"
    return f"cannot use the client database: {text}"


class Store:
    """The client database. Opened `writable` (intake, import) it is created or
    migrated as needed; opened for reading it is never changed, not even its journal
    mode, and a read-only file can be read. A SQLite file that is not runform's is
    refused untouched either way."""

    def __init__(self, path: str | Path, *, writable: bool = True):
        self.path = Path(path)
        self.writable = writable
        try:
            for part in (self.path, *(_beside(self.path, s) for s in JOURNALS)):
                if part.exists() and not part.is_file():
                    # a folder, a device, a pipe (which would hang): never a database
                    # or one of its journals
                    raise RunformError(f"{part}: not a client database file (not a regular file)")
            if writable:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.db = _connect(self.path)
            else:
                self.db = _connect_for_reading(self.path)
        except (sqlite3.DatabaseError, OSError) as exc:
            raise RunformError(f"{self.path}: cannot open the client database: {exc}") from None
        try:
            self.db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            version = self._version()
            if writable:
                self._wal()
                self.db.execute("PRAGMA foreign_keys = ON")
                self._migrate()
            # a database from before knowledge-base versions were kept, read as it is
            self._kb_version = "a.kb_version" if writable or version >= 2 else "NULL"
        except BaseException as exc:
            self.db.close()  # never leave the file open behind an error
            if isinstance(exc, sqlite3.DatabaseError):
                raise RunformError(f"{self.path}: cannot open the client database: {exc}") from None
            raise

    def _version(self) -> int:
        """The schema version of runform's database (0: a new, empty file), or a refusal
        of any other SQLite file before anything in it is touched."""
        tables = {
            row[0] for row in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        if "schema_version" not in tables:
            if tables:
                raise RunformError(
                    f"{self.path}: not a runform client database (it holds other tables:"
                    f" {', '.join(sorted(map(brief, tables))[:5])}); nothing in it was changed"
                )
            if not self.writable:
                raise RunformError(f"{self.path}: not a runform client database (it is empty)")
            return 0
        rows = self.db.execute("SELECT version FROM schema_version").fetchall()
        version = rows[0][0] if len(rows) == 1 else None
        if not isinstance(version, int) or isinstance(version, bool) or version < 1:
            shown = ", ".join(brief(row[0]) for row in rows[:3]) or "nothing"
            raise RunformError(
                f"{self.path}: damaged: its schema_version should hold one number, not {shown}"
            )
        if version > len(MIGRATIONS):
            raise RunformError(
                f"{self.path}: made by a newer runform (schema {version}); upgrade runform"
            )
        missing = {"clients", "assessments"} - tables
        if missing:
            raise RunformError(f"{self.path}: damaged: no {', '.join(sorted(missing))} table")
        found = _schema_of(self.db)
        expected = _schema(version)
        if found != expected:
            changes = [f"{kind} {brief(name)} added" for kind, name, *_ in found - expected]
            changes += [
                f"{kind} {brief(name)} changed or missing" for kind, name, *_ in expected - found
            ]
            raise RunformError(
                f"{self.path}: its schema was changed outside runform"
                f" ({'; '.join(sorted(changes)[:5])}); nothing in it was used or changed"
            )
        return version

    def _wal(self) -> None:
        """Switch to WAL. Several processes creating one new file at once can find it
        locked here without SQLite's busy wait, so wait and try again, as it would."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                self.db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; IMMEDIATE takes the write lock up front (no upgrade deadlock)."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
            self.db.execute("COMMIT")  # a full disk may refuse even this: then roll back
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def _migrate(self) -> None:
        with self.transaction() as db:
            db.execute(SCHEMA_VERSION_TABLE)
            row = db.execute("SELECT version FROM schema_version").fetchone()
            version = row[0] if row else 0  # checked by _version, again under the lock
            if not isinstance(version, int) or version > len(MIGRATIONS):
                raise RunformError(f"{self.path}: changed by another program while opening")
            for script in MIGRATIONS[version:]:
                for statement in _statements(script):
                    db.execute(statement)
            if row is None:
                db.execute("INSERT INTO schema_version VALUES (?)", (len(MIGRATIONS),))
            else:
                db.execute("UPDATE schema_version SET version = ?", (len(MIGRATIONS),))

    # ------------------------------------------------------------ writing

    @_database_errors
    def add_assessment(
        self,
        name: str,
        *,
        runner: dict[str, Any],
        answers: dict[str, Any],
        diagnosis: dict[str, Any],
        questionnaire: str | None = None,
        taken_at: str | None = None,
        kb_version: str | None = None,
    ) -> Assessment:
        name = clean_name(name)
        taken_at = taken_at or datetime.now(UTC).isoformat(timespec="seconds")
        record = Record(taken_at, questionnaire, runner, answers, diagnosis, kb_version)
        with self.transaction() as db:
            client_id = self._client_id(db, name)
            number = _insert(db, client_id, record)
            stored_name = db.execute("SELECT name FROM clients WHERE id = ?", (client_id,))
            stored = stored_name.fetchone()[0]
        kept = KeptDiagnosis.read(diagnosis)
        return Assessment(
            stored, number, taken_at, questionnaire, runner, answers, kept, kb_version
        )

    def _client_id(self, db: sqlite3.Connection, name: str) -> int:
        key = name_key(name)
        row = db.execute("SELECT id FROM clients WHERE name_key = ?", (key,)).fetchone()
        if row:
            return row[0]
        now = datetime.now(UTC).isoformat(timespec="seconds")
        cursor = db.execute(
            "INSERT INTO clients (name, name_key, created_at) VALUES (?, ?, ?)", (name, key, now)
        )
        return cursor.lastrowid

    # ------------------------------------------------------------ reading

    @_database_errors
    def known_name(self, name: str) -> str | None:
        """The stored spelling of a client's name, or None for a new client."""
        row = self.db.execute(
            "SELECT name FROM clients WHERE name_key = ?", (name_key(name),)
        ).fetchone()
        return row[0] if row else None

    @_database_errors
    def client_name(self, name: str) -> str:
        """The stored spelling of a client's name, or an error listing near matches."""
        if (known := self.known_name(name)) is not None:
            return known
        names = [r[0] for r in self.db.execute("SELECT name FROM clients ORDER BY name_key")]
        keys = {name_key(n): n for n in names}
        near = difflib.get_close_matches(name_key(name), list(keys), n=3, cutoff=0.5)
        near += [k for k in keys if name_key(name) in k and k not in near][:3]
        if near:
            listed = ", ".join(repr(keys[k]) for k in near[:3])
            raise RunformError(f"no client named {brief(name)}; did you mean {listed}?")
        if not names:
            raise RunformError(f"no client named {brief(name)}: there are no clients yet")
        raise RunformError(f"no client named {brief(name)}; `runform clients` lists them")

    @_database_errors
    def clients(self) -> list[ClientSummary]:
        rows = self.db.execute(
            """
            SELECT c.name, COUNT(a.id), MAX(a.taken_at),
                   (SELECT diagnosis FROM assessments
                     WHERE client_id = c.id ORDER BY number DESC LIMIT 1)
            FROM clients c LEFT JOIN assessments a ON a.client_id = c.id
            GROUP BY c.id ORDER BY c.name_key
            """
        ).fetchall()
        summaries = []
        for name, count, last, diagnosis in rows:
            latest = KeptDiagnosis.read(json.loads(diagnosis or "{}"), f"{name}'s last assessment")
            summaries.append(ClientSummary(name, count, last, [d.name for d in latest.defects]))
        return summaries

    @_database_errors
    def assessments(self, name: str) -> list[Assessment]:
        stored = self.client_name(name)
        rows = self.db.execute(
            f"""
            SELECT a.number, a.taken_at, a.questionnaire, a.runner, a.answers, a.diagnosis,
                   {self._kb_version}
            FROM assessments a JOIN clients c ON c.id = a.client_id
            WHERE c.name_key = ? ORDER BY a.number
            """,
            (name_key(stored),),
        ).fetchall()
        return [
            Assessment(
                stored,
                n,
                t,
                q,
                json.loads(r),
                json.loads(a),
                KeptDiagnosis.read(json.loads(d), f"{stored}'s assessment {n}"),
                v,
            )
            for n, t, q, r, a, d, v in rows
        ]

    def assessment(self, name: str, number: int | None = None) -> Assessment:
        """One assessment by number (1-based), or the latest; negative counts from the end."""
        found = self.assessments(name)
        if not found:
            raise RunformError(f"{self.client_name(name)} has no assessments yet")
        if number is None:
            return found[-1]
        by_number = {a.number: a for a in found}
        if number < 0 and -number <= len(found):
            return found[number]
        if number not in by_number:
            numbers = ", ".join(str(a.number) for a in found)
            raise RunformError(
                f"{found[0].client} has no assessment {number} (there are: {numbers})"
            )
        return by_number[number]

    # ------------------------------------------------------------ export / import

    def export_client(self, name: str) -> dict[str, Any]:
        found = self.assessments(name)
        return {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "client": self.client_name(name),
            "assessments": [a.to_dict() for a in found],
        }

    @_database_errors
    def import_client(self, name: str, items: list[dict[str, Any]]) -> tuple[str, int, int]:
        """Add assessments (checked by records.parse_export) not already stored, in the
        order given, numbered after the client's last: (name, added, skipped). One taken
        at the same time as a stored one but different is refused, with the difference
        named, and nothing is stored."""
        name = clean_name(name)
        added = skipped = 0
        with self.transaction() as db:
            client_id = self._client_id(db, name)
            stored_at: dict[str, list[tuple[dict, ...]]] = {}
            for taken_at, runner, answers, questionnaire, kb_version in db.execute(
                "SELECT taken_at, runner, answers, questionnaire, kb_version FROM assessments"
                " WHERE client_id = ?",
                (client_id,),
            ):
                about = {"questionnaire": questionnaire, "kb_version": kb_version}
                stored_at.setdefault(taken_at, []).append(
                    (json.loads(runner), json.loads(answers), about)
                )
            seen: set[str] = set()
            for item in items:
                about = {
                    "questionnaire": item.get("questionnaire"),
                    "kb_version": item.get("kb_version"),
                }
                content = (item["runner"], item["answers"], about)
                key = item["taken_at"] + _dump(content)
                same_time = stored_at.get(item["taken_at"], [])
                if same_time and content not in same_time:
                    difference = _difference(same_time[0], content)
                    raise RunformError(
                        f"the assessment of {item['taken_at']} differs from the one stored"
                        f" for {name} at that time ({difference}); nothing was imported"
                    )
                if same_time or key in seen:
                    skipped += 1
                    continue
                seen.add(key)
                _insert(
                    db,
                    client_id,
                    Record(
                        item["taken_at"],
                        item.get("questionnaire"),
                        item["runner"],
                        item["answers"],
                        item["diagnosis"],
                        item.get("kb_version"),
                    ),
                )
                added += 1
            stored = db.execute("SELECT name FROM clients WHERE id = ?", (client_id,)).fetchone()
        return stored[0], added, skipped


def _statements(script: str) -> list[str]:
    """Split a migration into statements where SQLite says one is complete (a ';' inside
    a string or a trigger body does not end one). executescript would commit the open
    transaction, so each runs on its own."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip():
        statements.append(current.strip())
    return statements


@dataclass(frozen=True)
class Record:
    """One assessment as it is written."""

    taken_at: str
    questionnaire: str | None
    runner: dict[str, Any]
    answers: dict[str, Any]
    diagnosis: dict[str, Any]
    kb_version: str | None


def _insert(db: sqlite3.Connection, client_id: int, record: Record) -> int:
    """Add one assessment as the client's next number (inside the caller's transaction)."""
    number = db.execute(
        "SELECT COALESCE(MAX(number), 0) + 1 FROM assessments WHERE client_id = ?", (client_id,)
    ).fetchone()[0]
    db.execute(
        "INSERT INTO assessments (client_id, number, taken_at, questionnaire, runner, answers,"
        " diagnosis, kb_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            client_id,
            number,
            record.taken_at,
            record.questionnaire,
            *map(_dump, (record.runner, record.answers, record.diagnosis)),
            record.kb_version,
        ),
    )
    return number


def _difference(stored: tuple[dict, ...], new: tuple[dict, ...]) -> str:
    """The answers (and week) that differ, in words: "heel_strike: yes → no"."""
    changes = []
    for old, now in zip(stored, new, strict=True):
        for key in sorted({*old, *now}):
            if old.get(key) != now.get(key):
                changes.append(f"{key}: {old.get(key, 'none')} → {now.get(key, 'none')}")
    shown = "; ".join(changes[:5])
    return shown + (f" and {len(changes) - 5} more" if len(changes) > 5 else "")


_SURROGATE = re.compile("[\ud800-\udfff]")


def _dump(value: Any) -> str:
    """JSON for a column. A file name's bytes that are not UTF-8 (lone surrogates in
    Python) cannot be stored as text: each is kept as U+FFFD, the replacement character,
    so the record stays readable, exportable and importable."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return _SURROGATE.sub("\ufffd", text)
