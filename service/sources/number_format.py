"""XLSX number formats: a cell's stored number shown as Excel and LibreOffice show it.

A small renderer of the subset rosters meet (docs/file_formats.md says which behaviours it
imitates and where they are documented): General, text `@`, zero-padded and fixed-decimal
numbers with thousands separators, percent, scientific, and date/time formats in any order,
separators and month names. Sections (`pos;neg;zero;text`), colours, conditions, locale tags,
quoted and escaped literals, `_x` spaces and `*x` fills are understood. Anything else (fractions)
is shown as General. A number whose digits the display loses (scientific notation) raises
`DigitsLost`: the caller reports it, never a changed id.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

# Excel and LibreOffice keep 15 significant digits; General shows an integer in full up to there
SIGNIFICANT_DIGITS = 15
MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July")
MONTHS += ("August", "September", "October", "November", "December")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class DigitsLost(ValueError):
    """The number is shown in scientific notation; `shown` is what the program displays."""

    def __init__(self, shown: str) -> None:
        super().__init__(shown)
        self.shown = shown


def render(value: float | int, number_format: str, to_datetime: object = None) -> str:
    """The text a spreadsheet shows for a number cell with this format.

    `to_datetime` turns a serial number into a datetime (the workbook's epoch); without it a
    date format is shown as General.
    """
    sections = _sections(number_format or "General")
    section = _pick(sections, value)
    if section.is_general:
        return section.prefix + general(abs(value) if section.signless else value)
    if section.is_date:
        if to_datetime is None:
            return general(value)
        try:
            moment = to_datetime(value)  # type: ignore[operator]
        except (OverflowError, ValueError):
            return general(value)
        return _render_date(section.tokens, moment)
    return _render_number(section, abs(value) if section.signless else value)


def general(value: float | int) -> str:
    """General: the number in full up to 15 significant digits; beyond, scientific notation."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if float(value).is_integer() and abs(value) < 10**SIGNIFICANT_DIGITS:
        return str(int(value))
    text = f"{value:.{SIGNIFICANT_DIGITS}g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        sign = "-" if exponent.startswith("-") else "+"
        raise DigitsLost(f"{mantissa}E{sign}{abs(int(exponent)):02d}")
    return text


def is_date_format(number_format: str) -> bool:
    """Whether numbers with this format are shown as dates or times."""
    return _sections(number_format or "General")[0].is_date


# --- parsing a format, once per distinct format ----------------------------------------------

_DATE_TOKEN = re.compile(
    r"(yyyy|yy|y|mmmmm|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|a/p|"
    r"\[h+\]|\[m+\]|\[s+\]|\.0+|e)",
    re.IGNORECASE,
)


class _Section:
    __slots__ = ("tokens", "is_date", "is_general", "signless", "prefix", "condition")

    def __init__(self) -> None:
        self.tokens: list[tuple[str, str]] = []  # (kind, text): "lit", "num", "date"
        self.is_date = False
        self.is_general = False
        self.signless = False  # a negative section shows its own minus, if any
        self.prefix = ""
        self.condition: tuple[str, float] | None = None


@lru_cache(maxsize=256)
def _sections(number_format: str) -> tuple[_Section, ...]:
    parts = _split(number_format)
    sections = tuple(_parse(part) for part in parts[:4])
    for index, section in enumerate(sections):
        section.signless = index > 0 or section.condition is not None
    return sections


def _split(text: str) -> list[str]:
    """Split on `;` outside quotes, brackets and escapes."""
    parts, current, quoted, bracket, escape = [], [], False, False, False
    for char in text:
        if escape:
            current.append(char)
            escape = False
        elif char == "\\" and not quoted:
            current.append(char)
            escape = True
        elif char == '"':
            quoted = not quoted
            current.append(char)
        elif char == "[" and not quoted:
            bracket = True
            current.append(char)
        elif char == "]" and not quoted:
            bracket = False
            current.append(char)
        elif char == ";" and not quoted and not bracket:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _parse(part: str) -> _Section:
    section = _Section()
    tokens = section.tokens
    i, n = 0, len(part)
    plain = []  # the format without literals, to tell dates from numbers
    while i < n:
        char = part[i]
        if char == '"':
            end = part.find('"', i + 1)
            end = n if end < 0 else end
            tokens.append(("lit", part[i + 1 : end]))
            i = end + 1
        elif char == "\\" and i + 1 < n:
            tokens.append(("lit", part[i + 1]))
            i += 2
        elif char == "_" and i + 1 < n:
            tokens.append(("lit", " "))  # a space as wide as the next character
            i += 2
        elif char == "*" and i + 1 < n:
            i += 2  # fill to the column width: nothing a value shows
        elif char == "[":
            end = part.find("]", i)
            end = n if end < 0 else end
            inner = part[i + 1 : end]
            if re.fullmatch(r"[hms]+", inner, re.IGNORECASE):
                tokens.append(("date", f"[{inner}]"))
                plain.append("h")
            elif inner.startswith("$"):  # a currency and/or locale: [$€-407], [$-409]
                symbol = inner[1:].split("-")[0]
                if symbol:
                    tokens.append(("lit", symbol))
            elif match := re.fullmatch(r"(<=|>=|<>|<|>|=)\s*(-?[\d.]+)", inner):
                section.condition = (match.group(1), float(match.group(2)))
            # colours ([Red], [Color 10]) show nothing
            i = end + 1
        else:
            tokens.append(("raw", char))
            plain.append(char)
            i += 1
    bare = "".join(plain).strip()
    if bare.lower() == "general" or not bare or bare == "@":
        literals = "".join(t for k, t in tokens if k == "lit")
        if not bare and literals:  # a section of text only, such as "zero"
            section.tokens = [("lit", literals)]
            return section
        section.is_general = True
        section.prefix = literals
        return section
    section.is_date = bool(re.search(r"[ymdhs]", bare, re.IGNORECASE)) and not re.search(
        r"[0#?]", re.sub(r"\.0+", "", bare)
    )
    section.tokens = _date_tokens(tokens) if section.is_date else _merge(tokens)
    return section


def _merge(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Raw characters become one number pattern (digits, `.`, `,`, `%`, `E+`) among literals."""
    merged: list[tuple[str, str]] = []
    for kind, text in tokens:
        if kind == "raw" and (text in "0#?.,%" or (text in "Ee+-" and _in_number(merged))):
            if merged and merged[-1][0] == "num":
                merged[-1] = ("num", merged[-1][1] + text)
            else:
                merged.append(("num", text))
        else:
            merged.append(("lit" if kind == "raw" else kind, text))
    return merged


def _in_number(merged: list[tuple[str, str]]) -> bool:
    return bool(merged) and merged[-1][0] == "num" and any(c in "0#?" for c in merged[-1][1])


def _date_tokens(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    raw = "".join(text if kind == "raw" else "\0" for kind, text in tokens)
    literals = iter(text for kind, text in tokens if kind != "raw")
    out: list[tuple[str, str]] = []
    for piece in re.split(r"(\0)", raw):
        if piece == "\0":
            literal = next(literals)
            out.append(("date", literal) if literal.startswith("[") else ("lit", literal))
            continue
        for part in _DATE_TOKEN.split(piece):
            if not part:
                continue
            kind = "date" if _DATE_TOKEN.fullmatch(part) else "lit"
            out.append((kind, part))
    # "m" right after an hour or right before seconds is minutes
    for index, (kind, text) in enumerate(out):
        if kind != "date" or text.lower() not in ("m", "mm"):
            continue
        before = [t.lower() for k, t in out[:index] if k == "date"]
        after = [t.lower() for k, t in out[index + 1 :] if k == "date"]
        if (before and before[-1].startswith(("h", "[h"))) or (after and after[0].startswith("s")):
            out[index] = ("date", "min" + text)
    return out


def _pick(sections: tuple[_Section, ...], value: float | int) -> _Section:
    if any(s.condition for s in sections):
        for section in sections:
            if section.condition is None or _meets(value, section.condition):
                return section
        return sections[-1]
    if value < 0 and len(sections) > 1:
        return sections[1]
    if value == 0 and len(sections) > 2:
        return sections[2]
    return sections[0]


def _meets(value: float | int, condition: tuple[str, float]) -> bool:
    op, limit = condition
    return {
        "<": value < limit,
        ">": value > limit,
        "=": value == limit,
        "<=": value <= limit,
        ">=": value >= limit,
        "<>": value != limit,
    }[op]


# --- rendering ---------------------------------------------------------------------------------


def _render_number(section: _Section, value: float | int) -> str:
    out = []
    for kind, text in section.tokens:
        if kind == "num":
            out.append(_digits(text, value))
        else:
            out.append(text)
    shown = "".join(out)
    if value < 0 and not section.signless and not shown.startswith("-"):
        shown = "-" + shown
    return shown


def _digits(pattern: str, value: float | int) -> str:
    """One number pattern such as `00000`, `#,##0.00`, `0%` or `0.00E+00`."""
    for _ in range(pattern.count("%")):
        value = value * 100
    if re.search(r"[Ee][+-]", pattern):
        mantissa = re.split(r"[Ee][+-]", pattern)[0]
        decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
        text = f"{abs(value):.{decimals}E}"
        digits, exponent = text.split("E")
        raise DigitsLost(f"{digits}E{'-' if int(exponent) < 0 else '+'}{abs(int(exponent)):02d}")
    core = pattern.replace("%", "")
    # commas right of the last digit placeholder divide by 1,000 each
    while core.endswith(","):
        core = core[:-1]
        value = value / 1000
    integer_part, _, fraction_part = core.partition(".")
    thousands = "," in integer_part
    integer_part = integer_part.replace(",", "")
    decimals = sum(1 for c in fraction_part if c in "0#?")
    rounded = Decimal(repr(float(abs(value)))).quantize(
        Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP
    )
    whole, _, fraction = f"{rounded:f}".partition(".")
    if len(whole.lstrip("0")) > SIGNIFICANT_DIGITS:
        raise DigitsLost(general(value))
    minimum = integer_part.count("0")
    whole = whole.lstrip("0").rjust(minimum, "0") if whole != "0" or minimum else ""
    if thousands:
        whole = f"{int(whole or 0):,}" if whole else ""
    if fraction_part:
        # trailing optional places (#) drop their zeros; required ones (0) keep them
        required = len(fraction_part.rstrip("#?"))
        fraction = fraction[:decimals]
        while len(fraction) > required and fraction.endswith("0"):
            fraction = fraction[:-1]
        shown = f"{whole}.{fraction}" if fraction or "." in pattern else whole
    else:
        shown = whole
    shown = shown if shown else "0" if minimum else ""
    return shown + "%" * pattern.count("%")


def _render_date(tokens: list[tuple[str, str]], moment: dt.datetime) -> str:
    twelve = any(k == "date" and t.lower() in ("am/pm", "a/p") for k, t in tokens)
    out = []
    for kind, text in tokens:
        if kind == "lit":
            out.append(text)
            continue
        key = text.lower()
        if key in ("yyyy", "yyy"):
            out.append(f"{moment.year:04d}")
        elif key in ("yy", "y"):
            out.append(f"{moment.year % 100:02d}")
        elif key == "mmmmm":
            out.append(MONTHS[moment.month - 1][0])
        elif key == "mmmm":
            out.append(MONTHS[moment.month - 1])
        elif key == "mmm":
            out.append(MONTHS[moment.month - 1][:3])
        elif key == "mm":
            out.append(f"{moment.month:02d}")
        elif key == "m":
            out.append(str(moment.month))
        elif key == "dddd":
            out.append(DAYS[moment.weekday()])
        elif key == "ddd":
            out.append(DAYS[moment.weekday()][:3])
        elif key == "dd":
            out.append(f"{moment.day:02d}")
        elif key == "d":
            out.append(str(moment.day))
        elif key in ("hh", "h"):
            hour = moment.hour % 12 or 12 if twelve else moment.hour
            out.append(f"{hour:02d}" if key == "hh" else str(hour))
        elif key in ("minmm", "minm"):
            out.append(f"{moment.minute:02d}" if key == "minmm" else str(moment.minute))
        elif key in ("ss", "s"):
            out.append(f"{moment.second:02d}" if key == "ss" else str(moment.second))
        elif key == "am/pm":
            out.append("AM" if moment.hour < 12 else "PM")
        elif key == "a/p":
            out.append("A" if moment.hour < 12 else "P")
        elif key.startswith("[h"):
            out.append(str(moment.hour))
        elif key.startswith("[m"):
            out.append(f"{moment.hour * 60 + moment.minute}")
        elif key.startswith("[s"):
            out.append(f"{(moment.hour * 60 + moment.minute) * 60 + moment.second}")
        elif key.startswith(".0"):
            out.append("." + f"{moment.microsecond:06d}"[: len(key) - 1])
        else:
            out.append(text)
    return "".join(out)
