"""Synthetic proposals for the render benchmark: real deals through bidgen's real assembly.

``make_context(i)`` returns the full context of the i-th synthetic deal for the built-in
proposal template: the reference deals with varied client, quantities, prices and discounts,
priced, worded and assembled exactly as ``bidgen proposal`` does.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from bidgen.pipeline import load_library
from bidgen.documents.common import deal_facts
from bidgen.documents.proposal import proposal_context
from bidgen.inputs.load import load_deal
from bidgen.inputs.models import Deal

ROOT = Path(__file__).resolve().parent.parent
LOCALE = "en_US"


@lru_cache(maxsize=None)
def _base(locale: str) -> Deal:
    return load_deal(ROOT / "samples" / ("deal-en_US.yaml" if locale == "en_US" else "deal-zh_CN.yaml"))


def synthetic_deal(i: int, locale: str = LOCALE) -> Deal:
    """The i-th synthetic deal (deterministic)."""
    base = _base(locale)
    items = []
    for k, item in enumerate(base.items):
        items.append(item.model_copy(update={
            "quantity": item.quantity + (i + k) % 17,
            "unit_price": item.unit_price + Decimal(i % 97) + Decimal("0.35"),
            "discount_percent": Decimal((i + k) % 4),
        }))
    client = base.client.model_copy(update={"name": f"{base.client.name} {i}", "code": f"C{i:05d}"})
    return base.model_copy(update={"items": tuple(items), "client": client, "id": f"D-BENCH-{i:05d}"})


def make_context(i: int) -> dict[str, Any]:
    """The proposal context of the i-th synthetic deal (what bidgen renders)."""
    deal = synthetic_deal(i)
    ctx, _ = proposal_context(deal_facts(deal), load_library())
    return ctx


TEMPLATE = ROOT / "templates" / f"proposal.{LOCALE}.docx"
