"""The URL slug of a municipality (a contract, see docs/DESIGN.md)."""

import re
import unicodedata

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case ASCII: å, ä → a; ö → o; é → e. Used for slugs and for tolerant matching."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def slugify(name: str) -> str:
    """'Upplands Väsby' → 'upplands-vasby'; 'Malung-Sälen' → 'malung-salen'."""
    return _NON_SLUG.sub("-", fold(name)).strip("-")


# Swedish alphabetical order puts å, ä, ö after z (and treats é as e).
_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}"})


def swedish_sort_key(name: str) -> str:
    kept = name.casefold().translate(_SWEDISH_ORDER)
    return fold(kept)
