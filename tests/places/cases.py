"""The shared table of place queries (cases.yml, written blind) and what passing one means, for
the Python finder and the browser's alike."""

from pathlib import Path

import yaml

CASES = yaml.safe_load(Path(__file__).with_name("cases.yml").read_text(encoding="utf-8"))
# Sentences and forms the table leaves out, for the two runtimes to answer alike (and for the
# Python finder's own tests): places inside sentences, case endings, digits of other scripts.
MORE_QUERIES = [
    "I want to get out of crime. I live in Åkersberga",
    "malmoda yasiyoruz kuzenim ceteden cikmak istiyor kimi arasin",
    "ሓወይ ኣብ kiruna እዩ ዝነብር",
    "براکەم لە sodertalje دەژی",
    "برادرم تو goteborg زندگی میکنه",
    "on habite au 137 40, qui appeler ?",
    "kirunadan geliyorum",
    "١٣٦ ٤٠",
    "glöm det bara",
    "jag skar mig",
    "Adolfsberg",
    "Stoc",
    "rinkby",
]
# Enough suggestions for the most ambiguous case to show them all (the site lists up to 12).
LIMIT = max(4, *(len(case.get("any_of", ())) for case in CASES))


def problem(case: dict, sure: str | None, options: list[str]) -> str | None:
    """Why a result fails the case, or None. `sure`: the answer's municipality code; `options`:
    the suggestions' codes, in order.

    answer: sure, and the expected municipality. ask: the expected municipality first (or, for
    a truly ambiguous name, one of `any_of` first and all of them offered), and never sure
    unless `any_of` allows it. none: nothing at all."""
    expected, any_of = case.get("municipality"), case.get("any_of")
    if case["expect"] == "answer":
        return None if sure == expected else f"wanted {expected} for sure, got {sure} {options}"
    if case["expect"] == "none":
        return None if sure is None and not options else f"wanted nothing, got {sure} {options}"
    shown = ([sure] if sure else []) + options
    if any_of:
        if shown[:1] and shown[0] in any_of and set(any_of) <= set(shown):
            return None
        return f"wanted one of {any_of} first and all offered, got {sure} {options}"
    if sure is None and shown[:1] == [expected]:
        return None
    return f"wanted a question with {expected} first, got {sure} {options}"
