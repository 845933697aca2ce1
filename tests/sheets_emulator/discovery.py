"""The Sheets API discovery document: which method a request calls; do its body and query fit.

Google rejects unknown fields and wrongly typed values with 400 INVALID_ARGUMENT; so do we, with
Google's wording, so that a typo in the adapter fails in tests rather than in production.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "sheets.v4.json"
_INT32 = (-(2**31), 2**31 - 1)


class Invalid(ValueError):
    """A request that does not fit the discovery document; `field` is the snake_case path."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Method:
    id: str
    http_method: str
    pattern: re.Pattern[str]
    parameters: dict[str, Any]
    request: str | None
    response: str | None


class Discovery:
    """Routes and schemas read from a discovery document."""

    def __init__(self, path: Path = DEFAULT_PATH):
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        self.schemas: dict[str, Any] = doc["schemas"]
        self.global_parameters: dict[str, Any] = doc["parameters"]
        self.methods: list[Method] = []
        self._collect(doc)
        # The longest literal paths first, so that values/{range}:clear wins over values/{range}.
        self.methods.sort(key=lambda m: -len(re.sub(r"\(.*?\)", "", m.pattern.pattern)))

    def _collect(self, resource: dict[str, Any]) -> None:
        for method in resource.get("methods", {}).values():
            self.methods.append(
                Method(
                    method["id"],
                    method["httpMethod"],
                    _pattern(method["flatPath"]),
                    method.get("parameters", {}),
                    method.get("request", {}).get("$ref"),
                    method.get("response", {}).get("$ref"),
                )
            )
        for child in resource.get("resources", {}).values():
            self._collect(child)

    def route(self, http_method: str, path: str) -> tuple[Method, dict[str, str]] | None:
        """The method a request calls and its path parameters, or None."""
        for method in self.methods:
            if method.http_method != http_method:
                continue
            match = method.pattern.fullmatch(path)
            if match:
                return method, {k: unquote(v) for k, v in match.groupdict().items()}
        return None

    def check_query(self, method: Method, query: dict[str, list[str]]) -> None:
        for name, values in query.items():
            spec = method.parameters.get(name) or self.global_parameters.get(name)
            if spec is None or spec.get("location") != "query":
                raise Invalid(
                    f'Invalid JSON payload received. Unknown name "{name}": Cannot bind '
                    f"query parameter. Field '{name}' could not be found in request "
                    "message.",
                    name,
                )
            if len(values) > 1 and not spec.get("repeated"):
                raise Invalid(f"Invalid value at '{_snake(name)}': repeated {name}", name)
            for value in values:
                _check_query_value(name, spec, value)
        for name, spec in method.parameters.items():
            if spec.get("required") and spec.get("location") == "query" and name not in query:
                raise Invalid(f"'{name}' is required but not specified", name)

    def check_body(self, method: Method, body: Any) -> None:
        if method.request is None:
            return
        if not isinstance(body, dict):
            raise Invalid("Invalid JSON payload received. Expected an object.")
        self._check_object(body, self.schemas[method.request], "")

    def _check_object(self, value: Any, schema: dict[str, Any], at: str) -> None:
        if not isinstance(value, dict):
            raise Invalid(
                f"Invalid value at '{at}' ({schema.get('id', 'object')}), {json.dumps(value)}", at
            )
        properties = schema.get("properties", {})
        for key, item in value.items():
            spec = properties.get(key)
            if spec is None:
                where = f" at '{at}'" if at else ""
                raise Invalid(
                    f'Invalid JSON payload received. Unknown name "{key}"{where}: '
                    "Cannot find field.",
                    at,
                )
            self._check(item, spec, f"{at}.{_snake(key)}" if at else _snake(key))

    def _check(self, value: Any, spec: dict[str, Any], at: str) -> None:
        if value is None:
            return
        if "$ref" in spec:
            self._check_object(value, self.schemas[spec["$ref"]], at)
            return
        kind = spec.get("type")
        if kind == "array":
            if not isinstance(value, list):
                raise Invalid(f"Invalid value at '{at}', {json.dumps(value)}", at)
            for i, item in enumerate(value):
                self._check(item, spec["items"], f"{at}[{i}]")
        elif kind == "object":
            if "additionalProperties" in spec:
                if not isinstance(value, dict):
                    raise Invalid(f"Invalid value at '{at}', {json.dumps(value)}", at)
                for key, item in value.items():
                    self._check(item, spec["additionalProperties"], f"{at}[{key}]")
            else:
                self._check_object(value, spec, at)
        elif kind == "string":
            if not isinstance(value, str):
                raise Invalid(f"Invalid value at '{at}' (TYPE_STRING), {json.dumps(value)}", at)
            if "enum" in spec and value not in spec["enum"]:
                raise Invalid(f"Invalid value at '{at}' (TYPE_ENUM), \"{value}\"", at)
        elif kind == "integer":
            if not _is_integer(value):
                raise Invalid(f"Invalid value at '{at}' (TYPE_INT32), {json.dumps(value)}", at)
        elif kind == "number":
            if isinstance(value, bool) or not isinstance(value, int | float | str):
                raise Invalid(f"Invalid value at '{at}' (TYPE_DOUBLE), {json.dumps(value)}", at)
        elif kind == "boolean" and not isinstance(value, bool):
            raise Invalid(f"Invalid value at '{at}' (TYPE_BOOL), {json.dumps(value)}", at)
        # "any" (a ValueRange's cells) takes any JSON value.


def _pattern(flat_path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", "/" + flat_path)
    regex = "".join(f"(?P<{p[1:-1]}>[^/]+?)" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(regex)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, str):
        if not re.fullmatch(r"-?\d+", value):
            return False
        value = int(value)
    return isinstance(value, int) and _INT32[0] <= value <= _INT32[1]


def _check_query_value(name: str, spec: dict[str, Any], value: str) -> None:
    if spec.get("type") == "boolean" and value not in ("true", "false", "True", "False"):
        raise Invalid(f"Invalid value at '{_snake(name)}' (TYPE_BOOL), \"{value}\"", name)
    if spec.get("type") == "integer" and not _is_integer(value):
        raise Invalid(f"Invalid value at '{_snake(name)}' (TYPE_INT32), \"{value}\"", name)
    if "enum" in spec and value not in spec["enum"]:
        raise Invalid(f"Invalid value at '{_snake(name)}' (TYPE_ENUM), \"{value}\"", name)
