"""Shared fixtures: the real bundled knowledge base, its compiled engine, the CLI."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from diagnose.engine import engine_for
from diagnose.knowledge import bundled_root, load_kb

# Keep the knowledge-base cache of test runs out of the user's ~/.cache (set before any
# test module loads the knowledge base).
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="runform-test-cache-")

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"


@pytest.fixture(scope="session")
def kb():
    return load_kb()


@pytest.fixture(scope="session")
def engine(kb):
    return engine_for(kb)


@pytest.fixture
def cli_runner():
    return CliRunner()


@pytest.fixture
def kb_copy(tmp_path):
    """A writable copy of the bundled knowledge base, for breaking on purpose."""
    target = tmp_path / "kb"
    shutil.copytree(bundled_root() / "rules", target / "rules")
    if (bundled_root() / "questionnaires").is_dir():
        shutil.copytree(bundled_root() / "questionnaires", target / "questionnaires")
    return target


@pytest.fixture
def write_answers(tmp_path):
    """Write an answers file and return its path."""

    def write(answers: dict, name: str = "answers.json", runner: dict | None = None, **extra):
        path = tmp_path / name
        data = {"questionnaire": "self-check", "runner": runner or {"name": "Test Runner"}}
        data["answers"] = answers
        data.update(extra)
        path.write_text(json.dumps(data), encoding="utf-8")
        return path

    return write
