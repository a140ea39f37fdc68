"""Names written as they sound, in Arabic script (Arabic, Persian, Sorani) or Ge'ez (Tigrinya).

Writers spell a Swedish name as it sounds (Göteborg يوتيبوري, Linköping لينشوبينغ) or letter by
letter (غوتنبرغ, كيرونا); Arabic script writes few vowels. Both sides are reduced to classes of
consonant sounds, vowels left out: B (b p), F (f v w), K (k g q, "ng" as NK), S (s z), X (sh: sj,
tj, k and sk before e i y ä ö), Y (j, g before e i y ä ö), T, D, H, L, M, N, R. A match by sound
is never sure: the person is asked to confirm it.

`swedish_sounds` runs when the directory is compiled (vagut.directory); the table of letters is
shipped in the compiled file, and the query side (`written_sounds`) is written twice, in
vagut/placefinder.py and theme/assets/places.js, over that one table. Stdlib only: the
chatbot's Python 3.10 imports it.
"""

import re

# Arabic-script letters by sound class (Arabic, Persian and Sorani letters).
ARABIC_LETTERS = [
    ["بپ", "B"], ["فڤ", "F"], ["كکگقغخ", "K"], ["سصزثظ", "S"], ["تط", "T"], ["دضذ", "D"],
    ["شچژ", "X"], ["هھح", "H"], ["ج", "Y"], ["لڵ", "L"], ["م", "M"], ["ن", "N"], ["رڕ", "R"],
]  # fmt: skip
# Consonants at the start of a word, vowels elsewhere.
ARABIC_GLIDES = [["يی", "Y"], ["و", "F"]]
# Ge'ez writes a syllable per letter, eight to a consonant in Unicode (U+1200 on): the consonant
# of each row of eight, by the row's first letter; አ and ዐ carry a vowel only ("-").
GEEZ_ROWS = (
    "ሀH ለL ሐH መM ሠS ረR ሰS ሸX ቀK ቈK ቐK ቘK በB ቨF ተT ቸX ኀH ኈH ነN ኘN አ- ከK ኰK ኸK ዀK ወF ዐ- ዘS "
    "ዠX የY ደD ዸD ጀY ገK ጐK ጘN ጠT ጨX ጰB ጸS ፀS ፈF ፐB"
)
LATIN_LETTERS = [
    ["bp", "B"], ["fvw", "F"], ["kgqc", "K"], ["sz", "S"], ["t", "T"], ["d", "D"], ["h", "H"],
    ["j", "Y"], ["l", "L"], ["m", "M"], ["n", "N"], ["r", "R"],
]  # fmt: skip
SHORTEST_SOUND = 3  # fewer consonants than this match too many names


def letter_classes(table: list[list[str]], geez_rows: str) -> dict[str, str]:
    """Every letter → its consonant class ("" for a vowel carrier), from the shipped table."""
    classes = {letter: sound for letters, sound in table for letter in letters}
    for row in geez_rows.split():
        for order in range(8):
            classes[chr(ord(row[0]) + order)] = row[1].strip("-")
    return classes


CLASSES = letter_classes(LATIN_LETTERS + ARABIC_LETTERS, GEEZ_ROWS)

_FRONT = "(?=[eiyäö])"
_SPOKEN_SWEDISH = [  # in this order
    (r"^[dghl]j", "Y"), (r"stj|skj|sj|sch", "X"), (r"sk" + _FRONT, "X"), (r"tj|kj", "X"),
    (r"xj", "KX"), (r"k" + _FRONT, "X"), (r"ng", "NK"), (r"g" + _FRONT, "Y"), (r"(?<=[rl])g$", "Y"),
]  # fmt: skip
_SWEDISH_LETTERS = [(r"ck", "K"), (r"ph", "F"), (r"th", "T"), (r"x", "KS"), (r"c(?=[eiy])", "S")]


def classes_of(text: str, classes: dict[str, str] = CLASSES) -> str:
    """`text` (upper-case letters already classes; the rest letters) as consonant classes."""
    out: list[str] = []
    for ch in text:
        sound = ch if "A" <= ch <= "Z" else classes.get(ch, "")
        for part in sound:
            if not out or out[-1] != part:  # "ll", "tt" and "لل" are one sound
                out.append(part)
    return "".join(out)


def swedish_sounds(name: str) -> set[str]:
    """A Swedish name's consonant sounds, as said and as spelled."""
    word = re.sub(r"[^a-zåäöéü]", "", name.lower())
    spelled = word
    for pattern, sound in _SWEDISH_LETTERS:
        spelled = re.sub(pattern, sound, spelled)
    spoken = word
    for pattern, sound in _SPOKEN_SWEDISH + _SWEDISH_LETTERS:
        spoken = re.sub(pattern, sound, spoken)
    sounds = {classes_of(spelled), classes_of(spoken)}
    if re.search(r"[rl]g$", word):
        # "-borg" is said "-borj", and written in Arabic script or Ge'ez with a vowel for the j
        # (يوتيبوري, ዮተቦሪ): Göteborg as YTBR as well as YTBRY.
        sounds.add(classes_of(spoken).removesuffix("Y"))
    return sounds
