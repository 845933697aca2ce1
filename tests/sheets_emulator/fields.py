"""Field masks ("sheets(properties.title,data.rowData.values.note)") as partial-response selectors.

A mask parses to a tree: {name: subtree}, where a subtree of None selects the whole field.
"""

from __future__ import annotations

import re
from typing import Any

from .discovery import Discovery, Invalid

Mask = dict[str, "Mask | None"]
_TOKEN = re.compile(r"\s*([A-Za-z_$][\w$]*|\*|[(),./])")


def parse(text: str) -> Mask:
    """Parse a mask; '.' and '/' both separate subfields, parentheses group them."""
    tokens = _tokens(text)
    mask, pos = _list(tokens, 0, text)
    if pos != len(tokens):
        raise Invalid(f"Invalid field selection {text}", "fields")
    return mask


def _tokens(text: str) -> list[str]:
    tokens, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            raise Invalid(f"Invalid field selection {text}", "fields")
        tokens.append(match.group(1))
        pos = match.end()
    return tokens


def _list(tokens: list[str], pos: int, text: str) -> tuple[Mask, int]:
    mask: Mask = {}
    while True:
        path, pos = _path(tokens, pos, text)
        _merge(mask, path)
        if pos < len(tokens) and tokens[pos] == ",":
            pos += 1
            continue
        return mask, pos


def _path(tokens: list[str], pos: int, text: str) -> tuple[Mask, int]:
    if pos >= len(tokens) or tokens[pos] in "(),./":
        raise Invalid(f"Invalid field selection {text}", "fields")
    name = tokens[pos]
    pos += 1
    if pos < len(tokens) and tokens[pos] in "./":
        sub, pos = _path(tokens, pos + 1, text)
        return {name: sub}, pos
    if pos < len(tokens) and tokens[pos] == "(":
        sub, pos = _list(tokens, pos + 1, text)
        if pos >= len(tokens) or tokens[pos] != ")":
            raise Invalid(f"Invalid field selection {text}", "fields")
        return {name: sub}, pos + 1
    return {name: None}, pos


def _merge(into: Mask, other: Mask) -> None:
    for name, sub in other.items():
        if name in into:
            if into[name] is None or sub is None:
                into[name] = None
            else:
                _merge(into[name], sub)  # type: ignore[arg-type]
        else:
            into[name] = sub


def check(mask: Mask | None, discovery: Discovery, schema: str) -> None:
    """Refuse a mask naming a field the response message does not have."""
    if mask is None or "*" in mask:
        return
    properties = discovery.schemas[schema].get("properties", {})
    for name, sub in mask.items():
        spec = properties.get(name)
        if spec is None:
            raise Invalid(f"Invalid field selection {name}", "fields")
        if sub is not None:
            ref = spec.get("$ref") or spec.get("items", {}).get("$ref")
            if ref is None:
                raise Invalid(f"Invalid field selection {name}", "fields")
            check(sub, discovery, ref)


def select(value: Any, mask: Mask | None) -> Any:
    """The part of a response that a mask selects; lists are masked item by item."""
    if mask is None or "*" in mask:
        return value
    if isinstance(value, list):
        return [select(item, mask) for item in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, item in value.items():
        if key in mask:
            chosen = select(item, mask[key])
            # A message the mask empties is left out, as Google's partial responses do.
            if chosen or not item or not isinstance(item, dict):
                out[key] = chosen
    return out


def subtree(mask: Mask | None, *path: str) -> Mask | None | bool:
    """The mask below a path; None = everything below it, False = nothing."""
    for name in path:
        if mask is None or "*" in mask:
            return None
        if name not in mask:
            return False
        mask = mask[name]
    return mask
