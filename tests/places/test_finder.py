"""The place finder (vagut/placefinder.py, used by the chat and the intake service) on the shared
table of cases; the browser's copy of the algorithm runs the same table in
tests/site/test_place_search.py."""

import pytest

from tests.places.cases import CASES, LIMIT, problem
from vagut import directory
from vagut.placefinder import PlaceFinder


@pytest.fixture(scope="module")
def finder() -> tuple[PlaceFinder, list[str]]:
    compiled = directory.ensure()
    return PlaceFinder(compiled.places), list(compiled.municipalities)


@pytest.mark.parametrize("case", CASES, ids=[f"{c['kind']}:{c['query']}" for c in CASES])
def test_case(finder, case):
    places, codes = finder
    found = places.find(case["query"], limit=LIMIT)
    sure = codes[found.sure.municipality] if found.sure else None
    assert problem(case, sure, [codes[o.municipality] for o in found.options]) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("I want to get out of crime. I live in Åkersberga", "0117"),
        ("malmoda yasiyoruz kuzenim ceteden cikmak istiyor kimi arasin", "1280"),  # Malmö'da
        ("kirunadan geliyorum", "2584"),
        ("on habite au 137 40, qui appeler ?", "0136"),
        ("١٣٦ ٤٠", "0136"),  # Arabic-Indic digits
        ("min son hänger med fel gäng i Rinkeby, vad gör jag", "0180"),
        ("ez li Göteborgê dijîm", "1480"),  # Kurmanji oblique after "li" (in)
        ("birayê min li Malmoyê ye", "1280"),
        ("akersbergadan yaziyorum", "0117"),  # ablative on a locality's name (Åkersberga)
    ],
)
def test_a_place_inside_a_sentence_is_an_answer(finder, text, code):
    places, codes = finder
    found = places.find(text, typos=False, sounds=False)
    assert found.sure and codes[found.sure.municipality] == code


@pytest.mark.parametrize("text", ["glöm det bara", "jag skar mig", "kan du ange numret", "hade"])
def test_ordinary_words_that_are_also_place_names_are_not_places_in_a_sentence(finder, text):
    places, _ = finder
    assert places.find(text).sure is None


def test_asked_where_a_common_word_with_only_filler_around_it_is_the_place(finder):
    places, codes = finder
    found = places.find("vi bor i handen", asked=True)
    assert found.sure and codes[found.sure.municipality] == "0136"  # Handen, Haninge
    assert places.find("vi bor i handen").sure is None  # not asked: "kniv i handen"
    assert places.find("vet inte, bara säg numret", asked=True).sure is None
