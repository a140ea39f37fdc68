"""The API's strings (translations/api.<lang>.yml) and the language a request asks for."""

from babel import negotiate_locale

from vagut import i18n
from vagut.languages import DEFAULT_LANGUAGE, LANGUAGE_CODES

# Central Kurdish is "ckb" in browsers and CLDR; the site calls it "ku".
_AVAILABLE = [*LANGUAGE_CODES, "ckb"]
_MAX_ACCEPT_LANGUAGE = 512


def t(key: str, lang: str | None, **params: object) -> str:
    return i18n.t(f"api.{key}", lang, **params)


def negotiate(accept_language: str | None) -> str:
    """The best of the ten languages for an Accept-Language header; Swedish by default."""
    preferred: list[tuple[float, str]] = []
    for position, item in enumerate((accept_language or "")[:_MAX_ACCEPT_LANGUAGE].split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and tag != "*" and quality > 0:
            preferred.append((-quality + position * 1e-6, tag.strip()))
    tags = [tag for _, tag in sorted(preferred)]
    found = negotiate_locale(tags, _AVAILABLE, sep="-") if tags else None
    if found is None:
        # babel matches whole tags or aliases; fall back to matching the primary subtag.
        found = next(
            (tag.split("-")[0].lower() for tag in tags if tag.split("-")[0].lower() in _AVAILABLE),
            None,
        )
    if found is None:
        return DEFAULT_LANGUAGE
    return "ku" if found.lower().startswith("ckb") else found.lower()
