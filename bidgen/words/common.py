"""Types and helpers shared by the Chinese and English amount-in-words modules."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from bidgen.errors import WordsError
from bidgen.locales import quantize_money
from bidgen.money import to_decimal

#: Issue codes the parsers report (the checker shows them to users).
ISSUE_CODES = (
    "missing_zero",  # a mandatory 零 is missing (壹拾万伍佰, 壹元伍分)
    "double_zero",  # 零零
    "zheng_after_fen",  # …分整
    "missing_zheng",  # …元 with no 整 at the end
    "shi_without_yi",  # 拾 not preceded by a digit (拾万 instead of 壹拾万)
    "forbidden_char",  # 一二三…十百千, 两, 毛, 另, 0-9, 〇, spaces inside
    "mixed_script",  # simplified and traditional characters in one text (warning)
    "malformed",  # anything else: units out of order, a stray 零, unknown words …
)

#: Issue codes that are warnings: the text is well-formed apart from them.
WARNING_CODES = frozenset({"mixed_script"})


@dataclass
class WordsIssue:
    """One well-formedness problem in an amount in words."""

    code: str
    message: str

    @property
    def is_warning(self) -> bool:
        """True for warning-level issues (``mixed_script``)."""
        return self.code in WARNING_CODES


@dataclass
class ParsedWords:
    """What :func:`bidgen.words.parse_amount_words` read from a text.

    ``currency`` is the ISO code named in the text (None when the text names none or an
    ambiguous one such as plain "dollars"); ``script`` is ``zh_CN``, ``zh_TW`` or ``en``.
    """

    amount: Decimal
    currency: str | None
    script: str
    issues: list[WordsIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no issue at all was found."""
        return not self.issues


def rounded(amount: Decimal, currency: str) -> Decimal:
    """Check ``amount`` (Decimal or int, never float), reject negatives, round half up."""
    value = to_decimal(amount, "amount")
    q = quantize_money(value, currency)
    if q < 0:
        raise ValueError(f"an amount in words cannot be negative: {amount}")
    return abs(q)  # turns -0.00 into 0.00


def raise_for_issues(parsed: ParsedWords, text: str) -> None:
    """Raise :class:`WordsError` named after the first issue, listing all of them."""
    if not parsed.issues:
        return
    details = "; ".join(f"{i.code}: {i.message}" for i in parsed.issues)
    raise WordsError(f"amount in words {text!r}: {details}", code=parsed.issues[0].code)
