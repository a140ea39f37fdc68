"""What a message is about besides what the classifier put first, and who it is about: shared by
the Rasa server (components/) and the actions.

- GUIDANCE: the questions data/rules/guidance.yml answers with `utter_<intent>` and then the
  contacts of the place the message names (a test keeps the two the same).
- `topic_beside`: the guidance question a message also asks, when the classifier put something
  else first (a place, or danger by the classifier alone) and is still fairly sure of it.
- `about_someone_close`: "my brother wants out", "جوزي عايز يسيب", "wiilkayga ... wuxuu doonayaa"
  is a relative writing, not the person leaving; the classifier often hears only "wants out".
"""

from typing import Dict, List, Optional

from vagut_chat.choices import SCRIPT_LETTERS, fold_answer

GUIDANCE = {"leave_crime", "worried_child", "relative_wants_out", "what_is_avhoppare", "support",
            "threat_needed", "inform_on_others", "anonymous", "after_contact", "warning_signs",
            "talk_to_child", "age_groups", "report_child", "parents_find_out"}
# How sure the classifier must be of the question beside the place (or danger) in one message.
ALSO_AT_LEAST = 0.3


def topic_beside(ranking: List[Dict], text: str = "", at_least: float = ALSO_AT_LEAST
                 ) -> Optional[str]:
    """The first guidance intent after the top of `ranking` that the classifier gives at least
    `at_least`; "wants out" about someone close is the relative's question."""
    for ranked in ranking[1:]:
        name = ranked.get("name")
        if name in GUIDANCE and float(ranked.get("confidence") or 0) >= at_least:
            return for_whom(name, text)
    return None


# Danger in words beside a question the classifier was this sure of ("do I have to be
# threatened to get help?") gets the question's answer after 112; danger by the classifier alone
# gets it at ALSO_AT_LEAST (components/danger_policy.py).
SURE_QUESTION = 0.8


def question_beside_danger(parsed: Dict) -> Optional[str]:
    """The question a danger message also asks; `parsed`: Rasa's parse of it (intent, with the
    component that set danger, intent_ranking, text), as a policy or an action sees it."""
    by_classifier_alone = (parsed.get("intent") or {}).get("overridden_by") == "danger_classifier"
    text = parsed.get("text") or ""
    if by_classifier_alone and about_someone_close(text) and wants_out(text):
        # "jag är mamma till en 15-åring som vill komma bort från dom äldre killarna": the
        # classifier heard danger, and the relative's question whatever it ranked second.
        return "relative_wants_out"
    return topic_beside(parsed.get("intent_ranking") or [], text,
                        ALSO_AT_LEAST if by_classifier_alone else SURE_QUESTION)


# Someone close, said with "my" or as "I am his/her ...", compared folded (fold_answer) as whole
# words or phrases. Possessive suffixes carry it in Arabic, Persian, Sorani, Somali, Tigrinya and
# Turkish ("اخوي", "برادرم", "براکەم", "walaalkay", "ሓወይ", "kardesim").
CLOSE = (
    "min bror", "min brorsa", "min syster", "min son", "min dotter", "min kille", "min pojkvan",
    "min man", "min sambo", "min kusin", "min brorson", "min systerson", "min van", "min kompis",
    "mitt barn", "var son", "lillebror", "storebror", "mamma till", "pappa till",
    "moster till", "faster till", "syster till", "bror till",
    "my brother", "my sister", "my son", "my daughter", "my boyfriend", "my husband",
    "my partner", "my cousin", "my nephew", "my niece", "my friend", "my child", "my kid",
    "my girlfriend", "my wife", "big brother",
    "little brother", "his mother", "his mum", "his mom", "her mother",
    "mi hermano", "mi hermana", "mi hijo", "mi hija", "mi novio", "mi marido", "mi esposo",
    "mi primo", "mi sobrino", "mi amigo",
    "mon frere", "ma soeur", "mon fils", "ma fille", "mon copain", "mon mari", "mon cousin",
    "mon neveu", "ma niece", "ma copine", "ma femme", "mon ami",
    "kardesim", "abim", "agabeyim", "oglum", "kizim", "kocam", "sevgilim", "kuzenim",
    "yegenim", "arkadasim",
    "walaalkay", "walaalkey", "wiilkayga", "gabadhayda", "saygayga", "ninkayga", "adeerkay",
    "eedada", "habaryarta", "walaashay",
    "birayê min", "kurê min", "keça min", "mêrê min", "hevalê min", "pismamê min",
    "اخوي", "اخي", "اخويا", "ابني", "ولدي", "بنتي", "جوزي", "زوجي", "خطيبي", "ابن عمي",
    "ابن خالي", "صاحبي", "رفيقي", "ولد ختي", "ولد اختي", "ابن اختي", "ابن اخي", "ابن اخوي",
    "خالته", "عمته",
    "برادرم", "داداشم", "پسرم", "دخترم", "شوهرم", "همسرم", "پسرعموم", "پسرخاله", "دوستم",
    "خواهرزاده", "برادرزاده", "خواهرزادم",
    "براکەم", "کوڕەکەم", "کچەکەم", "مێردەکەم", "هاوڕێکەم", "ئامۆزاکەم", "خوشکەزاکەم",
    "برازاکەم",
    "ሓወይ", "ወደይ", "ጓለይ", "ሰብኣየይ", "ዓርከይ", "ወዲ ሓብተይ", "ወዲ ሓወይ", "ሓትነቱ",
    # more of the family and friends, and "I am his mother/aunt" (sets 6 and 7)
    "min moster", "min faster", "min morbror", "min farbror", "min basta van", "min granne",
    "mitt barnbarn", "min systerdotter", "min brorsdotter", "hans mamma", "hennes mamma",
    "hans pappa", "hennes pappa",
    "my uncle", "my aunt", "my mate", "my best friend", "my grandson", "my stepson", "my buddy",
    "i am his", "im his", "i am her", "im her",
    "mon oncle", "ma tante", "mon pote", "mon meilleur pote", "mon meilleur ami",
    "ma meilleure amie", "mon petit frere", "mon grand frere", "ma petite soeur", "la mere d",
    "le pere d", "je suis sa", "je suis la mere", "je suis le pere", "mon petit fils",
    "mi tio", "mi tia", "mi sobrina", "mi nieto", "mi pareja", "mi colega", "mi mejor amigo",
    "mi hermanito", "soy su", "soy la madre", "soy el padre", "soy la tia", "soy el tio",
    "anneyim", "annesiyim", "babasiyim", "ablasiyim", "teyzesiyim", "halasiyim", "amcasiyim",
    "dayisiyim", "torunum", "ablam", "amcam", "dayim", "teyzem", "halam", "esim",
    "eeddadiis", "habaryartiis", "hooyadiis", "aabbihiis", "walaashiis", "wiilka walaashay",
    "wiilka walaalkay", "adeerkiis", "saaxiibkay", "saaxiibkey", "wiilkeyga", "gabadheyda",
    "xaltika wi", "xaltika we", "kure xwiska min", "kure biraye min", "diya wi", "bave wi",
    "ape min", "xale min", "xwiska min", "biraye min", "hevale min",
    "خالۆم", "پوورم", "دایکیم", "باوکیم", "خوشکەکەم",
    "اني امه", "انا امه", "انا ابوه", "انا اخته", "انا اخوه", "خالي", "عمي", "صديقي",
    "ابن خالتي", "ابن عمتي", "حفيدي", "بنت اختي",
    "رفیقم", "داییم", "پسرداییم", "مادرشم", "مادرش هستم", "خواهرشم", "دوست پسرم", "نامزدم",
    "ሓፍተይ", "ሓብተይ", "ኣኮይ", "ሓወቦይ", "ወዲ ሓፍተይ", "ኣዲኡ እየ", "ኣደኡ እየ", "ሓፍቱ እየ",
    # neighbours, girlfriends, mates (set 8)
    "grannens", "var granne", "min polare", "my neighbour", "my neighbor", "our neighbour",
    "our neighbor", "neighbours son", "neighbors son", "ma voisine", "mon voisin", "son fils",
    "mi vecina", "mi vecino", "komsumun", "komsumuzun", "kankam", "kankamiz",
    "jaarkayaga", "jaarkay", "wiilkooda", "saaxiibtay", "saaxiibteyda",
    "ولد جارتنا", "ولد جارنا", "ابن جارنا", "ابن جيراننا", "ابن جارتنا", "همسایه", "همسایمون",
    "دراوسێکەمان", "kure ciranê me", "cirane me", "ወዲ ጎረቤትና", "ጎረቤትና",
    "my older brother", "my younger brother", "my older sister", "my little sister",
    "my big sister", "earki ye", "earkiye", "hawey",
)
_FOLDED_CLOSE = tuple(fold_answer(phrase) for phrase in CLOSE)


def about_someone_close(text: str) -> bool:
    folded = f" {fold_answer(text)} "
    return any(f" {phrase} " in folded for phrase in _FOLDED_CLOSE)


# Said about someone close, these are the relative's question: wanting out, what support there
# is, and at what age ("my nephew is 20 and wants to turn his life around" read as age_groups).
FOR_SOMEONE_CLOSE = {"leave_crime", "support", "age_groups"}
# ... and these too, when the message also says that the person wants out: the classifier heard
# a parent ("worried about my child", "how do I talk to him"), a place question ("who should he
# call?"), fear as a threat ("he wants out but is afraid": the relative's answer says that help
# does not depend on a threat) or nothing sure, but "my nephew wants out" asks how to help him.
WHEN_WANTING_OUT = {"nlu_fallback", "out_of_scope", "ask_contact", "worried_child",
                    "talk_to_child", "threat_needed"}
# Wanting out (folded): Latin from a word's start, Arabic script and Ge'ez anywhere.
WANTS_OUT = (
    "vill ut", "vill sluta", "vill lamna", "hoppa av", "dra sig ur", "komma ur", "komma bort",
    "vill bryta", "sluta med", "ta sig ur", "borja om", "borja pa nytt",
    "start over", "start again", "fresh start", "recommencer", "repartir", "empezar de nuevo",
    "empezar otra vez", "yeniden basla", "sifirdan basla", "bilow cusub", "dib u bilaab",
    "از نو شروع", "دوباره شروع", "من جديد", "بداية جديدة", "دهست پي بكاتهوه", "دوور بكهو",
    "ji nû ve dest pê", "ብሓድሽ ክጅምር", "bli kvitt", "komma loss", "birakmak isti", "ka baxdo",
    "يبعد من", "بغا يبعد", "میخواهد از", "میخواد از", "ክወጽእ ይደሊ", "get away",
    "stay out", "kwetsie", "kiwetsie",
    "wants out", "want out", "wants to leave", "wants to quit", "wants to stop",
    "wants to get out", "get out of", "leave the gang", "quit dealing", "stop dealing",
    "turn his life", "turn her life", "go straight", "change his life", "change her life",
    "veut sortir", "veut arreter", "veut quitter", "veut s en sortir", "veut decrocher",
    "veut changer", "plus replonger", "sortir de", "arreter le", "arreter de",
    "quiere salir", "quiere dejar", "quiere alejarse", "quiere cambiar", "dejar la", "salir de",
    "cikmak", "birakmak", "kurtulmak", "uzaklasmak", "ayrilmak",
    "joojiyo", "ka baxo", "ka bixi", "ka fogaado", "ka tago", "ka haro",
    "derkeve", "dev ji", "berde", "biterikine",
    "واز بهين", "بيته دهرهوه", "دهربچيت", "جيبهيليت",
    "يطلع من", "يترك", "يبعد عن", "يسيب", "يبطل", "يخرج من", "يتوب",
    "بيرون بياد", "بياد بيرون", "بكشه بيرون", "جدا شود", "جدا بشه", "كنار بكشه", "ترك كنه",
    "ول كنه", "دست بكشه", "دست برداره",
    "ክወጽእ", "ክገድፍ", "ክሓድግ", "ክርሕቕ", "ክወጽ",
)
_FOLDED_WANTS_OUT = tuple(fold_answer(phrase) for phrase in WANTS_OUT)


def wants_out(text: str) -> bool:
    folded = f" {fold_answer(text)} "
    return any((phrase in folded) if SCRIPT_LETTERS.search(phrase) else (f" {phrase}" in folded)
               for phrase in _FOLDED_WANTS_OUT)


def for_whom(intent: str, text: str) -> str:
    """A question of FOR_SOMEONE_CLOSE said about someone close is relative_wants_out, and so
    is one of WHEN_WANTING_OUT that also says they want out; any other intent as it is."""
    if intent in FOR_SOMEONE_CLOSE | WHEN_WANTING_OUT and about_someone_close(text):
        if intent in FOR_SOMEONE_CLOSE or wants_out(text):
            return "relative_wants_out"
    return intent
