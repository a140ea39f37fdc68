"""Prints the site's build time and peak memory beside a plain mkdocs-material + static-i18n
build of the same number of trivial pages, made in the same run, the first-load weight of
a municipality page (gzip bytes of its HTML, style sheets and scripts), the directory search's
data, and how many municipalities have which kind of way in.

    uv run python bench/site.py [--runs 2]

Targets: build <= 1.1x the plain build (issue 2); first load of a municipality page <= 20 KB
gzip (issue 15; it was 60 KB in issue 2).
"""

import argparse
import gzip
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vagut import directory  # noqa: E402
from vagut.languages import LANGUAGE_CODES  # noqa: E402

PLAIN_CONFIG = """\
site_name: plain
docs_dir: docs
theme:
  name: material
  custom_dir: overrides
  language: sv
  font: false
plugins:
  - i18n:
      docs_structure: suffix
      fallback_to_default: false
      reconfigure_search: false
      languages:
{languages}
"""


def build(config_dir: Path, site_dir: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of one `mkdocs build` in its own process."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site_dir)]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=config_dir, env=env, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"build in {config_dir} failed:\n{process.stderr.read().decode()}")
    return elapsed, usage.ru_maxrss // 1024


def make_plain_project(directory: Path, pages_per_language: int) -> None:
    languages = "\n".join(
        f"        - {{locale: {code}, name: {code}, build: true, default: {code == 'sv'}}}"
        for code in LANGUAGE_CODES
    )
    (directory / "mkdocs.yml").write_text(PLAIN_CONFIG.format(languages=languages))
    # Material ships no so, ti or plain ku; the plain project borrows English for them.
    languages_dir = directory / "overrides" / "partials" / "languages"
    languages_dir.mkdir(parents=True)
    for code in ("so", "ti", "ku"):
        (languages_dir / f"{code}.html").write_text(
            '{% import "partials/languages/en.html" as en %}'
            "{% macro t(key) %}{{ en.t(key) }}{% endmacro %}"
        )
    docs = directory / "docs"
    docs.mkdir()
    for code in LANGUAGE_CODES:
        (docs / f"index.{code}.md").write_text(f"# Start {code}\n\nText.\n")
        for number in range(pages_per_language - 1):
            (docs / f"p{number}.{code}.md").write_text(f"# Page {number}\n\nText {code}.\n")


def count_pages(site: Path) -> int:
    return sum(1 for _ in site.rglob("index.html"))


def first_load_bytes(site: Path, page: Path) -> dict[str, int]:
    """Gzip bytes of the page and of each style sheet and script it loads, by kind."""
    sizes: dict[str, int] = {}
    for kind, _, size in first_load_files(page):
        sizes[kind] = sizes.get(kind, 0) + size
    return sizes


def first_load_files(page: Path) -> list[tuple[str, str, int]]:
    """(kind, file name, gzip bytes) of the page and of what a browser loads with it."""
    html = page.read_text(encoding="utf-8")
    files = [("html", "index.html", len(gzip.compress(html.encode(), 9)))]
    for kind, pattern in (
        ("css", r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"'),
        ("js", r'<script[^>]+src="([^"]+)"'),
    ):
        for url in re.findall(pattern, html):
            asset = (page.parent / url.split("?")[0]).resolve()
            files.append((kind, asset.name, len(gzip.compress(asset.read_bytes(), 9))))
    return files


def ways_in() -> None:
    """Municipalities by the best kind of way in the data holds for them (issue 15)."""
    counts = {"dedicated": 0, "social services": 0, "social emergency only": 0, "none": 0}
    with_emergency = 0
    for municipality in directory.ensure().municipalities.values():
        serves = {contact.serves for contact in municipality.contacts}
        with_emergency += "social_emergency" in serves
        if municipality.dedicated:
            counts["dedicated"] += 1
        elif "social_services" in serves:
            counts["social services"] += 1
        elif "social_emergency" in serves:
            counts["social emergency only"] += 1
        else:
            counts["none"] += 1
    parts = ", ".join(f"{kind} {count}" for kind, count in counts.items())
    print(f"municipalities by best way in: {parts}; with a socialjour line {with_emergency}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temporary:
        temporary = Path(temporary)
        ours_site = temporary / "ours"
        ours = [build(ROOT, ours_site) for _ in range(args.runs)]
        pages = count_pages(ours_site)
        plain_dir = temporary / "plain-project"
        plain_dir.mkdir()
        make_plain_project(plain_dir, pages // len(LANGUAGE_CODES))
        plain_site = temporary / "plain"
        plain = [build(plain_dir, plain_site) for _ in range(args.runs)]
        plain_pages = count_pages(plain_site)

        best_ours, best_plain = min(t for t, _ in ours), min(t for t, _ in plain)
        print(f"pages built: ours {pages}, plain {plain_pages}")
        print(
            f"build wall time (best of {args.runs}): ours {best_ours:.1f} s, "
            f"plain {best_plain:.1f} s, ratio {best_ours / best_plain:.2f} (target <= 1.10)"
        )
        print(
            f"build peak RSS: ours {max(m for _, m in ours)} MiB, "
            f"plain {max(m for _, m in plain)} MiB"
        )
        for lang in ("sv", "ar"):
            prefix = ours_site if lang == "sv" else ours_site / lang
            page = prefix / "kommun" / "haninge" / "index.html"
            sizes = first_load_bytes(ours_site, page)
            total = sum(sizes.values())
            parts = ", ".join(f"{kind} {size / 1024:.1f}" for kind, size in sizes.items())
            files = ", ".join(f"{n} {size / 1024:.1f}" for _, n, size in first_load_files(page))
            print(
                f"first load /{'' if lang == 'sv' else lang + '/'}kommun/haninge/: "
                f"{total / 1024:.1f} KB gzip ({parts}; {files}) (target <= 20 KB)"
            )
        places = (ours_site / "assets" / "places.json").read_bytes()
        print(
            f"directory search data (fetched on the first keystroke): "
            f"{len(gzip.compress(places)) / 1024:.1f} KB gzip (target <= 40 KB)"
        )
    ways_in()


if __name__ == "__main__":
    main()
