"""A rendered document as the document rules see it: its file, kind, client, date, text and locale."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from bidgen.docx.readback import DocText, TermHit

from .findings import Place
from .termvalues import TermValue, parse_term

__all__ = ["Doc"]


@dataclass
class Doc:
    """A rendered document: its file, what its name says, its text and its locale."""

    path: Path
    kind: str  # proposal, bid, memo, brief; "document" for an unknown name
    client: str | None
    date: dt.date | None
    text: DocText
    locale: str  # content locale (zh_CN, zh_TW or the deal's): words and messages
    decimal: str = "."  # the decimal mark the document's amounts use

    @property
    def label(self) -> str:
        """The file name, as messages name the document."""
        return self.path.name

    def at(self, place: str) -> Place:
        """A place in this document."""
        return Place(str(self.path), place)

    def term_place(self, hit: TermHit) -> Place:
        """Where a term occurrence stands: ``table 3, row 6, cell 2, term total``."""
        part = "" if hit.part.endswith("document.xml") else f"{hit.part.rsplit('/', 1)[-1]}, "
        return self.at(f"{part}{hit.where}, term {hit.key}")

    def value(self, hit: TermHit) -> TermValue | None:
        """The typed value of a term occurrence (None when unreadable)."""
        return parse_term(hit.key, hit.value, self.locale, self.decimal)
