"""Identifiers: the unified social credit code (China) and the Taiwan business number (統一編號).

Some real codes fail their checksum, so these are warnings, never errors.  A code is checked
as a credit code when it has 18 characters or its party is in CN, as a business number when it
has 8 digits or its party is in TW; other identifiers (foreign VAT numbers …) are left alone.
"""

from __future__ import annotations

from bidgen.inputs.models import Party
from .context import Inputs, value
from .registry import WARNING, Collector, rule

USCC = rule("ID-USCC", "identifiers", WARNING, "A unified social credit code has 18 valid characters and its check character.")
UBN = rule("ID-TW-UBN", "identifiers", WARNING, "A Taiwan business number (統一編號) has 8 digits and a valid checksum.")

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
UBN_WEIGHTS = (1, 2, 1, 2, 1, 2, 4, 1)


def uscc_problem(code: str) -> str | None:
    """Why ``code`` is not a valid unified social credit code (GB 32100-2015), or None."""
    if len(code) != 18:
        return f"it has {len(code)} characters, not 18"
    bad = sorted({c for c in code if c not in USCC_ALPHABET})
    if bad:
        return f"it contains {', '.join(repr(c) for c in bad)} (allowed: digits and {USCC_ALPHABET[10:]})"
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(code[:17], USCC_WEIGHTS))
    check = USCC_ALPHABET[(31 - total % 31) % 31]
    if code[17] != check:
        return f"its check character is {code[17]!r} but the first 17 characters give {check!r}"
    return None


def ubn_problem(number: str) -> str | None:
    """Why ``number`` is not a valid Taiwan business number (8 digits, checksum), or None."""
    if len(number) != 8 or not number.isdigit():
        return "it is not 8 digits"
    total = sum(sum(divmod(int(d) * w, 10)) for d, w in zip(number, UBN_WEIGHTS))
    if total % 5 == 0 or (number[6] == "7" and (total + 1) % 5 == 0):
        return None
    return f"its weighted digit sum {total} is not divisible by 5"


def check(inp: Inputs, out: Collector) -> None:
    """Check the seller's and the client's identifiers."""
    if inp.deal is None:
        return
    for role, party in (("seller", inp.deal.seller), ("client", inp.deal.client)):
        _party(inp, role, party, out)


def _party(inp: Inputs, role: str, party: Party, out: Collector) -> None:
    for key in ("credit_code", "tax_id"):
        code = getattr(party, key)
        if code is None:
            continue
        code = code.strip()
        where = inp.deal_src.at(role, key)
        if len(code) == 18 or (party.country == "CN" and key == "credit_code"):
            problem, rid, name = uscc_problem(code), USCC, "unified social credit code"
        elif (len(code) == 8 and code.isdigit()) or party.country == "TW":
            problem, rid, name = ubn_problem(code), UBN, "Taiwan business number"
        else:
            continue
        if problem:
            out.add(rid, f"The {role}'s {name} {code} looks wrong: {problem}. Check it against the business licence.",
                    where, [value("deal", code, where)])
