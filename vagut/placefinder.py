"""Where a text points: a municipality's name, another name for it, a district, a locality or a
postal code, written any way people write it.

One algorithm in two runtimes: this module (the chat and the intake service) and
theme/assets/places.js (the site's search), both over the compiled directory's `places` data
(vagut.directory). tests/places/cases.yml runs against both; change them together.

- Exact: a postal code (its own locality; an unknown code by its first three digits when they
  belong to one municipality), a name, an official name ("Göteborgs stad", "Region Gotland"),
  another name ("Gothenburg"), a district ("Rinkeby") or a locality. A name beats a district,
  a district a locality (which is then offered too); two places of one name and kind
  (a locality in several municipalities) are a question.
- Not sure: close spellings (Damerau-Levenshtein, 1 typo from 5 letters, 2 from 9: in a word
  of four, one typo makes another word, "står" "Skår"), the start of a longer name when it is
  all there is (as far off as one typo), and names in Arabic script or Ge'ez by their sounds.

Stdlib only: the chatbot's Python 3.10 imports it.
"""

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from vagut.sounds import letter_classes

# What kind of name a key is, best first: ties in a match go to the lower kind.
NAME, OFFICIAL, OTHER, DISTRICT, LOCALITY = range(5)
KIND_NAMES = ("name", "official", "other", "district", "locality")
SOUND_PENALTY = 0.25  # a guess from a few consonants ranks below a spelling as far off
SHORTEST_SOUND = 3
MOST_WORDS_FOR_SOUNDS = 3  # in a longer message, some word always sounds like a name
LONGEST_NAME = 4  # words
# Turkish locative and ablative endings, longest first (Malmö'de is two words once folded), and
# the Kurmanji oblique after "li" (in): "li Göteborgê", "li Malmoyê".
CASE_ENDINGS = ("dan", "den", "tan", "ten", "da", "de", "ta", "te", "ye", "e")
# The ablative (three letters) is rare enough at the end of other words to be read on a
# locality's name too: "akersbergadan" (from Åkersberga).
LOCALITY_ENDINGS = ("dan", "den", "tan", "ten")

# Arabic-Indic and Persian digits, as typed on an Arabic or Persian keyboard.
_DIGITS = {chr(first + i): str(i) for first in (0x660, 0x6F0) for i in range(10)}
_POSTAL = re.compile(r"(?<!\d)(\d{3}) ?(\d{2})(?!\d)")
_LATIN_OR_DIGIT = re.compile(r"[a-z0-9]")


def norm(text: str) -> str:
    """Lower case, accents and marks removed (å → a, أ → ا), Arabic-Indic digits as 0-9, and
    everything but letters and digits a single space. ئ carries a vowel (Sorani writes every
    initial vowel on it: ئۆرێبرۆ, Örebro) and becomes ا, not the ي its decomposition gives."""
    lowered = text.lower().replace("ı", "i").replace("ئ", "ا")
    decomposed = unicodedata.normalize("NFKD", lowered)
    out = []
    for ch in decomposed:
        if unicodedata.category(ch).startswith("M"):
            continue
        ch = _DIGITS.get(ch, ch)
        out.append(ch if ch.isalpha() or ch.isdigit() else " ")
    return " ".join("".join(out).split())


def allowed_typos(length: int) -> int:
    return 2 if length >= 9 else 1 if length >= 5 else 0


def allowed_sound_errors(length: int) -> int:
    return 2 if length >= 10 else 1 if length >= 5 else 0


def distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (optimal string alignment), or limit + 1 once it is past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        best = row[0]
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, previous2[j - 2] + 1)
            row[j] = value
            best = min(best, value)
        if best > limit:
            return limit + 1
        previous2, previous = previous, row
    return previous[len(b)]


@dataclass
class Option:
    municipality: int  # index into the data's "m"
    via: str  # name, official, other, district, locality, postal, postal_prefix, typo, start, sound
    label: str  # what matched, as written in the data ("Rinkeby", "Spånga", "Stockholm")


@dataclass
class Found:
    """`sure`: one municipality, an answer. `options`: besides it, or (when not sure) the
    questions to ask, most likely first. `covered`: the words of the text the match used."""

    sure: Option | None = None
    options: list[Option] = field(default_factory=list)
    covered: set[str] = field(default_factory=set)


class PlaceFinder:
    def __init__(self, places: dict) -> None:
        self.municipalities: list[list] = places["m"]
        words = places["words"]
        self.filler: set[str] = set(words["filler"])
        self.common: set[str] = set(words["common"])
        self.not_postal: set[str] = set(words["not_postal"])
        self.keys: dict[str, list[tuple[int, int, str]]] = {}  # key → (kind, municipality, label)
        for index, (name, _slug, *official) in enumerate(self.municipalities):
            self._add(name, NAME, index, name)
            self._add(norm(name) + "s", NAME, index, name)
            self._add(official[0] if official else name + " kommun", OFFICIAL, index, name)
        for table, kind in (("o", OTHER), ("d", DISTRICT), ("l", LOCALITY)):
            for label, index in places[table]:
                # A post town named after a neighbouring municipality (Södertälje's codes in
                # Salem and Nykvarn) does not make that name point at the neighbour.
                if kind == LOCALITY and self._names_another(norm(label), index):
                    continue
                self._add(label, kind, index, label)
        self.by_length: dict[int, list[str]] = {}
        for key in self.keys:
            self.by_length.setdefault(len(key), []).append(key)
        self.postal: dict[str, tuple[int, str]] = {}
        self.prefixes: dict[str, dict[int, int]] = {}
        code = locality = 0
        for code_step, locality_step in zip(places["pc"], places["pl"], strict=True):
            code += code_step
            locality += locality_step
            label, owner = places["l"][locality]
            text = str(code).zfill(5)
            self.postal[text] = (owner, label)
            counts = self.prefixes.setdefault(text[:3], {})
            counts[owner] = counts.get(owner, 0) + 1
        sound = places["sound"]
        self.classes = letter_classes(sound["letters"], sound["geez"])
        self.glides = {letter: cls for letters, cls in sound["glides"] for letter in letters}
        self.sounds: list[tuple[str, int, str]] = []  # (consonant sounds, municipality, label)
        named = [(name, index) for index, (name, *_) in enumerate(self.municipalities)]
        heard = places["sm"] + places["sd"]
        for (label, index), sounds in zip(named + places["d"], heard, strict=True):
            self.sounds += [(sound, index, label) for sound in sounds.split()]

    def _names_another(self, key: str, index: int) -> bool:
        return any(k == NAME and i != index for k, i, _ in self.keys.get(key, ()))

    def _add(self, text: str, kind: int, index: int, label: str) -> None:
        key = norm(text)
        entries = self.keys.setdefault(key, [])
        if not any(k == kind and i == index for k, i, _ in entries):
            entries.append((kind, index, label))

    # -- the search ----------------------------------------------------------------------------

    def find(
        self, text: str, typos: bool = True, sounds: bool = True, limit: int = 4,
        asked: bool = False,
    ) -> Found:  # fmt: skip
        """Where `text` points. Never guesses silently: anything but one sure hit is a question.
        `typos=False` skips the costly search for close spellings where only a sure hit would
        matter; `sounds=False` skips names in Arabic script or Ge'ez (only where a place is
        expected do such guesses make sense: "سلام" sounds like Salem). `asked`: the text
        answers "where?", so a name that is also a common word, with nothing but filler around
        it, is the name ("vi bor i Handen")."""
        normalised = norm(text)
        found = self._postal(normalised, limit)
        if found is not None:
            return found
        tokens = normalised.split()
        if not tokens:
            return Found()
        whole = " ".join(t for t in tokens if t not in ("kommun", "kommunen", "municipality"))
        found = self._exact(tokens, whole, limit, asked)
        if found is not None or not typos:
            return found or Found()
        return self._close(tokens, sounds, limit)

    def _case_ending(self, word: str) -> list[tuple[int, int, str]]:
        """A name with a Turkish or Kurmanji case ending written on ("malmoda", "kirunadan",
        "goteborge"): the name's entries, if it is a municipality's name or a district's, or a
        locality's of six letters or more before an ablative (too many words end in -de or
        -ta)."""
        for ending in CASE_ENDINGS:
            base = word.removesuffix(ending)
            if base != word and len(base) >= 4 and " " not in word:
                locality = ending in LOCALITY_ENDINGS and len(base) >= 6
                entries = [
                    e
                    for e in self.keys.get(base, ())
                    if e[0] <= DISTRICT or (locality and e[0] == LOCALITY)
                ]
                if entries:
                    return entries
        return []

    def _postal(self, normalised: str, limit: int) -> Found | None:
        for first, last in _POSTAL.findall(normalised):
            code = first + last
            if code in self.not_postal:
                continue
            covered = {first, last, code}
            if code in self.postal:
                owner, label = self.postal[code]
                return Found(sure=Option(owner, "postal", label), covered=covered)
            owners = self.prefixes.get(first, {})
            ranked = sorted(owners, key=lambda m: (-owners[m], m))
            if len(ranked) == 1:
                name = self.municipalities[ranked[0]][0]
                return Found(sure=Option(ranked[0], "postal_prefix", name), covered=covered)
            if ranked:
                options = [Option(m, "postal_prefix", self.municipalities[m][0]) for m in ranked]
                return Found(options=options[:limit], covered=covered)
        return None

    def _exact(self, tokens: list[str], whole: str, limit: int, asked: bool) -> Found | None:
        hits: list[tuple[int, int, int, str, set[str], str]] = []
        content = [t for t in tokens if t not in self.filler]
        for order, (gram, used) in enumerate(_grams(tokens, LONGEST_NAME)):
            # Asked "where?", a common word that is all the answer says besides filler is the
            # name ("vi bor i Handen"), never one word among others ("bara säg numret").
            common = gram in self.common and not (asked and content == gram.split())
            if gram != whole and (common or len(gram) < 4):
                continue
            for kind, index, label in self.keys.get(gram) or self._case_ending(gram):
                hits.append((kind, order, index, label, used, gram))
        if not hits:
            return None
        hits.sort(key=lambda hit: (hit[0], hit[1], hit[2]))
        kind, _, index, label, used, gram = hits[0]
        same_gram = [hit for hit in hits if hit[5] == gram]
        owners = _unique(hit[2] for hit in same_gram)
        if len(_unique(hit[2] for hit in same_gram if hit[0] == kind)) > 1:
            # Two places of one name and kind (Adolfsberg in Örebro and in Helsingborg): ask.
            options = [Option(i, KIND_NAMES[kind], label) for i in owners]
            return Found(options=options[:limit], covered=set(used))
        sure = Option(index, KIND_NAMES[kind], label)
        kinds = {hit[2]: hit[0] for hit in reversed(same_gram)}  # each owner's best kind
        options = [Option(i, KIND_NAMES[kinds[i]], label) for i in owners if i != index]
        return Found(sure=sure, options=options[: limit - 1], covered=set(used))

    def _close(self, tokens: list[str], sounds: bool, limit: int) -> Found:
        scored: list[tuple[float, int, int, str, set[str], str]] = []
        content = [t for t in tokens if t not in self.filler]
        few_words = len(content) <= MOST_WORDS_FOR_SOUNDS
        for gram, used in _grams(tokens, 2):
            if gram in self.filler or gram in self.common:
                continue
            if _LATIN_OR_DIGIT.search(gram):
                if len(gram) >= 4 and not gram.isdigit():
                    # The start of a name only when it is all there is: someone still typing.
                    starts = content == [gram]
                    scored += [(*hit, used) for hit in self._spellings(gram, starts)]
            elif sounds and few_words and not self.filler.intersection(used):
                scored += [(*hit, used) for hit in self._sounds(gram)]
        scored.sort(key=lambda hit: (hit[0], hit[1], hit[2]))
        options: list[Option] = []
        covered: set[str] = set()
        for _score, _kind, index, label, via, used in scored:
            covered |= used
            if all(option.municipality != index for option in options):
                options.append(Option(index, via, label))
        return Found(options=options[:limit], covered=covered if options else set())

    def _spellings(self, gram: str, starts: bool) -> Iterator[tuple[float, int, int, str, str]]:
        """(score, kind, municipality, label, via) of the keys spelled close to `gram`, or (if
        `starts`) that start with it. Typos rarely hit both of the first two letters: a key must
        share one."""
        limit = allowed_typos(len(gram))
        for length in range(len(gram) - limit, len(gram) + limit + 1):
            for key in self.by_length.get(length, ()):
                if key[:1] != gram[:1] and key[1:2] != gram[1:2]:
                    continue
                errors = distance(gram, key, limit)
                if errors <= limit:
                    for kind, index, label in self.keys[key]:
                        yield errors, kind, index, label, "typo"
        if starts:
            for key, entries in self.keys.items():
                if len(key) > len(gram) + limit and key.startswith(gram):
                    for kind, index, label in entries:
                        yield 1, kind, index, label, "start"  # as far off as one typo

    def _sounds(self, gram: str) -> Iterator[tuple[float, int, int, str, str]]:
        sound = self.written_sounds(gram)
        if len(sound) < SHORTEST_SOUND:
            return
        limit = allowed_sound_errors(len(sound))
        for key, index, label in self.sounds:
            errors = distance(sound, key, limit)
            if errors <= limit:
                kind = NAME if label == self.municipalities[index][0] else DISTRICT
                yield errors + SOUND_PENALTY, kind, index, label, "sound"

    def written_sounds(self, text: str) -> str:
        """Arabic script or Ge'ez as consonant classes: ي ی و count at a word's start only, and
        a final ه or ة is a vowel."""
        out: list[str] = []
        for word in text.split():
            if word[-1:] in ("ه", "ة"):
                word = word[:-1]
            letters = [self.glides[word[0]]] if word[:1] in self.glides else []
            for ch in word[len(letters) :]:
                letters.append(self.classes.get(ch, ""))
            for sound in "".join(letters):
                if not out or out[-1] != sound:
                    out.append(sound)
        return "".join(out)


def _grams(tokens: list[str], longest: int) -> Iterator[tuple[str, set[str]]]:
    """Runs of 1..`longest` words, longest first, left to right."""
    for size in range(min(longest, len(tokens)), 0, -1):
        for start in range(len(tokens) - size + 1):
            yield " ".join(tokens[start : start + size]), set(tokens[start : start + size])


def _unique(values: Iterator[int]) -> list[int]:
    seen: list[int] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen
