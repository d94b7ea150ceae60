"""What a zh-hans page must not show: English words in its visible text and in the attributes
people read (placeholder, title, aria-label, alt).

A word is a run of two or more Latin letters that stands alone: codes that mix letters with
digits (order numbers, plates) or underscores, runs of six or more capitals (generated codes),
addresses (paths, emails), masked values and the names in ``ALLOWED`` are not English text.
Values of fields being edited (inputs, text areas) are data; so is the value of a field that
holds English or an identifier by design (a name's English version, a code)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

# Latin on purpose, and nothing else: names of formats and standards, and the language menu,
# which names each language in itself ("English", with its code "en").
ALLOWED = frozenset({"PDF", "API", "Excel", "CSV", "XLSX", "JPEG", "PNG", "WebP", "MB", "ID",
                     "IP", "English", "en",
                     # the keyboard key that closes a dialog, as printed on the key
                     "esc"})
# The demo's logins and community codes, shown as they are typed.
DEMO_NAMES = frozenset({"admin", "manager", "cs_supervisor", "cs_agent", "frontdesk",
                        "maintenance", "cleaning", "security", "finance", "resident", "JXHY",
                        "CHTD"})
# Only ASCII neighbours make a code: "暂停SLA计时" holds the word "SLA"; "EQyx****" is masked,
# "<unknown>" a placeholder for missing data (django-axes, for a login made without a request).
WORD = re.compile(r"(?<![A-Za-z0-9_@./:#&%=<\\-])[A-Za-z][A-Za-z'’]*[A-Za-z]"
                  r"(?![A-Za-z0-9_@./:#&%=*+>\\-])")
# Generated codes (invitation codes, plates) are capitals; an acronym is at most five letters.
CODE = re.compile(r"[A-Z]{6,}")
READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
SKIPPED_TAGS = {"script", "style", "svg", "textarea", "template"}
# Read-only values whose label says they are English, codes (identifiers such as
# "water_leak"), or machine text (a browser's signature).
DATA_LABEL = re.compile(r"（英文）$|^(编码|浏览器标识|请求接受类型|路径|查询参数|提交数据)$")
DATA_CELLS = ("field-user_agent", "field-path_info", "field-http_accept")


def english_words(text: str) -> list[str]:
    """The English words of a piece of text (see the module docstring)."""
    found = []
    for match in WORD.finditer(text):
        word = match.group(0)
        if (word in ALLOWED or word.lower() in DEMO_NAMES or word in DEMO_NAMES
                or CODE.fullmatch(word)):
            continue
        found.append(word)
    return found


class _Text(HTMLParser):
    """Collects text outside scripts, styles, icons (an icon font's ligature names, e.g.
    ``<span class="material-symbols-outlined">search</span>``, are drawn as pictures) and
    data fields."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip_tag, self.depth = None, 0
        self.in_label, self.label = False, ""
        self.parts: list[str] = []

    def _skips(self, tag, attrs) -> bool:
        classes = (attrs.get("class") or "").split()
        return (tag in SKIPPED_TAGS or any(c.startswith("material-symbols") for c in classes)
                or (attrs.get("lang") or "").startswith("en")
                or any(c in DATA_CELLS for c in classes)
                or ("readonly" in classes and bool(DATA_LABEL.search(self.label.strip()))))

    def handle_starttag(self, tag, attrs):
        if self.skip_tag:
            self.depth += tag == self.skip_tag
            return
        attrs = dict(attrs)
        if self._skips(tag, attrs):
            self.skip_tag, self.depth = tag, 1
            return
        if tag == "label":
            self.in_label, self.label = True, ""
        for name in READ_ATTRIBUTES:
            if attrs.get(name):
                self.parts.append(attrs[name])

    def handle_endtag(self, tag):
        if self.skip_tag == tag:
            self.depth -= 1
            if not self.depth:
                self.skip_tag = None
        elif tag == "label":
            self.in_label = False

    def handle_data(self, data):
        if self.skip_tag:
            return
        if self.in_label:
            self.label += data
        if data.strip():
            self.parts.append(data.strip())


def readable_texts(html: str) -> list[str]:
    """The visible text and read attributes of an HTML page, one piece per node."""
    parser = _Text()
    parser.feed(html)
    return parser.parts


def english_in_html(html: str) -> list[str]:
    """Each piece of text of ``html`` that holds English, as it reads."""
    return [part for part in readable_texts(html) if english_words(part)]


def page_kind(url: str) -> tuple:
    """Pages of one kind: the same path with numbers as N, and the same query parameters
    (one change page per model, one page per filter, is enough to find a label)."""
    parts = urlsplit(url)
    keys = tuple(sorted({key for key, _ in parse_qsl(parts.query) if key not in ("p", "o")}))
    return re.sub(r"\d+", "N", parts.path), keys
