"""Text repair: HTML remnants, line endings, spaces and paragraphs."""

from __future__ import annotations

import html
import re

_BLOCK_TAG = re.compile(
    r"<\s*(?:br|/?p|/?div|/?li|/?ul|/?ol|/?h[1-6]|/?tr|/?table|/?section|/?article|/?header|"
    r"/?footer|/?blockquote)\b[^>]*>",
    re.IGNORECASE,
)
_DROP_ELEMENT = re.compile(r"<\s*(script|style|noscript)\b[^>]*>.*?<\s*/\s*\1\s*>", re.I | re.S)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|<!--.*?-->", re.S)
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});")
# Spaces other than the plain one: no-break, narrow no-break, figure, thin, ideographic, ...
_SPACES = re.compile(r"[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_MULTISPACE = re.compile(r" {2,}")
_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028]")
# C0 and C1 control characters other than tab and the line breaks above.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f]")
_SENTENCE_END = re.compile(r"[.!?:;\"”’»)]$")


# Markup escaped more than once ("&amp;lt;p&amp;gt;", common in crawls) is unescaped up to this
# many times; each pass shortens the text, so the loop ends early on ordinary text.
MAX_HTML_PASSES = 8


def _strip_html_once(text: str) -> str:
    if "<" in text and _TAG.search(text):
        text = _DROP_ELEMENT.sub(" ", text)
        text = _BLOCK_TAG.sub("\n", text)
        text = _TAG.sub("", text)
    if "&" in text and _ENTITY.search(text):
        text = html.unescape(text)
    return text


def strip_html(text: str) -> str:
    """Turn HTML markup into plain text: block tags become line breaks, other tags go.

    Repeated until nothing changes, so that entities escaping markup ("&lt;b&gt;") leave no
    markup behind and a second normalisation of the result changes nothing.
    """
    for _ in range(MAX_HTML_PASSES):
        stripped = _strip_html_once(text)
        if stripped == text:
            break
        text = stripped
    return text


def clean_lines(text: str) -> list[str]:
    """Unified line endings, folded spaces, trimmed lines; blank lines kept as ''.

    CR, CRLF, vertical tab, form feed, NEL and the line separator end a line; the paragraph
    separator ends a paragraph; other control characters (NUL, ...) are dropped.
    """
    text = _BREAKS.sub("\n", text).replace("\u2029", "\n\n")
    text = _INVISIBLE.sub("", _SPACES.sub(" ", _CONTROLS.sub("", text)))
    return [_MULTISPACE.sub(" ", line).strip() for line in text.split("\n")]


def paragraphs(lines: list[str]) -> list[str]:
    """Group lines into paragraphs.

    Crawled pages put one paragraph per line; hard-wrapped text breaks a paragraph over several
    lines, which are re-joined when a line does not end a sentence and the next starts in lower
    case.
    """
    out: list[str] = []
    joinable = False
    for line in lines:
        if not line:
            joinable = False
            continue
        if joinable and out and not _SENTENCE_END.search(out[-1]) and line[:1].islower():
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
        joinable = True
    return out
