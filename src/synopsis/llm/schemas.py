"""JSON Schemas from callers, checked before they reach a model.

On the embedded model a schema becomes a llama.cpp grammar, and the conversion trusts its
input: a self-referencing `$ref` became the left-recursive rule `a ::= a`, which llama.cpp
rejects and then dereferences (the process died with a segfault), and `minLength: 1000000000`
was written out as a billion grammar rules (22 GB, then the OOM killer). So every schema is
valid JSON Schema, small, shallow, free of `$ref` cycles, and every repetition count in it is
bounded, or it is refused with a `SchemaError` (400 on every surface).
"""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema

from ..errors import SchemaError
from ..limits import MAX_SCHEMA_BYTES

MAX_DEPTH = 32
MAX_REPEAT = 10_000  # minLength, maxLength, minItems, maxItems, min/maxProperties, {n} in patterns
_COUNTS = ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties")
_QUANTIFIER = re.compile(r"\{(\d+)(?:,(\d*))?\}")


def check_schema(schema: Any) -> None:
    """Refuse a schema that is invalid, too large, too deep, recursive or unbounded."""
    if not isinstance(schema, dict):
        raise SchemaError("the JSON Schema must be a JSON object")
    try:
        size = len(json.dumps(schema))
    except (TypeError, ValueError, RecursionError) as exc:
        raise SchemaError(f"the JSON Schema cannot be serialised: {exc}") from exc
    if size > MAX_SCHEMA_BYTES:
        raise SchemaError(f"the JSON Schema is {size} bytes, over the limit of {MAX_SCHEMA_BYTES}")
    refs: dict[str, set[str]] = {}
    _walk(schema, "#", 0, refs)
    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise SchemaError(f"invalid JSON Schema: {exc.message}") from exc
    _refuse_cycles(refs)


def _walk(node: Any, pointer: str, depth: int, refs: dict[str, set[str]]) -> None:
    """Check depth and counts; collect, per location, the `$ref`s found beneath it."""
    if depth > MAX_DEPTH:
        raise SchemaError(f"the JSON Schema is nested more than {MAX_DEPTH} levels deep")
    if isinstance(node, list):
        for index, item in enumerate(node):
            _walk(item, f"{pointer}/{index}", depth + 1, refs)
        return
    if not isinstance(node, dict):
        return
    for key in _COUNTS:
        value = node.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > MAX_REPEAT:
            raise SchemaError(f"{key} of {value} is over the limit of {MAX_REPEAT}")
    pattern = node.get("pattern")
    if isinstance(pattern, str):
        for low, high in _QUANTIFIER.findall(pattern):
            if int(low) > MAX_REPEAT or (high and int(high) > MAX_REPEAT):
                raise SchemaError(f"a pattern repeats more than {MAX_REPEAT} times")
    ref = node.get("$ref")
    if isinstance(ref, str):
        if not ref.startswith("#"):
            raise SchemaError(f"only local $ref (#/...) is supported, not {ref!r}")
        refs.setdefault(pointer, set()).add(ref)
    for key, value in node.items():
        child = f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"
        _walk(value, child, depth + 1, refs)


def _refuse_cycles(refs: dict[str, set[str]]) -> None:
    """A `$ref` that leads back to a place containing it would make a recursive grammar."""

    def targets(location: str) -> set[str]:
        # refs inside `location` or below it, and refs of anything that contains a target
        found: set[str] = set()
        for place, pointed in refs.items():
            if place == location or place.startswith(location + "/"):
                found |= pointed
        return found

    for start in refs:
        seen: set[str] = set()
        frontier = set(refs[start])
        while frontier:
            target = frontier.pop()
            if target in seen:
                continue
            seen.add(target)
            if start == target or start.startswith(target + "/") or target == "#":
                raise SchemaError("recursive $ref is not supported: the schema refers to itself")
            frontier |= targets(target)


# Bounds for a caller's schema that sets none, as the summary's own schemas do: a small model
# that starts repeating itself inside a string or an array is stopped by the grammar instead of
# running to the output limit and returning cut-off JSON (an error for the caller).
DEFAULT_MAX_LENGTH = 400
DEFAULT_MAX_ITEMS = 20


def bounded(schema: Any) -> Any:
    """A copy of `schema` in which every string and array without a bound gets one; output
    that fits it also fits `schema`."""
    if isinstance(schema, list):
        return [bounded(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    node = {key: bounded(value) for key, value in schema.items()}
    kinds = node.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    free = not any(key in node for key in ("enum", "const", "pattern", "format"))
    if "string" in kinds and free and "maxLength" not in node:
        node["maxLength"] = max(DEFAULT_MAX_LENGTH, int(node.get("minLength", 0)))
    if "array" in kinds and "maxItems" not in node:
        node["maxItems"] = max(DEFAULT_MAX_ITEMS, int(node.get("minItems", 0)))
    return node
