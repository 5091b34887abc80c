"""Records of the member state written as JSON arrays (state format 5).

A stored state is mostly rows of a few shapes (orders, journal lines, lots, earnings, cap uses),
and with field names on every row the names were half of its size. A field annotated
``Rows[Record]`` writes each record as the array of its fields in declared order: a field left at
its default in the middle is written ``null`` and trailing defaults are left off. A record written
as an object (formats 1 to 4) still reads, so stored states keep loading.

Order matters, so a new field of a row record always goes last (with a default), like a new column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import MISSING, fields, is_dataclass
from typing import Annotated, Any, TypeVar

from pydantic import GetCoreSchemaHandler, SerializationInfo, SerializerFunctionWrapHandler
from pydantic_core import CoreSchema, core_schema

__all__ = ["Rows"]

T = TypeVar("T")


class _RowCodec:
    """Reads and writes one record of a ``Rows`` field as an array (see the module's text)."""

    def __get_pydantic_core_schema__(
        self, source: type[Any], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        if not is_dataclass(source):
            raise TypeError(f"Rows holds dataclass records, not {source!r}")
        listed = fields(source)
        names = tuple(f.name for f in listed)
        # A null in a row stands for "the default". That reads back unambiguously only when a
        # field whose default is not None cannot hold None itself; it is checked here, once.
        skip_null = frozenset(
            f.name
            for f in listed
            if (f.default is not MISSING and f.default is not None)
            or f.default_factory is not MISSING
        )
        for f in listed:
            if f.name in skip_null and _may_be_none(str(f.type)):
                raise TypeError(f"{source.__name__}.{f.name} may hold None but defaults to a value")
        schema = handler(source)
        return core_schema.no_info_before_validator_function(
            _reader(names, skip_null, source.__name__),
            schema,
            serialization=core_schema.wrap_serializer_function_ser_schema(
                _writer(names), schema=schema, info_arg=True, when_used="json"
            ),
        )


Rows = tuple[Annotated[T, _RowCodec()], ...]
"""A tuple of records stored as arrays (state format 5)."""


def _may_be_none(annotation: str) -> bool:
    """Whether an annotation's text admits None at its top level (``X | None``)."""
    depth, part, parts = 0, "", []
    for char in annotation:
        depth += char in "[("
        depth -= char in "])"
        if char == "|" and not depth:
            parts.append(part.strip())
            part = ""
        else:
            part += char
    parts.append(part.strip())
    return "None" in parts or annotation.startswith("Optional[")


def _writer(
    names: tuple[str, ...],
) -> Callable[[Any, SerializerFunctionWrapHandler, SerializationInfo], Any]:
    def write(value: Any, nxt: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        written = nxt(value)
        if not isinstance(written, dict):
            return written
        row = [written.get(name) for name in names]
        end = len(row)
        while end and names[end - 1] not in written:
            end -= 1
        return row[:end]

    return write


def _reader(names: tuple[str, ...], skip_null: frozenset[str], kind: str) -> Callable[[Any], Any]:
    def read(value: Any) -> Any:
        if not isinstance(value, list | tuple):
            return value  # an object (formats 1 to 4) or a record already built
        if len(value) > len(names):
            raise ValueError(f"a {kind} row has at most {len(names)} values, not {len(value)}")
        return {
            name: item
            for name, item in zip(names, value, strict=False)
            if item is not None or name not in skip_null
        }

    return read
