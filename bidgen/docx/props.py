"""Document-level fix-ups: core properties (fixed dates, author) and drawing ids."""

from __future__ import annotations

import datetime as dt
from typing import Any

from lxml import etree

from bidgen.errors import RenderError

DEFAULT_DOC_DATE = dt.datetime(2000, 1, 1)
LAST_MODIFIED_BY = "bidgen"
_NS = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
}
_DOCPR_XPATH = etree.XPath("//wp:docPr", namespaces=_NS)


def stamp_core(root: etree._Element, stamp: str) -> None:
    """Set created/modified to ``stamp`` and fix lastModifiedBy/revision in docProps/core.xml."""
    for tag in ("dcterms:created", "dcterms:modified"):
        el = _child(root, tag)
        el.text = stamp
        el.set(f"{{{_NS['xsi']}}}type", "dcterms:W3CDTF")
    _child(root, "cp:lastModifiedBy").text = LAST_MODIFIED_BY
    _child(root, "cp:revision").text = "1"


def _child(root: etree._Element, tag: str) -> etree._Element:
    prefix, local = tag.split(":")
    clark = f"{{{_NS[prefix]}}}{local}"
    el = root.find(clark)
    if el is None:
        el = etree.SubElement(root, clark)
    return el


def w3cdtf(value: Any) -> str:
    """W3CDTF timestamp of a date, datetime (UTC) or ISO date string (``doc_date``)."""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value)
        except ValueError as exc:
            raise RenderError(f"doc_date is not an ISO date: {value!r}", field="doc_date") from exc
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return f"{value.replace(microsecond=0).isoformat()}Z"
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00Z"
    raise RenderError(f"doc_date must be a date, got {type(value).__name__}", field="doc_date")


def dedupe_docpr_ids(root: etree._Element) -> bool:
    """Renumber drawing ids (wp:docPr/@id) when a loop duplicated them."""
    elements = _DOCPR_XPATH(root)
    ids = [e.get("id") for e in elements]
    if len(set(ids)) == len(ids):
        return False
    for n, el in enumerate(elements, start=1001):
        el.set("id", str(n))
    return True
