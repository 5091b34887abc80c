"""Policy paths: the one syntax shared by policy errors and decision reasons.

A path is a tuple of keys and list indexes, written ``tiers.ladder[2].qualify.spend``. A key that
is not a plain word (it holds a dot, a bracket or a space) is written quoted: ``by_tier["a.b"]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Finding", "Path", "format_path"]

Path = tuple[str | int, ...]

_PLAIN_KEY = re.compile(r"^[^\s.\[\]\"]+$")


def format_path(path: Path) -> str:
    """Write a path the way errors and reasons show it."""
    out: list[str] = []
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out.append(f"[{part}]")
            continue
        key = str(part)
        if _PLAIN_KEY.match(key):
            out.append(f".{key}" if out else key)
        else:
            escaped = key.replace("\\", "\\\\").replace('"', '\\"')
            out.append(f'["{escaped}"]')
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Finding:
    """A policy problem known by its path but not yet by its line; the loader adds the location."""

    path: Path
    message: str
    code: str
