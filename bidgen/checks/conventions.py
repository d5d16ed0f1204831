"""The client's country and script: a tax rate the country uses, and text in the deal's own script.

* ``TAX-RATE-COUNTRY``: the deal's tax rate is one of the standard rates of the client's country
  (the policy's ``tax_rates`` table: 13/9/6/3/1% VAT in CN, 5% business tax in TW, no VAT in HK …).
  A 13% rate on a Taiwan deal is a mainland rate typed by habit.
* ``TEXT-SCRIPT``: a zh_TW deal's own text (and its tender's and meeting's) is written in traditional
  characters, a zh_CN deal's in simplified ones; each key with characters of the other script is named.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, Iterator

from ..locales import content_locale
from ..words.glossary import mainland_terms
from ..words.script import simplified_chars, traditional_chars
from .context import Inputs, Source, pct, value
from .registry import WARNING, Collector, rule

TAX_RATE = rule(
    "TAX-RATE-COUNTRY", "conventions", WARNING,
    "The deal's tax rate is a standard rate of the client's country (policy: tax_rates).",
)
SCRIPT = rule(
    "TEXT-SCRIPT", "conventions", WARNING,
    "A zh_TW deal's own text is in traditional characters, a zh_CN deal's in simplified ones.",
)
TERMS = rule(
    "TEXT-TW-TERMS", "conventions", WARNING,
    "A zh_TW deal's own text uses Taiwan terms (押標金, 負責人 …), not mainland ones (the glossary).",
)

#: Keys whose values are codes, addresses of machines or people's names, never prose to check.
_SKIP = {"id", "deal", "sku", "code", "currency", "locale", "email", "phone", "credit_code", "tax_id", "ref",
         "narrative", "fab", "clauses"}


def check(inp: Inputs, out: Collector) -> None:
    """The tax rate against the client's country, and the script of the deal's own texts."""
    d = inp.deal
    if d is None:
        return
    _tax_rate(inp, out)
    if not (out.on(SCRIPT) or out.on(TERMS)):
        return
    loc = content_locale(d.locale)
    if not loc.startswith("zh"):
        return
    terms_on, script_on = loc == "zh_TW" and out.on(TERMS), out.on(SCRIPT)
    for model, src in ((d, inp.deal_src), (inp.tender, inp.tender_src), (inp.meeting, inp.meeting_src)):
        if model is None:
            continue
        for path, text in _texts(model.model_dump(mode="python", exclude_none=True), ()):
            if terms_on:
                terms = mainland_terms(text)
                if terms:
                    where = src.at(*path)
                    pairs = "、".join(f"{t.mainland} → {t.taiwan}" for t in terms)
                    out.add(TERMS, (
                        f"The deal's locale is {d.locale}, but the {src.label}'s text '{_short(text)}' uses mainland "
                        f"terms ({pairs}): write it the way Taiwan does."
                    ), where, [value(src.label, _short(text), where)])
            if not script_on:
                continue
            wrong = simplified_chars(text) if loc == "zh_TW" else traditional_chars(text)
            if not wrong:
                continue
            where = src.at(*path)
            script, want = ("simplified", "traditional") if loc == "zh_TW" else ("traditional", "simplified")
            chars = "、".join(wrong[:8]) + ("…" if len(wrong) > 8 else "")
            out.add(SCRIPT, (
                f"The deal's locale is {d.locale}, but the {src.label}'s text '{_short(text)}' uses {script} characters "
                f"({chars}): a {loc} client reads {want} characters. Rewrite it (and check the terms, not only the "
                f"characters)."
            ), where, [value(src.label, _short(text), where)])


def _tax_rate(inp: Inputs, out: Collector) -> None:
    d = inp.deal
    assert d is not None
    if not out.on(TAX_RATE) or not d.client.country:
        return
    table = out.policy.tax_rates
    country = d.client.country.upper()
    if country not in table or table[country] is None:
        return
    rates = [Decimal(r) for r in table[country] or ()]
    if Decimal(d.tax_rate_percent) in rates:
        return
    where = inp.deal_src.at("tax_rate_percent")
    usual = ", ".join(pct(r) for r in rates) or "none"
    out.add(TAX_RATE, (
        f"The tax rate {pct(d.tax_rate_percent)} is not a standard rate in {country} (the client's country): the "
        f"policy lists {usual}. A rate of another country typed by habit puts a wrong total in front of the client; "
        f"if the rate is right (a special regime), add it to tax_rates.{country} in the team's policy."
    ), where, [value("deal", pct(d.tax_rate_percent), where), value("policy", usual)])


#: A CJK ideograph (extension A and the unified block): a text worth checking for its script.
_HAN_RE = re.compile("[\u3400-\u9fff]")


def _texts(data: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(data, str):
        if _HAN_RE.search(data):
            yield path, data
    elif isinstance(data, dict):
        for k, v in data.items():
            if k not in _SKIP:
                yield from _texts(v, (*path, k))
    elif isinstance(data, (list, tuple)):
        for i, v in enumerate(data):
            yield from _texts(v, (*path, i))


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 40 else text[:39] + "…"


__all__ = ["TAX_RATE", "SCRIPT", "TERMS", "check", "Source"]
