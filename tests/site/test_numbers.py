"""Every phone number written on a page is a tel: link (issue 15, item 4): a frightened person
on a phone taps the number, never copies it."""

import re
from html.parser import HTMLParser
from pathlib import Path

# The national numbers as they are written in running text (a space, a no-break or a narrow
# no-break space inside them), not as part of a longer number or a postal code.
_SPACE = "[ \u00a0\u202f]"
NUMBER = re.compile(
    rf"(?<![\d+\-])(?:112|114{_SPACE}?14|90{_SPACE}?101|116{_SPACE}?(?:111|006))"
    r"(?![\d\-]| ?\d{2}\b)"
)
# Not text a person reads on the page: what is in these is not checked.
SKIPPED = {"head", "title", "script", "style", "template", "svg"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class UnlinkedNumbers(HTMLParser):
    """The numbers in a page's text that are not inside an <a href="tel:…">."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, in a tel: link, skipped)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        linked, skipped = self.stack[-1][1:] if self.stack else (False, False)
        href = dict(attrs).get("href") or ""
        linked = linked or (tag == "a" and href.startswith("tel:"))
        self.stack.append((tag, linked, skipped or tag in SKIPPED))

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        linked, skipped = self.stack[-1][1:] if self.stack else (False, False)
        if linked or skipped:
            return
        for match in NUMBER.finditer(data):
            start = max(match.start() - 40, 0)
            self.found.append(" ".join(data[start : match.end() + 10].split()))


def unlinked(html: str) -> list[str]:
    parser = UnlinkedNumbers()
    parser.feed(html)
    parser.close()
    return parser.found


def test_the_checker_finds_a_number_outside_a_tel_link():
    assert unlinked("<p>Ring 114 14 nu</p>") == ["Ring 114 14 nu"]
    assert unlinked('<p>Ring <a href="tel:11414"><bdi>114 14</bdi></a> or 112</p>') == ["or 112"]
    assert unlinked('<title>112</title><p data-x="112">ok <a href="tel:112">112</a></p>') == []
    assert unlinked("<p>Postnummer 112 51, 08-112 34 56</p>") == []


def test_every_number_written_on_a_page_is_a_tel_link(built_site: Path):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 2900
    problems = {}
    for path in pages:
        found = unlinked(path.read_text(encoding="utf-8"))
        if found:
            problems[str(path.relative_to(built_site))] = found
    sample = dict(list(problems.items())[:15])
    assert not problems, f"{len(problems)} pages with a number that is not a link: {sample}"
