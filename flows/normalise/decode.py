"""Bytes to text: encoding detection, binary sniffing and mojibake repair."""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass

import ftfy

# Magic numbers of formats that are crawled by mistake under a `.txt` name.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or Office document)"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x7fELF", "ELF executable"),
    (b"RIFF", "RIFF media"),
    (b"OggS", "Ogg media"),
    (b"\x00\x00\x01\x00", "icon"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LETTER = re.compile(r"[^\W\d_]")
# C0 controls other than tab, LF, CR; and C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_CONT = ("\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
         "\u2013-\u203a\u20ac\u2122")
_MOJIBAKE_HINT = re.compile(f"[\u00c2-\u00f4][{_CONT}]|\u00e2\u20ac|\u00c3[{_CONT}]")
# What ftfy's remove_control_chars drops, for text that skips ftfy.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufff9-\ufffb\U000e0000-\U000e007f]")


# Repair encoding damage only: keep the publisher's quotes, ligatures and widths as written.
_FTFY = ftfy.TextFixerConfig(
    unescape_html=False, uncurl_quotes=False, fix_line_breaks=False, fix_latin_ligatures=False,
    fix_character_width=False, explain=False, normalization="NFC",
)


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    repaired: bool  # ftfy changed something (mojibake, bad entities, ...)


class Undecodable(ValueError):
    """The bytes are not text a person wrote; `reason` is a quarantine reason."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def sniff_binary(head: bytes) -> str | None:
    """Name of the binary format `head` starts with, or None if it may be text."""
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when every other byte is NUL, as in BOM-less UTF-16 ASCII text."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _single_byte(data: bytes) -> tuple[str, str]:
    """Decode a non-UTF-8 file as cp1251 when it reads as Cyrillic, else as cp1252/latin-1."""
    as_cyrillic = data.decode("cp1251", errors="replace")
    letters = len(_LETTER.findall(as_cyrillic)) or 1
    # In cp1251 the bytes 0xC0-0xFF are Cyrillic letters; Western text decoded so is full of
    # capital Cyrillic letters in odd places. Real Russian/Kazakh text is mostly lower case.
    cyr = _CYRILLIC.findall(as_cyrillic)
    lower = sum(1 for c in cyr if c.islower())
    if len(cyr) > 0.3 * letters and lower > 0.6 * len(cyr):
        return as_cyrillic, "cp1251"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def decode_bytes(data: bytes) -> Decoded:
    """Decode raw bytes to text, repairing mojibake; raise `Undecodable` for non-text."""
    if not data.strip(b" \t\r\n\x00\x0b\x0c"):
        raise Undecodable("empty", "The file is empty or holds only white space.")
    binary = sniff_binary(data[:16])
    if binary:
        raise Undecodable("binary", f"The file is a {binary}, not text: remove it from raw/ or "
                          "extract its text first.")
    encoding = None
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding, data = name, data[len(bom):]
            break
    if encoding is None:
        encoding = _utf16_without_bom(data)
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise Undecodable("undecodable", f"The file starts like {encoding} but is not valid "
                              f"{encoding} at byte {exc.start}: re-save it as UTF-8.") from exc
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _single_byte(data)
    text = text.replace("\x00", "")
    if not text.strip():
        raise Undecodable("empty", f"The file holds no text once decoded as {encoding}.")
    controls = len(_CONTROL.findall(text[:65536]))
    if controls > 0.05 * min(len(text), 65536):
        raise Undecodable("undecodable", f"Decoded as {encoding}, {controls} control characters "
                          "remain in the first 64 KiB: this is not text in a known encoding.")
    # ftfy is the costliest step of normalising: only text with a UTF-8 lead byte read as
    # Latin-1/cp1252 followed by a continuation byte (the shape of mojibake) goes through it.
    if text.isascii() or not _MOJIBAKE_HINT.search(text):
        fixed = unicodedata.normalize("NFC", _CONTROL_CHARS.sub("", text))
        return Decoded(fixed, encoding, False)
    fixed = ftfy.fix_text(text, _FTFY)
    return Decoded(fixed, encoding, fixed != unicodedata.normalize("NFC", text))
