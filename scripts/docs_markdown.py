"""Markdown helpers shared by the generated reference pages: docstrings, table cells, anchors."""

from __future__ import annotations

import re

__all__ = ["anchor", "cell", "inline", "rst_to_markdown"]


def rst_to_markdown(text: str) -> str:
    """Docstring text as Markdown: ``literal`` → `literal`, ``::`` blocks and ``>>>`` as code."""
    out: list[str] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith(">>>"):
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i].strip() if lines[i].lstrip().startswith(">>>") else lines[i])
                i += 1
            out += ["```pycon", *block, "```"]
            continue
        if line.rstrip().endswith("::"):
            head = line.rstrip()[:-2].rstrip()
            if head:
                out.append(inline(head) + ":")
            i += 1
            block = []
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith((" ", "\t"))):
                block.append(lines[i])
                i += 1
            while block and not block[-1].strip():
                block.pop()
            while block and not block[0].strip():
                block.pop(0)
            indent = min((len(b) - len(b.lstrip()) for b in block if b.strip()), default=0)
            lang = "yaml" if any(":" in b for b in block) else "text"
            out += ["", f"```{lang}", *(b[indent:] for b in block), "```", ""]
            continue
        out.append(inline(line))
        i += 1
    return "\n".join(out).strip()


def inline(line: str) -> str:
    return re.sub(r"``([^`]+)``", r"`\1`", line)


def cell(text: str) -> str:
    """Text fit for one Markdown table cell."""
    return inline(" ".join(text.split())).replace("|", "\\|")


def anchor(path: str) -> str:
    """A heading id for a policy path or a qualified name."""
    return re.sub(r"[^a-z0-9_-]+", "-", path.lower()).strip("-") or "top"
