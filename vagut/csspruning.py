"""Keeps only the CSS rules a site can use: a selector stays when every class, id, element and
attribute it names occurs somewhere in the site's HTML or in the words of its scripts.

Made for mkdocs-material's style sheets (about 26 KB gzip, most of it for features this site
does not use: code blocks, tabs, search, tooltips, colour schemes). It errs on the side of
keeping: a selector is judged by the parts it requires, each on its own, anywhere on any page
(never by where they stand: `.a .b` stays when `.a` and `.b` occur anywhere); what is inside
:not(), :is(), :where(), :has() and the other functional pseudo-classes is not required;
pseudo-classes and pseudo-elements (:hover, ::before) are ignored; `[attr=value]` needs that
value somewhere (in the HTML on that attribute, or as a word of a script), every other
attribute selector only the attribute's name. At-rules other than @media and @supports
(@keyframes, @page, @font-face, @charset) are kept whole.

Then custom properties (`--md-admonition-icon--note: url(...)`, a third of what is left) go
when no `var()` in the kept rules, nor in the site's other style sheets, reads them.

What scripts add at run time is covered by reading them: every word in them (`vagut-chat__log`,
`textarea`, `aria-expanded`, `true`) counts as a class, id, element, attribute and value that
may occur.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

_TAG = re.compile(r"""<([a-zA-Z][\w:-]*)((?:[^>"']+|"[^"]*"|'[^']*')*)>""")
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_WORD = re.compile(r"[A-Za-z_][\w-]*")


@dataclass
class Used:
    """What the pages and scripts may hold: elements, classes, ids, attributes and values."""

    tags: set[str] = field(default_factory=set)
    classes: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    attributes: set[str] = field(default_factory=set)
    values: set[tuple[str, str]] = field(default_factory=set)
    words: set[str] = field(default_factory=set)  # from scripts: any of the above

    _seen: set[str] = field(default_factory=set)  # start tags already read (pages repeat them)

    def add_html(self, html: str) -> None:
        for tag in _TAG.finditer(html):
            if tag[0] in self._seen:
                continue
            self._seen.add(tag[0])
            self.tags.add(tag[1].lower())
            for attribute in _ATTRIBUTE.finditer(tag[2]):
                name = attribute[1].lower()
                value = (attribute[2] or "").strip("\"'")
                self.attributes.add(name)
                self.values.add((name, value))
                if name == "class":
                    self.classes.update(value.split())
                elif name == "id":
                    self.ids.add(value)

    def add_script(self, script: str) -> None:
        self.words.update(_WORD.findall(script))

    def has(self, kind: str, name: str) -> bool:
        return name in getattr(self, kind) or name in self.words


# -- Selectors ----------------------------------------------------------------------------------


def _split_top_level(text: str, separator: str) -> list[str]:
    """Splits at `separator` outside brackets, parentheses and strings."""
    parts, depth, quote, start = [], 0, "", 0
    for i, char in enumerate(text):
        if quote:
            if char == quote and text[i - 1] != "\\":
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def _strip_functional_pseudos(selector: str) -> str:
    """Drops :not(...), :is(...), ::part(...) and the like, arguments and all."""
    out, i = [], 0
    while i < len(selector):
        match = re.compile(r"::?[\w-]+\(").match(selector, i)
        if match:
            depth, j = 1, match.end()
            while j < len(selector) and depth:
                depth += {"(": 1, ")": -1}.get(selector[j], 0)
                j += 1
            i = j
            continue
        out.append(selector[i])
        i += 1
    return "".join(out)


_ATTRIBUTE_SELECTOR = re.compile(
    r"""\[\s*([\w-]+)\s*(?:([~|^$*]?=)\s*("[^"]*"|'[^']*'|[^\]\s]+)\s*(?:[is]\s*)?)?\]"""
)
_CLASS = re.compile(r"\.((?:[\w-]|\\.)+)")
_ID = re.compile(r"#((?:[\w-]|\\.)+)")
_PSEUDO = re.compile(r"::?[\w-]+")
_LEADING_TAG = re.compile(r"^([a-zA-Z][\w-]*)")


def _unescape(name: str) -> str:
    return re.sub(r"\\(.)", r"\1", name)


def selector_is_used(selector: str, used: Used) -> bool:
    """Whether every part the selector requires may occur (see the module's docstring)."""
    selector = _strip_functional_pseudos(selector)
    for name, operator, value in _ATTRIBUTE_SELECTOR.findall(selector):
        name = name.lower()
        if not used.has("attributes", name):
            return False
        if operator == "=":
            value = value.strip("\"'")
            if (name, value) not in used.values and value not in used.words:
                return False
    selector = _ATTRIBUTE_SELECTOR.sub("", selector)
    if any(not used.has("classes", _unescape(c)) for c in _CLASS.findall(selector)):
        return False
    if any(not used.has("ids", _unescape(i)) for i in _ID.findall(selector)):
        return False
    selector = _PSEUDO.sub("", _ID.sub("", _CLASS.sub("", selector)))
    for compound in re.split(r"[\s>+~]+", selector):
        tag = _LEADING_TAG.match(compound)
        if tag and not used.has("tags", tag[1].lower()):
            return False
    return True


# -- Style sheets -------------------------------------------------------------------------------


def _blocks(css: str) -> Iterable[tuple[str, str | None]]:
    """Top-level statements: (prelude, body) for a block, (statement, None) for `@charset …;`."""
    i, n = 0, len(css)
    while i < n:
        start, quote, depth = i, "", 0
        while i < n:
            char = css[i]
            if quote:
                if char == quote and css[i - 1] != "\\":
                    quote = ""
            elif char in "\"'":
                quote = char
            elif char == "/" and css.startswith("/*", i):
                i = css.find("*/", i + 2) + 1
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            elif char == ";" and depth == 0:
                yield css[start : i + 1].strip(), None
                i += 1
                break
            elif char == "{":
                prelude, body_start, nesting = css[start:i].strip(), i + 1, 1
                i += 1
                while i < n and nesting:
                    char = css[i]
                    if quote:
                        if char == quote and css[i - 1] != "\\":
                            quote = ""
                    elif char in "\"'":
                        quote = char
                    elif char == "{":
                        nesting += 1
                    elif char == "}":
                        nesting -= 1
                    i += 1
                yield prelude, css[body_start : i - 1]
                break
            i += 1
        else:
            if css[start:].strip():
                yield css[start:].strip(), None


def prune(css: str, used: Used, other_css: str = "") -> str:
    """`prune_rules`, then `prune_custom_properties` against the kept rules and `other_css`
    (the style sheets loaded beside this one, which may read its custom properties)."""
    return prune_custom_properties(prune_rules(css, used), other_css)


def prune_rules(css: str, used: Used) -> str:
    """The style sheet with only the rules whose selectors may match (minified as it came)."""

    def keep_used_selectors(prelude: str, body: str) -> str:
        kept = [s for s in _split_top_level(prelude, ",") if selector_is_used(s, used)]
        return f"{','.join(kept)}{{{body}}}" if kept else ""

    return _map_rules(css, keep_used_selectors)


def _map_rules(css: str, rule: Callable[[str, str], str]) -> str:
    """`css` with every style rule replaced by `rule(prelude, body)` ("" drops it), inside
    @media and @supports too (dropped when nothing is left in them); other at-rules as they
    are."""
    out = []
    for prelude, body in _blocks(css):
        if body is None:
            out.append(prelude)
        elif prelude.startswith(("@media", "@supports")):
            inner = _map_rules(body, rule)
            if inner:
                out.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):
            out.append(f"{prelude}{{{body}}}")
        else:
            out.append(rule(prelude, body))
    return "".join(out)


_VAR = re.compile(r"var\(\s*(--[\w-]+)")
_CUSTOM_PROPERTY = re.compile(r"\s*(--[\w-]+)\s*:")


def prune_custom_properties(css: str, other_css: str = "") -> str:
    """Drops custom property declarations nothing reads, until none is left to drop (one may
    be read only by another that goes)."""
    while True:
        read = set(_VAR.findall(css)) | set(_VAR.findall(other_css))
        pruned = _drop_declarations(css, read)
        if pruned == css:
            return css
        css = pruned


def _drop_declarations(css: str, read: set[str]) -> str:
    def keep_read_properties(prelude: str, body: str) -> str:
        kept = [
            declaration
            for declaration in _split_top_level(body, ";")
            if declaration.strip()
            and not ((name := _CUSTOM_PROPERTY.match(declaration)) and name[1] not in read)
        ]
        return f"{prelude}{{{';'.join(kept)}}}" if kept else ""

    return _map_rules(css, keep_read_properties)
