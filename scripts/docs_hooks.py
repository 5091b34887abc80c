"""mkdocs hook: add the API and CLI reference pages to the site at build time.

The policy, condition and code references are committed under docs/reference/ instead
(``python scripts/docs_reference.py`` regenerates them; a test fails when one is stale).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from docs_reference import PAGES
from mkdocs.structure.files import File, Files


def on_files(files: Files, config: Any) -> Files:
    """Generate the API and CLI pages in memory; they follow the code of the build."""
    for relative, build in PAGES.items():
        files.append(File.generated(config, relative, content=build()))
    return files
