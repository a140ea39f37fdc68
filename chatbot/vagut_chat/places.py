"""Finding a municipality from what someone types, and its verified contacts: the compiled
directory (build/directory.json, vagut.compiled) and the one place finder (vagut.placefinder)
that the site's search and the intake service share. Nothing here reads content/.

Rasa-free on purpose: the action server and the NLU component `components.places` share it.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Dict, List, Optional, Set, Tuple

import phonenumbers

from vagut import compiled
from vagut.placefinder import PlaceFinder, norm
from vagut_chat import paths

Municipality = compiled.Municipality
Contact = compiled.Contact


@dataclass
class Match:
    """What the text points at. `exact`: one municipality, sure. Otherwise `candidates` to ask
    about (most likely first); with `exact`, other places of the same name ("Alby" is also in
    Ånge). `covered`: the words the match used (for the NLU component, which only trusts a
    message that is little more than a place). `label`: the place as named ("Rinkeby")."""

    exact: Optional[str] = None
    candidates: List[str] = field(default_factory=list)
    covered: Set[str] = field(default_factory=set)
    via: str = ""  # name, official, other, district, locality, postal, postal_prefix, typo, …
    label: str = ""
    labels: Dict[str, str] = field(default_factory=dict)  # candidate → the place it was found as

    def named(self, code: str) -> str:
        """"Stockholm (Rinkeby)" for a candidate found as a district, else the name."""
        name = municipalities()[code].name
        label = self.labels.get(code, name)
        return name if label == name else f"{name} ({label})"


@lru_cache(maxsize=None)
def directory() -> compiled.Directory:
    return compiled.load(paths.DIRECTORY_FILE, paths.REPO_ROOT)


@lru_cache(maxsize=None)
def finder() -> PlaceFinder:
    return PlaceFinder(directory().places)


def municipalities() -> Dict[str, Municipality]:
    return directory().municipalities


@lru_cache(maxsize=None)
def _codes() -> Tuple[str, ...]:
    return tuple(municipalities())


def has_local_coordinator(code: str) -> bool:
    municipality = municipalities().get(code)
    return bool(municipality and municipality.local_coordinator)


def find(text: str, typos: bool = True, sounds: bool = True, asked: bool = False) -> Match:
    """Where `text` points. Never guesses silently: anything but one sure hit is a question.
    `asked`: the text answers "which municipality?" ("vi bor i Handen" is Haninge's Handen)."""
    found = finder().find(text, typos=typos, sounds=sounds, asked=asked)
    codes = _codes()
    candidates = [codes[option.municipality] for option in found.options]
    labels = {codes[option.municipality]: option.label for option in found.options}
    if found.sure is None:
        via = found.options[0].via if found.options else ""
        return Match(candidates=candidates, covered=found.covered, via=via, labels=labels)
    return Match(
        exact=codes[found.sure.municipality],
        candidates=candidates,
        covered=found.covered,
        via=found.sure.via,
        label=found.sure.label,
        labels=labels,
    )


def format_phone(number: str) -> Tuple[str, str]:
    """A phone number the person typed, the site's way: national format for display, E.164."""
    try:
        parsed = phonenumbers.parse(number, "SE")
    except phonenumbers.NumberParseException:
        digits = re.sub(r"\D", "", number)
        return number, digits
    display = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return display, phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _filler() -> Set[str]:
    return finder().filler


def content_words(text: str) -> List[str]:
    """The words of `text` that are not filler (a cheap test before `find`)."""
    return [t for t in norm(text).split() if t not in _filler()]


def leftover_words(text: str, match: Match) -> List[str]:
    """The words of `text` that are neither the place nor filler."""
    return [t for t in norm(text).split() if t not in match.covered and t not in _filler()]
