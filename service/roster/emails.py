"""Email addresses: whether one is valid, which mistake it has, and its one obvious repair.

SPEC §2: an invalid address says which problem it has, each kind with its own code and a
sentence that says what to do. `repair` makes every obvious correction at once (wrappers,
trailing punctuation, a doubled `@` or dot, full-width letters, capitals); the engine offers
its result only when the same rules pass it.
"""

from __future__ import annotations

import re
import unicodedata

from .characters import INVISIBLE
from .issues import Problem

MAX_LENGTH, MAX_NAME_PART, MAX_LABEL = 254, 64, 63
ADDRESS = re.compile(
    r"[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]"
)
_NAME_PART_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]")
_DOMAIN_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9.-]")
_MAILTO = re.compile(r"mailto:", re.IGNORECASE)
_DISPLAY_NAME = re.compile(r"(?P<name>[^<>]*?)\s*<(?P<address>[^<>]*)>")
_TRAILING = ",;.:!?"
_QUOTES = (('"', '"'), ("'", "'"), ("“", "”"), ("‘", "’"), ("(", ")"), ("[", "]"))
_SEVERAL = re.compile(r"[,;\s]+")
_SPACE = re.compile(r"\s")
_INVISIBLE = re.compile(f"[{INVISIBLE}]")


def bare(value: str) -> str:
    """The address without `mailto:`, a display name, brackets or quotes around it."""
    return _unwrapped(value, [])


def is_valid(value: str) -> bool:
    """The syntax of SPEC §2 (case aside: lowercase is its own rule)."""
    return (
        value.isascii()
        and len(value) <= MAX_LENGTH
        and ADDRESS.fullmatch(value.lower()) is not None
        and value.find("@") <= MAX_NAME_PART  # the pattern allows one @ only
    )


def _problem(code: str, message: str) -> Problem:
    return Problem(f"email.{code}", message)


def diagnose(value: str) -> list[Problem]:
    """Every mistake of an invalid address, the wrapper around it first; never empty."""
    problems: list[Problem] = []
    inner = _unwrapped(value, problems)
    if inner.endswith(tuple(_TRAILING)) and "@" in inner:
        mark = inner[-1]
        problems.append(
            _problem(
                "trailing_punctuation",
                f'The address ends with "{mark}", which is not part of it: remove the "{mark}".',
            )
        )
        inner = inner.rstrip(_TRAILING)
    if not problems or not is_valid(inner):
        problems.append(_inner_problem(inner))
    return problems


def _unwrapped(value: str, problems: list[Problem]) -> str:
    """The address inside `mailto:`, `Name <…>`, `<…>` or quotes, noting each wrapper once.

    Wrappers may nest (`<mailto:ann@example.com>`): peeled until none is left.
    """
    seen: set[str] = set()
    while (peeled := _peel(value)) is not None:
        problem, value = peeled
        if problem.code not in seen:
            seen.add(problem.code)
            problems.append(problem)
    return value


def _peel(value: str) -> tuple[Problem, str] | None:
    """The outermost wrapper and what it holds, or None."""
    if _MAILTO.match(value):
        return (
            _problem("mailto", 'Remove "mailto:" from the start: the cell holds only the address.'),
            value[len("mailto:") :].strip(),
        )
    if match := _DISPLAY_NAME.fullmatch(value):
        if match["name"].strip():
            problem = _problem(
                "display_name",
                "This cell holds a name and an address: keep only the address between < and >.",
            )
        else:
            problem = _problem("angle_brackets", "Remove the < and > around the address.")
        return problem, match["address"].strip()
    for opening, closing in _QUOTES:
        if len(value) > 2 and value[0] == opening and value[-1] == closing:
            marks = "brackets" if opening in "([" else "quotation marks"
            return _problem("quoted", f"Remove the {marks} around the address."), value[
                1:-1
            ].strip()
    return None


def _inner_problem(value: str) -> Problem:
    """The first mistake found in what should be a bare address."""
    if _INVISIBLE.search(value):
        return _problem(
            "invisible_characters",
            "This email address contains invisible characters (such as zero-width or "
            "no-break spaces): retype it.",
        )
    wide = value if value.isascii() else unicodedata.normalize("NFKC", value)
    if wide != value and wide.isascii():
        return _problem(
            "full_width",
            "This email address is typed in full-width characters (as some keyboards type "
            "them): retype it in plain letters, or use the fix.",
        )
    parts = [part for part in _SEVERAL.split(value) if part]
    if len(parts) > 1 and sum("@" in part for part in parts) > 1:
        return _problem(
            "several_addresses",
            f"This cell holds {len(parts)} email addresses: keep one (one client per row).",
        )
    ats = value.count("@")
    if ats == 0:
        return _problem("no_at", "There is no @ in this address: write it as name@example.com.")
    if "@@" in value and value.replace("@@", "@").count("@") == 1 and "@@@" not in value:
        return _problem("doubled_at", "The address has @@ where it needs one @: remove one.")
    if ats > 1:
        return _problem(
            "several_at",
            f"The address has {ats} @ signs: an address has exactly one, between the name "
            "and the domain. Check the address with the client.",
        )
    name, domain = value.split("@")
    if not name:
        return _problem(
            "nothing_before_at",
            "Nothing comes before the @: add the name part, as in name@example.com.",
        )
    if not domain:
        return _problem(
            "nothing_after_at",
            "Nothing comes after the @: add the domain, as in name@example.com.",
        )
    if _SPACE.search(value):
        return _problem(
            "space",
            "The address contains a space, and addresses have none: remove it (or ask the "
            "client whether it should be a dot or a dash).",
        )
    if ".." in value:
        return _problem("consecutive_dots", "The address has two dots in a row: remove one.")
    return _name_part_problem(name) or _domain_problem(domain) or _length_problem(value)


def _character_problem(where: str, ch: str) -> Problem:
    if not ch.isascii() and unicodedata.category(ch).startswith("L"):
        base = unicodedata.normalize("NFKD", ch)[0]
        plain = f" (such as {base})" if base.isascii() else ""
        return _problem(
            "accented_letter",
            f'The address contains "{ch}": addresses use plain letters a-z{plain}, digits and '
            ". _ + -. Check the address with the client.",
        )
    return _problem(
        "character_not_allowed",
        f'The {where} contains "{ch}", which an address cannot hold: check the address with '
        "the client.",
    )


def _name_part_problem(name: str) -> Problem | None:
    if found := _NAME_PART_NOT_ALLOWED.search(name):
        return _character_problem("name part (before the @)", name[found.start()])
    if name.startswith(".") or name.endswith("."):
        where = "The address starts" if name.startswith(".") else "The part before the @ ends"
        return _problem(
            "dot_at_edge",
            f"{where} with a dot: remove it, or check the address with the client.",
        )
    if len(name) > MAX_NAME_PART:
        return _problem(
            "name_part_too_long",
            f"The part before the @ has {len(name)} characters; at most {MAX_NAME_PART} are "
            "allowed: check the address.",
        )
    return None


def _domain_problem(domain: str) -> Problem | None:
    if "," in domain:
        return _problem(
            "comma_in_domain",
            "The domain has a comma where a dot belongs: write a dot (as in gmail.com).",
        )
    if found := _DOMAIN_NOT_ALLOWED.search(domain):
        return _character_problem("domain (after the @)", domain[found.start()])
    if domain.startswith("."):
        return _problem("domain_starts_with_dot", "The domain starts with a dot: remove it.")
    if "." not in domain:
        return _problem(
            "domain_without_dot",
            f'The domain "{domain}" has no dot: it needs its ending, as in gmail.com or '
            "clinic.org. Check the address with the client.",
        )
    labels = domain.split(".")
    if any(label.startswith("-") or label.endswith("-") for label in labels):
        return _problem(
            "domain_dash",
            "A part of the domain starts or ends with a dash: check the address with the client.",
        )
    if any(len(label) > MAX_LABEL for label in labels):
        return _problem(
            "domain_part_too_long",
            f"A part of the domain is longer than {MAX_LABEL} characters: check the address.",
        )
    ending = labels[-1]
    if len(ending) < 2 or not ending[0].isalpha():
        return _problem(
            "domain_ending",
            f'The domain ends with ".{ending}", which is not a real ending (such as .com or '
            ".org): check the address with the client.",
        )
    return None


def _length_problem(value: str) -> Problem:
    if len(value) > MAX_LENGTH:
        return _problem(
            "too_long",
            f"The address has {len(value)} characters; at most {MAX_LENGTH} are allowed.",
        )
    return _problem(  # pragma: no cover - the checks above name every way the pattern fails
        "invalid", "This is not a valid email address: write it as name@example.com."
    )


def repair(value: str) -> str:
    """Every obvious correction at once; the caller checks the result against the rules."""
    value = unicodedata.normalize("NFKC", value).strip().lower()
    value = _unwrapped(value, [])
    value = value.rstrip(_TRAILING)
    if "@@" in value and value.replace("@@", "@").count("@") == 1 and "@@@" not in value:
        value = value.replace("@@", "@")
    value = re.sub(r"\.{2,}", ".", value)
    if value.count("@") == 1:
        name, domain = value.split("@")
        domain = domain.lstrip(".")
        if "." not in domain and domain.count(",") == 1:
            domain = domain.replace(",", ".")
        value = f"{name}@{domain}"
    return value
