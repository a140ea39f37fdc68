"""Finding a municipality from what someone types: a name (typos and missing å/ä/ö forgiven),
a locality or a postal code, or a municipality's name written as it sounds in Arabic script
(Arabic, Persian, Sorani) or Ge'ez (Tigrinya). Reads content/municipalities/*.yml and the
postal-code table.

Rasa-free on purpose: the action server and the NLU component `components.places` share it.
"""

import csv
import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Dict, List, Optional, Set, Tuple

import phonenumbers
import yaml

from actions.paths import CONTENT_DIR, POSTAL_CSV
from vagut.slug import fold

# A contact whose source is older than this is shown with a note that it may be out of date.
STALE_AFTER_DAYS = 365
# A verified contact for people leaving crime means the municipality has its own coordinator:
# the chat, like the site (hooks/site.py), then says a first contact goes to that coordinator,
# and elsewhere that it goes to Väg ut's national fallback coordinator. The intake service
# decides for sure when the contact arrives, and its receipt says which.
LOCAL_COORDINATOR_SERVES = ("leaving_crime", "adults_leaving_crime")

# Words that are also municipality or locality names ("vara" is a verb, "are" English, "mark"
# a noun): they count only when they are the whole message.
_COMMON_WORDS = {
    "vara", "mark", "are", "ale", "bro", "ed", "vi", "bra", "hjo", "ljusdal", "ore", "sala",
    "mora", "nora", "tranas", "lund", "bor", "by", "as", "ar", "alla", "heby", "kil", "vik",
    "on", "son", "ran", "den", "nas", "liden", "ost", "vast", "norr", "syd", "nord", "sodra",
    "norra", "ostra", "vastra", "skog", "strand", "berg", "dal", "hamn", "lugn", "hem", "tack",
    "hej", "hallo", "hello", "hola", "salam", "farsta", "jag", "min", "mitt", "kommun",
}
# Filler around a place name in any of the languages ("I live in ...", "kommun").
FILLER = {
    # sv
    "jag", "bor", "i", "pa", "kommun", "kommunen", "kommuns", "vi", "min", "mitt", "postnummer",
    "ar", "det", "ort", "stad", "staden", "fran", "hemma", "nara", "utanfor", "vid",
    # en
    "live", "in", "my", "municipality", "town", "city", "postcode", "postal", "code", "zip",
    "is", "the", "we", "from", "near", "im", "it", "its", "at", "area",
    # es fr tr so
    "vivo", "en", "mi", "municipio", "soy", "de", "ciudad", "codigo", "habite", "a", "je", "ma",
    "commune", "ville", "suis", "dans", "la", "le", "yasiyorum", "belediye", "belediyesi",
    "oturuyorum", "ben", "waxaan", "ku", "degmada", "deggan", "nool", "ahay", "magaalada",
    "kommunka", "kommunen", "och", "and", "y", "et", "ve", "iyo",
    # ar fa ku ti (written forms)
    "انا", "أنا", "اسكن", "أسكن", "في", "بلدية", "مدينة", "من", "من", "در", "زندگی", "میکنم",
    "می‌کنم", "کمون", "شهر", "لە", "دەژیم", "کۆمۆن", "شار", "ئەز", "من", "ኣብ", "እነብር", "ኮሙን",
    "ከተማ", "ኣነ", "ساكن", "ساكنة", "ساكنين", "عايش", "عايشة", "عايشين", "احنا", "نحن", "ما",
    "هستم", "هستیم", "تو", "خونمون", "ئێمە", "دەژین", "ንነብር", "እየ",
}

_TOKEN = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
_LATIN = re.compile(r"[a-z]")
_POSTAL = re.compile(r"(?<!\d)(\d{3})\s?(\d{2})(?!\d)")


@dataclass(frozen=True)
class Contact:
    serves: str
    phone: Optional[str]
    phone_display: Optional[str]
    tel: Optional[str]
    email: Optional[str]
    hours: Optional[str]
    source_title: Optional[str]
    source_date: Optional[str]
    stale: bool


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    official_name: str
    slug: str
    contacts: Tuple[Contact, ...]


@dataclass
class Match:
    """What the text points at. `exact`: one municipality, sure. Otherwise `candidates` to ask
    about (most likely first). `covered`: the folded tokens the match used (for the NLU
    component, which only trusts a message that is little more than a place)."""

    exact: Optional[str] = None
    candidates: List[str] = field(default_factory=list)
    covered: Set[str] = field(default_factory=set)
    via: str = ""  # "name", "locality", "postal", "fuzzy"


def format_phone(number: str) -> Tuple[str, str]:
    """The site's way: phonenumbers' national format for display, E.164 for the tel: link."""
    try:
        parsed = phonenumbers.parse(number, "SE")
    except phonenumbers.NumberParseException:
        digits = re.sub(r"\D", "", number)
        return number, digits
    display = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return display, phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _is_stale(date_value: object, today: Optional[dt.date] = None) -> bool:
    today = today or dt.date.today()
    if isinstance(date_value, dt.date):
        when = date_value
    elif isinstance(date_value, int) or (isinstance(date_value, str) and date_value.isdigit()):
        when = dt.date(int(date_value), 12, 31)  # a year only: give it the benefit of the doubt
    else:
        try:
            when = dt.date.fromisoformat(str(date_value))
        except ValueError:
            return True
    return (today - when).days > STALE_AFTER_DAYS


def _contact(raw: dict) -> Contact:
    phone = raw.get("phone")
    display, tel = format_phone(str(phone)) if phone else (None, None)
    source = raw.get("source") or {}
    date_value = source.get("date")
    return Contact(
        serves=str(raw.get("serves", "leaving_crime")),
        phone=str(phone) if phone else None,
        phone_display=display,
        tel=tel,
        email=raw.get("email"),
        hours=raw.get("hours"),
        source_title=source.get("title"),
        source_date=str(date_value) if date_value is not None else None,
        stale=_is_stale(date_value) if date_value is not None else True,
    )


@lru_cache(maxsize=None)
def municipalities() -> Dict[str, Municipality]:
    found: Dict[str, Municipality] = {}
    for path in sorted((CONTENT_DIR / "municipalities").glob("*.yml")):
        with path.open(encoding="utf-8") as handle:
            raw = yaml.safe_load(handle)
        code = str(raw["code"]).zfill(4)
        found[code] = Municipality(
            code=code,
            name=raw["name"],
            official_name=raw.get("official_name") or raw["name"],
            slug=raw.get("slug") or path.stem.split("-", 1)[1],
            contacts=tuple(_contact(c) for c in raw.get("contacts") or []),
        )
    return found


def has_local_coordinator(code: str) -> bool:
    municipality = municipalities().get(code)
    contacts = municipality.contacts if municipality else ()
    return any(contact.serves in LOCAL_COORDINATOR_SERVES for contact in contacts)


@dataclass(frozen=True)
class _Index:
    names: Dict[str, str]  # folded name variants → code
    localities: Dict[str, Tuple[str, ...]]  # folded locality → codes
    postal: Dict[str, str]  # "13640" → code
    vocabulary: Tuple[str, ...]  # every folded name and locality, for fuzzy matching
    by_start: Dict[str, Tuple[str, ...]]  # the vocabulary by first and by second letter
    by_sound: Dict[str, Tuple[str, ...]]  # municipality names' consonant sounds → codes


def _norm(text: str) -> str:
    return " ".join(_TOKEN.findall(fold(text).replace("-", " ")))


@lru_cache(maxsize=None)
def index() -> _Index:
    names: Dict[str, str] = {}
    for code, m in municipalities().items():
        for variant in (m.name, m.official_name, m.slug, m.name + "s"):
            names[_norm(variant)] = code
        names[_norm(m.official_name.replace(" kommun", "").replace(" stad", ""))] = code
    localities: Dict[str, Set[str]] = {}
    postal: Dict[str, str] = {}
    with POSTAL_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = str(row["municipality_code"]).zfill(4)
            if code not in municipalities():
                continue
            postal[re.sub(r"\D", "", row["postal_code"])] = code
            if row.get("locality"):
                localities.setdefault(_norm(row["locality"]), set()).add(code)
    vocabulary = tuple(sorted(set(names) | set(localities)))
    by_start: Dict[str, Set[str]] = {}
    for word in vocabulary:
        by_start.setdefault(word[:1], set()).add(word)
        by_start.setdefault("2" + word[1:2], set()).add(word)
    by_sound: Dict[str, Set[str]] = {}
    for code, m in municipalities().items():
        for sound in swedish_sounds(m.name):
            if len(sound) >= _SHORTEST_SOUND:
                by_sound.setdefault(sound, set()).add(code)
    return _Index(
        by_start={k: tuple(sorted(v)) for k, v in by_start.items()},
        by_sound={k: tuple(sorted(v)) for k, v in by_sound.items()},
        names=names,
        localities={k: tuple(sorted(v)) for k, v in localities.items()},
        postal=postal,
        vocabulary=vocabulary,
    )


def _ngrams(tokens: List[str], longest: int = 4):
    for size in range(min(longest, len(tokens)), 0, -1):
        for start in range(len(tokens) - size + 1):
            yield " ".join(tokens[start : start + size]), set(tokens[start : start + size])


def find(text: str, typos: bool = True, sounds: bool = True) -> Match:
    """Where `text` points. Never guesses silently: anything but one sure hit is a question.
    `typos=False` skips the fuzzy search (the costly part) when only a sure hit would matter.
    `sounds=False` skips names in Arabic script or Ge'ez, whose guesses only make sense where a
    place is expected (and then only in a message of a few words: "سلام" sounds like Salem)."""
    idx = index()
    match = Match()
    for first, last in _POSTAL.findall(text):
        code = idx.postal.get(first + last)
        if code:
            return Match(exact=code, covered={first, last, first + last}, via="postal")
        # An unknown postal code: the municipalities with codes that share its first three digits.
        near = sorted({c for p, c in idx.postal.items() if p.startswith(first)})
        if near:
            return Match(candidates=near[:5], covered={first, last, first + last}, via="postal")

    normalised = _norm(text)
    tokens = normalised.split()
    if not tokens:
        return match
    whole = " ".join(t for t in tokens if t not in {"kommun", "kommunen", "municipality"})

    for gram, used in _ngrams(tokens):
        if gram in _COMMON_WORDS and gram != whole:
            continue
        if len(gram) < 4 and gram != whole:
            continue
        if gram in idx.names:
            return Match(exact=idx.names[gram], covered=used, via="name")
    for gram, used in _ngrams(tokens):
        if gram in _COMMON_WORDS and gram != whole:
            continue
        if len(gram) < 4 and gram != whole:
            continue
        if gram in idx.localities:
            codes = list(idx.localities[gram])
            if len(codes) == 1:
                return Match(exact=codes[0], covered=used, via="locality")
            return Match(candidates=codes[:5], covered=used, via="locality")

    if not typos:
        return match
    # Typos: the closest names and localities to each longer word or pair of words; in Arabic
    # script or Ge'ez, the municipality names that sound closest.
    scored: Dict[str, float] = {}
    covered: Set[str] = set()
    few_words = len(_without_filler(tokens)) <= _MOST_WORDS_FOR_SOUNDS
    for gram, used in _ngrams(tokens, longest=2):
        if gram in FILLER or gram in _COMMON_WORDS:
            continue
        if _LATIN.search(gram):
            if len(gram) < 4:
                continue
            close = _close_spellings(gram)
        elif sounds and few_words and not FILLER.intersection(gram.split()):
            close = _close_sounds(gram)
        else:
            continue
        for code, score in close:
            if score > scored.get(code, 0.0):
                scored[code] = score
                covered |= used
    if scored:
        ranked = sorted(scored, key=lambda c: (-scored[c], municipalities()[c].name))
        return Match(candidates=ranked[:4], covered=covered, via="fuzzy")
    return match


def _close_spellings(gram: str) -> List[Tuple[str, float]]:
    """(code, score) of the names and localities spelled closest to a Latin-script `gram`."""
    idx = index()
    # Typos rarely hit both of the first two letters, and a ratio of 0.8 allows few extra or
    # missing letters: compare only with words of about the same length that share one.
    pool = {
        w for w in idx.by_start.get(gram[:1], ()) + idx.by_start.get("2" + gram[1:2], ())
        if abs(len(w) - len(gram)) <= 3
    }
    found = []
    for close in difflib.get_close_matches(gram, sorted(pool), n=4, cutoff=0.8):
        score = difflib.SequenceMatcher(None, gram, close).ratio()
        codes = [idx.names[close]] if close in idx.names else list(idx.localities[close])
        # A municipality's own name beats a locality of the same spelling.
        bonus = 0.05 if close in idx.names else 0.0
        found += [(code, score + bonus) for code in codes]
    return found


# --- names written in Arabic script and Ge'ez ------------------------------------------------
# Arabic, Persian, Sorani and Tigrinya writers spell a Swedish name as it sounds (Göteborg
# يوتيبوري, Linköping لينشوبينغ) or letter by letter (غوتنبرغ, كيرونا); Arabic script writes
# few vowels. Both sides are reduced to classes of consonant sounds, vowels left out: B (b p),
# F (f v w), K (k g q, "ng" as NK), S (s z), X (sh: sj, tj, k and sk before e i y ä ö), Y (j,
# g before e i y ä ö), T, D, H, L, M, N, R. Such a match is never sure: the person is asked
# to confirm it.

_SHORTEST_SOUND = 3  # fewer consonants than this match too many names
_MOST_WORDS_FOR_SOUNDS = 3  # besides filler: in a longer message, some word sounds like a name
_FRONT = "(?=[eiyäö])"
_SPOKEN_SWEDISH = [  # in this order
    (r"^[dghl]j", "Y"), (r"stj|skj|sj|sch", "X"), (r"sk" + _FRONT, "X"), (r"tj|kj", "X"),
    (r"xj", "KX"), (r"k" + _FRONT, "X"), (r"ng", "NK"), (r"g" + _FRONT, "Y"), (r"(?<=[rl])g$", "Y"),
]
_SWEDISH_LETTERS = [(r"ck", "K"), (r"ph", "F"), (r"th", "T"), (r"x", "KS"), (r"c(?=[eiy])", "S")]
_CONSONANTS = {
    **dict.fromkeys("bp", "B"), **dict.fromkeys("fvw", "F"), **dict.fromkeys("kgqc", "K"),
    **dict.fromkeys("sz", "S"), "t": "T", "d": "D", "h": "H", "j": "Y", "l": "L", "m": "M",
    "n": "N", "r": "R",
    # Arabic script (Arabic, Persian, Sorani letters)
    **dict.fromkeys("بپ", "B"), **dict.fromkeys("فڤ", "F"), **dict.fromkeys("كکگقغخ", "K"),
    **dict.fromkeys("سصزثظ", "S"), **dict.fromkeys("تط", "T"), **dict.fromkeys("دضذ", "D"),
    **dict.fromkeys("شچژ", "X"), **dict.fromkeys("هھح", "H"), "ج": "Y", **dict.fromkeys("لڵ", "L"),
    "م": "M", "ن": "N", **dict.fromkeys("رڕ", "R"),
}
_ARABIC_GLIDES = {"ي": "Y", "ی": "Y", "و": "F"}  # consonants at the start of a word, else vowels
# Ge'ez writes a syllable per letter, eight to a consonant in Unicode (U+1200 on): the
# consonant of each row of eight, by the row's first letter; አ and ዐ carry a vowel only.
_GEEZ_ROWS = "ሀH ለL ሐH መM ሠS ረR ሰS ሸX ቀK ቈK ቐK ቘK በB ቨF ተT ቸX ኀH ኈH ነN ኘN አ- ከK ኰK ኸK ዀK ወF ዐ- ዘS ዠX የY ደD ዸD ጀY ገK ጐK ጘN ጠT ጨX ጰB ጸS ፀS ፈF ፐB"
for _row in _GEEZ_ROWS.split():
    for _order in range(8):
        _CONSONANTS[chr(ord(_row[0]) + _order)] = _row[1].strip("-")


def _classes(text: str) -> str:
    """`text` (rules applied: upper-case classes; the rest letters) as consonant classes."""
    out = []
    for ch in text:
        sound = ch if ch.isupper() else _CONSONANTS.get(ch, "")
        for part in sound:
            if not out or out[-1] != part:  # "ll", "tt" and "لل" are one sound
                out.append(part)
    return "".join(out)


def swedish_sounds(name: str) -> Set[str]:
    """A Swedish name's consonant sounds, as said and as spelled."""
    word = re.sub(r"[^a-zåäöéü]", "", name.lower())
    spelled = word
    for pattern, sound in _SWEDISH_LETTERS:
        spelled = re.sub(pattern, sound, spelled)
    spoken = word
    for pattern, sound in _SPOKEN_SWEDISH + _SWEDISH_LETTERS:
        spoken = re.sub(pattern, sound, spoken)
    return {_classes(spelled), _classes(spoken)}


def written_sounds(text: str) -> str:
    """Words in Arabic script or Ge'ez as consonant sounds (in Arabic script ي and و count at a
    word's start only, and a final ه is a vowel)."""
    sounds = []
    for word in text.split():
        word = re.sub(r"[هة]$", "", word)
        if word[:1] in _ARABIC_GLIDES:
            word = _ARABIC_GLIDES[word[0]] + word[1:]
        sounds.append(word)
    return _classes("".join(sounds))


def _close_sounds(gram: str) -> List[Tuple[str, float]]:
    """(code, score) of the municipalities whose names sound closest to `gram` (Arabic script,
    Ge'ez), a little below the scores of spellings (it is a guess from fewer letters)."""
    sound = written_sounds(gram)
    if len(sound) < _SHORTEST_SOUND:
        return []
    by_sound = index().by_sound
    return [
        (code, difflib.SequenceMatcher(None, sound, close).ratio() - 0.05)
        for close in difflib.get_close_matches(sound, list(by_sound), n=4, cutoff=0.8)
        for code in by_sound[close]
    ]


def _without_filler(tokens: List[str]) -> List[str]:
    return [t for t in tokens if t not in FILLER]


def content_words(text: str) -> List[str]:
    """The words of `text` that are not filler (a cheap test before `find`)."""
    return _without_filler(_norm(text).split())


def leftover_words(text: str, match: Match) -> List[str]:
    """The words of `text` that are neither the place nor filler."""
    tokens = _norm(text).split()
    return [t for t in tokens if t not in match.covered and t not in FILLER]
