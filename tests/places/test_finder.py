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
