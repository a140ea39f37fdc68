"""The danger words of danger_words.yml, compiled once: `danger_kind(text)` says whether a
message speaks of acute danger ("acute"), of suicide or self-harm ("self_harm"), or of neither
(None). Plain Python, so that the NLU component, the actions and bench/ share one reading."""

import functools
import re
import unicodedata
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

WORDS_FILE = Path(__file__).with_name("danger_words.yml")
KINDS = ("self_harm", "acute")  # self-harm first: its reply carries the acute one's 112 too

# "Nobody is threatening me" is not danger: "nobody" in the three words before a match cancels
# it; a plain "not" only right before it ("jag är inte hotad"). Further back, a plain negation
# belongs to something else: "kan inte ringa dom hör mig", "no phone, been stabbed".
NOBODY = {"ingen", "nobody", "noone", "kimse", "nadie", "personne", "qofna", "aucun", "ninguno"}
NEGATIONS = {"inte", "not", "ima", "no", "pas", "sans", "without", "utan", "never", "aldrig"}
SCRIPT_NEGATIONS = ["ما احد", "لا احد", "ماحد", "محد", "ما حدا", "ماحدا", "هيچ كس", "هيچكس",
                    "هيچ كهس", "كهس ني", "የለን", "ማንም"]

# Arabic-script letters folded to one form: Arabic, Persian and Sorani keyboards differ.
_ARABIC_FOLD = str.maketrans({
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ە": "ه", "ى": "ي", "ی": "ي", "ێ": "ي",
    "ئ": "ي", "ؤ": "و", "ۆ": "و", "ک": "ك", "ڵ": "ل", "ڕ": "ر", "ۊ": "و", "ھ": "ه", "ۀ": "ه",
    "\u200c": None, "\u200d": None, "\u0640": None,
})
_ARABIC_MARKS = re.compile(r"[\u064B-\u065F\u0670\u06D6-\u06ED]")
_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u1200-\u139F]")
_NOT_WORD = re.compile(r"[^\w]+")


def normalise(text: str, fold_latin: bool = True) -> str:
    """Lower case, one form per Arabic-script letter, no apostrophes, every run of punctuation
    or space as one space, with a space at each end; and, with `fold_latin`, no diacritics
    (whole words keep them, so that Turkish "gün" (day) is not "gun")."""
    text = _ARABIC_MARKS.sub("", text.translate(_ARABIC_FOLD)).casefold()
    if fold_latin:
        text = "".join(
            ch for ch in unicodedata.normalize("NFKD", text.replace("ı", "i"))
            if not unicodedata.combining(ch) or _SCRIPT.match(ch)
        )
    else:
        text = unicodedata.normalize("NFC", text)
    text = re.sub(r"['’`´]", "", text)
    return " " + _NOT_WORD.sub(" ", text).strip() + " "


# Letters that Arabic-script words take in front ("and", "with", "the"): a `starts` phrase may
# follow them inside a word (بالسكين), but no other letters (اسکین, skin; ناوچەکەم, my area).
_ATTACHED = ("و", "ف", "ب", "ل", "ال", "بال", "وال", "فال", "لل", "وب", "به")


class Lexicon:
    """The phrases by kind and how each matches: `anywhere` (Arabic script and Ge'ez, whose words
    take prefixes), `start` (Latin: from the start of a word; a `starts` phrase in Arabic script:
    from the start of a word or after an attached letter) or `whole` (only a whole word).
    `except` words are left out before matching: a place named like a weapon (Knivsta)."""

    def __init__(self, words: Dict[str, Dict[str, List[str]]]) -> None:
        self.phrases: List[Tuple[str, str, str]] = []  # (normalised phrase, kind, how it matches)
        self.exceptions: set = set()
        for lang in words.values():
            for kind in KINDS:
                for phrase in lang.get(kind) or []:
                    self._add(normalise(str(phrase)), kind)
            for phrase in lang.get("latin") or []:
                self._add(normalise(str(phrase)), _latin_kind(phrase))
            for phrase in lang.get("starts") or []:
                self.phrases.append((normalise(str(phrase)).strip(), "acute", "start"))
            for phrase in lang.get("whole") or []:
                self.phrases.append((normalise(str(phrase), False).strip(), "acute", "whole"))
            self.exceptions.update(normalise(str(w)).strip() for w in lang.get("except") or [])
        self.patterns = {kind: self._compile(kind) for kind in KINDS}
        self.whole = re.compile("(?=(?:" + "|".join(
            rf"(?<= ){re.escape(phrase)}(?= )" for phrase, _, how in self._longest_first()
            if how == "whole") + "))")

    def _add(self, phrase: str, kind: str) -> None:
        phrase = phrase.strip()
        if phrase:
            self.phrases.append((phrase, kind, "anywhere" if _SCRIPT.search(phrase) else "start"))

    def _longest_first(self) -> List[Tuple[str, str, str]]:
        return sorted(self.phrases, key=lambda p: -len(p[0]))

    def _compile(self, kind: str) -> List["re.Pattern[str]"]:
        """Two patterns: the phrases that begin at a word's start (tried there only: a third of
        the time of trying every phrase at every letter) and those that match anywhere. A
        lookahead finds overlapping matches too: "il frappe" must not hide "frappe ma mere" when
        a negation before it cancels the first."""
        at_start, anywhere = [], []
        attached = "|".join(re.escape(normalise(letters).strip()) for letters in _ATTACHED)
        for phrase, phrase_kind, how in self._longest_first():
            if phrase_kind != kind or how == "whole":
                continue
            escaped = re.escape(phrase)
            if how == "anywhere":
                anywhere.append(escaped)
            elif _SCRIPT.search(phrase):
                at_start.append(rf"(?:{attached})?{escaped}")
            else:
                at_start.append(escaped)
        patterns = [re.compile("(?<= )(?=(?:" + "|".join(at_start) + "))")]
        if anywhere:
            patterns.append(re.compile("(?=(?:" + "|".join(anywhere) + "))"))
        return patterns

    def kind(self, text: str) -> Optional[str]:
        folded = self._without_exceptions(normalise(text))
        for kind in KINDS:
            if any(_unnegated_match(pattern, folded) for pattern in self.patterns[kind]):
                return kind
        whole = self._without_exceptions(normalise(text, False))
        return "acute" if _unnegated_match(self.whole, whole) else None

    def _without_exceptions(self, folded: str) -> str:
        if not self.exceptions:
            return folded
        return " " + " ".join("_" if any(word.startswith(e) for e in self.exceptions) else word
                              for word in folded.split()) + " "


# Arabizi, Finglish and Latin-letter Tigrinya or Sorani: self-harm words are listed by what they
# say; everything else there is acute.
_LATIN_SELF_HARM = ("mot", "mout", "amot", "3ish", "3eesh", "nte7", "nta7", "nti7", "7ali", "7ale",
                    "nafsi", "khodkosh", "bemiram", "zende", "zendegi", "khodamo", "kemot", "kmot",
                    "kemewt", "nebsey", "xokusht", "xom ", "bmrm")


def _latin_kind(phrase: str) -> str:
    return "self_harm" if any(part in phrase for part in _LATIN_SELF_HARM) else "acute"


def _unnegated_match(pattern: "re.Pattern[str]", text: str) -> bool:
    return any(not _negated(text, match.start()) for match in pattern.finditer(text))


def _negated(folded: str, start: int) -> bool:
    before = folded[:start].split()[-3:]
    if NOBODY.intersection(before) or (before and before[-1] in NEGATIONS):
        return True
    window = folded[max(0, start - 20) : start]
    return any(negation in window for negation in SCRIPT_NEGATIONS)


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return Lexicon(yaml.safe_load(WORDS_FILE.read_text(encoding="utf-8")))


def danger_kind(text: str) -> Optional[str]:
    return lexicon().kind(text or "")


def is_danger(text: str) -> bool:
    return danger_kind(text) is not None
