"""mkdocs hook: add the generated reference pages (policy, API, CLI) to the site at build time."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docs_reference import PAGES
from mkdocs.structure.files import File, Files


def on_files(files: Files, config: Any) -> Files:
    """Generate each reference page in memory; none is committed, so none can be stale."""
    for relative, build in PAGES.items():
        files.append(File.generated(config, relative, content=build()))
    return files
