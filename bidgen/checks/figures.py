"""Every figure a client reads is traced: each amount and percentage in a client document's text.

The marked terms (``bg_total_1`` …) are only some of the figures a document states: sentences, table
cells, headers and footers state many more ("The total investment is USD 156,849.00 …", "40% of
the contract price, USD 62,739.60").  This family reads *all* the text of a client document
(proposal, bid, memo: the brief is internal) in the document's number format and checks that

* every **money amount** is one of the deal's computed figures (total, subtotal, price before
  tax, tax, discount, each line's amount and unit price, each milestone's amount, the retention,
  the liability cap, penalty amounts) or one of its tender's or meeting's amounts, or a figure
  written in the deal's, tender's, meeting's or the library's own text (``FIG-UNTRACED``);
* every such amount is stated with the **right tax wording**: the total is never called "before
  tax" or "plus tax"; a price before tax is never called "tax included" (``FIG-TAX-WORDING``);
* every **percentage** is one of the deal's (tax rate, discounts, milestone shares, retention,
  penalty rates and cap) or written in those same texts (``FIG-PERCENT``).

What counts as an amount: a number with the currency's decimals (``156,849.00``, ``156 849,00``,
``156.849,00``), or any number written next to a currency (``USD 3,000``, ``人民币 50 万元``,
``NT$ 12,000``, ``3,000 US dollars``), or, in a currency without decimals (JPY, TWD), a table cell
that holds only a grouped number that is not one of the deal's counts.  ``万``/``萬``/``亿``/``億``
multiply.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence

from ..locales import currency_digits, quantize_money
from .context import Inputs, value
from .doc import Doc
from .registry import ERROR, Collector, rule

__all__ = ["UNTRACED", "WORDING", "PERCENT", "check_document_figures", "traced_figures", "Traced", "read_figures"]

UNTRACED = rule(
    "FIG-UNTRACED", "figures", ERROR,
    "Every amount in a client document's text (prose, tables, headers, footers) is one of the deal's figures.",
)
WORDING = rule(
    "FIG-TAX-WORDING", "figures", ERROR,
    "Every amount is stated with the right tax wording (the total includes the tax; a price before tax is "
    "never called tax included).",
)
PERCENT = rule(
    "FIG-PERCENT", "figures", ERROR,
    "Every percentage in a client document's text is one of the deal's (tax, discounts, milestones, penalties) "
    "or written in its own texts.",
)

INCL, EXCL, ANY = "incl", "excl", "any"

# ----------------------------------------------------------------------------- what the deal says


@dataclass
class Traced:
    """The figures of one deal a client document may state: value → names (with their tax basis)."""

    currency: str
    money: dict[Decimal, list[tuple[str, str]]] = field(default_factory=dict)
    percents: dict[Decimal, list[str]] = field(default_factory=dict)
    counts: set[Decimal] = field(default_factory=set)
    literals: set[Decimal] = field(default_factory=set)  # numbers written in the inputs' and library's texts
    literal_percents: set[Decimal] = field(default_factory=set)

    def add_money(self, amount: Decimal | None, name: str, basis: str = ANY) -> None:
        if amount is None:
            return
        key = _norm(amount)
        names = self.money.setdefault(key, [])
        if (name, basis) not in names:
            names.append((name, basis))

    def add_percent(self, pct: Decimal | int | None, name: str) -> None:
        if pct is None:
            return
        self.percents.setdefault(_norm(Decimal(pct)), []).append(name)

    def names(self, amount: Decimal) -> list[tuple[str, str]]:
        return self.money.get(_norm(amount), [])

    def nearest(self, amount: Decimal) -> tuple[str, Decimal] | None:
        """The computed figure ``amount`` was most likely meant to be (for the message): the one whose digits
        differ least (a typo: 165,849 for 156,849), then the closest in value."""
        want = _digits(amount, self.currency)
        best = None
        for val, names in self.money.items():
            if val == 0:
                continue
            score = (_distance(want, _digits(val, self.currency)), abs(val - amount))
            if best is None or score < best[0]:
                best = (score, names[0][0], val)
        return (best[1], best[2]) if best else None


def _digits(amount: Decimal, currency: str) -> str:
    return format(quantize_money(Decimal(amount), currency), "f").replace(".", "")


def _distance(a: str, b: str) -> int:
    """Edit distance of two digit strings (insert, delete, replace, swap of neighbours)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _norm(d: Decimal) -> Decimal:
    return Decimal(d).normalize() if Decimal(d) != 0 else Decimal(0)


def traced_figures(inp: Inputs, library_dirs: Sequence[Path] = ()) -> Traced:
    """Every figure of ``inp``'s deal (with its tender and meeting) a client document may state."""
    d, p = inp.deal, inp.pricing
    assert d is not None and p is not None
    cur = d.currency
    taxed = p.tax_rate_percent != 0
    line_basis = (INCL if p.prices_include_tax else EXCL) if taxed else ANY
    tr = Traced(cur)
    tr.add_money(p.total, "the total", INCL if taxed else ANY)
    tr.add_money(p.subtotal, "the subtotal", line_basis)
    tr.add_money(p.net, "the price before tax", EXCL if taxed else ANY)
    tr.add_money(p.tax, "the tax")
    if p.discount_total:
        tr.add_money(p.discount_total, "the discount", line_basis)
    for item, line in zip(d.items, p.lines):
        n = line.index + 1
        tr.add_money(line.total, f"the amount of item {n}", line_basis)
        tr.add_money(line.gross, f"the amount of item {n} before discount", line_basis)
        tr.add_money(line.discount_amount, f"the discount on item {n}", line_basis)
        tr.add_money(item.unit_price, f"the unit price of item {n}", line_basis)
        tr.add_money(quantize_money(item.unit_price, cur), f"the unit price of item {n}", line_basis)
        tr.counts.add(_norm(item.quantity))
        if line.discount_percent:
            tr.add_percent(line.discount_percent, f"the discount on item {n}")
    retention = Decimal(0)
    retention_pct = Decimal(0)
    for ms, priced in zip(d.terms.payment, p.milestones):
        tr.add_money(priced.amount, f"milestone {priced.index + 1}", INCL if taxed else ANY)
        tr.add_percent(priced.percent, f"milestone {priced.index + 1}")
        if ms.retention:
            retention += priced.amount
            retention_pct += priced.percent
    tr.add_money(p.milestones_total, "the payment schedule's total", INCL if taxed else ANY)
    tr.add_percent(sum((m.percent for m in p.milestones), Decimal(0)), "the payment schedule's total")
    if retention:
        tr.add_money(retention, "the retention", INCL if taxed else ANY)
        tr.add_percent(retention_pct, "the retention")
    tr.add_percent(p.tax_rate_percent, "the tax rate")
    t = d.terms
    pen = t.late_delivery_penalty
    if pen is not None:
        tr.add_percent(pen.percent_per_day, "the penalty per day")
        tr.add_money(quantize_money(p.total * pen.percent_per_day / 100, cur), "the penalty per day")
        if pen.cap_percent is not None:
            tr.add_percent(pen.cap_percent, "the penalty cap")
            tr.add_money(quantize_money(p.total * pen.cap_percent / 100, cur), "the penalty cap")
    for count in (t.delivery_days, t.warranty_months, (d.valid_until - d.issue_date).days):
        if count is not None:
            tr.counts.add(_norm(Decimal(count)))
    if t.sla is not None:
        for hours in (t.sla.response_hours, t.sla.onsite_hours):
            if hours is not None:
                tr.counts.add(_norm(Decimal(hours)))
    ten = inp.tender
    if ten is not None:
        tr.add_money(ten.bid_bond, "the tender's bid bond")
        tr.add_money(ten.budget, "the tender's budget")
        tr.add_money(ten.ceiling_price, "the tender's ceiling price")
    mt = inp.meeting
    if mt is not None:
        _meeting_figures(mt, tr, p)
    texts = list(_strings(d.model_dump(mode="python", exclude={"negotiation"})))
    for model in (ten, mt):
        if model is not None:
            texts.extend(_strings(model.model_dump(mode="python")))
    texts.extend(_library_texts(tuple(str(x) for x in library_dirs)))
    for text in texts:
        for m in _LITERAL_NUMBER.finditer(text):
            num = _loose_number(m.group("num"))
            if num is None:
                continue
            if m.group("pct"):
                tr.literal_percents.add(_norm(num))
            else:
                tr.literals.add(_norm(num * _multiplier(m.group("mult"))))
    return tr


def _meeting_figures(mt: Any, tr: Traced, p: Any) -> None:
    """The meeting's agreed price (a total, or a price before tax) and range, and its agreed schedule."""
    agreed = getattr(mt, "agreed", None)
    if agreed is None:
        return
    taxed = p.tax_rate_percent != 0

    def basis(amount: Decimal) -> str:
        if not taxed:
            return ANY
        return INCL if amount == p.total else EXCL if amount == p.net else ANY

    if agreed.price is not None:
        tr.add_money(agreed.price, "the agreed price", basis(agreed.price))
    if agreed.price_range is not None:
        tr.add_money(agreed.price_range.low, "the low end of the agreed price range", basis(agreed.price_range.low))
        tr.add_money(agreed.price_range.high, "the high end of the agreed price range", basis(agreed.price_range.high))
    for i, ms in enumerate(agreed.payment, start=1):
        tr.add_percent(ms.percent, f"agreed milestone {i}")
        if agreed.price is not None:
            tr.add_money(quantize_money(agreed.price * ms.percent / 100, tr.currency), f"agreed milestone {i}",
                         basis(agreed.price))


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for v in data.values():
            yield from _strings(v)
    elif isinstance(data, (list, tuple)):
        for v in data:
            yield from _strings(v)


@lru_cache(maxsize=8)
def _library_texts(dirs: tuple[str, ...]) -> tuple[str, ...]:
    """The raw texts of every library entry (every locale): figures they write literally are traced."""
    from ..library import Library

    try:
        lib = Library.load([Path(x) for x in dirs])
    except Exception:  # noqa: BLE001 - an unusable library is reported by `bidgen library validate`
        return ()
    out: list[str] = []
    for entry in lib.entries():
        for loc in entry.locales:
            out.extend(src for _, src in entry.sources(loc))
    return tuple(out)


# ----------------------------------------------------------------------------- reading a document

_SPACES = "\u00a0\u202f\u2009 "
_LITERAL_NUMBER = re.compile(
    r"(?P<num>\d[\d,.'\u00a0\u202f\u2009]*\d|\d)\s?(?:(?P<pct>[%％])|(?P<mult>[万萬亿億]))?"
)
_CODES = ("USD", "CNY", "RMB", "TWD", "NTD", "HKD", "SGD", "EUR", "GBP", "JPY", "AED", "SAR", "KRW", "AUD", "CAD",
          "CHF", "INR", "MYR", "THB", "VND", "IDR", "PHP", "MOP", "NZD", "SEK", "NOK", "DKK", "QAR", "KWD", "BHD", "OMR")
_BEFORE = re.compile(
    r"(?:\b(?:" + "|".join(_CODES) + r")|US\$|NT\$|HK\$|S\$|A\$|C\$|R\$|[$¥￥€£₩₹]|人民币|人民幣|新臺幣|新台幣|美元|港币|港幣|欧元|歐元|日元|日圓)"
    r"[\s\u00a0\u202f]*$"
)
_AFTER = re.compile(
    r"^[\s\u00a0\u202f]*(?:[万萬亿億]?元|(?:" + "|".join(_CODES) + r")\b|[$€£¥₩₹]|\$US|US dollars?|dollars?|euros?|"
    r"pounds? sterling|dirhams?|riyals?|yuan|美元|港元|港币|港幣|欧元|歐元|日元|日圓)"
)
_PCT_PREFIX = re.compile(r"[%％][\s\u00a0\u202f]?$")


@dataclass(frozen=True)
class Figure:
    """One figure read from a document's text."""

    kind: str  # money | percent
    value: Decimal
    text: str  # as written
    start: int
    end: int
    marked: bool  # written next to a currency


def _number_re(decimal: str) -> re.Pattern[str]:
    group = "[,\u00a0\u202f\u2009'\u2019]" if decimal == "." else "[.\u00a0\u202f\u2009'\u2019]"
    dec = re.escape(decimal)
    return re.compile(
        rf"(?<![\d.,])(?:\d{{1,3}}(?:{group}\d{{3}})+|\d+)(?:{dec}\d+)?(?![\d]|[.,]\d)"
    )


def _to_decimal(text: str, decimal: str) -> Decimal | None:
    cleaned = re.sub(r"[\u00a0\u202f\u2009'\u2019]", "", text)
    cleaned = cleaned.replace("." if decimal == "," else ",", "")
    if decimal == ",":
        cleaned = cleaned.replace(",", ".")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def _loose_number(text: str) -> Decimal | None:
    """A number written in an input or library text, in whichever convention (``3,000``, ``2.5``)."""
    raw = re.sub(r"[\u00a0\u202f\u2009' ]", "", text).rstrip(".,")
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d+)?", raw):
        raw = raw.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d+)?", raw):
        raw = raw.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d+,\d{1,2}", raw):
        raw = raw.replace(",", ".")
    try:
        return Decimal(raw)
    except InvalidOperation:
        return None


def _multiplier(mult: str | None) -> Decimal:
    return {"万": Decimal(10000), "萬": Decimal(10000), "亿": Decimal(10) ** 8, "億": Decimal(10) ** 8}.get(mult or "",
                                                                                                     Decimal(1))


def read_figures(text: str, decimal: str, digits: int, *, whole_cell: bool = False,
                 counts: Iterable[Decimal] = ()) -> list[Figure]:
    """The money amounts and percentages written in ``text`` (see the module's doc)."""
    found: list[Figure] = []
    stripped = text.strip()
    for m in _number_re(decimal).finditer(text):
        raw = m.group(0)
        val = _to_decimal(raw, decimal)
        if val is None:
            continue
        before, after = text[: m.start()], text[m.end():]
        if re.match(r"^[\s\u00a0\u202f]?[%％]", after) or _PCT_PREFIX.search(before):
            found.append(Figure("percent", val, raw, m.start(), m.end(), False))
            continue
        mult = re.match(r"^[\s\u00a0\u202f]?([万萬亿億])", after)
        if mult:
            val = val * _multiplier(mult.group(1))
        if re.search(r"[-/:]$", before) or re.match(r"^[-/:]\d", after):
            continue  # part of a date, a time, a reference or a range: 2026-11-20, 07:00, GLH-ITT-2026-031
        marked = bool(_BEFORE.search(before[-12:]) or _AFTER.match(after[:20]))
        frac = raw.rsplit(decimal, 1)[1] if decimal in raw else ""
        grouped = len(re.sub(r"\D", "", raw.rsplit(decimal, 1)[0] if frac else raw)) > 3
        # an unmarked number with the currency's decimals is an amount in a table cell, or in prose when it is
        # grouped (165,849.00); "release 4.20" or "version 2.10" in a sentence is not
        as_money = marked or (digits > 0 and len(frac) == digits and (whole_cell or grouped))
        if not as_money and whole_cell and digits == 0 and raw == stripped and not frac:
            as_money = (len(raw) > 3) and _norm(val) not in set(counts)
        if as_money:
            found.append(Figure("money", val, raw, m.start(), m.end(), marked))
    return found


# ----------------------------------------------------------------------------- tax wording

_EXCL = [re.compile(p, re.I) for p in (
    r"\bplus\b[^.;)]{0,20}\b(?:tax|VAT|GST)\b", r"\bexcl(?:uding|\.)?\s*(?:[\d.,]+\s*%\s*)?(?:tax|VAT|GST)",
    r"\bexclusive of\b[^.;)]{0,12}\b(?:tax|VAT|GST)", r"\b(?:before|net of|pre-)\s*(?:tax|VAT|GST)\b",
    r"\b(?:tax|VAT|GST)[- ](?:excluded|exclusive|extra)\b", r"\+\s*(?:tax|VAT|GST)\b",
    r"不含税|不含稅|未税|未稅|税前|稅前|未含税|未含稅|不含增值税|另计[^，。；]{0,8}税|另計[^，。；]{0,8}稅|税金另计|稅金另計|税费另计|稅費另計",
)]
_INCL = [re.compile(p, re.I) for p in (
    r"\binclud(?:ing|es|ed)\b[^.;)]{0,20}\b(?:tax|VAT|GST)\b", r"\bincl\.?\s*(?:[\d.,]+\s*%\s*)?(?:tax|VAT|GST)",
    r"\binclusive of\b[^.;)]{0,12}\b(?:tax|VAT|GST)", r"\b(?:tax|VAT|GST)[- ](?:included|inclusive|incl\.?)",
    r"含税|含稅|已含|含\s*[\d.,]+\s*[%％]\s*(?:增值税|稅金|税金|营业税|營業稅|税|稅)|含增值税|含營業稅|价税合计|價稅合計",
)]


def tax_wording(text: str) -> str | None:
    """``incl``, ``excl`` or None for the tax wording in a stretch of text (both: None)."""
    rest = text
    excl = False
    for pat in _EXCL:
        if pat.search(rest):
            excl = True
            rest = pat.sub(" ", rest)
    incl = any(pat.search(rest) for pat in _INCL)
    if incl == excl:
        return None
    return INCL if incl else EXCL


_BOUNDARY = re.compile(r"[;；。\n]|\.(?=\s+[A-Z(]|\s*$)")


def _window(text: str, figs: list[Figure], i: int) -> str:
    """The words that govern figure ``i``: from the previous figure or clause boundary to the next."""
    fig = figs[i]
    lo = figs[i - 1].end if i > 0 else 0
    hi = figs[i + 1].start if i + 1 < len(figs) else len(text)
    before = text[lo: fig.start]
    cut = [m.end() for m in _BOUNDARY.finditer(before)]
    before = before[cut[-1]:] if cut else before
    after = text[fig.end: hi]
    m = _BOUNDARY.search(after)
    after = after[: m.start()] if m else after
    return before + " " + after


# ----------------------------------------------------------------------------- the check


def _places(doc: Doc) -> Iterator[tuple[str, str, str, bool]]:
    """(place, text, row label, whole cell) of every paragraph, cell, header, footer and note."""
    t = doc.text
    for i, p in enumerate(t.paragraphs, start=1):
        yield f"paragraph {i}", p, "", False
    for ti, table in enumerate(t.tables, start=1):
        for ri, row in enumerate(table, start=1):
            for ci, cell in enumerate(row, start=1):
                label = " ".join(c for c in row[: ci - 1])
                yield f"table {ti}, row {ri}, cell {ci}", cell, label, True
    for i, h in enumerate(t.headers, start=1):
        yield f"header {i}", h, "", False
    for i, f in enumerate(t.footers, start=1):
        yield f"footer {i}", f, "", False
    for i, n in enumerate(t.footnotes, start=1):
        yield f"note {i}", n, "", False


def _snippet(text: str, fig: Figure) -> str:
    lo, hi = max(0, fig.start - 40), min(len(text), fig.end + 40)
    out = " ".join(text[lo:hi].split())
    return ("…" if lo else "") + out + ("…" if hi < len(text) else "")


def _basis_words(basis: str) -> str:
    return {INCL: "including tax", EXCL: "before tax"}.get(basis, "")


def check_document_figures(doc: Doc, inp: Inputs, out: Collector, library_dirs: Sequence[Path] = ()) -> None:
    """Every amount and percentage in ``doc``'s text against the figures of its deal."""
    if inp.deal is None or inp.pricing is None:
        return
    if doc.kind not in out.policy.figures.documents:
        return
    if not (out.on(UNTRACED) or out.on(WORDING) or out.on(PERCENT)):
        return
    tr = traced_figures(inp, library_dirs)
    digits = currency_digits(tr.currency)
    counts = tr.counts
    for place, text, label, cell in _places(doc):
        if not text or not any(ch.isdigit() for ch in text):
            continue
        figs = read_figures(text, doc.decimal, digits, whole_cell=cell, counts=counts)
        money = [f for f in figs if f.kind == "money"]
        for i, fig in enumerate(money):
            _one_amount(doc, place, text, label, money, i, tr, out)
        if out.on(PERCENT) and out.policy.figures.percentages:
            rate = _norm(inp.pricing.tax_rate_percent)
            for fig in (f for f in figs if f.kind == "percent"):
                key = _norm(fig.value)
                if _names_tax(text, fig) and key != rate:
                    where = doc.at(place)
                    out.add(PERCENT, (
                        f"The percentage {fig.text}% ('{_snippet(text, fig)}') is stated as the tax, but the "
                        f"deal's tax rate is {format(rate, 'f')}%: correct it or the deal."
                    ), where, [value(doc.label, fig.text + "%", where)])
                    continue
                if key in tr.percents or key in tr.literal_percents:
                    continue
                where = doc.at(place)
                out.add(PERCENT, (
                    f"The percentage {fig.text}% ('{_snippet(text, fig)}') is none of the deal's "
                    f"percentages ({_listing(tr.percents)}) and appears in none of its texts: correct it or the deal."
                ), where, [value(doc.label, fig.text + "%", where)])


_TAX_AFTER = re.compile(r"\s*[%％]?\s*(?:sales\s+|value[- ]added\s+)?(?:tax\b|VAT\b|GST\b|增值[税稅]|营业税|營業稅|[税稅](?!前|后|後))",
                        re.I)
_TAX_BEFORE = re.compile(r"(?:tax\s+rate|\bVAT|\bGST|[税稅]率|增值[税稅]|营业税|營業稅)\s*(?:of|at|is|:|：|为|為|=)?\s*$", re.I)


def _names_tax(text: str, fig: Figure) -> bool:
    """Whether the percentage is stated as the tax: "5% tax", "13% VAT", "含13%增值税", "税率 13%"."""
    return bool(_TAX_AFTER.match(text, fig.end)) or bool(_TAX_BEFORE.search(text[max(0, fig.start - 24):fig.start]))


def _listing(percents: dict[Decimal, list[str]]) -> str:
    parts = [f"{names[0]} {format(v, 'f')}%" for v, names in list(percents.items())[:6]]
    return ", ".join(parts) + (" …" if len(percents) > 6 else "")


def _one_amount(doc: Doc, place: str, text: str, label: str, money: list[Figure], i: int, tr: Traced,
                out: Collector) -> None:
    fig = money[i]
    names = tr.names(fig.value)
    where = doc.at(place)
    shown = [value(doc.label, fig.text, where)]
    if not names:
        if _norm(fig.value) in tr.literals:
            return  # written as such in the deal's, tender's, meeting's or library's own text
        if out.on(UNTRACED):
            near = tr.nearest(fig.value)
            hint = f"; the nearest is {near[0]}, {_fmt(near[1], tr.currency)}" if near else ""
            out.add(UNTRACED, (
                f"The amount {fig.text} ('{_snippet(text, fig)}') is none of the deal's "
                f"figures{hint}. A figure typed or edited by hand: correct it, or change the deal and render again."
            ), where, shown + ([value("deal", _fmt(near[1], tr.currency))] if near else []))
        return
    if not out.on(WORDING):
        return
    wording = tax_wording(_window(text, money, i))
    if wording is None and label:
        wording = tax_wording(label)
    if wording is None:
        return
    if any(basis in (ANY, wording) for _, basis in names):
        return
    name, basis = names[0]
    said = "as including tax" if wording == INCL else "as before tax (or with tax on top)"
    out.add(WORDING, (
        f"{fig.text} is {name}, {_basis_words(basis)}, but the text states it {said} "
        f"('{_snippet(text, fig)}'). The wording must name the figure it states."
    ), where, shown)


def _fmt(amount: Decimal, currency: str) -> str:
    from .context import money

    return money(amount, currency)
