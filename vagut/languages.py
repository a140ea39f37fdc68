"""The site's languages: one list that the site, the intake service and the chatbot share."""

from dataclasses import dataclass

import babel


@dataclass(frozen=True)
class Language:
    code: str  # the site's code: URL prefix, translations/ file name, metadata.language
    material: str  # mkdocs-material's theme language (its own file name under partials/languages)
    rtl: bool = False

    @property
    def bcp47(self) -> str:
        """The tag for lang attributes: Central Kurdish is "ckb"; plain "ku" reads as Kurmanji,
        which is written in Latin script."""
        return "ckb" if self.code == "ku" else self.code

    @property
    def locale(self) -> babel.Locale:
        return babel.Locale.parse(self.bcp47)

    @property
    def direction(self) -> str:
        return "rtl" if self.rtl else "ltr"

    @property
    def native_name(self) -> str:
        return self.locale.get_display_name(self.locale) or self.code


LANGUAGES: tuple[Language, ...] = (
    Language("sv", "sv"),
    Language("en", "en"),
    Language("ar", "ar", rtl=True),
    Language("fa", "fa", rtl=True),
    Language("so", "so"),
    Language("ti", "ti"),
    Language("ku", "ku-IQ", rtl=True),
    Language("tr", "tr"),
    Language("es", "es"),
    Language("fr", "fr"),
)
DEFAULT_LANGUAGE = "sv"
LANGUAGE_CODES: tuple[str, ...] = tuple(lang.code for lang in LANGUAGES)
BY_CODE: dict[str, Language] = {lang.code: lang for lang in LANGUAGES}


def language(code: str | None) -> Language:
    """The language for a code, falling back to Swedish for anything unknown."""
    return BY_CODE.get((code or "").split("-")[0].lower(), BY_CODE[DEFAULT_LANGUAGE])
