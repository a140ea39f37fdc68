"""A message's language: the page's (`metadata.language`, which the widget sends) when it is one
of ours, unless the person plainly writes in another (Arabic on an English page, a Swedish
sentence on a Turkish one); else a small, explainable guess from the text (rasa shell,
conversation tests, other clients). None when unsure, so that the conversation keeps its
language. The Rasa server's `components.language` uses it on every message."""

import re
from typing import List, Optional

from vagut.slug import fold
from vagut_chat.i18n import known_language

_ETHIOPIC = re.compile(r"[\u1200-\u137F]")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
# Letters that Sorani uses and Persian and Arabic do not; then Persian's own letters.
_SORANI = re.compile(r"[ڕڵێۆەڤ]")
_PERSIAN = re.compile(r"[پچژگکی]")
_ARABIC_ONLY = re.compile(r"[ةىيك]")

_WORDS = {
    "sv": "jag du vill hur vad ar det och att inte min mitt kan man hej tack som har med for en ett "
    "pa om mig hjalp barn son dotter orolig kommunen hotad nagon varfor behover lamna kriminalitet "
    "gang jobb ska skulle maste ocksa eller",
    "en": "i you the and is are what how my me want to not can help child son daughter worried "
    "leave crime gang do does need have with this that hello hi thanks please someone it about",
    "so": "waxaan waan maxaa sidee aan iyo ka ku u waa ma haa maya ilmahayga wiilkayga gabadhayda "
    "ayaa doonayaa caawimaad ka bixi dambiyada walwalsanahay kooxda isuduwaha waxa hadda "
    "salaan salaam maxaan sameeyaa sameeyo wuxuu waxay socdaa socda burcad koox ah kala iga igu "
    "ila hooyo aabe walaal walaalkay fadlan mahadsanid caawi caawiya sidee xaafadda",
    "tr": "ben sen ne nasil bir ve bu icin istiyorum degil yardim cocugum oglum kizim endiseliyim "
    "suc cete birak merhaba tesekkurler mi mu var yok nerede yapmaliyim bilmiyorum kotu arkadas "
    "arkadaslarla ne yapayim lazim nasil abi abla lutfen selam cok cikmak istiyor oturuyoruz "
    "oturuyorum yasiyoruz yasiyorum",
    "es": "yo tu que como el la los las un una y es no quiero ayuda hijo hija preocupado dejar crimen "
    "banda hola gracias por para con mi necesito esta estoy puedo",
    "fr": "je tu que comment le la les un une et est ne pas veux aide enfant fils fille inquiet "
    "quitter crime bande bonjour merci pour avec mon ma besoin suis peux",
}
_VOCAB = {lang: set(words.split()) for lang, words in _WORDS.items()}


SCRIPT = {"ti": "ethiopic", "ar": "arabic", "fa": "arabic", "ku": "arabic"}  # others: latin


def _word_scores(text: str) -> dict:
    words = re.findall(r"[a-z]+", fold(text))
    return {lang: sum(w in vocab for w in words) for lang, vocab in _VOCAB.items()}


def plainly_other(text: str, page: str, guess: str) -> bool:
    """Whether `text` is written in `guess` plainly enough to answer in it instead of the page's
    language: letters of another script (Arabic or Ge'ez on a Latin page; among the Arabic-script
    languages only Sorani's own letters), or a Latin sentence with at least three of `guess`'s
    common words and three times as many as of the page's ("min son har hamnat i ..." has two
    English words). A place name ("I live in Åkersberga") or a word or two never switch. Among
    the Arabic-script languages a sentence of three words or more is enough: detect() has told
    Arabic from Persian by the letters each keyboard types (ي ك ة against ی ک پ چ ژ گ), and a
    Sorani sentence without any of Sorani's own letters is not one."""
    script = SCRIPT.get(guess, "latin")
    if script != "latin":
        if script != SCRIPT.get(page, "latin") or guess == "ku":
            return True
        return script == "arabic" and len(re.findall(r"[^\W\d_]+", text)) >= 3
    scores = _word_scores(text)
    return scores.get(guess, 0) >= 3 and scores.get(guess, 0) >= 3 * scores.get(page, 0)


# Arabic-Indic and Persian digits and Arabic punctuation: typed on Latin pages too (a receipt
# code copied from an Arabic phone), they say nothing of the language.
_NOT_LETTERS = re.compile(r"[\u0660-\u0669\u06F0-\u06F9\u060C\u061B\u061F\u066A-\u066D]")


def detect(text: str) -> Optional[str]:
    if not text or text.startswith("/"):
        return None
    text = _NOT_LETTERS.sub("", text)
    if _ETHIOPIC.search(text):
        return "ti"
    if _ARABIC_SCRIPT.search(text):
        if _SORANI.search(text):
            return "ku"
        if _PERSIAN.search(text) and not _ARABIC_ONLY.search(text):
            return "fa"
        return "ar"
    if re.search(r"[ğışİ]", text):
        return "tr"
    if re.search(r"[ñ¿¡]", text.lower()):
        return "es"
    scores = _word_scores(text)
    # å, ä and ö are Swedish, but also in the Swedish place names of other languages' sentences
    # ("oglum icin endiseliyim, Malmö'de oturuyoruz"): there, two words of another language win.
    if re.search(r"[åäö]", text.lower()):
        other = max(score for lang, score in scores.items() if lang != "sv")
        if other < 2 or other <= scores["sv"]:
            return "sv"
    if not any(scores.values()):
        return None
    best = max(scores, key=scores.get)
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] >= 1 and ranked[0] > ranked[1]:
        return best
    return None


def language_of(metadata: object, text: str) -> Optional[str]:
    """The language to answer `text` in: one asked for by name, else the page's (the widget's:
    it keeps the language the chat switched to) unless the text is plainly in another."""
    asked = requested_language(text)
    if asked:
        return asked
    wanted = metadata.get("language") if isinstance(metadata, dict) else None
    page = known_language(wanted) if isinstance(wanted, str) else None
    guess = detect(text)
    if page is None:
        return guess
    if guess and guess != page and plainly_other(text, page, guess):
        return guess
    return page


# Each language's name as people write it in the ten languages (folded, for Latin script), for
# "kan du svara på svenska?", "can you write english", "af soomaali ma ku hadli kartaa?".
_NAMES = {
    "sv": "svenska swedish suedois sueco isvecce iswiidhish swidish سويدي السويدية سوئدی سویدی "
    "سوێدی ስዊድንኛ ሽወደንኛ",
    "en": "engelska english anglais ingles ingilizce ingiriisi انجليزي انكليزي الانجليزية "
    "انگلیسی ئینگلیزی ئینگلیزیی ኢንግሊዝኛ እንግሊዝኛ",
    "ar": "arabiska arabic arabe arapca carabi carabiga عربي العربية عربی عەرەبی ዓረብኛ ዐረብኛ",
    "fa": "persiska persian farsi persan persa farsca faarisi فارسي فارسی ፋርስኛ",
    "so": "somaliska somali soomaali somalice صومالي سومالیایی سۆمالی ሶማልኛ ሶማሊኛ",
    "ti": "tigrinja tigrinya tigrigna tigrina tigrinca ትግርኛ تغرينية تیگرینیا",
    "ku": "kurdiska kurdish kurde kurdo kurtce kurdi kurdiga كردي الكردية کردی کوردی ኩርድኛ",
    "tr": "turkiska turkish turc turco turkce turki turkiga تركي التركية ترکی تورکی ቱርክኛ",
    "es": "spanska spanish espagnol espanol ispanyolca isbaanish اسباني الاسبانية اسپانیایی ስጳኛ "
    "ስፓኛ",
    "fr": "franska french francais frances fransizca faransiis faransii فرنسي الفرنسية فرانسوی "
    "فەرەنسی ፈረንሳይኛ",
}
_NAME_OF = {name: lang for lang, names in _NAMES.items() for name in names.split()}
# Words that ask for a language ("write", "answer", "speak" ...): with one, a longer message that
# names a language asks for it ("can you answer in Swedish instead? I'm trying to learn").
_ASKING = set(
    "skriv skriva skriver svara svarar prata pratar write answer reply speak talk text "
    "ecrire ecrivez repondre repondez parler parlez escribir escribe escribeme responder hablar "
    "habla yaz yazar yazabilir cevap konus konusabilir qor qoro ku hadal hadli jawaab "
    "اكتب تكتب اكتبلي احكي تحكي بحكي نحكي تكلم تتكلم اتكلم بتكلم نهدر رد ترد بنويس بنویس "
    "بنویسید بنویسی صحبت حرف "
    "بنووسه بنووسیت بنووسە قسە ጽሓፍ ጽሓፈለይ ክትጽሕፍ ክትጽሕፈለይ ተዛረብ ምለሰለይ "
    # back to, go on in ("on revient au français", "türkçe devam edelim")
    "revient revenir reviens revenons back continue continuer devam seguir seguimos volver "
    "volvamos tillbaka fortsatt fortsätt".split()
)
# A language named just after a negation is the one not spoken ("läser inte svenska", "ما بحكي
# تركي", "türkçe bilmiyor"): not the one asked for.
_NOT = set("inte ej not dont doesnt cant no ne pas nunca ma aan ما مش مو لا نه نمی".split())
_ASK_WORDS = 5  # a language named in at most this many words asks for it without a cue
_MAX_WORDS = 20  # longer messages are about more than the language
_PREFIXES = ("بال", "ال", "ب", "ብ", "በ")  # "بالسويدي", "ብእንግሊዝኛ", "በዓረብኛ"


def _language_named(word: str) -> Optional[str]:
    if word in _NAME_OF:
        return _NAME_OF[word]
    for prefix in _PREFIXES:
        if word.startswith(prefix) and word[len(prefix):] in _NAME_OF:
            return _NAME_OF[word[len(prefix):]]
    return None


def _not_spoken(words: List[str], at: int) -> bool:
    """A negation in the two words before the language's name, or a negated verb in the two
    after: Tigrinya ኣይ- ("ትግርኛ ምንባብ ኣይክእልን", I cannot read Tigrinya), Sorani نا- ("کوردی
    باش نازانێت"), Turkish -miyor/-miyom
    ("turkce bilmiyorum")."""
    after = words[at + 1:at + 3]
    return bool(_NOT.intersection(words[max(0, at - 2):at])) or any(
        word.startswith(("ኣይ", "نا")) or "miyor" in word or "miyom" in word for word in after)


def requested_language(text: str) -> Optional[str]:
    """The language a message asks for by name ("kan vi skriva på svenska istället?"), or None:
    a short message that names one, or a longer one that also says write, answer or speak.
    Naming two ("انا عربي وما بحكي تركي", I am Arab and do not speak Turkish), the one the
    message is written in, else the one next to "write" or "answer"."""
    if not text or text.startswith("/"):
        return None
    words = re.findall(r"[^\W\d_]+", fold(text))
    if not words or len(words) > _MAX_WORDS:
        return None
    if len(words) > _ASK_WORDS and not _ASKING.intersection(words):
        return None
    named, asked_before, asked_after = [], [], []
    for at, word in enumerate(words):
        lang = _language_named(word)
        if lang and lang not in named and not _not_spoken(words, at):
            named.append(lang)
            if _ASKING.intersection(words[max(0, at - 3):at]):
                asked_before.append(lang)  # "ecrivez moi en francais"
            if _ASKING.intersection(words[at + 1:at + 2]):
                asked_after.append(lang)  # "ብእንግሊዝኛ ጽሓፈለይ", "ingilizce yaz"
    if len(named) == 1:
        return named[0]
    written = detect(text)
    if written in named:
        return written
    for asked in (asked_before, asked_after):
        if len(asked) == 1:
            return asked[0]
    return named[0] if named else None
