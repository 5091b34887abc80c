"""Attribute docstrings: the text under a model's field, read from its source when asked for.

A policy model documents each field with a string under it, as PEP 257 suggests for
attributes. pydantic's ``use_attribute_docstrings`` reads them while it builds every model
class (the class's source, tokenized and parsed), which was a fifth of ``memberkit validate``'s
start-up; the descriptions are only needed for the JSON Schema and the reference docs, so they
are read here, once per class, when one of those asks.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from functools import cache

__all__ = ["attribute_docs", "field_description"]


@cache
def attribute_docs(cls: type) -> dict[str, str]:
    """The docstring written under each annotated attribute in ``cls``'s own body."""
    try:
        lines, _ = inspect.getsourcelines(cls)
    except (OSError, TypeError):
        return {}
    tree = ast.parse(textwrap.dedent("".join(lines)))
    body = tree.body[0]
    if not isinstance(body, ast.ClassDef):
        return {}
    docs: dict[str, str] = {}
    previous: ast.stmt | None = None
    for statement in body.body:
        if (
            isinstance(previous, ast.AnnAssign)
            and isinstance(previous.target, ast.Name)
            and isinstance(statement, ast.Expr)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
        ):
            docs[previous.target.id] = inspect.cleandoc(statement.value.value)
        previous = statement
    return docs


def field_description(cls: type, name: str, given: str | None) -> str | None:
    """A field's description: the one ``Field`` gives, else the docstring under the field in the
    nearest class (``cls`` first, then its bases) that writes one."""
    if given is not None:
        return given
    for klass in cls.__mro__:
        found = attribute_docs(klass).get(name)
        if found is not None:
            return found
    return None
