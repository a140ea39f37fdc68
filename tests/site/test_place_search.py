"""The site's search in Debian's Chromium: the browser's copy of the place finder
(theme/assets/places.js) on the shared table of cases, giving the same answers as the Python
finder (vagut/placefinder.py) that the chat and the intake service use; and the directory as a
person uses it."""

import json

import pytest
from playwright.sync_api import expect

from tests.places.cases import CASES, LIMIT, MORE_QUERIES, problem
from vagut import directory
from vagut.placefinder import PlaceFinder

pytestmark = pytest.mark.browser

RUN_ALL = """async ({cases, limit}) => {
  const data = await (await fetch("../assets/places.json")).json();
  await new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "../assets/places.js";
    script.onload = resolve;
    script.onerror = reject;
    document.head.appendChild(script);
  });
  const finder = new window.vagutPlaces.PlaceFinder(data);
  return cases.map((query) => {
    const found = finder.find(query, {limit});
    const pick = (o) => [o.municipality, o.via, o.label];
    return [found.sure ? pick(found.sure) : null, found.options.map(pick)];
  });
}"""


def _python_results(queries: list[str]) -> list[list]:
    finder = PlaceFinder(directory.ensure().places)
    results = []
    for query in queries:
        found = finder.find(query, limit=LIMIT)
        pick = lambda o: [o.municipality, o.via, o.label]  # noqa: E731
        results.append([pick(found.sure) if found.sure else None, [pick(o) for o in found.options]])
    return results


def test_the_browser_finds_what_the_table_expects_and_what_python_finds(page, site_url):
    page.goto(f"{site_url}/kommun/")
    queries = [case["query"] for case in CASES]
    in_browser = page.evaluate(RUN_ALL, {"cases": queries, "limit": LIMIT})
    codes = list(directory.ensure().municipalities)
    failures = []
    for case, (sure, options) in zip(CASES, in_browser, strict=True):
        why = problem(case, codes[sure[0]] if sure else None, [codes[o[0]] for o in options])
        if why:
            failures.append(f"{case['query']!r}: {why}")
    assert failures == []
    # Not only the same verdicts: the same answers, suggestions, order and labels.
    queries += MORE_QUERIES
    in_browser += page.evaluate(RUN_ALL, {"cases": MORE_QUERIES, "limit": LIMIT})
    python = _python_results(queries)
    differences = [
        (query, js, py)
        for query, js, py in zip(queries, json.loads(json.dumps(in_browser)), python, strict=True)
        if js != py
    ]
    assert differences == []


@pytest.mark.parametrize(
    ("query", "shown", "slug"),
    [
        ("Rinkeby", "Rinkeby ligger i Stockholm", "stockholm"),
        ("Rosengård", "Rosengård ligger i Malmö", "malmo"),
        ("سودرتاليه", "Menade du Södertälje?", "sodertalje"),
        ("ئۆرێبرۆ", "Menade du Örebro?", "orebro"),  # Sorani: the initial vowel on ئ
        ("151 31", "Menade du Södertälje?", "sodertalje"),
        ("Gothenburg", "Göteborg", "goteborg"),
        ("111 20", "Postnummer 111 20, Stockholm: Stockholm", "stockholm"),
        ("Tensta", "Tensta ligger i Stockholm", "stockholm"),
    ],
)
def test_the_directory_finds_districts_other_names_scripts_and_postal_codes(
    page, site_url, query, shown, slug
):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{site_url}/kommun/")
    page.locator("#vu-search-input").fill(query)
    first = page.locator("#vu-search-results a").first
    expect(first).to_have_text(shown)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    first.click()
    expect(page).to_have_url(f"{site_url}/kommun/{slug}/")


def test_a_district_comes_before_a_place_that_only_shares_letters(page, site_url):
    page.goto(f"{site_url}/en/kommun/")
    page.locator("#vu-search-input").fill("Rinkby")
    results = page.locator("#vu-search-results a")
    expect(results.first).to_have_text("Did you mean Stockholm (Rinkeby)?")
