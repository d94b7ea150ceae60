"""What a zh-hans page must not show: English words in its visible text and in the attributes
people read (placeholder, title, aria-label, alt).

A word is a run of two or more Latin letters that stands alone: codes that mix letters with
digits (order numbers, plates), addresses (paths, emails) and the names in ``ALLOWED`` are not
English text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Latin on purpose: product and file-format names, units, and the demo's own codes and logins.
ALLOWED = frozenset({
    "PDF", "API", "Excel", "CSV", "XLSX", "ID", "m²", "JXHY", "CHTD", "AAA", "BBB",
    "admin", "manager", "cs_supervisor", "cs_agent", "frontdesk", "maintenance", "cleaning",
    "security", "finance", "resident",
})
WORD = re.compile(r"(?<![\w@./:#&%=-])[A-Za-z][A-Za-z'’]*[A-Za-z](?![\w@./:#&%=-])")
READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
SKIPPED_TAGS = {"script", "style", "svg", "textarea"}


def english_words(text: str) -> list[str]:
    """The English words of a piece of text (see the module docstring)."""
    found = []
    for match in WORD.finditer(text):
        word = match.group(0)
        # Letters glued to digits or CJK (沪A12345, WO2026...) are codes, not words.
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        if before.isdigit() or after.isdigit():
            continue
        if word not in ALLOWED:
            found.append(word)
    return found


class _Text(HTMLParser):
    """Collects text outside scripts, styles and icons (an icon font's ligature names, e.g.
    ``<span class="material-symbols-outlined">search</span>``, are drawn as pictures)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip_tag, self.depth = None, 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.skip_tag:
            self.depth += tag == self.skip_tag
            return
        attrs = dict(attrs)
        if tag in SKIPPED_TAGS or "material-symbols" in (attrs.get("class") or ""):
            self.skip_tag, self.depth = tag, 1
            return
        for name in READ_ATTRIBUTES:
            if attrs.get(name):
                self.parts.append(attrs[name])

    def handle_endtag(self, tag):
        if self.skip_tag == tag:
            self.depth -= 1
            if not self.depth:
                self.skip_tag = None

    def handle_data(self, data):
        if not self.skip_tag and data.strip():
            self.parts.append(data.strip())


def readable_texts(html: str) -> list[str]:
    """The visible text and read attributes of an HTML page, one piece per node."""
    parser = _Text()
    parser.feed(html)
    return parser.parts


def english_in_html(html: str) -> list[str]:
    """Each piece of text of ``html`` that holds English, as it reads."""
    return [part for part in readable_texts(html) if english_words(part)]
