"""Checks over the texts themselves, without a build (issue 16): no page or site string in any
language says that the Police line, 114 14, is always open (it is staffed on weekdays, in the
daytime; only 112 is), and a municipality's page names the municipality's own coordinator only
where the data holds a verified contact for leaving crime."""

import importlib.util
import re
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import pytest
from markupsafe import escape

from vagut import directory
from vagut.i18n import strings, t
from vagut.languages import LANGUAGE_CODES

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
_HOOKS_SPEC = importlib.util.spec_from_file_location("site_hooks_texts", ROOT / "hooks" / "site.py")
HOOKS = importlib.util.module_from_spec(_HOOKS_SPEC)
_HOOKS_SPEC.loader.exec_module(HOOKS)

# ---------------------------------------------------------------- "always" about 114 14

# The words for "always", and for its near relatives ("day and night", "at any time"), in each
# language. Matched on whole words where the script separates them (Latin), anywhere in the
# text elsewhere (Arabic script joins prefixes such as و to the word; Ge'ez has no case).
ALWAYS = {
    "sv": ("alltid", "dygnet runt", "när som helst"),
    "en": ("always", "day and night", "around the clock", "any time", "anytime", "24/7"),
    "ar": ("دائما", "دوما", "على مدار الساعة"),
    "fa": ("همیشه", "شبانه‌روزی", "شبانه روزی"),
    "so": ("had iyo jeer", "hadiyo jeer", "mar walba", "mar kasta", "markasta"),
    "ti": ("ኩሉ ግዜ", "ኩሉ ጊዜ", "ወትሩ"),
    "ku": ("هەمیشە", "هەمیشه", "شەو و ڕۆژ"),
    "tr": ("her zaman", "daima", "gece gündüz"),
    "es": ("siempre", "en todo momento", "a cualquier hora", "día y noche"),
    "fr": ("toujours", "dans tous les cas", "à tout moment", "jour et nuit"),
}
WHOLE_WORDS = {"sv", "en", "so", "tr", "es", "fr"}
# Strings that speak of the national lines as a group, 114 14 among them (the heading above them
# on every municipality page, and the page's lead), without naming the number.
GROUP_KEYS = ("national.heading", "municipality.lead")

POLICE_LINE = re.compile(r"114\s?14")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")  # harakat, dagger alef, tatweel
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d+\.)\s")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$")
_ADMONITION = re.compile(r'^\s*[!?]{3}\+?\s+\w+(?:\s+"(.*)")?')


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_DIGITS)
    text = _ARABIC_MARKS.sub("", text).replace("\u00a0", " ")
    return " ".join(text.split()).lower()


def always_words(lang: str, text: str) -> list[str]:
    text = _normal(text)
    found = []
    for word in ALWAYS[lang]:
        word = _normal(word)
        pattern = rf"(?<!\w){re.escape(word)}(?!\w)" if lang in WHOLE_WORDS else re.escape(word)
        if re.search(pattern, text):
            found.append(word)
    return found


def markdown_units(text: str) -> list[tuple[str, str]]:
    """(heading, unit) pairs: a unit is a paragraph, a list item or an admonition's body, with
    the heading it stands under (a section's heading or an admonition's title)."""
    units: list[tuple[str, str]] = []
    heading, current = "", []

    def close():
        if current:
            units.append((heading, " ".join(current)))
            current.clear()

    for line in text.splitlines():
        if not line.strip():
            close()
        elif match := _HEADING.match(line):
            close()
            heading = match.group(1)
            units.append((heading, heading))
        elif match := _ADMONITION.match(line):
            close()
            heading = match.group(1) or heading
        else:
            if _LIST_ITEM.match(line):
                close()
            current.append(line.strip())
    close()
    return units


def police_line_claims(lang: str) -> tuple[int, list[str]]:
    """How many texts in `lang` name 114 14, and what each one that calls it always open says."""
    checked, problems = 0, []
    for path in sorted(CONTENT.glob(f"*.{lang}.md")):
        for heading, unit in markdown_units(path.read_text(encoding="utf-8")):
            if not POLICE_LINE.search(_normal(unit)):
                continue
            checked += 1
            if words := always_words(lang, unit) + always_words(lang, heading):
                problems.append(f"{path.name}: {words} in «{heading}» / «{unit[:120]}»")
    for key, text in strings("site", lang).items():
        if key in GROUP_KEYS or POLICE_LINE.search(_normal(text)):
            checked += 1
            if words := always_words(lang, text):
                problems.append(f"site.{lang}.yml {key}: {words} in «{text[:120]}»")
    return checked, problems


_SENTENCE_END = re.compile(r"(?<=[.!?።؟])\s+|\n+")


def chat_police_line_claims(lang: str) -> tuple[int, list[str]]:
    """The same for the chat's replies, sentence by sentence: a reply can say that 112 answers
    day and night and, a sentence later, name 114 14 for when the danger is over."""
    checked, problems = 0, []
    for key, text in strings("chat", lang).items():
        for sentence in _SENTENCE_END.split(text):
            if POLICE_LINE.search(_normal(sentence)):
                checked += 1
                if words := always_words(lang, sentence):
                    problems.append(f"chat.{lang}.yml {key}: {words} in «{sentence[:120]}»")
    return checked, problems


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_no_chat_reply_says_the_police_line_is_always_open(lang):
    checked, problems = chat_police_line_claims(lang)
    assert checked >= 3, f"114 14 found in only {checked} chat sentences in {lang}"
    assert problems == [], "114 14 is staffed on weekdays, in the daytime:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_nothing_says_the_police_line_is_always_open(lang):
    checked, problems = police_line_claims(lang)
    assert checked >= 5, f"114 14 found in only {checked} texts in {lang}: is the check blind?"
    assert problems == [], "114 14 is staffed on weekdays, in the daytime:\n" + "\n".join(problems)


def test_every_language_has_words_for_always():
    assert set(ALWAYS) == set(LANGUAGE_CODES)


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        # What issue 16 found, and the shapes it came in.
        ("sv", "Där vi inte har kunnat kontrollera ett nummer säger vi det rakt ut. Då finns\n"
               "alltid Polisens avhopparsamordning: ring **[114 14](tel:11414)**."),
        ("sv", "## Det här fungerar alltid\n\nRing **[114 14](tel:11414)**."),
        ("sv", '!!! info "Fungerar alltid"\n    Ring 114\u00a014.'),
        ("en", "- The Police's defector coordination service is always there: call 114 14."),
        ("ar", "يمكنك دائماً اللجوء إلى الشرطة: اتصل بالرقم ١١٤ ١٤"),
        ("fa", "در این صورت همیشه بخش هماهنگی پلیس هست: با 114 14 تماس بگیرید"),
        ("ti", "ሽዑ ኩሉ ግዜ ናይ ፖሊስ ኣወሃሃዲ ኣሎ፦ ናብ 114 14 ደውሉ"),
        ("tr", "Polisin birimine her zaman 114 14 üzerinden ulaşabilirsiniz."),
        ("fr", "Dans tous les cas, appelez le 114 14."),
    ],
)  # fmt: skip
def test_the_check_finds_always_next_to_114_14(lang, text):
    found = [
        always_words(lang, unit) + always_words(lang, heading)
        for heading, unit in markdown_units(text)
        if POLICE_LINE.search(_normal(unit))
    ]
    assert any(found), found


def test_the_check_leaves_112_alone():
    text = '!!! danger "Fara?"\n    Ring 112. Det gäller alltid.\n\nRing 114 14 vardagar dagtid.'
    units = [(h, u) for h, u in markdown_units(text) if POLICE_LINE.search(_normal(u))]
    assert units and not any(always_words("sv", u) for _, u in units)


# ---------------------------------------------------------------- whose coordinator

MUNICIPALITIES = {m.slug: m for m in directory.ensure().municipalities.values()}
WITH_COORDINATOR, WITHOUT_COORDINATOR = "osteraker", "kiruna"
_TAG = re.compile(r"<[^>]+>")


def render_municipality_page(slug: str, lang: str) -> str:
    """The municipality's page as the build makes it (hooks/site.py), without building."""
    page = SimpleNamespace(file=SimpleNamespace(src_uri=f"kommun/{slug}.{lang}.md"))
    config = SimpleNamespace(
        extra={"chat_enabled": True, "intake_form_url": "http://127.0.0.1:8001/api/v1/form"}
    )
    return HOOKS.on_page_read_source(page, config)


def _first_contact_text(lang: str, key: str, name: str) -> str:
    return str(escape(t(f"site.municipality.{key}", lang, name=name)))


# Words that make a page name the municipality's own coordinator, in the languages the site is
# written in first. For the translations, the render test below checks which string is shown.
NAMES_LOCAL_COORDINATOR = {
    "sv": (r"samordnare[^.]*\bi {name}\b", r"\b{name}s (egen |egna )?samordnare"),
    "en": (r"coordinator[^.]*\bin {name}\b", r"\b{name}'s (own )?coordinator"),
}
# The same, for pages that speak of "your municipality".
NAMES_YOUR_COORDINATOR = {
    "sv": (r"samordnaren i (din|er) kommun", r"(din|er|kommunens) (egen |egna )?samordnare\b"),
    "en": (r"your municipality's (own )?coordinator", r"the municipality's (own )?coordinator",
           r"coordinator (in|for|of|at) (your|the) municipality"),
}  # fmt: skip


def test_the_two_municipalities_are_what_the_test_needs():
    assert MUNICIPALITIES[WITH_COORDINATOR].local_coordinator
    assert not MUNICIPALITIES[WITHOUT_COORDINATOR].local_coordinator


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_a_municipality_without_a_coordinator_is_not_promised_one(lang):
    without = MUNICIPALITIES[WITHOUT_COORDINATOR]
    page = render_municipality_page(without.slug, lang)
    assert _first_contact_text(lang, "chat_text_fallback", without.name) in page
    assert _first_contact_text(lang, "chat_text_local", without.name) not in page
    with_ = MUNICIPALITIES[WITH_COORDINATOR]
    page = render_municipality_page(with_.slug, lang)
    assert _first_contact_text(lang, "chat_text_local", with_.name) in page
    assert _first_contact_text(lang, "chat_text_fallback", with_.name) not in page


@pytest.mark.parametrize("lang", sorted(NAMES_LOCAL_COORDINATOR))
def test_no_sentence_on_the_page_names_a_coordinator_the_municipality_does_not_have(lang):
    for slug, expected in ((WITHOUT_COORDINATOR, False), (WITH_COORDINATOR, True)):
        municipality = MUNICIPALITIES[slug]
        text = " ".join(_TAG.sub(" ", render_municipality_page(slug, lang)).split())
        name = re.escape(municipality.name)
        found = [
            pattern
            for pattern in NAMES_LOCAL_COORDINATOR[lang]
            if re.search(pattern.format(name=name), text, re.IGNORECASE)
        ]
        assert bool(found) is expected, (municipality.name, found)


@pytest.mark.parametrize("lang", sorted(NAMES_YOUR_COORDINATOR))
def test_no_page_or_string_promises_your_municipalitys_coordinator(lang):
    texts = {path.name: path.read_text("utf-8") for path in CONTENT.glob(f"*.{lang}.md")}
    texts.update({f"site.{lang}.yml {k}": v for k, v in strings("site", lang).items()})
    found = [
        f"{where}: {pattern}"
        for where, text in texts.items()
        for pattern in NAMES_YOUR_COORDINATOR[lang]
        if re.search(pattern, " ".join(text.split()), re.IGNORECASE)
    ]
    assert found == []
