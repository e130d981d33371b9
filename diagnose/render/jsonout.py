"""JSON and JSON Lines: the contract in the README, byte-identical for identical input."""

from __future__ import annotations

import json
from typing import Any


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False)


def to_json_line(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
