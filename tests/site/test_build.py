"""Checks over the real build output: every page, every language."""

import gzip
import importlib.util
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
import segno
from markupsafe import escape

from tests.site.conftest import PUBLIC_URL
from vagut import directory
from vagut.i18n import t
from vagut.languages import LANGUAGE_CODES, LANGUAGES
from vagut.municipalities import load_municipalities

MUNICIPALITIES = tuple(directory.ensure().municipalities.values())
RTL = {lang.code for lang in LANGUAGES if lang.rtl}
ROOT = Path(__file__).resolve().parents[2]
_HOOKS_SPEC = importlib.util.spec_from_file_location("site_hooks", ROOT / "hooks" / "site.py")
HOOKS = importlib.util.module_from_spec(_HOOKS_SPEC)
_HOOKS_SPEC.loader.exec_module(HOOKS)


def page_path(site: Path, lang: str, *parts: str) -> Path:
    prefix = [] if lang == "sv" else [lang]
    return site.joinpath(*prefix, *parts, "index.html")


class Resources(HTMLParser):
    """The URLs a browser would fetch by itself: scripts, style sheets, fonts, images, frames."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img", "iframe", "source", "audio", "video") and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "link" and attrs.get("href"):
            rel = attrs.get("rel", "")
            if any(word in rel for word in ("stylesheet", "preload", "icon", "prefetch")):
                self.urls.append(attrs["href"])
        if tag == "img" and attrs.get("srcset"):
            self.urls.extend(part.split()[0] for part in attrs["srcset"].split(","))


def all_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_build_log_lists_stale_contacts(built_site):
    """Every contact whose source is over a year old, by the compiled directory's rule."""
    log = (built_site / "build.log").read_text()
    stale = [
        f"stale contact (source from {contact.source.date}, over a year ago): {m.name}"
        for m in directory.ensure().municipalities.values()
        for contact in m.contacts
        if contact.is_stale()
    ]
    assert all(line in log for line in stale)


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_every_municipality_has_a_page_in_every_language(built_site, lang):
    for municipality in MUNICIPALITIES:
        assert page_path(built_site, lang, "kommun", municipality.slug).is_file()
    prefix = built_site if lang == "sv" else built_site / lang
    assert len(list((prefix / "kommun").glob("*/index.html"))) == 290


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_html_element_carries_language_and_direction(built_site, lang):
    html = page_path(built_site, lang, "kommun", "haninge").read_text()
    direction = "rtl" if lang in RTL else "ltr"
    bcp47 = "ckb" if lang == "ku" else lang
    assert f'<html lang="{bcp47}" dir="{direction}"' in html


def test_every_page_has_112_the_quick_exit_and_no_third_party_resource(built_site):
    pages = all_pages(built_site)
    assert len(pages) > 2900
    for page in pages:
        html = page.read_text()
        assert 'href="tel:112"' in html, page
        assert "data-quick-exit" in html, page
        parser = Resources()
        parser.feed(html)
        for url in parser.urls:
            parsed = urlparse(url)
            assert not parsed.scheme and not parsed.netloc, f"{page}: third-party {url}"


def test_no_style_sheet_pulls_from_a_third_party(built_site):
    for css in built_site.rglob("*.css"):
        for url in re.findall(r"url\(([^)]+)\)", css.read_text()):
            url = url.strip("'\"")
            assert url.startswith(("data:", "#")) or not urlparse(url).netloc, f"{css}: {url}"
        assert "fonts.googleapis" not in css.read_text(), css


def test_verified_contacts_are_tel_and_mailto_links_with_source_and_staleness(built_site):
    haninge = page_path(built_site, "sv", "kommun", "haninge").read_text()
    assert 'href="tel:+4686067050"' in haninge
    assert "08-606 70 50" in haninge
    assert 'href="mailto:lamnakrim@haninge.se"' in haninge
    assert "23 maj 2022" in haninge
    assert "mer än ett år gammal" in haninge
    osteraker = page_path(built_site, "en", "kommun", "osteraker").read_text()
    assert 'href="tel:+46854081180"' in osteraker


def test_a_municipality_without_a_verified_contact_says_so_and_shows_the_national_ways_in(
    built_site,
):
    kiruna = page_path(built_site, "sv", "kommun", "kiruna").read_text()
    assert "vu-no-contact" in kiruna
    assert "ingen kontrollerad kontakt" in kiruna
    assert 'href="tel:11414"' in kiruna
    assert 'class="vu-tel"' not in kiruna.split('id="national"')[0]


def test_the_language_menu_links_to_the_same_municipality(built_site):
    html = page_path(built_site, "ar", "kommun", "haninge").read_text()
    for lang in LANGUAGE_CODES:
        if lang == "ar":
            continue
        target = "kommun/haninge/" if lang == "sv" else f"{lang}/kommun/haninge/"
        assert f'href="../../../{target}" hreflang="{lang}"' in html


class HeadLinks(HTMLParser):
    """The <link rel="alternate" hreflang> and canonical links of a page's <head>."""

    def __init__(self):
        super().__init__()
        self.alternates: dict[str, str] = {}
        self.canonical: str | None = None
        self.in_head = True

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "body":
            self.in_head = False
        if tag != "link" or not self.in_head:
            return
        if attrs.get("rel") == "alternate" and "hreflang" in attrs:
            assert attrs["hreflang"] not in self.alternates, attrs
            self.alternates[attrs["hreflang"]] = attrs["href"]
        if attrs.get("rel") == "canonical":
            self.canonical = attrs["href"]


def head_links(path: Path) -> HeadLinks:
    parser = HeadLinks()
    parser.feed(path.read_text())
    return parser


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
@pytest.mark.parametrize("parts", [(), ("kommun",), ("kommun", "haninge"), ("foraldrar",)])
def test_alternate_language_links_are_absolute(built_site, lang, parts):
    """Issue 15: relative hreflang links are ignored by search engines (SEO 0.90). Every
    language's version under the configured site_url, Central Kurdish as ckb, Swedish also as
    x-default, and the page itself as canonical."""
    links = head_links(page_path(built_site, lang, *parts))
    path = "".join(f"{part}/" for part in parts)
    expected = {
        ("ckb" if code == "ku" else code): PUBLIC_URL + ("" if code == "sv" else f"{code}/") + path
        for code in LANGUAGE_CODES
    }
    expected["x-default"] = PUBLIC_URL + path
    assert links.alternates == expected
    assert links.canonical == expected["ckb" if lang == "ku" else lang]


def test_the_404_page_links_every_language_home_and_declares_no_alternates(built_site):
    """It is served at any path and is no page's translation (it linked every language's
    Kiruna, the last page built)."""
    html = (built_site / "404.html").read_text()
    assert head_links(built_site / "404.html").alternates == {}
    menu = dict(re.findall(r'href="([^"]*)" hreflang="([^"]*)"', html))
    assert sorted(menu.values()) == sorted(LANGUAGE_CODES)
    assert set(menu) == {PUBLIC_URL + ("" if c == "sv" else f"{c}/") for c in LANGUAGE_CODES}


def test_absolute_alternates_keep_a_site_url_with_a_path():
    """A site served under a path (https://example.org/vagut/) keeps it in every link."""
    html = (
        '<html><head><link rel="alternate" href="../../../kommun/haninge/" hreflang="sv">\n'
        '<link rel="alternate" href="./" hreflang="ku"></head><body>'
        '<a href="../../../kommun/haninge/" hreflang="sv" class="md-select__link">Svenska</a>'
    )
    out = HOOKS.absolute_alternates(html, "https://example.org/vagut/ku/kommun/haninge/")
    swedish = "https://example.org/vagut/kommun/haninge/"
    assert f'<link rel="alternate" href="{swedish}" hreflang="sv">' in out
    assert f'<link rel="alternate" href="{swedish}" hreflang="x-default">' in out
    assert 'href="https://example.org/vagut/ku/kommun/haninge/" hreflang="ckb">' in out
    # The language menu in the page's body stays relative: it works on any host.
    assert '<a href="../../../kommun/haninge/" hreflang="sv" class="md-select__link">' in out


def qr_modules(svg: str) -> tuple[int, set[tuple[int, int]]]:
    """The size and the dark modules (row, column) of a QR code as segno draws it in SVG at
    scale 1: a path of moves (M absolute, m relative) and horizontal runs (h)."""
    size = int(re.search(r'viewBox="0 0 (\d+) \1"', svg)[1])
    path = re.search(r' d="([^"]+)"', svg)[1]
    x = y = 0.0
    dark = set()
    for command, *numbers in re.findall(r"([MmHh])(-?[\d.]+)(?: (-?[\d.]+))?", path):
        a = float(numbers[0])
        if command == "M":
            x, y = a, float(numbers[1])
        elif command == "m":
            x, y = x + a, y + float(numbers[1])
        else:  # a run of `a` dark modules at row y - 0.5 (the stroke's middle)
            dark.update((int(y), int(x) + i) for i in range(int(a)))
            x += a
    return size, dark


def segno_modules(url: str) -> tuple[int, set[tuple[int, int]]]:
    """What segno makes of the URL on its own: the code's modules with a quiet zone of four."""
    matrix = segno.make(url, error="m", micro=False).matrix
    dark = {(r + 4, c + 4) for r, row in enumerate(matrix) for c, bit in enumerate(row) if bit}
    return len(matrix) + 8, dark


LEAFLETS = [("kommun", "haninge"), ("kommun", "habo-uppsala"), ("foraldrar",),
            ("lamna-kriminalitet",), ("prata-med-ditt-barn",), ("hjalp",)]  # fmt: skip


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
@pytest.mark.parametrize("parts", LEAFLETS)
def test_a_printed_page_has_a_qr_code_to_its_own_address(built_site, lang, parts):
    """Issue 15: a municipality's page and a guidance page print with a QR code to the page,
    drawn at build time: the SVG in the page is segno's code for the page's absolute URL,
    module for module (no decoder here; the matrix is what a decoder would read)."""
    html = page_path(built_site, lang, *parts).read_text()
    url = PUBLIC_URL + ("" if lang == "sv" else f"{lang}/") + "".join(f"{p}/" for p in parts)
    leaflets = re.findall(r'<aside class="vu-leaflet">(.*?)</aside>', html, re.S)
    assert len(leaflets) == 1
    svg = re.search(r"<svg[^>]*>.*?</svg>", leaflets[0], re.S)[0]
    assert 'class="vu-leaflet__qr"' in svg
    assert qr_modules(svg) == segno_modules(url)
    assert f'<span class="vu-leaflet__url" dir="ltr">{url}</span>' in leaflets[0]
    assert str(escape(t("site.print.qr_caption", lang))) in leaflets[0]
    assert "data-print hidden" in html  # site.js shows the print button


@pytest.mark.parametrize("parts", [(), ("kommun",), ("om",), ("integritet",)])
def test_pages_that_are_no_leaflet_carry_no_qr_code(built_site, parts):
    html = page_path(built_site, "ar", *parts).read_text()
    assert "vu-leaflet" not in html and "data-print" not in html


def test_no_page_runs_an_inline_script(built_site):
    """A Content-Security-Policy of script-src 'self' must hold: every script is a file (JSON
    data blocks are not run). Material's inline helpers for its bundle are left out with it."""
    inline = {}
    for path in all_pages(built_site):
        for attributes in re.findall(r"<script\b([^>]*)>", path.read_text()):
            if "src=" not in attributes and 'type="application/json"' not in attributes:
                inline.setdefault(attributes, str(path.relative_to(built_site)))
    assert not inline, inline


def test_directory_lists_all_290_without_javascript_and_ships_lookup_data(built_site):
    html = page_path(built_site, "ti", "kommun").read_text()
    assert len(re.findall(r'<li><a href="[a-z0-9-]+/" lang="sv">', html)) == 290
    # The directory's search data, fetched on the first keystroke: at most 40 KB over the wire.
    places = (built_site / "assets" / "places.json").read_bytes()
    assert len(gzip.compress(places)) < 40_000


def test_the_navigation_does_not_carry_290_municipalities(built_site):
    html = page_path(built_site, "sv", "foraldrar").read_text()
    assert "kommun/kiruna/" not in html
    assert len(html.encode()) < 40_000


# ---------------------------------------------------------------- who reads a first contact


def _first_contact_text(lang: str, local: bool, name: str) -> str:
    key = "chat_text_local" if local else "chat_text_fallback"
    return str(escape(t(f"site.municipality.{key}", lang, name=name)))


def test_only_the_municipalities_whose_coordinator_has_joined_name_their_coordinator():
    """A line for leaving crime (Göteborg's Avhoppartelefonen) is not a coordinator who reads
    the first contacts sent here: only `reads_first_contacts` makes a page say so."""
    raw = {m.code: m for m in load_municipalities()}
    for m in MUNICIPALITIES:
        assert m.local_coordinator == raw[m.code].reads_first_contacts


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_a_municipality_page_says_who_reads_a_first_contact(built_site, lang):
    kiruna = page_path(built_site, lang, "kommun", "kiruna").read_text()
    assert _first_contact_text(lang, False, "Kiruna") in kiruna
    assert _first_contact_text(lang, True, "Kiruna") not in kiruna
    for slug, name in (("haninge", "Haninge"), ("osteraker", "Österåker")):
        html = page_path(built_site, lang, "kommun", slug).read_text()
        assert _first_contact_text(lang, True, name) in html
        assert _first_contact_text(lang, False, name) not in html


def test_no_swedish_page_promises_a_coordinator_the_municipality_does_not_have(built_site):
    pages = {
        m.name: page_path(built_site, "sv", "kommun", m.slug).read_text() for m in MUNICIPALITIES
    }
    fallback = [name for name, html in pages.items() if "Väg uts nationella samordnare" in html]
    assert len(fallback) == 288 and "Kiruna" in fallback
    assert all("samordnaren i " not in html for html in pages.values())
    kiruna = pages["Kiruna"]
    assert "samordnare som arbetar med stöd för att lämna kriminalitet i Kiruna" not in kiruna
    haninge = pages["Haninge"]
    assert "samordnare som arbetar med stöd för att lämna kriminalitet i Haninge" in haninge
    assert "nationella samordnare" not in haninge


@pytest.mark.parametrize("page", ["index", "hjalp"])
def test_the_guidance_pages_say_the_national_coordinator_passes_it_on(built_site, page):
    html = built_site / "index.html" if page == "index" else page_path(built_site, "sv", page)
    text = " ".join(html.read_text().split())  # lines wrapped in the source stay wrapped
    assert "samordnaren i din kommun" not in text
    assert "Väg uts nationella samordnare, som skickar den vidare till rätt kommun" in text


def test_a_page_with_only_social_services_says_so_plainly(built_site):
    general = [m for m in MUNICIPALITIES if m.contacts and not m.dedicated]
    assert general, "no municipality with only social services or the socialjour to test with"
    for lang in ("sv", "ar"):
        html = page_path(built_site, lang, "kommun", general[0].slug).read_text()
        assert str(escape(t("site.municipality.no_dedicated", lang, name=general[0].name))) in html


def test_a_contact_whose_source_shows_no_date_says_when_it_was_read(built_site):
    undated = next((m, c) for m in MUNICIPALITIES for c in m.contacts if c.source.date == "undated")
    html = page_path(built_site, "en", "kommun", undated[0].slug).read_text()
    assert "The source shows no date. We read it on" in html
