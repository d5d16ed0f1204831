"""bidgen: proposals, bid packages and confirmation memos from deal data, checked.

The public API, importable from ``bidgen`` directly (loaded lazily so that the command line
starts fast)::

    from bidgen import load_deal, make_proposal, read_docx
    deal = load_deal("samples/deal-zh_CN.yaml")
    written = make_proposal(deal, Path("out"))
    read_docx(written.path).terms["total"][0].value   # '676,200.00'
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    # loading and models
    "load_deal": "bidgen.load",
    "load_meeting": "bidgen.load",
    "load_tender": "bidgen.load",
    "load_any": "bidgen.load",
    "Deal": "bidgen.models",
    "Meeting": "bidgen.models",
    "Tender": "bidgen.models",
    # money and words
    "compute_pricing": "bidgen.money",
    "Pricing": "bidgen.money",
    "amount_in_words": "bidgen.words",
    "parse_amount_words": "bidgen.words",
    "words_to_decimal": "bidgen.words",
    # documents
    "make_proposal": "bidgen.build",
    "make_all": "bidgen.build",
    "Written": "bidgen.build",
    "make_bid": "bidgen.documents.bid",
    "make_memo": "bidgen.documents.memo",
    "make_brief": "bidgen.documents.brief",
    # engine and read-back
    "CompiledTemplate": "bidgen.render",
    "render_to_file": "bidgen.render",
    "write_atomic": "bidgen.render",
    "read_docx": "bidgen.readback",
    "DocText": "bidgen.readback",
    "TermHit": "bidgen.readback",
    # library
    "Library": "bidgen.library",
    # errors
    "BidgenError": "bidgen.errors",
    "InputError": "bidgen.errors",
    "ValidationErrors": "bidgen.errors",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'bidgen' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
