"""The quick check of an answers file (no pydantic) against the full one: whatever the
quick check accepts, the full check accepts the same way; and a command that only
diagnoses a plain file never imports pydantic or the YAML parser."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from diagnose.answers import _plainly_valid
from diagnose.answers_file import check_file
from diagnose.knowledge.kinds import RUNNER_FIELDS
from diagnose.knowledge.models import Observation

REPO = Path(__file__).resolve().parent.parent

values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-5, max_value=400),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=0, max_value=300),
    st.text(max_size=8),
    st.text(min_size=195, max_size=210),
    st.just("  Léa   Martin \n"),
    st.lists(st.text(max_size=3), max_size=2),
    st.lists(st.integers(), max_size=2),
)
runner_keys = st.sampled_from(
    ["name", "notes", *RUNNER_FIELDS, "age", "Name"],
)
runners = st.one_of(
    st.dictionaries(runner_keys, values, max_size=7),
    values,
)
metas = st.one_of(
    st.dictionaries(
        st.sampled_from(["asked", "unknown_week", "health_rechecked", "saved_by", "when"]),
        values,
        max_size=5,
    ),
    values,
)
files = st.fixed_dictionaries(
    {"answers": st.one_of(st.just({}), st.just({"heel_strike": "yes"}), values)},
    optional={
        "questionnaire": st.one_of(
            st.none(), st.text(max_size=3), st.text(min_size=99, max_size=102), st.integers()
        ),
        "runner": runners,
        "meta": metas,
        "extra": values,
    },
)


@settings(max_examples=600, deadline=None)
@given(files)
def test_what_the_quick_check_accepts_the_full_check_accepts_the_same_way(data):
    quick = _plainly_valid(data)
    problems: list[str] = []
    full = check_file(data, "f.json", problems)
    if quick is not None:
        assert problems == []
        # the same values, of the same types, in the same order
        assert json.dumps(quick) == json.dumps(full)
        assert [type(v) for v in quick[1].values()] == [type(v) for v in full[1].values()]


def test_the_quick_check_takes_the_files_runform_writes():
    for path in [*REPO.glob("examples/*.json"), *REPO.glob("cases/*.json")]:
        data = json.loads(path.read_text())
        if "answers" in data:
            assert _plainly_valid(data) is not None, path.name


def test_the_week_fields_are_valid_observations():
    for field in RUNNER_FIELDS.values():
        checked = Observation.model_validate(vars(field))
        assert vars(checked) == vars(field)
        assert not math.isnan(field.min)


def test_diagnosing_a_plain_file_needs_neither_pydantic_nor_a_yaml_parser():
    # a first run may have to parse the knowledge base (and fill the cache): the second
    # is what every later run is
    script = (
        "import sys; from diagnose.cli import main\n"
        "sys.argv = ['runform', 'diagnose', sys.argv[1], '--format', 'json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "loaded = [m for m in ('pydantic', 'ruamel', 'multiprocessing') if m in sys.modules]\n"
        "print(loaded, file=sys.stderr)\n"
    )
    example = str(REPO / "examples" / "lea.json")
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", script, example], capture_output=True, text=True, check=True
        )
    assert json.loads(done.stdout)["defects"]
    assert done.stderr.strip() == "[]"
