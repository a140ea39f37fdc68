"""The chat's strings, read from translations/chat.<lang>.yml (one source of truth with the site
build, which publishes the widget's part). Placeholders look like %{name}."""

import re
from functools import lru_cache
from typing import Any, Dict, Optional

import yaml

from vagut.languages import DEFAULT_LANGUAGE, LANGUAGE_CODES
from vagut_chat.paths import TRANSLATIONS_DIR

_PLACEHOLDER = re.compile(r"%\{(\w+)\}")


def _flatten(tree: Dict[str, Any], prefix: str = "") -> Dict[str, str]:
    flat: Dict[str, str] = {}
    for key, value in tree.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = str(value)
    return flat


@lru_cache(maxsize=None)
def strings(lang: str) -> Dict[str, str]:
    """Every string of one language, flat: {"reply.greet": "...", "widget.title": "..."}."""
    path = TRANSLATIONS_DIR / f"chat.{lang}.yml"
    with path.open(encoding="utf-8") as handle:
        tree = yaml.safe_load(handle) or {}
    return _flatten(tree.get(lang) or {})


def known_language(code: Optional[str]) -> Optional[str]:
    """One of our language codes for a BCP 47 tag ("fr-CA", "ckb"), or None."""
    code = (code or "").split("-")[0].strip().lower()
    if code == "ckb":  # the BCP 47 tag for Central Kurdish
        code = "ku"
    return code if code in LANGUAGE_CODES else None


def normalise_language(code: Optional[str]) -> str:
    return known_language(code) or DEFAULT_LANGUAGE


def t(lang: Optional[str], key: str, **values: Any) -> str:
    """The string `key` in `lang` (Swedish where a key is missing), placeholders filled in."""
    lang = normalise_language(lang)
    text = strings(lang).get(key)
    if text is None:
        text = strings(DEFAULT_LANGUAGE)[key]
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


def placeholders(text: str) -> set:
    return set(_PLACEHOLDER.findall(text))
