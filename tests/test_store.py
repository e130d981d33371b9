"""The SQLite client store on a real file: records, names, schema, several processes."""

import json
import multiprocessing
import re
import sqlite3

import pytest

from diagnose.errors import RunformError
from diagnose.records import parse_export
from diagnose.store import MIGRATIONS, Store

DIAGNOSIS = {
    "defects": [{"id": "heel_strike", "name": "Heel strike", "certainty": 0.8}],
    "causes": [],
}


def add(store, name, **overrides):
    fields = {"runner": {}, "answers": {"heel_strike": "yes"}, "diagnosis": DIAGNOSIS}
    fields.update(overrides)
    return store.add_assessment(name, **fields)


def test_assessments_are_numbered_per_client(tmp_path):
    with Store(tmp_path / "r.db") as store:
        assert add(store, "Ana").number == 1
        assert add(store, "Ana").number == 2
        assert add(store, "Bo").number == 1
        assert [a.number for a in store.assessments("Ana")] == [1, 2]
        assert store.assessment("Ana").number == 2
        assert store.assessment("Ana", 1).number == 1


@pytest.mark.parametrize(
    "stored,asked",
    [
        ("Léa Müller", "lea muller"),
        ("Léa Müller", "LÉA  MÜLLER"),
        ('O\'Brien "Jr" Smith', 'o\'brien "jr" smith'),
        ("Zoë d'Arc-Noël", "Zoe d'Arc-Noel"),
    ],
)
def test_names_with_accents_quotes_and_spaces(tmp_path, stored, asked):
    with Store(tmp_path / "r.db") as store:
        add(store, stored)
        add(store, asked)
        assert store.client_name(asked) == stored
        assert len(store.assessments(stored)) == 2
        assert [c.name for c in store.clients()] == [stored]


def test_unknown_name_lists_near_matches(tmp_path):
    with Store(tmp_path / "r.db") as store:
        add(store, "Marc Dupont")
        add(store, "Marie Curie")
        with pytest.raises(
            RunformError, match=r"no client named 'Marc Dupond'; did you mean 'Marc Dupont'"
        ):
            store.assessments("Marc Dupond")
        with pytest.raises(RunformError, match="runform clients"):
            store.assessments("Zzyzx")


def test_client_summary(tmp_path):
    with Store(tmp_path / "r.db") as store:
        add(store, "Ana", diagnosis={"defects": []})
        add(store, "Ana")
        (summary,) = store.clients()
        assert summary.assessments == 2
        assert summary.open_defects == ["Heel strike"]


def test_schema_is_versioned_and_in_wal_mode(tmp_path):
    path = tmp_path / "r.db"
    Store(path).close()
    Store(path).close()  # a second open migrates nothing and breaks nothing
    db = sqlite3.connect(path)
    assert db.execute("SELECT version FROM schema_version").fetchall() == [(len(MIGRATIONS),)]
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "r.db"
    Store(path).close()
    db = sqlite3.connect(path)
    db.execute("UPDATE schema_version SET version = 99")
    db.commit()
    db.close()
    with pytest.raises(RunformError, match="newer runform"):
        Store(path)


def test_not_a_database_is_a_clean_error(tmp_path):
    path = tmp_path / "r.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(RunformError, match="cannot open the client database"):
        Store(path)


def test_export_import_round_trip(tmp_path, kb):
    with Store(tmp_path / "a.db") as source:
        add(source, "Ana", answers={"heel_strike": "yes"})
        add(source, "Ana", answers={"heel_strike": "no"})
        exported = json.loads(json.dumps(source.export_client("ana")))
    with Store(tmp_path / "b.db") as target:
        name, items = parse_export(exported, kb, "x.json")
        assert target.import_client(name, items) == ("Ana", 2, 0)
        assert target.import_client(name, items) == ("Ana", 0, 2)
        assert [a.answers for a in target.assessments("Ana")] == [
            {"heel_strike": "yes"},
            {"heel_strike": "no"},
        ]


def test_import_adds_oldest_first(tmp_path, kb):
    with Store(tmp_path / "a.db") as source:
        add(source, "Ana", answers={"heel_strike": "yes"})
        add(source, "Ana", answers={"heel_strike": "no"})
        exported = source.export_client("ana")
    exported["assessments"][0]["taken_at"] = "2026-11-20T00:00:00"  # the first is the newer
    exported["assessments"][1]["taken_at"] = "2026-11-10T00:00:00"
    name, items = parse_export(exported, kb, "x.json")
    assert [i["answers"] for i in items] == [{"heel_strike": "no"}, {"heel_strike": "yes"}]
    exported["assessments"][0]["taken_at"] = "2999-01-01T00:00:00"
    with pytest.raises(RunformError, match="2999-01-01T00:00:00 is in the future"):
        parse_export(exported, kb, "x.json")


GOOD = {
    "taken_at": "2026-01-05T10:00:00+00:00",
    "runner": {},
    "answers": {"heel_strike": "yes"},
    "diagnosis": DIAGNOSIS,
}


@pytest.mark.parametrize(
    "data,message",
    [
        ([], "not a runform client export"),
        ({"format": "csv"}, "x.json: format: expected 'runform-client', found 'csv'"),
        ({"format": "runform-client", "client": "A"}, "x.json: version: Field required"),
        (
            {"format": "runform-client", "version": 1, "client": "A", "assessments": [{}]},
            "x.json: assessments.0.taken_at: Field required",
        ),
        (
            {
                "format": "runform-client",
                "version": 1,
                "client": "A",
                "assessments": [{**GOOD, "diagnosis": {}}],
            },
            "assessments.0.diagnosis.defects: Field required",
        ),
        (
            {
                "format": "runform-client",
                "version": 1,
                "client": "A",
                "assessments": [{**GOOD, "taken_at": "last tuesday"}],
            },
            "assessments.0.taken_at: expected a date and time",
        ),
        (
            {
                "format": "runform-client",
                "version": 1,
                "client": "A",
                "assessments": [{**GOOD, "answers": {"heel_strike": 7}}],
            },
            "x.json: assessments.0: answers.heel_strike: 7 is not accepted",
        ),
        (
            {
                "format": "runform-client",
                "version": 1,
                "client": "A",
                "assessments": [{**GOOD, "runner": {"sessions_per_week": 3.5}}],
            },
            "x.json: assessments.0: runner.sessions_per_week",
        ),
        (
            {"format": "runform-client", "version": 1, "client": "A", "assessments": []},
            "x.json: assessments: List should have at least 1 item",
        ),
        (
            {
                "format": "runform-client",
                "version": 1,
                "client": "A",
                "assessments": [{**GOOD, "questionnaire": "nope"}],
            },
            "x.json: assessments.0.questionnaire: unknown questionnaire 'nope'",
        ),
        (
            {
                "format": "runform-client",
                "version": 1,
                "client": "A",
                "assessments": [
                    {
                        **GOOD,
                        "diagnosis": {
                            "defects": [{"id": "nope", "name": "N", "certainty": 0.5}],
                            "causes": [],
                        },
                    }
                ],
            },
            "x.json: assessments.0.diagnosis: does not follow from its own answers with the"
            " knowledge base it names",
        ),
        (
            {"format": "runform-client", "version": 9, "client": "A", "assessments": []},
            "x.json: version: 9 is from a newer runform",
        ),
    ],
)
def test_bad_import_is_refused_whole(kb, data, message):
    for item in data.get("assessments", []) if isinstance(data, dict) else []:
        if isinstance(item, dict) and "diagnosis" in item:
            item["kb_version"] = kb.version  # made with today's knowledge: checked in full
    with pytest.raises(RunformError, match=re.escape(message)):
        parse_export(data, kb, "x.json")


def test_a_record_made_with_another_knowledge_base_stands_as_made(kb):
    retired = {
        **GOOD,
        "kb_version": "0123456789ab",
        "diagnosis": {
            "defects": [],
            "causes": [{"id": "muscle_weakness", "name": "Muscle weakness", "certainty": 0.6}],
        },
    }
    data = {"format": "runform-client", "version": 2, "client": "A", "assessments": [retired]}
    _, (item,) = parse_export(data, kb, "x.json")
    assert item["diagnosis"]["causes"][0]["id"] == "muscle_weakness"
    assert item["kb_version"] == "0123456789ab"


def _writer(path, worker, count):
    with Store(path) as store:
        for index in range(count):
            add(store, f"Client {index % 3}", answers={"worker": worker, "index": index})


def test_several_processes_lose_nothing(tmp_path):
    path = tmp_path / "shared.db"
    Store(path).close()
    workers = [
        multiprocessing.get_context("fork").Process(target=_writer, args=(path, w, 100))
        for w in range(4)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
        assert process.exitcode == 0
    with Store(path) as store:
        total = 0
        for client in store.clients():
            numbers = [a.number for a in store.assessments(client.name)]
            assert numbers == list(range(1, len(numbers) + 1))
            total += len(numbers)
        assert total == 400


def test_migration_statements_split_where_sqlite_says():
    from diagnose.store import _statements

    script = "CREATE TABLE a (x TEXT DEFAULT ';');\nCREATE TABLE b (y INTEGER);\n"
    assert _statements(script) == [
        "CREATE TABLE a (x TEXT DEFAULT ';');",
        "CREATE TABLE b (y INTEGER);",
    ]
