"""Blocks: a page's text as (tag, text) runs in reading order, without what a reader skips."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from company_research.keywords import (
    BOILERPLATE_MARKERS,
    BOILERPLATE_SENTENCE_WORDS,
    BOILERPLATE_SHORT_WORDS,
    LABEL_CLASS_WORDS,
    TITLE_CLASS_WORDS,
)

if TYPE_CHECKING:
    from lxml.html import HtmlElement

__all__ = ["boilerplate_sentence", "clean", "content_blocks"]

BLOCK_TAGS = frozenset(
    [
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "dt",
        "dd",
        "blockquote",
        "figcaption",
        "td",
        "th",
        "div",
        "section",
        "article",
        "main",
        "summary",
        "address",
        "pre",
        "header",
        "footer",
        "aside",
        "ul",
        "ol",
        "dl",
        "table",
    ]
)
EMIT_TAGS = BLOCK_TAGS - {"ul", "ol", "dl", "table"}
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
DROP_TAGS = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "iframe",
        "form",
        "button",
        "select",
        "nav",
        "canvas",
        "object",
        "head",
        "dialog",
        "input",
        "textarea",
    }
)
# A <header> or <footer> is the page's chrome unless it sits inside one of these.
ARTICLE_TAGS = frozenset({"article", "main"})
CHROME_TAGS = frozenset({"header", "footer"})
HIDING_ROLES = frozenset({"navigation", "banner", "contentinfo", "dialog", "alertdialog", "search"})
NAME_ATTRIBUTES = ("id", "class", "aria-label")
MAX_BLOCKS = 2000
MAX_DEPTH = 200  # block nesting we follow; deeper content reads as one run

# A marker names boilerplate anywhere in an element's id, class or aria-label ("site-footer",
# "cookiebot"); a short or generic one ("menu", "share") only as a whole word of them.
STRONG_MARKERS = tuple(m for m in BOILERPLATE_MARKERS if len(m) > 6 or "-" in m)
WEAK_MARKERS = frozenset(m for m in BOILERPLATE_MARKERS if m not in STRONG_MARKERS)
_STRONG = re.compile("|".join(re.escape(m) for m in STRONG_MARKERS))
_WEAK = re.compile(
    r"(?<![^\s_])(?:" + "|".join(re.escape(m) for m in sorted(WEAK_MARKERS)) + r")(?![^\s_])"
)


def clean(text: str) -> str:
    """Runs of whitespace as one space, trimmed (str.split's whitespace is the regex \\s)."""
    return " ".join(text.split())


def content_blocks(root: HtmlElement) -> tuple[tuple[str, str], ...]:
    """The (tag, text) blocks of a page's body, deduplicated, without scripts, forms,
    navigation, the page's header and footer, hidden parts and consent or share widgets."""
    body = root.find("body")
    if body is None:
        body = root
    blocks: list[tuple[str, str]] = []
    seen: set[str] = set()
    for tag, text in _Reading(body).blocks(body, 0):
        if text in seen or boilerplate_sentence(text):
            continue
        seen.add(text)
        blocks.append((tag, text[:5000]))
        if len(blocks) >= MAX_BLOCKS:
            break
    return tuple(blocks)


def boilerplate_sentence(text: str) -> bool:
    """A legal, consent or call-to-action line ("All rights reserved", "Learn more")."""
    lowered = text.lower()
    if len(text) < 300 and any(word in lowered for word in BOILERPLATE_SENTENCE_WORDS):
        return True
    words = len(text.split())
    short = words <= 6 or (words <= 12 and not text.endswith((".", "!", "?")))
    return short and any(word in lowered for word in BOILERPLATE_SHORT_WORDS)


def _is_boilerplate(el: HtmlElement) -> bool:
    """Hidden, or marked as navigation, a banner, a dialog or a widget by role or name."""
    attributes = dict(el.items())
    if not attributes:
        return False
    if "hidden" in attributes or attributes.get("aria-hidden", "").lower() == "true":
        return True
    style = attributes.get("style")
    if style and _hiding_style(style):
        return True
    if attributes.get("role", "").lower() in HIDING_ROLES:
        return True
    # A marker never holds a space, so it matches inside one of the three names or not at all.
    return any(_boilerplate_name(attributes[key]) for key in NAME_ATTRIBUTES if key in attributes)


def _hiding_style(style: str) -> bool:
    style = style.replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


@functools.lru_cache(maxsize=4096)
def _boilerplate_name(name: str) -> bool:
    name = name.lower()
    return _STRONG.search(name) is not None or _WEAK.search(name) is not None


def _non_space(text: str) -> int:
    return sum(map(len, text.split()))


def _tail(el: HtmlElement) -> str:
    """The text after an element; a <br> ends a line."""
    tail = el.tail or ""
    return "\n" + tail if el.tag == "br" else tail


class _Reading:
    """A body as a reader sees it, read in place: the dropped elements (boilerplate, see
    content_blocks) are skipped with their content, and the text after each is joined to the
    text before it, as lxml's drop_tree joins them; a <br> ends a line.

    Only the elements in `marked` (those with a dropped element or a <br> below them) need that
    care; the text of any other element is lxml's text_content().
    """

    def __init__(self, body: HtmlElement) -> None:
        self.body = body
        self.dropped: set[HtmlElement] = set()
        self.marked: set[HtmlElement] = set()
        self.holders: set[HtmlElement] = set()  # kept elements with a kept block element below
        self._counts: dict[HtmlElement, int] = {}
        inside = any(a.tag in ARTICLE_TAGS for a in body.iterancestors())
        stack = [(body, inside)]
        while stack:
            el, inside = stack.pop()
            inside = inside or el.tag in ARTICLE_TAGS
            for child in el:
                tag = child.tag
                if not isinstance(tag, str):  # comments, processing instructions
                    continue
                if (
                    tag in DROP_TAGS
                    or (tag in CHROME_TAGS and not inside)
                    or _is_boilerplate(child)
                ):
                    self.dropped.add(child)
                    self._mark(el, self.marked)
                    continue
                if tag == "br":
                    self._mark(el, self.marked)
                elif tag in BLOCK_TAGS:
                    self._mark(el, self.holders)
                if len(child):
                    stack.append((child, inside))

    def _mark(self, el: HtmlElement, into: set[HtmlElement]) -> None:
        """Add el and its ancestors up to the body (each is added once over the page)."""
        while el not in into:
            into.add(el)
            if el is self.body:
                return
            el = el.getparent()

    def children(self, el: HtmlElement) -> tuple[str, list[tuple[HtmlElement, str]]]:
        """An element's own leading text and its kept children, each with the text after it."""
        if el not in self.marked:
            return el.text or "", [(child, child.tail or "") for child in el]
        lead = el.text or ""
        kept: list[tuple[HtmlElement, str]] = []
        for child in el:
            tail = _tail(child)
            if child not in self.dropped:
                kept.append((child, tail))
            elif kept:
                kept[-1] = (kept[-1][0], kept[-1][1] + tail)
            else:
                lead += tail
        return lead, kept

    def text(self, el: HtmlElement) -> str:
        """All the kept text of an element, as text_content() reads it."""
        if el not in self.marked:
            return el.text_content()
        parts: list[str] = []
        pending: list[HtmlElement | str] = [el]  # elements to read and the tails after them
        while pending:
            item = pending.pop()
            if isinstance(item, str):
                parts.append(item)
            elif item not in self.marked:
                parts.append(item.text_content())
            else:
                lead, kids = self.children(item)
                parts.append(lead)
                for child, tail in reversed(kids):
                    pending.append(tail)
                    if isinstance(child.tag, str):
                        pending.append(child)
        return "".join(parts)

    def reads_as(self, el: HtmlElement, text: str) -> bool:
        """True when the kept text of el, whitespace collapsed, is `text` (a short run)."""
        if el not in self.marked:
            return clean(el.text_content()) == text
        # Counted first (text is clean: its only spaces are single " "): a title check on
        # every level of a deep page must not read all the levels below each one again.
        if self._non_space_in(el) != len(text) - text.count(" "):
            return False
        return clean(self.text(el)) == text

    def _non_space_in(self, el: HtmlElement) -> int:
        """The non-space characters in the kept text of a marked element (each element's
        count is kept, so a page is counted once)."""
        if el in self._counts:
            return self._counts[el]
        pending = [el]
        while pending:
            item = pending[-1]
            lead, kids = self.children(item)
            unread = [k for k, _ in kids if k in self.marked and k not in self._counts]
            if unread:
                pending.extend(unread)
                continue
            pending.pop()
            count = _non_space(lead)
            for kid, tail in kids:
                if kid in self.marked:
                    count += self._counts[kid]
                elif isinstance(kid.tag, str):
                    count += _non_space(kid.text_content())
                count += _non_space(tail)
            self._counts[item] = count
        return self._counts[el]

    def blocks(self, container: HtmlElement, depth: int) -> Iterator[tuple[str, str]]:
        """(tag, text) per run of inline content, in page order. A block element's own text
        and inline children form a run; each block child starts a new one. So the loose
        `<span class="title">Name</span>` of a card, beside its `<p>`, is kept, not lost."""
        lead, kids = self.children(container)
        run: list[str] = [lead]
        inline: list[tuple[HtmlElement, str, str]] = []  # element, its text, the text after it
        tag = container.tag if container.tag in EMIT_TAGS else "div"
        for child, tail in kids:
            if not isinstance(child.tag, str):  # comments, processing instructions
                run.append(tail)
                continue
            if depth < MAX_DEPTH and (child.tag in BLOCK_TAGS or child in self.holders):
                yield from self._flush(container, lead, tag, run, inline)
                run, inline = [], []
                yield from self.blocks(child, depth + 1)
            else:
                text = self.text(child)
                run.append(text)
                inline.append((child, text, tail))
            run.append(tail)
        yield from self._flush(container, lead, tag, run, inline)

    def _flush(
        self,
        container: HtmlElement,
        lead: str,
        tag: str,
        run: list[str],
        inline: list[tuple[HtmlElement, str, str]],
    ) -> Iterator[tuple[str, str]]:
        text = clean("".join(run))
        if not text:
            return
        if tag not in HEADINGS:
            level = self._title_level(container, lead, run, inline, text)
            if level:
                tag = f"h{level}"
        yield tag, text

    def _title_level(
        self,
        container: HtmlElement,
        lead: str,
        run: list[str],
        inline: list[tuple[HtmlElement, str, str]],
        text: str,
    ) -> int | None:
        """The heading level a short run is styled as (a card title, an eyebrow label, a Wix
        "heading" paragraph), or None for body text. Sites built without h1-h6 still mark
        titles with role=heading, title-like class names, bold-only text or a large inline
        font size."""
        words = text.split()
        if len(words) > 10 or len(text) > 90 or text.endswith(TITLE_PUNCTUATION):
            return None
        if not any(c.isalpha() for c in text) or text[0].isdigit():
            return None
        # The elements that carry exactly this text: the container when the run is all of its
        # text, and the one inline child (and its only descendants) that holds all of the run.
        chain: list[HtmlElement] = []
        if self.reads_as(container, text):
            chain.append(container)
        holders = [el for el, el_text, _tail in inline if el_text.strip()]
        loose = lead.strip() or any(tail.strip() for _el, _text, tail in inline)
        if len(holders) == 1 and not loose and not (run and run[0].strip()):
            el = holders[0]
            while True:
                chain.append(el)
                el_lead, el_kids = self.children(el)
                kids = [(kid, tail) for kid, tail in el_kids if isinstance(kid.tag, str)]
                if len(kids) != 1 or el_lead.strip() or kids[0][1].strip():
                    break
                el = kids[0][0]
        if not chain:
            return None
        return _styled_level(chain, container)


TITLE_PUNCTUATION = (".", "!", "?", ";", ",", "…")
FONT_SIZE = re.compile(r"font-size:\s*(\d+(?:\.\d+)?)(px|rem|em)")
BOLD = re.compile(r"font-weight:\s*(?:bold|[6-9]00)")


def _styled_level(chain: list[HtmlElement], container: HtmlElement) -> int | None:
    for el in chain:
        if (el.get("role") or "").lower() == "heading":
            level = (el.get("aria-level") or "2").strip()
            return int(level) if level.isdigit() and 1 <= int(level) <= 6 else 2
    size = 0.0
    for el in chain:
        for value, unit in FONT_SIZE.findall((el.get("style") or "").lower()):
            size = max(size, float(value) * (16 if unit in ("rem", "em") else 1))
    if size >= 32:
        return 2
    if size >= 24:
        return 3
    if size >= 20:
        return 4
    words_in_class = {
        w for el in chain for w in re.split(r"[\s_-]+", (el.get("class") or "").lower()) if w
    }
    if words_in_class & LABEL_CLASS_WORDS:
        return 6
    if words_in_class & TITLE_CLASS_WORDS:
        return 4
    bold = any(el.tag in ("strong", "b") or BOLD.search(el.get("style") or "") for el in chain)
    if bold and chain[-1] is not container:
        return 5
    return None
