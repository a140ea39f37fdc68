"""Material's style sheets cut to the rules the site uses (hooks/site.py, prune_material_css;
vagut/csspruning.py): nothing a page or a script uses may be lost (issue 15, first load)."""

import gzip
import json
import re
from pathlib import Path

import material
import pytest
from playwright.sync_api import expect

from tests.site.conftest import new_context
from tests.site.test_build import all_pages
from tests.site.test_layout import _open_chat, _prefix
from vagut import csspruning

MATERIAL_CSS = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
ORIGINALS = {
    name: next(MATERIAL_CSS.glob(f"{name}.*.min.css")).read_text() for name in ("main", "palette")
}
SCRIPTS = ("assets/site.js", "assets/places.js", "assets/chat/chat.js")


def _linked(built_site: Path, name: str) -> Path:
    html = (built_site / "kommun" / "haninge" / "index.html").read_text()
    pattern = rf'href="../../(assets/stylesheets/{name}\.[0-9a-f]{{8}}\.min\.css)"'
    relative = re.search(pattern, html)
    return built_site / relative[1]


@pytest.fixture(scope="module")
def used(built_site) -> tuple[set[str], set[str], set[str]]:
    """Every class and element on every built page, and every word of the site's scripts."""
    classes: set[str] = set()
    tags: set[str] = set()
    for page in all_pages(built_site):
        html = page.read_text()
        tags.update(tag.lower() for tag in re.findall(r"<([a-zA-Z][\w-]*)", html))
        for value in re.findall(r'class="([^"]*)"', html):
            classes.update(value.split())
    words: set[str] = set()
    for script in SCRIPTS:
        words.update(re.findall(r"[A-Za-z_][\w-]*", (built_site / script).read_text()))
    return classes, tags, words


def _classes_in(css: str) -> set[str]:
    without_strings = re.sub(r'"[^"]*"', "", css)
    return set(re.findall(r"\.(-?[A-Za-z_][\w-]*)", without_strings))


def _selectors(css: str) -> list[str]:
    """Every selector of every rule (at any depth), functional pseudo-classes left out."""
    preludes = re.findall(r"(?:^|[{};])([^{};@]+)\{", re.sub(r'"[^"]*"', '""', css))
    selectors = [part for prelude in preludes for part in prelude.split(",")]
    return [re.sub(r":[\w-]+\([^()]*\)", "", selector) for selector in selectors]


@pytest.mark.parametrize("name", ["main", "palette"])
def test_the_pruned_css_keeps_every_class_the_pages_and_scripts_use(built_site, used, name):
    """A class on a page, or named in a script, that the original styles in a selector whose
    classes and elements are all in use, is styled by the pruned sheet too."""
    classes, tags, words = used
    original, pruned = ORIGINALS[name], _linked(built_site, name).read_text()
    in_pruned = _classes_in(pruned)
    expected = set()
    for selector in _selectors(original):
        if "=" in selector or re.search(r"^\s*(\d|from|to)", selector):
            continue  # attribute values: the pruner's own test; keyframe steps
        elements = {m.lower() for m in re.findall(r"(?:^|[\s>+~])([a-zA-Z][\w-]*)", selector)}
        needed = _classes_in(selector)
        if needed and needed <= classes | words and elements <= tags | words:
            expected |= needed
    lost = expected - in_pruned
    assert not lost, f"rules for classes in use were cut: {sorted(lost)}"
    if name == "main":
        assert len(expected) > 50
        # And it did cut: code blocks, content tabs, search and tooltips are not on this site.
        for unused in ("highlight", "tabbed-set", "md-search", "md-tooltip"):
            assert unused in _classes_in(original) and unused not in in_pruned
    else:  # the palette: the page's own colours (indigo), no other
        assert "[data-md-color-primary=indigo]" in pruned and "=pink]" not in pruned


def test_every_rule_the_pages_use_is_kept_whole(built_site, used):
    """Each rule of Material's that names only classes in use and elements of the pages keeps
    its selector and every declaration but unread custom properties."""
    classes, tags, _ = used
    pruned = _linked(built_site, "main").read_text()
    kept = 0
    for selector, body in re.findall(r"(?:^|[{}])([^{}@]+)\{([^{}]*)\}", ORIGINALS["main"]):
        if not re.fullmatch(r"[\w\s.>+~-]+", selector) or not _classes_in(selector):
            continue  # selector lists, pseudo-classes and attributes: see the pruner's own test
        elements = {m.lower() for m in re.findall(r"(?:^|[\s>+~])([a-zA-Z][\w-]*)", selector)}
        if _classes_in(selector) <= classes and elements <= tags:
            declarations = {d for d in body.split(";") if d and not d.startswith("--")}
            bodies = re.findall(rf"(?:^|(?<=[{{}},])){re.escape(selector)}\{{([^{{}}]*)\}}", pruned)
            assert any(declarations <= set(b.split(";")) for b in bodies), selector
            kept += 1
    assert kept > 40


def test_pages_link_the_pruned_style_sheets_and_nothing_else(built_site):
    stylesheets = sorted(p.name for p in (built_site / "assets" / "stylesheets").iterdir())
    assert [re.sub(r"\.[0-9a-f]{8}\.", ".*.", name) for name in stylesheets] == [
        "main.*.min.css",
        "palette.*.min.css",
    ]
    for page in all_pages(built_site):
        links = re.findall(r'href="[^"]*assets/stylesheets/([^"]+)"', page.read_text())
        assert sorted(links) == stylesheets, page


@pytest.mark.parametrize("lang", ["sv", "ar", "ti"])
def test_the_first_load_of_a_municipality_page_is_at_most_20_kb(built_site, lang):
    """Issue 15: 33 KB gzip, 26 of them Material's style sheet; now the page, its style sheets
    and its script (what a phone fetches before it can show the page) are at most 20 KB."""
    page = (built_site if lang == "sv" else built_site / lang) / "kommun" / "haninge" / "index.html"
    html = page.read_text()
    urls = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    urls += re.findall(r'<script src="([^"]+)"', html)
    assert len(urls) == 4  # main, palette, site.css, site.js
    sizes = [len(gzip.compress(html.encode(), 9))]
    sizes += [len(gzip.compress((page.parent / url).read_bytes(), 9)) for url in urls]
    assert sum(sizes) <= 20 * 1024, sizes


def test_the_pruner_judges_a_selector_by_every_part_it_requires():
    used = csspruning.Used()
    used.add_html('<main class="md-typeset x"><a href="#" dir="rtl" hidden>a</a></main>')
    used.add_script('el.className = "made-by-script"; el.setAttribute("aria-busy", "true")')
    assert csspruning.selector_is_used(".md-typeset a:hover:not(.md-button)", used)
    assert csspruning.selector_is_used("[dir=rtl] .x::before", used)
    assert csspruning.selector_is_used(".made-by-script[aria-busy=true]", used)
    assert not csspruning.selector_is_used(".md-typeset table", used)
    assert not csspruning.selector_is_used("[dir=ltr] .x", used)
    assert not csspruning.selector_is_used(".md-search__input", used)
    css = (
        ":root{--used:1px;--unused:2px;--chain:var(--unused)}.x{margin:var(--used)}"
        '@media print{.gone{color:red}}@keyframes k{0%{opacity:0}}a[href]{content:"}"}'
    )
    assert csspruning.prune(css, used) == (
        ':root{--used:1px}.x{margin:var(--used)}@keyframes k{0%{opacity:0}}a[href]{content:"}"}'
    )


# -- In Chromium: every element's computed style, with the pruned and the original sheets -------

STYLES = """() => {
  const out = [];
  const all = [document.documentElement, ...document.documentElement.querySelectorAll('*')];
  for (const element of all) {
    const parts = [];
    for (const pseudo of [null, '::before', '::after', '::marker']) {
      const style = getComputedStyle(element, pseudo);
      if (pseudo && ['none', 'normal'].includes(style.content)) {
        parts.push(pseudo + ' none');  // not drawn: its other properties do not matter
        continue;
      }
      for (const property of style) {
        // Custom properties are only what var() reads, and that is in the real ones.
        if (property.startsWith('--')) continue;
        parts.push(property + ':' + style.getPropertyValue(property));
      }
    }
    const name = element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
      + (element.className && element.className.baseVal === undefined && element.className
         ? '.' + element.className.trim().split(/\\s+/).join('.') : '');
    out.push([name, parts.join(';')]);
  }
  return out;
}"""


def _styles(page) -> list:
    # The pointer off every control (a click leaves it over a button, and whether Chromium has
    # updated :hover since is a matter of timing), and no transitions in flight: both
    # snapshots see the same end state.
    page.mouse.move(0, 0)
    page.add_style_tag(
        content="*,*::before,*::after{transition:none!important;animation:none!important}"
    )
    return page.evaluate(STYLES)


def _serve_originals(page) -> None:
    def serve(css: str):
        return lambda route: route.fulfill(body=css, content_type="text/css")

    for name, css in ORIGINALS.items():
        page.route(
            re.compile(rf".*/assets/stylesheets/{name}\.[0-9a-f]{{8}}\.min\.css$"), serve(css)
        )


def _differences(pruned: list, original: list) -> list[str]:
    assert [name for name, _ in pruned] == [name for name, _ in original]
    found = []
    for (name, ours), (_, theirs) in zip(pruned, original, strict=True):
        if ours != theirs:
            diff = set(ours.split(";")) ^ set(theirs.split(";"))
            found.append(f"{name}: {sorted(diff)[:6]}")
    return found


def _chat_open(page) -> None:
    _open_chat(page)
    # No chat server in these tests: the widget says so, with a link to the form. Wait for it,
    # so that both snapshots hold the same elements.
    expect(page.locator("[data-chat-log] a").first).to_be_visible(timeout=10_000)
    # The widget's own style sheet comes after its panel: wait for it too.
    page.wait_for_function(
        "(document.querySelector('link[data-chat-styles]') || {}).sheet?.cssRules.length > 0"
    )


STATES = {
    "plain": lambda page: None,
    "chat open": _chat_open,
    "print": lambda page: page.emulate_media(media="print"),
}


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["sv", "ar", "ti"])
@pytest.mark.parametrize("width", [320, 1280])
@pytest.mark.parametrize(
    ("path", "state"),
    [
        ("/", "plain"),
        ("/foraldrar/", "print"),
        ("/kommun/", "search"),
        ("/kommun/haninge/", "plain"),
        ("/kommun/haninge/", "chat open"),
        ("/kommun/goteborg/", "print"),
    ],
)
def test_every_element_looks_the_same_with_the_pruned_css(
    browser, site_url, lang, width, path, state
):
    """The proof that nothing in use was cut: Chromium computes every property of every element
    (and its ::before, ::after, ::marker) alike with the pruned and with Material's own sheets,
    on each template, with the chat open, with search results and in print. (Custom properties
    aside: the unread ones are what the pruning drops.)"""
    snapshots = []
    for original in (False, True):
        context = new_context(browser)
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 800})
        if original:
            _serve_originals(page)
        page.goto(f"{site_url}{_prefix(lang)}{path}")
        if state == "search":
            page.locator("#vu-search-input").fill("Göteborg")
            expect(page.locator("#vu-search-results a").first).to_be_visible()
        else:
            STATES[state](page)
        snapshots.append(_styles(page))
        context.close()
    differences = _differences(*snapshots)
    assert not differences, json.dumps(differences[:10], ensure_ascii=False, indent=1)
