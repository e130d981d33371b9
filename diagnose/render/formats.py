"""The one registry of printout formats (the datasette habit): names, file extensions,
and which renderer module lays each out. Light on purpose: the CLI reads it at start."""

from __future__ import annotations

# `runform diagnose`: format -> the module in diagnose.render whose render_diagnosis lays
# it out (None: JSON, an object or one line)
DIAGNOSIS_FORMATS = {
    "text": "text",
    "json": None,
    "jsonl": None,
    "markdown": "markdown",
}
# format -> the module in diagnose.render whose render_program lays it out (None: JSON)
PROGRAM_FORMATS = {
    "text": "program_text",
    "json": None,
    "markdown": "program_markdown",
    "html": "program_html",
    "pdf": "program_pdf",
    "ics": "program_ics",
}
# `runform progress`: format -> the function of diagnose.render.progress_report
PROGRESS_FORMATS = {
    "text": "render_text",
    "json": None,
    "markdown": "render_markdown",
    "html": "render_html",
    "pdf": "render_pdf",
}
# formats written as bytes, never to a terminal
BINARY = {"pdf"}
EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".json": "json",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".ics": "ics",
}
