"""JSON and JSON Lines: the contract in the README, byte-identical for identical input."""

from __future__ import annotations

import json
import re
from typing import Any

# Characters a terminal may act on (C1 controls such as U+009B, which some terminals
# read as the start of an escape sequence) or that reorder text on screen (bidi
# overrides): written as \u escapes, so the JSON means the same and shows harmlessly.
# Lone surrogates (a file name's bytes that are not UTF-8) too: the output stays valid
# UTF-8. (json itself escapes the C0 controls; everything else stays readable UTF-8.)
_UNSHOWN = re.compile(
    r"[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb]"
)


def _escaped(text: str) -> str:
    return _UNSHOWN.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def to_json(data: Any) -> str:
    return _escaped(json.dumps(data, indent=2, ensure_ascii=False))


def to_json_line(data: Any) -> str:
    return _escaped(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
