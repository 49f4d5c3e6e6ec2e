"""Normalise: raw bytes in, the release's own text and its metadata out. No Prefect here."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from flows.normalise.clean import clean_lines, paragraphs, strip_html
from flows.normalise.decode import Undecodable, decode_bytes
from flows.normalise.metadata import Metadata, split


@dataclass
class Normalised:
    source_file: str
    raw_sha256: str
    encoding: str
    repaired: bool
    title: str | None
    body: str
    meta: Metadata = field(default_factory=Metadata)

    @property
    def release_id(self) -> str:
        return self.raw_sha256[:16]


@dataclass(frozen=True)
class Rejected:
    """A raw file that goes to the `quarantine` table."""

    source_file: str
    raw_sha256: str
    reason: str
    detail: str
    duplicate_of: str | None = None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# Cleaning is repeated until the text stops changing (a fixed point: cleaning a body again changes
# nothing); two passes suffice for any text seen so far, the bound only guards odd input.
MAX_CLEAN_PASSES = 4


def clean_text(text: str) -> str:
    """Plain text of `text`: markup gone, lines and spaces unified, paragraphs split by one
    blank line. Idempotent: clean_text(clean_text(t)) == clean_text(t)."""
    for _ in range(MAX_CLEAN_PASSES):
        cleaned = "\n\n".join(paragraphs(clean_lines(strip_html(text))))
        if cleaned == text:
            break
        text = cleaned
    return text


def normalise_text(text: str) -> tuple[str | None, list[str], Metadata]:
    """Title, body paragraphs and metadata of an already decoded release text."""
    cleaned = clean_text(text)
    return split(cleaned.split("\n\n") if cleaned else [])


def normalise(data: bytes, source_file: str) -> Normalised | Rejected:
    """Decode, repair and split one raw release."""
    digest = sha256(data)
    try:
        decoded = decode_bytes(data)
    except Undecodable as exc:
        return Rejected(source_file, digest, exc.reason, exc.detail)
    title, body, meta = normalise_text(decoded.text)
    if not body or sum(len(p.split()) for p in body) < 5:
        kept = f" (title: {title!r})" if title else ""
        return Rejected(source_file, digest, "no_body", "No release text is left once navigation, "
                        f"metadata and boilerplate are removed{kept}: the crawl caught a page "
                        "without an article.")
    return Normalised(source_file, digest, decoded.encoding, decoded.repaired, title,
                      "\n\n".join(body), meta)
