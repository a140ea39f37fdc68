"""The first-contact form's questions with fixed answers: the values the intake service accepts,
the button texts (translation keys) and the words people type instead of pressing a button.

Shared by the actions and by scripts/generate_responses.py (the buttons in domain/responses.yml).
"""

import re
from typing import Dict, List, Optional, Tuple

from vagut.slug import fold

# slot → [(value sent to the intake service, translation key of its button)]
CHOICES: Dict[str, List[Tuple[str, str]]] = {
    "role": [
        ("self", "button.role_self"),
        ("relative", "button.role_relative"),
        ("professional", "button.role_professional"),
    ],
    "concern": [
        ("leaving_crime", "button.concern_leaving_crime"),
        ("worried_about_child", "button.concern_worried_about_child"),
        ("under_threat", "button.concern_under_threat"),
        ("other", "button.concern_other"),
    ],
    "age_group": [
        ("under_18", "button.age_under_18"),
        ("adult", "button.age_adult"),
        ("unknown", "button.age_unknown"),
    ],
    "contact_method": [
        ("receipt_code", "button.method_receipt_code"),
        ("phone", "button.method_phone"),
    ],
}

SKIP = "-"  # the message slot's value when the person skipped it

# What people type instead of pressing a button (folded: no å/ä/ö, lower case), any language.
KEYWORDS: Dict[str, Dict[str, Tuple[str, ...]]] = {
    "role": {
        "self": ("mig", "mej", "sjalv", "jag sjalv", "me", "myself", "moi", "moi meme", "yo mismo",
                 "kendim", "kendimle", "aniga", "nafsad", "نفسي", "خودم", "خۆم", "ባዕለይ",
                 # "it is about me", as people type it
                 "yo", "para mi", "sobre mi", "about me", "for me", "pour moi", "c est moi",
                 "benim icin", "kendim icin", "naftayda", "يخصني", "لنفسي", "عن نفسي", "خودمه",
                 "برای خودم", "خۆمە", "بۆ خۆم", "ርእሰይ", "ብዛዕባ ርእሰይ"),
        "relative": ("mamma", "pappa", "foralder", "anhorig", "van", "kompis", "syster", "bror",
                     "parent", "mother", "father", "mum", "mom", "dad", "friend", "relative",
                     "sister", "brother", "mere", "pere", "madre", "padre", "amigo", "ami",
                     "annem", "babam", "anne", "baba", "annesi", "babasi", "hooyo", "hooyadiis",
                     "aabe", "aabihiis", "walaal", "ام", "أم", "امه", "أمه", "اب", "أب", "ابوه",
                     "أبوه", "والدته", "والده", "اخته", "أخته", "اخوه", "أخوه", "مادر", "مادرش",
                     "پدر", "پدرش", "دایک", "دایکی", "باوک", "باوکی", "ኣደ", "ኣዲኡ", "ኣቦ", "ኣቡኡ",
                     "his mother", "her mother", "mamman", "pappan",
                     # Aunts, uncles, cousins, grandparents, siblings, neighbours (issue 14:
                     # "soy la tía de un chico de 17" was refused again and again).
                     "moster", "faster", "morbror", "farbror", "kusin", "mormor", "farmor",
                     "morfar", "farfar", "slakting", "granne", "aunt", "uncle", "cousin",
                     "grandmother", "grandma", "grandfather", "grandpa", "neighbour", "neighbor",
                     "tia", "tio", "prima", "primo", "abuela", "abuelo", "vecina", "vecino",
                     "hermana", "hermano", "tante", "oncle", "cousine", "grand mere",
                     "grand pere", "voisin", "voisine", "soeur", "frere", "teyze", "hala", "amca",
                     "dayi", "kuzen", "anneanne", "babaanne", "dede", "komsu", "abla", "abi", "kardes", "kardesi",
                     "teyzesi", "teyzesiyim", "halasi", "halasiyim", "amcasi", "amcasiyim",
                     "dayisi", "dayisiyim", "komsusu", "komsusuyum", "ablasi", "ablasiyim",
                     "abisi", "abisiyim",
                     "eedo", "adeer", "abti", "habaryar", "ayeeyo", "awoowe", "deris",
                     "عمة", "عمته", "خالة", "خالته", "عمه", "خاله", "جدة", "جدته", "جده", "جار",
                     "جارة", "جارتي", "جاري", "عمو", "دایی", "مادربزرگ", "پدربزرگ", "همسایه",
                     "خواهر", "برادر", "خوشک", "برا", "دراوسێ", "ሓብቲ", "ሓው", "ጎረቤት"),
        "professional": ("larare", "kurator", "socialsekreterare", "jobbar", "arbetar", "yrke",
                         "teacher", "social worker", "work", "professeur", "travail",
                         "profesor", "trabajo", "ogretmen", "calisiyorum", "macalin", "shaqo"),
    },
    "concern": {
        "leaving_crime": ("lamna", "hoppa av", "avhopp", "ut ur", "leave", "quit", "get out",
                          "quitter", "dejar", "salir", "birak", "ka bax", "ترك", "ترک", "جێهێشتن"),
        "worried_about_child": ("barn", "son", "dotter", "tonaring", "child", "kid", "teen",
                                "enfant", "fils", "fille", "hijo", "hija", "cocuk", "ogul", "kiz",
                                "ilmo", "wiil", "gabadh", "طفل", "ابن", "بنت", "فرزند", "بچه",
                                "منداڵ", "ቆልዓ", "ውላድ"),
        "under_threat": ("hot", "hotad", "hotar", "threat", "threatened", "menace", "amenaza",
                         "amenazado", "tehdit", "hanjab", "تهديد", "تهدید", "هەڕەشە", "ፍርሒ"),
        "other": ("annat", "nagot annat", "other", "else", "autre", "otra", "otro", "baska",
                  "kale", "آخر", "دیگر", "تر", "ካልእ"),
    },
    "age_group": {
        "under_18": ("under 18", "barn", "ung", "tonaring", "minor", "child", "teen", "mineur",
                     "menor", "cocuk", "ka yar"),
        "adult": ("vuxen", "over 18", "adult", "grown", "adulte", "adulto", "yetiskin",
                  "qof weyn"),
        "unknown": ("vet inte", "vet ej", "osaker", "dont know", "don't know", "not sure",
                    "je ne sais pas", "no se", "bilmiyorum", "ma garanayo", "لا أعرف", "نمی‌دانم",
                    "نمیدانم", "نازانم", "ኣይፈልጥን"),
    },
    "contact_method": {
        "receipt_code": ("kod", "kvitto", "kvittokod", "kvittokoden", "koden", "kvittokod tack",
                         "anonymt", "anonym", "code", "receipt", "anonymous", "codigo",
                         "anonimo", "kod", "makbuz", "koodh", "رمز", "کد", "کۆد", "ኮድ"),
        "phone": ("ring", "telefon", "phone", "call", "appel", "appelez", "llam", "telefono",
                  "ara", "wac", "اتصل", "هاتف", "تماس", "تلفن", "تەلەفۆن", "ደውል"),
    },
}

_NUMBER = re.compile(r"(?<!\d)(\d{1,3})(?!\d)")
# "Ring inte, han hör" (don't call, he hears) must never be read as "call me": a typed answer to
# how to be answered that says no is not taken as an option, and the question is asked again
# (112 first). Only there: "vet inte" (don't know) is an answer to the age question.
NEGATIONS = {"inte", "ej", "not", "dont", "don", "never", "no", "ne", "pas", "nunca", "ma", "ha",
             "yok", "etme", "lutfen", "aramayin", "aramayın", "لا", "ما", "مو", "مش", "نه", "نکن",
             "مەکە", "مەکەن", "ኣይ", "ኣይትደውሉ", "ኣይትደውል"}


def match_choice(slot: str, text: str, titles: Dict[str, List[str]]) -> Optional[str]:
    """The value `text` stands for, or None. `titles`: value → its button texts in every
    language. Tries: a button's text, the option's number ("2"), an age, then keywords."""
    folded = fold(text).strip(" .!?")
    if not folded:
        return None
    options = [value for value, _ in CHOICES[slot]]
    for value in options:
        for title in titles.get(value, []):
            if folded == fold(title):
                return value
    if folded.isdigit():
        number = int(folded)
        if slot == "age_group" and number >= 5:
            return "under_18" if number < 18 else "adult"
        if 1 <= number <= len(options):
            return options[number - 1]
        return None
    if slot == "age_group":
        ages = [int(n) for n in _NUMBER.findall(folded) if 5 <= int(n) <= 110]
        if ages:
            return "under_18" if ages[0] < 18 else "adult"
    hits = []
    words = set(re.findall(r"[^\W_]+", folded))
    if slot == "contact_method" and (words & NEGATIONS or "n't" in text or "aramay" in folded):
        return None
    for value in options:
        for keyword in KEYWORDS[slot].get(value, ()):
            if (" " in keyword and keyword in folded) or keyword in words:
                hits.append(value)
                break
    if len(set(hits)) == 1:
        return hits[0]
    for value in options:  # a longer answer that contains a button's whole text
        for title in titles.get(value, []):
            if len(fold(title)) >= 4 and fold(title) in folded:
                return value
    return None
