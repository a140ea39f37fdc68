"""The first-contact form's questions with fixed answers: the values the intake service accepts,
the button texts (translation keys) and the words people type instead of pressing a button.

Shared by the actions and by scripts/generate_responses.py (the buttons in domain/responses.yml).
"""

import functools
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
# What people type for "nothing to add" when asked for their message (folded, whole message).
NOTHING = {"nej", "nej tack", "inget", "ingenting", "inget mer", "skippa", "skip", "hoppa over",
           "no", "nope", "nothing", "nothing to add", "nah", "non", "rien", "rien a ajouter",
           "passer", "nada", "no gracias", "saltar", "hayir", "yok", "hicbir sey", "atla", "maya",
           "waxba", "maya waxba", "ka bood", "لا", "لا شي", "لا شيء", "ولا شي", "مافي", "تخطى",
           "هیچی", "هیچ", "نه", "رد کن", "نەخێر", "هیچ شتێک", "تێپەڕاندن", "የለን", "ሕለፍ",
           "ምንም", "ኣይፋል", "non merci", "tune", "tiştek tune", "na", "yelen", "yeleyn", "የለን ኣይፋል"}

# What people type instead of pressing a button, any language. Compared folded (`fold_answer`:
# lower case, no diacritics, one form per Arabic-script letter, Western digits). A Latin keyword
# of four letters or more also matches the start of a word ("annesi" in "annesiyim", "llam" in
# "llamame"); an Arabic-script or Ge'ez one of three letters or more matches inside a word, since
# words take prefixes and suffixes there ("دوست" in "دوستشم", "اتصل" in "اتصلوا"). Several words
# match as a phrase. The option with the most keywords wins; a tie is not an answer.
KEYWORDS: Dict[str, Dict[str, Tuple[str, ...]]] = {
    "role": {
        "self": ("mig", "mej", "sjalv", "jag sjalv", "om mig", "det ar jag", "mitt eget",
                 "soy yo", "انا نفسي", "خودمم", "ez bi xwe", "bi xwe", "ji bo min",
                 "ኣነ ባዕለይ",
                 "myself", "about me", "for me", "its me", "my own", "moi meme", "pour moi", "c est moi", "ca me concerne",
                 "yo mismo", "yo misma", "para mi", "sobre mi", "se trata de mi",
                 "kendim", "kendimle", "benim icin", "kendim icin", "benimle", "bana",
                 "aniga", "nafsad", "naftayda", "khusaysaa", "i khusaysaa",
                 "نفسي", "يخصني", "لنفسي", "عن نفسي", "عني",
                 "خودم", "برای خودم", "خۆم", "بۆ خۆم",
                 "ባዕለይ", "ርእሰይ", "ብዛዕባ ርእሰይ", "ብዛዕባይ", "ብዛዕባኻይ", "ናተይ", "ንዓይ",
                 "عشاني", "علشاني", "c moi", "cest moi", "cmoi"),
        "relative": (
            # sv
            "mamma", "pappa", "foralder", "anhorig", "van", "vannina", "kompis", "syster", "bror",
            "brorsa", "syrra", "son", "sonen", "dotter", "barn", "mitt barn", "min son",
            "min dotter", "kille", "tjej", "flickvan", "pojkvan", "sambo", "fru", "make", "maka",
            "familj", "moster", "faster", "morbror", "farbror", "kusin", "mormor", "farmor",
            "morfar", "farfar", "slakting", "granne", "mamman", "pappan",
            # en
            "parent", "mother", "father", "mum", "mom", "dad", "friend", "relative", "sister",
            "brother", "daughter", "my son", "my daughter", "my child", "girlfriend",
            "boyfriend", "wife", "husband", "partner", "family", "aunt", "uncle", "cousin",
            "grandmother", "grandma", "grandfather", "grandpa", "neighbour", "neighbor",
            # fr, es
            "mere", "pere", "maman", "papa", "ami", "amie", "copain", "copine", "proche", "pote",
            "daronne", "daron", "cousin",
            "frere", "soeur", "fils", "fille", "femme", "mari", "tante", "oncle", "cousine",
            "grand mere", "grand pere", "voisin", "voisine", "famille",
            "madre", "padre", "mama", "amigo", "amiga", "familiar", "hermano", "hermana", "hijo",
            "hija", "novia", "novio", "esposa", "esposo", "pareja", "tia", "tio", "prima",
            "primo", "abuela", "abuelo", "vecina", "vecino",
            # tr
            "annem", "babam", "anne", "baba", "annesi", "babasi", "oglum", "kizim", "arkadas",
            "akraba", "yakini", "sevgili", "nisanli", "esi", "esiyim", "kocasi", "karisi",
            "teyze", "hala", "amca", "dayi", "kuzen", "anneanne", "babaanne", "dede", "komsu",
            "abla", "abi", "kardes",
            # so
            # ku (Kurmanji)
            "diya", "dayika", "bave", "bavê", "biraye", "birayê", "xwisk", "xwişk", "kure min",
            "keca min", "heval", "jina", "mere", "pismam", "xal", "met",
            "hooyo", "hooyadiis", "walaash", "aabbe", "aabbihiis", "aabbaha", "aabe", "aabihiis", "walaal", "saaxiib", "qaraabo", "wiilkayga",
            "gabadhayda", "ninkayga", "naagtayda", "eedo", "eeddo", "eedda", "eeddadiis",
            "habaryartiis", "adeer", "abti", "habaryar",
            "ayeeyo", "awoowe", "deris",
            # ar
            "ام", "اب", "امه", "ابوه", "والدته", "والده", "امي", "ابوي", "ابني", "بنتي", "ولدي",
            "مامته", "مامتو", "ماما", "ابن عم", "بنت عم", "ابن خال", "بنت خال",
            "اخته", "اخوه", "اخي", "اخوي", "اختي", "صديق", "صاحب", "رفيق", "زوجي", "زوجتي",
            "جوزي", "مرتي", "خطيب", "عمة", "عمته", "خالة", "خالته", "عمه", "خاله", "جدة", "جدته",
            "جده", "جار", "جارة", "عمو", "قريب",
            # fa
            "مادر", "پدر", "مامان", "بابا", "پسرم", "دخترم", "دوست", "رفیق", "خواهر", "برادر",
            "داداش", "ابجی", "شوهر", "همسر", "نامزد", "خاله", "عمه", "دایی", "مادربزرگ",
            "پدربزرگ", "همسایه", "فامیل", "خویشاوند",
            # ku
            "دایک", "باوک", "کوڕەکەم", "کچەکەم", "برا", "خوشک", "هاوڕێ", "خزم", "مێرد",
            "پوور", "پووری", "مام", "خاڵ", "ئامۆزا",
            "هاوسەر", "دراوسێ",
            # ti
            "ኣደ", "ኣደኡ", "ኣዲኡ", "ኣቦ", "ኣቡኡ", "ወደይ", "ጓለይ", "ሓብቲ", "ሓፍተይ", "ሓው", "ሓወይ",
            "ዓርኪ", "ዓርኩ", "ዓርካ", "ዓርከይ", "ቤተሰብ", "ሰበይተይ", "ሰብኣየይ", "ጎረቤት",
            "ሓትኑ", "ሓትና", "ሓትነ", "ኣኮ", "ኣኮኡ", "ሓወቦ", "ሓብቱ", "ሓብታ", "ሓብተይ", "ኣቦኡ",
            "ኣቦኣ", "ኣዲኣ", "ሓዉ", "ሓፍቱ", "ሓፍታ", "ሓፍቲ",
            # slang and Latin-letter forms (set 8): a mate, his uncle, his big brother
            "polare", "polaren", "xale wi", "xale we", "abisiyim", "ablasiyim", "kanka", "kankam",
            "hawu", "hawwu", "hafti", "hawey",
        ),
        "professional": (
            "larare", "kurator", "socialsekreterare", "fritidsledare", "jobbar", "arbetar",
            "yrke", "skola", "faltare",
            "teacher", "social worker", "youth worker", "counsellor", "counselor", "coach",
            "school", "work", "i work",
            "professeur", "prof", "enseignant", "educateur", "educatrice", "travail",
            "travaille", "bosse", "maison de quartier", "assistante sociale", "assistant social", "animateur", "ecole",
            "profesor", "profesora", "educador", "educadora", "trabajo", "trabajador",
            "trabajadora", "colegio", "escuela", "orientador",
            "ogretmen", "calisiyorum", "calisan", "sosyal hizmet", "okul",
            "macalin", "macallin", "shaqo", "shaqeeya", "dugsi", "iskuul",
            "مدرس", "معلم", "اشتغل", "اعمل", "موظف", "اخصائي", "مدرسة", "شغلي",
            "مددکار", "کار میکنم", "کار می کنم", "مدرسه", "مشاور",
            "مامۆستا", "کار دەکەم", "قوتابخانە",
            "መምህር", "እሰርሕ", "ቤት ትምህርቲ", "ሰራሕተኛ",
        ),
    },
    "concern": {
        "leaving_crime": ("lamna", "sluta", "hoppa av", "avhopp", "ut ur", "kriminal", "brott",
                          "getting out", "get away", "komma ur", "komma bort", "bort fran",
                          "leave", "quit", "get out", "crime", "criminal",
                          "quitter", "sortir", "arreter", "delinquance",
                          "dejar", "salir", "crimen", "delito",
                          "birak", "cikmak", "suc", "suctan",
                          "ka bax", "ka baxo", "dambi",
                          "ترك", "اطلع", "يطلع", "جريمه", "اجرام", "ابطل", "ابعد",
                          "ترک", "جرم", "بیرون",
                          "جێهێشتن", "وازهێنان", "تاوان",
                          "ምግዳፍ", "ክገድፍ", "ክወጽእ", "ገበን", "bli kvitt", "kwetsie", "kwtsie",
                          "gujle", "gebenh"),
        "worried_about_child": ("barn", "son", "dotter", "tonaring", "orolig", "ung", "oro",
                                "kille", "tjej", "elev", "student", "pupil", "eleve", "alumno",
                                "arday", "ogrenci", "شاگرد", "طالب", "قوتابی",
                                "child", "kid", "teen", "worried", "worry",
                                "enfant", "fils", "fille", "jeune", "inquiet", "inquiete",
                                "hijo", "hija", "joven", "nino", "preocupad",
                                "cocuk", "ogul", "oglum", "kizim", "genc", "endise",
                                "ilmo", "wiil", "gabadh", "walwal",
                                "طفل", "ابن", "ابني", "بنت", "ولد", "قلق", "خايف",
                                "فرزند", "بچه", "پسر", "دختر", "نگران", "پریشان", "بچیم",
                                "منداڵ", "کوڕ", "کچ", "نیگەران",
                                "ቆልዓ", "ቖልዓ", "ውላድ", "ወደይ", "ጓለይ", "ጨነቕ"),
        "under_threat": ("hot", "hotad", "hotar", "hotade", "threat", "threatened",
                         "menace", "menacee", "amenaza", "amenazado", "amenazada", "tehdit",
                         "hanjab", "تهديد", "مهدد", "تهدید", "هەڕەشە", "ፍርሒ", "ፈራርሕ"),
        "other": ("annat", "nagot annat", "other", "something else", "else", "autre",
                  "autre chose", "otra", "otro", "otra cosa", "baska", "kale", "wax kale",
                  "اخر", "ثاني", "شي ثاني", "تاني", "تانيه", "حاجه تانيه", "دیگه", "دیگر", "تر",
                  "شتێکی تر", "دیکە", "شتێکی دیکە", "ካልእ", "tisteki din", "tistek din"),
    },
    "age_group": {
        "under_18": ("under 18", "minderarig", "barn", "ung", "tonaring", "minor", "child",
                     "kid", "teen", "mineur", "menor", "cocuk", "ka yar", "قاصر", "صغير",
                     "بچه", "نوجوان", "منداڵ", "مێرمنداڵ", "zarok", "ቆልዓ", "ንእሽቶ", "yar"),
        "adult": ("vuxen", "over 18", "adult", "grown", "adulte", "majeur", "adulto",
                  "mayor de edad", "mayor", "yetiskin", "qof weyn", "ka weyn", "buyuk", "resit", "بالغ",
                  "راشد", "كبير", "بزرگسال", "گەورە", "mezin", "ዓቢ ሰብ", "ዓቢ", "ዓባይ"),
        "unknown": ("vet inte", "vet ej", "vet int", "ingen aning", "osaker",
                    "dont know", "don t know", "no idea", "not sure", "dunno", "idk",
                    "no clue", "مش عارف", "مش عارفه", "مو عارف", "ما عرف",
                    "je ne sais pas", "je sais pas", "sais pas", "jsais pas", "jsp", "no se",
                    "no lo se", "ni idea", "bilmiyorum", "bilmiyom", "bilmem", "nizanim", "nizanum", "ma garanayo", "ma aqaan", "lama garanayo",
                    "لا اعرف", "ما اعرف", "ما بعرف", "مابعرف", "معرفش", "ما ادري", "مدري",
                    "نمیدانم", "نمیدونم", "نمی دانم", "نمی دونم", "نازانم", "ኣይፈልጥን"),
    },
    "contact_method": {
        "receipt_code": ("kod", "koden", "kvitto", "kvittokod", "anonym", "anonymt", "code",
                         "receipt",
                         "anonymous", "codigo", "anonimo", "recu", "anonyme", "makbuz", "anonim",
                         "koodh", "rasiid", "رمز", "ایصال", "کد", "رسید", "کۆد", "پسوڵە", "ኮድ",
                         "ቅብሊት", "ብኮድ", "ስውር", "recibo", "ناشناس", "qarsoodi", "kode", "kodla", "kodu", "koduyla",
                         "lasa svaret", "las svaret", "svaret har", "read the answer",
                         "read it here", "lire la reponse", "leer la respuesta"),
        "phone": ("ring", "ringa", "telefon", "phone", "call", "appel", "appelez", "llam",
                  "rappel", "rappelez", "tel", "telephone",
                  "telefono", "numero", "ara", "arayin", "arasin", "wac", "soo wac", "اتصل",
                  "هاتف", "تلفون", "تليفون", "كلمني", "تماس", "تلفن", "زنگ", "تەلەفۆن",
                  "پەیوەندی", "ደውል", "ደውሉ", "ስልኪ"),
    },
}

# A number said to be below or above: "ka yar 18", "زیر ۱۸", "moins de 18" (18 itself then
# is under 18, as the button "Under 18" means the age below it).
UNDER = ("under", "yngre", "less", "below", "moins", "menos", "alti", "altinda", "ka yar",
         "اقل", "تحت", "زیر", "کمتر", "خوار", "ትሕቲ", "tihti", "tehti")

_NUMBER = re.compile(r"(?<!\d)(\d{1,3})(?!\d)")
# Ages written in words, 10 to 19 and the tens above, as people type them (folded by
# `fold_answer`; "sexton", "seventeen", "on alti", "lix iyo toban", "خمستعش", "پونزده",
# "پازدە", "ዓሰርተ ሸውዓተ"). Below ten and words that are also common words ("on", "ده", "سی")
# are left out: a typed answer below ten is rare, and a wrong age would go to the coordinator.
AGE_WORDS: Dict[int, Tuple[str, ...]] = {
    10: ("tio", "ten", "diez", "dix", "toban", "عشر", "عشره", "ዓሰርተ"),
    11: ("elva", "eleven", "once", "onze", "on bir", "kow iyo toban", "احدعش", "احداش",
         "حداش", "احدى عشر", "احد عشر", "يازده", "yazdeh", "ዓሰርተ ሓደ"),
    12: ("tolv", "twelve", "doce", "douze", "on iki", "laba iyo toban", "اطنعش", "اتناشر",
         "اثنا عشر", "اثنعش", "دوازده", "dozdeh", "ዓሰርተ ክልተ"),
    13: ("tretton", "thirteen", "trece", "treize", "on uc", "saddex iyo toban", "تلطعش",
         "تلتاشر", "ثلاث عشر", "ثلاثه عشر", "ثلطعش", "سيزده", "sezdeh", "ዓሰርተ ሰለስተ"),
    14: ("fjorton", "fourteen", "catorce", "quatorze", "on dort", "afar iyo toban",
         "اربعطعش", "اربعتعش", "اربعتاشر", "اربع عشر", "اربعه عشر", "چهارده", "چارده",
         "چوارده", "cardeh", "ዓሰርተ ኣርባዕተ"),
    15: ("femton", "fifteen", "quince", "quinze", "on bes", "shan iyo toban", "خمسطعش",
         "خمستعش", "خمستاشر", "خمس عشر", "خمسه عشر", "پانزده", "پونزده", "پازده", "panzdeh",
         "ዓሰርተ ሓሙሽተ"),
    16: ("sexton", "sixteen", "dieciseis", "seize", "on alti", "lix iyo toban", "ستطعش",
         "ستعش", "ستاشر", "سطاشر", "ست عشر", "سته عشر", "شانزده", "شونزده", "شازده", "sanzdeh",
         "ዓሰርተ ሽዱሽተ"),
    17: ("sjutton", "seventeen", "diecisiete", "dix sept", "on yedi", "toddoba iyo toban",
         "todoba iyo toban", "سبعطعش", "سبعتعش", "سبعتاشر", "سبطاشر", "سبع عشر", "سبعه عشر",
         "هفده", "هيفده", "هبده", "حهڤده", "hivdeh", "ዓሰርተ ሸውዓተ"),
    18: ("arton", "aderton", "eighteen", "dieciocho", "dix huit", "on sekiz",
         "siddeed iyo toban", "تمنطعش", "تمنتعش", "تمنتاشر", "ثمنطعش", "ثماني عشر",
         "ثمانيه عشر", "هجده", "هيجده", "هژده", "ههژده", "hejdeh", "ዓሰርተ ሸሞንተ"),
    19: ("nitton", "nineteen", "diecinueve", "dix neuf", "on dokuz", "sagaal iyo toban",
         "تسعطعش", "تسعتعش", "تسعتاشر", "تسع عشر", "تسعه عشر", "نوزده", "nozdeh",
         "ዓሰርተ ትሽዓተ"),
    20: ("tjugo", "twenty", "veinte", "veinti", "vingt", "yirmi", "labaatan", "عشرين",
         "عشرون", "بيست", "bist", "ዕስራ"),
    30: ("trettio", "thirty", "treinta", "trente", "otuz", "soddon", "ثلاثين", "تلاتين",
         "تلاثين", "ሰላሳ"),
    40: ("fyrtio", "forty", "cuarenta", "quarante", "kirk", "afartan", "اربعين", "چهل", "ኣርብዓ"),
}
# "Ring inte, han hör" (don't call, he hears) must never be read as "call me": a way of being
# answered said with a negation next to it does not count; "ring inte, jag vill ha kod" is the
# code. Only there: "vet inte" (don't know) is an answer to the age question.
NEGATIONS = {"inte", "ej", "not", "dont", "don", "never", "no", "ne", "pas", "nunca", "ma", "ha",
             "yok", "etme", "aramayin", "arama", "لا", "ما", "مو", "مش", "نه", "نكن", "نزنيد",
             "نزن", "نگيريد", "مهكه", "مهكهن", "ኣይ", "ኣይትደውሉ", "ኣይትደውሉለይ"}

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Arabic, Persian and Sorani keyboards write some letters differently; so does Turkish.
_ARABIC_LETTERS = str.maketrans({
    "ی": "ي", "ى": "ي", "ێ": "ي", "ئ": "ي", "ک": "ك", "ە": "ه", "ة": "ه", "ۆ": "و", "ؤ": "و",
    "ڵ": "ل", "ڕ": "ر", "ھ": "ه", "ۀ": "ه", "\u200c": " ", "\u0640": None,
    "ı": "i",  # Turkish dotless i, which has no decomposition
    "œ": "oe", "æ": "ae",  # French sœur: ligatures have no decomposition either
})
# "I" alone answers "who are you?" as "myself"; inside a longer answer it starts "I am his
# mother" ("انا امه", "ez diya wî me"), so these count only as the whole answer.
ALONE: Dict[str, Dict[str, Tuple[str, ...]]] = {
    "role": {"self": ("jag", "i", "me", "yo", "je", "moi", "ben", "benim", "aniga", "انا", "من",
                      "ez", "ኣነ")},
}
# Arabic script and Ge'ez, whose words take prefixes and suffixes (also read by vagut_chat.topics).
SCRIPT_LETTERS = re.compile(r"[\u0600-\u06FF\u1200-\u139F]")
_WORD = re.compile(r"[^\W_]+")


def fold_answer(text: str) -> str:
    """Lower case, no diacritics or punctuation, one form per Arabic-script letter, Western
    digits: how typed answers are compared with buttons and keywords."""
    folded = fold(text.translate(_DIGITS).translate(_ARABIC_LETTERS))
    return " ".join(_WORD.findall(folded))



_FOLDED_NEGATIONS = {fold_answer(word) for word in NEGATIONS}


def _word_matches(keyword: str, word: str) -> bool:
    if word == keyword:
        return True
    if SCRIPT_LETTERS.search(keyword):
        return len(keyword) >= 3 and keyword in word
    return len(keyword) >= 4 and word.startswith(keyword)


def _positions(keyword: str, words: List[str]) -> List[int]:
    """Where `keyword` (folded; several words are a phrase) occurs in `words`."""
    parts = keyword.split()
    n = len(parts)
    if n == 1:
        return [i for i, word in enumerate(words) if _word_matches(keyword, word)]
    return [i for i in range(len(words) - n + 1)
            if words[i : i + n - 1] == parts[:-1] and _word_matches(parts[-1], words[i + n - 1])]


def _negated(words: List[str], at: int) -> bool:
    """A negation among the three words before or the two after, or in the word itself
    (Tigrinya ኣይ-, Turkish -may-: "ኣይትደውሉለይ", "aramayin")."""
    near = words[max(0, at - 3) : at] + words[at + 1 : at + 3]
    word = words[at]
    return bool(_FOLDED_NEGATIONS.intersection(near)) or word.startswith("ኣይ") or "aramay" in word


@functools.lru_cache(maxsize=None)
def _folded_keywords(slot: str) -> Dict[str, Tuple[str, ...]]:
    return {value: tuple(fold_answer(k) for k in keywords)
            for value, keywords in KEYWORDS[slot].items()}  # fmt: skip


@functools.lru_cache(maxsize=None)
def _folded_alone(slot: str) -> Dict[str, frozenset]:
    return {value: frozenset(fold_answer(word) for word in words)
            for value, words in ALONE.get(slot, {}).items()}


@functools.lru_cache(maxsize=1)
def _folded_age_words() -> List[Tuple[str, int]]:
    return [(fold_answer(word), age) for age, words in AGE_WORDS.items() for word in words]


def age_in_words(words: List[str]) -> Optional[int]:
    """The first age written in words in `words` (folded): at the same place the longest
    ("dix sept" before "dix", "ዓሰርተ ሸውዓተ" before "ዓሰርተ")."""
    found = [(at, -len(word.split()), -len(word), age)
             for word, age in _folded_age_words() for at in _positions(word, words)]
    return min(found)[3] if found else None


def match_choice(slot: str, text: str, titles: Dict[str, List[str]]) -> Optional[str]:
    """The value `text` stands for, or None. `titles`: value → its button texts in every
    language. Tries: a button's text, the option's number ("2"), an age, then keywords."""
    folded = fold_answer(text)
    if not folded:
        return None
    options = [value for value, _ in CHOICES[slot]]
    for value in options:
        if any(folded == fold_answer(title) for title in titles.get(value, [])):
            return value
    for value, alone in _folded_alone(slot).items():
        if folded in alone:
            return value
    if folded.isdigit():
        number = int(folded)
        if slot == "age_group" and number >= 5:
            return "under_18" if number < 18 else "adult"
        if 1 <= number <= len(options):
            return options[number - 1]
        return None
    words = folded.split()
    if slot == "age_group":
        ages = [int(n) for n in _NUMBER.findall(folded) if 5 <= int(n) <= 110]
        if not ages and age_in_words(words):
            ages = [age_in_words(words)]
        if ages:
            under = any(_positions(fold_answer(word), words) for word in UNDER)
            return "under_18" if ages[0] < 18 or (under and ages[0] == 18) else "adult"
    scores = {}
    for value, keywords in _folded_keywords(slot).items():
        found = [k for k in keywords
                 if any(not (value == "phone" and _negated(words, at))
                        for at in _positions(k, words))]  # fmt: skip
        if found:
            scores[value] = len(found)
    if scores:
        best = max(scores.values())
        winners = [value for value, score in scores.items() if score == best]
        if len(winners) == 1:
            return winners[0]
    if slot == "contact_method" and _FOLDED_NEGATIONS.intersection(words):
        return None  # "ring mig inte" contains "Ring mig"
    for value in options:  # a longer answer that contains a button's whole text
        for title in titles.get(value, []):
            if len(fold_answer(title)) >= 4 and f" {fold_answer(title)} " in f" {folded} ":
                return value
    return None
