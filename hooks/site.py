"""mkdocs hooks: the municipality pages and the directory, made from the compiled directory
(vagut.directory, compiled from content/ when it is out of date).

The data is checked when the build starts (a bad file fails the build and names file and
field); every municipality gets a page in every language, as a file in the suffix structure
(kommun/<slug>.<lang>.md) that exists only in the build: mkdocs-static-i18n sorts and links it
like any hand-written page, and on_page_read_source hands mkdocs its text. Templates read
every string from translations/ through `t`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
from functools import cache, partial
from pathlib import Path
from urllib.parse import urljoin

import jinja2
import segno
from markupsafe import Markup, escape
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from vagut import csspruning, dates, directory, phones
from vagut.compiled import Directory, Municipality
from vagut.i18n import section, strings, t
from vagut.languages import BY_CODE, DEFAULT_LANGUAGE, LANGUAGE_CODES
from vagut.municipalities import DataError
from vagut.slug import swedish_sort_key

log = logging.getLogger("mkdocs.hooks.site")

TEMPLATES = Path(__file__).parent / "templates"
DIRECTORY = "kommun"  # /kommun/ and /kommun/<slug>/ are a contract (docs/DESIGN.md)
PLACES_FILE = "assets/places.json"
# The guidance pages that print as a leaflet, besides every municipality page (issue 15).
GUIDANCE = frozenset({"lamna-kriminalitet", "foraldrar", "prata-med-ditt-barn", "hjalp"})
# Whom the page says an anonymous first contact goes to. The intake service decides when the
# contact arrives (the coordinators linked to the municipality in its database, else Väg ut's
# national fallback coordinator) and its receipt says which; a static page cannot ask it. So a
# page names the municipality's own coordinator only where the data holds a verified contact for
# people leaving crime (Municipality.local_coordinator), and elsewhere names the fallback in
# words that stay true if a coordinator there is linked later (chat_text_fallback).


@cache
def _directory() -> Directory:
    try:
        return directory.ensure()
    except DataError as error:
        raise PluginError(f"municipality data is wrong:\n{error}") from None


def _data() -> tuple[tuple[Municipality, ...], Directory]:
    compiled = _directory()
    return tuple(compiled.municipalities.values()), compiled


@cache
def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(tel_links=tel_links)
    return env


# The national numbers as the translations write them in running text (a space, or in right-to-left
# languages a no-break space that keeps "114 14" in order), not inside a longer number.
_RUNNING_NUMBER = re.compile(
    r"(?<![\d+\-])(112|114[ \u00a0]14|90[ \u00a0]?101|116[ \u00a0]?(?:111|006))(?![\d\-])"
)


def tel_links(text: str) -> Markup:
    """A translated sentence, escaped, with every national number in it a tel: link: on a phone
    a number is tapped, not copied (issue 15). The strings stay plain text in translations/."""
    return Markup(
        _RUNNING_NUMBER.sub(
            lambda match: f'<a href="{phones.tel_uri(match[1])}">{match[1]}</a>', str(escape(text))
        )
    )


def _material_t(key: str, lang: str) -> str:
    """mkdocs-material's own strings for the languages it does not ship (so, ti)."""
    return strings("material", lang).get(key, "")


CHAT_WIDGET = Path(__file__).resolve().parent.parent / "theme" / "assets" / "chat" / "chat.js"


@event_priority(100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if not (config.site_url or "").startswith(("https://", "http://")):
        # hreflang links and the printed page's QR code are absolute URLs under it.
        raise PluginError(
            "site_url (VAGUT_SITE_URL) must be an absolute http(s) address, "
            f"not {config.site_url!r}"
        )
    _report_stale_contacts()
    # No chat button that leads nowhere: it appears only once the widget is part of the theme.
    config.extra["chat_enabled"] = CHAT_WIDGET.is_file()
    return config


@cache  # once per build, not once per language
def _report_stale_contacts() -> None:
    municipalities, _ = _data()
    today = dt.date.today()
    for municipality in municipalities:
        for contact in municipality.contacts:
            if contact.is_stale(today):
                # Listed, not fatal: an old source is still the best we have, and the page says so.
                log.info(
                    "stale contact (source from %s, over a year ago): %s %s",
                    contact.source.date,
                    municipality.name,
                    contact.phone or contact.email,
                )


@event_priority(100)  # before mkdocs-static-i18n (-100), which sorts files by language
def on_files(files: Files, config: MkDocsConfig) -> Files:
    municipalities, _ = _data()
    slugs = ["index", *(m.slug for m in municipalities)]
    for lang in LANGUAGE_CODES:
        for slug in slugs:
            # A plain File (not File.generated): the i18n plugin rebuilds every file from its
            # path under docs_dir, and would drop generated content on the way.
            src_uri = f"{DIRECTORY}/{slug}.{lang}.md"
            files.append(File(src_uri, config.docs_dir, config.site_dir, config.use_directory_urls))
    return files


def is_leaflet(page: Page) -> bool:
    """A municipality's page or a guidance page: what a coordinator or a school prints."""
    src_uri = page.file.src_uri
    if src_uri.startswith(f"{DIRECTORY}/"):
        return not src_uri.startswith(f"{DIRECTORY}/index.")
    return src_uri.split(".")[0] in GUIDANCE


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav) -> dict:
    if is_leaflet(page):
        url = page_url(page, config)
        context["leaflet"] = {"url": url, "qr": Markup(qr_svg(url))}
    return context


# The printed page's QR code: segno, from the page's absolute URL alone, error correction M
# (a leaflet gets creased), the quiet zone of four modules the standard asks for, sized by CSS.
QR_OPTIONS = {"error": "m", "micro": False}
QR_SVG = {"scale": 1, "border": 4, "omitsize": True, "svgclass": "vu-leaflet__qr",
          "lineclass": None}  # fmt: skip
# segno picks the best of eight masks for each code, about 5 ms a page, 15 s for the 2,940 pages
# a build prints: the codes are kept between builds, keyed by URL and by what draws them.
QR_CACHE = Path(__file__).resolve().parent.parent / "build" / "qr-codes.json"
_QR_GENERATOR = json.dumps([segno.__version__, QR_OPTIONS, QR_SVG], sort_keys=True)


def qr_svg(url: str) -> str:
    codes = _qr_codes()
    if url not in codes:
        codes[url] = segno.make(url, **QR_OPTIONS).svg_inline(**QR_SVG)
        _qr_codes_changed.add(url)
    return codes[url]


@cache
def _qr_codes() -> dict[str, str]:
    try:
        cached = json.loads(QR_CACHE.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return cached["codes"] if cached.get("generator") == _QR_GENERATOR else {}


_qr_codes_changed: set[str] = set()


def _save_qr_codes() -> None:
    if _qr_codes_changed:
        QR_CACHE.parent.mkdir(parents=True, exist_ok=True)
        # Whole or not at all: another build (a test run, the bench) may be reading it.
        partial_file = QR_CACHE.with_suffix(f".{os.getpid()}.tmp")
        partial_file.write_text(_json({"generator": _QR_GENERATOR, "codes": _qr_codes()}), "utf-8")
        partial_file.replace(QR_CACHE)
        _qr_codes_changed.clear()


def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    env.globals.update(t=t, material_t=_material_t)
    return env


def _page_language(page: Page) -> str:
    suffix = page.file.src_uri.rsplit(".", 2)[-2]
    return suffix if suffix in BY_CODE else DEFAULT_LANGUAGE


def on_page_read_source(page: Page, config: MkDocsConfig) -> str | None:
    if not page.file.src_uri.startswith(f"{DIRECTORY}/"):
        return None  # a hand-written page: mkdocs reads it from content/
    lang = _page_language(page)
    municipalities, compiled = _data()
    context = {
        "lang": lang,
        "t": partial(_t, lang=lang),
        "national": compiled.national,
        "source_date": partial(dates.source_date, lang=lang),
        "today": dt.date.today(),
        "chat_enabled": config.extra["chat_enabled"],
        "form_url": f"{config.extra['intake_form_url']}?lang={lang}",
    }
    slug = page.file.src_uri.removeprefix(f"{DIRECTORY}/").split(".")[0]
    if slug == "index":
        return _render_directory(municipalities, context)
    municipality = next(m for m in municipalities if m.slug == slug)
    return (
        _templates()
        .get_template("municipality.md.j2")
        .render(m=municipality, local_coordinator=municipality.local_coordinator, **context)
    )


def _t(key: str, lang: str, **params: object) -> str:
    return t(f"site.{key}", lang, **params)


def _render_directory(municipalities: tuple[Municipality, ...], context: dict) -> str:
    by_county: dict[str, list[Municipality]] = {}
    for municipality in sorted(municipalities, key=lambda m: m.county_code):
        by_county.setdefault(municipality.county, []).append(municipality)
    counties = [
        (county, sorted(members, key=lambda m: swedish_sort_key(m.name)))
        for county, members in by_county.items()
    ]
    lang = context["lang"]
    search_strings = section("site", lang, "directory.search")
    return (
        _templates()
        .get_template("directory.md.j2")
        .render(
            counties=counties,
            search_strings=json.dumps(search_strings, ensure_ascii=False).replace("</", "<\\/"),
            places_url=PLACES_FILE,
            **context,
        )
    )


_HTML_TAG = re.compile(r'<html lang="([^"]+)"')
# Material's alternate-language links in <head>, relative to the page (the language menu in the
# header has the same href and hreflang, followed by a class, and stays relative).
_HEAD_ALTERNATE = re.compile(r'<link rel="alternate" href="([^"]*)" hreflang="([^"]*)">')


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    # Material puts dir= on <body>; screen readers, browsers' own UI and the contract
    # (docs/DESIGN.md) want it on <html>, with Central Kurdish tagged as such.
    lang = BY_CODE.get(config.theme["language"], BY_CODE[DEFAULT_LANGUAGE])
    output = _HTML_TAG.sub(f'<html lang="{lang.bcp47}" dir="{lang.direction}"', output, count=1)
    return absolute_alternates(output, page_url(page, config))


def page_url(page: Page, config: MkDocsConfig) -> str:
    """The page's public address: site_url and the page's path."""
    return urljoin(config.site_url, page.url)


def absolute_alternates(html: str, url: str) -> str:
    """The head's alternate-language links as absolute URLs (search engines ignore relative
    hreflang links), tagged like <html lang> (Central Kurdish "ckb"), and the Swedish page,
    the site's default, once more as x-default: where a reader of another language lands."""
    end = html.find("</head>")

    def absolute(match: re.Match) -> str:
        href, code = urljoin(url, match[1]), match[2]
        link = f'<link rel="alternate" href="{href}" hreflang="{_bcp47(code)}">'
        if code == DEFAULT_LANGUAGE:
            link += f'\n<link rel="alternate" href="{href}" hreflang="x-default">'
        return link

    return _HEAD_ALTERNATE.sub(absolute, html[:end]) + html[end:]


_HREFLANG_LINK = re.compile(r'href="[^"]*" hreflang="([^"]*)"')


def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    """The 404 page is no page's translation: Material gave it the links of the last page
    built (every language's Kiruna). Its language menu goes to each language's home page, by
    absolute URL (a 404 is served at any path), and it declares no alternates."""
    if template_name != "404.html":
        return output
    end = output.find("</head>")
    output = re.sub(r"\s*" + _HEAD_ALTERNATE.pattern, "", output[:end]) + output[end:]

    def home(match: re.Match) -> str:
        code = match[1]
        prefix = "" if code == DEFAULT_LANGUAGE else f"{code}/"
        return f'href="{urljoin(config.site_url, prefix)}" hreflang="{code}"'

    return _HREFLANG_LINK.sub(home, output)


def _bcp47(code: str) -> str:
    return BY_CODE[code].bcp47 if code in BY_CODE else code


# After mkdocs-static-i18n's (-100), which builds every other language inside the first one's
# post-build: the first language's pass ends last, once every page of every language is written.
@event_priority(-200)
def on_post_build(config: MkDocsConfig) -> None:
    # Runs on every language's pass; the files are made once and written each time (cheap),
    # so that whichever pass ends the build leaves them in place.
    for relative, text in _shared_assets().items():
        path = Path(config.site_dir) / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
    _save_qr_codes()
    if not getattr(config.plugins.get("i18n"), "building", False):  # the last pass
        prune_material_css(Path(config.site_dir))


# Material's style sheets, as its templates link them, and the site's own, which read their
# custom properties. Material's script bundle is not loaded (main.html): its words are no
# safelist; the site's scripts are (what site.js, places.js and the chat widget add at run time).
MATERIAL_CSS = re.compile(r"assets/stylesheets/((?:main|palette)\.[0-9a-f]{8})\.min\.css")
OWN_CSS = ("assets/site.css", "assets/chat/chat.css")
SCRIPTS = ("assets/site.js", "assets/places.js", "assets/chat/chat.js")


def prune_material_css(site: Path) -> dict[str, str]:
    """Material's style sheets with only the rules the built pages can use (vagut.csspruning:
    against every page of every language, and what the site's scripts add), under a name of
    their own content's hash (a page and its style sheet change together, never one cached
    without the other); every page's links rewritten. Returns {old name: new name}."""
    pages = sorted(site.rglob("*.html"))
    used = csspruning.Used()
    originals: dict[str, str] = {}  # as the pages link them: "main.57a0d79d": "assets/…"
    for page in pages:
        html = page.read_text("utf-8")
        used.add_html(html)
        originals.update((match[1], match[0]) for match in MATERIAL_CSS.finditer(html))
    for script in SCRIPTS:
        used.add_script((site / script).read_text("utf-8"))
    stylesheets = site / "assets" / "stylesheets"
    rules = {
        name: csspruning.prune_rules((site / relative).read_text("utf-8"), used)
        for name, relative in originals.items()
    }
    own = "".join((site / relative).read_text("utf-8") for relative in OWN_CSS)
    renamed = {}
    for name, relative in originals.items():
        others = own + "".join(css for other, css in rules.items() if other != name)
        css = csspruning.prune_custom_properties(rules[name], others)
        digest = hashlib.sha256(css.encode()).hexdigest()[:8]
        new = f"{name.split('.')[0]}.{digest}.min.css"
        if Path(relative).name == new:  # already cut (mkdocs build --dirty)
            continue
        (stylesheets / new).write_text(css, "utf-8")
        (site / relative).unlink()
        (site / f"{relative}.map").unlink(missing_ok=True)  # it maps the whole file
        renamed[Path(relative).name] = new
    for page in pages:
        html = page.read_text("utf-8")
        changed = html
        for old, new in renamed.items():
            changed = changed.replace(f"assets/stylesheets/{old}", f"assets/stylesheets/{new}")
        if changed != html:
            page.write_text(changed, "utf-8")
    return renamed


@cache
def _shared_assets() -> dict[str, str]:
    """Files every language shares: the directory's lookup data and the chat widget's strings."""
    _, compiled = _data()
    assets = {PLACES_FILE: _json(compiled.places)}
    for lang in LANGUAGE_CODES:
        assets[f"assets/chat/i18n/{lang}.json"] = _json(section("chat", lang, "widget"))
    return assets


def _json(data: object) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
