"""One diagnosis as `runform diagnose` prints it, in any of its formats.

A batch's workers call this, so the parent only writes finished text (handing back the
diagnosis instead would make the parent unpickle and lay out every file, and two
workers would wait on it)."""

from __future__ import annotations

import importlib
from typing import Any

from .formats import DIAGNOSIS_FORMATS


def render(diagnosis: Any, kb: Any, fmt: str, explain: bool = False) -> str:
    from . import jsonout

    if fmt == "json":
        return jsonout.to_json(diagnosis.to_dict())
    if fmt == "jsonl":
        return jsonout.to_json_line(diagnosis.to_dict())
    module = importlib.import_module(f"{__package__}.{DIAGNOSIS_FORMATS[fmt]}")
    return module.render_diagnosis(diagnosis, kb, explain=explain)
