"""Every UI string of every part comes from translations/<part>.<lang>.yml (python-i18n).

Swedish is the source language. Parts (namespaces): site, api, chat; material holds the theme's
own strings for the two languages mkdocs-material does not ship (so, ti).
"""

from functools import cache
from pathlib import Path

import i18n
import yaml

from vagut.languages import DEFAULT_LANGUAGE, language

TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"


class MissingTranslation(KeyError):
    pass


@cache
def _configured() -> None:
    i18n.load_path[:] = [str(TRANSLATIONS_DIR)]
    i18n.set("file_format", "yml")
    i18n.set("filename_format", "{namespace}.{locale}.{format}")
    i18n.set("enable_memoization", True)
    i18n.set("error_on_missing_translation", True)
    i18n.set("error_on_missing_placeholder", True)
    i18n.set("fallback", DEFAULT_LANGUAGE)


def t(key: str, lang: str | None = None, **params: object) -> str:
    """The string `key` ('site.quick_exit') in `lang`, with %{placeholders} filled in."""
    _configured()
    try:
        return i18n.t(key, locale=language(lang).code, **params)
    except KeyError as error:
        raise MissingTranslation(f"{key} ({lang}): {error}") from None


def _flatten(tree: dict, prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in tree.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{name}."))
        else:
            flat[f"{prefix}{name}"] = value
    return flat


@cache
def strings(part: str, lang: str) -> dict[str, str]:
    """All strings of one part in one language, flat ('contact.phone': '...'): for checks and for
    handing a whole table to a template or to the chat widget."""
    path = TRANSLATIONS_DIR / f"{part}.{lang}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return _flatten(data.get(lang) or {})


def section(part: str, lang: str, prefix: str) -> dict[str, str]:
    """The strings under one key ('directory.search'), with that prefix taken off: a table for
    a script in the browser ({"label": ..., "hint": ...})."""
    start = prefix.rstrip(".") + "."
    return {
        key.removeprefix(start): value
        for key, value in strings(part, lang).items()
        if key.startswith(start)
    }
