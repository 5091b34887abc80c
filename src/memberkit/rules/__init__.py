"""The condition language shared by every part of a programme: parse, compile, explain.

A condition is plain data read from the policy::

    {any: [{channel: app}, {amount: {">=": 100}}], not: {category: [gift_card]}}

``parse_condition`` checks it against a vocabulary of typed fields and returns an immutable tree
(``All``, ``Any``, ``Not``, ``Compare``) or every problem found, each at its policy path.
``compile_condition`` turns the tree into a ``Predicate``, a closure to call with ``Facts`` in the
inner loop, which can also ``trace`` which clause held or failed.

Syntax
------
- ``all: [c, ...]``, ``any: [c, ...]``, ``not: c``; several keys in one mapping are ANDed.
- ``field: value`` means ``=``; ``field: [a, b]`` means ``in``.
- ``field: {op: value, ...}`` with ``=  !=  <  <=  >  >=  in  not in  between`` (or the words
  ``eq ne lt le gt ge not_in``); several operators are ANDed. ``between: [low, high]`` includes
  both ends.
- On set-valued fields (``TEXT_SET``) ``=`` means contains, ``in`` intersects, ``not in`` is
  disjoint, ``!=`` does not contain.
- A missing value makes its comparison false, whatever the operator: unknown is not evidence.
"""

from ._ast import All, Any, Compare, Condition, Not
from ._compile import TRUE, Facts, Predicate, Trace, compile_condition
from ._explain import FIELD_LABELS, clause_reason, culprits, field_label
from ._fields import EVENT_FIELDS, MEMBER_FIELDS, TIME_FIELDS, FieldType, Vocabulary
from ._parse import parse_condition

# Plain sorted() order, as tests/test_exported_members.py pins it (not ruff's isort-style).
__all__ = [  # noqa: RUF022
    "All",
    "Any",
    "Compare",
    "Condition",
    "EVENT_FIELDS",
    "FIELD_LABELS",
    "Facts",
    "FieldType",
    "MEMBER_FIELDS",
    "Not",
    "Predicate",
    "TIME_FIELDS",
    "TRUE",
    "Trace",
    "Vocabulary",
    "clause_reason",
    "compile_condition",
    "culprits",
    "field_label",
    "parse_condition",
]
