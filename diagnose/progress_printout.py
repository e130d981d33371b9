"""The progress report as a printout: built from a client's assessments, rendered in a
format of the one registry (render/formats.py), written atomically."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

from .errors import RunformError
from .files import write_atomically
from .knowledge import KnowledgeBase
from .progress import ProgressReport, progress_report
from .render.formats import EXTENSIONS, PROGRESS_FORMATS


def report_of(client: str, assessments: list[Any], kb: KnowledgeBase) -> ProgressReport:
    if not assessments:
        raise RunformError(f"{client} has no assessments yet")
    measured = {
        o.id: (o.name, o.unit or "of 4")
        for o in kb.observations.values()
        if o.evidence in ("measured", "tested") and o.kind in ("number", "scale")
    }
    return progress_report(client, assessments, measured)


def format_for(path: str | os.PathLike[str] | None, fmt: str | None) -> str:
    if fmt is not None:
        return fmt
    if path is None or str(path) == "-":
        return "text"
    found = EXTENSIONS.get(Path(path).suffix.lower())
    if found not in PROGRESS_FORMATS:
        known = ", ".join(s for s, f in EXTENSIONS.items() if f in PROGRESS_FORMATS)
        raise RunformError(f"{path}: a progress report is written as one of {known}")
    return found


def render_progress(report: ProgressReport, fmt: str) -> str | bytes:
    function = PROGRESS_FORMATS[fmt]
    if function is None:
        from .render.jsonout import to_json

        return to_json(report.to_dict()) + "\n"
    module = importlib.import_module(".render.progress_report", __package__)
    return getattr(module, function)(report)


def save_progress(report: ProgressReport, path: str | os.PathLike[str], fmt: str) -> None:
    rendered = render_progress(report, fmt)
    data = rendered.encode("utf-8") if isinstance(rendered, str) else rendered
    write_atomically(path, data, shared=True)
