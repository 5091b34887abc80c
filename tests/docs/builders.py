"""Builders for the docs tests: the repository's docs folder and the reference generator."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
COOKBOOK = DOCS / "cookbook"


def reference_generator() -> ModuleType:
    """``scripts/docs_reference.py``, the generator behind the reference pages."""
    name = "docs_reference"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / "docs_reference.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def recipe(name: str) -> Path:
    """The path of one cookbook recipe."""
    return COOKBOOK / f"{name}.yaml"
