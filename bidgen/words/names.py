"""Currency names in Chinese (both scripts) and English, for writing and for parsing."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

# --- Chinese -------------------------------------------------------------------------

#: ISO code → (simplified name, traditional name).  Other currencies: the ISO code itself.
ZH_NAMES: dict[str, tuple[str, str]] = {
    "CNY": ("人民币", "人民幣"),
    "TWD": ("新臺幣", "新臺幣"),  # the official name is the same in both scripts
    "HKD": ("港币", "港幣"),
    "USD": ("美元", "美元"),
    "EUR": ("欧元", "歐元"),
    "JPY": ("日元", "日圓"),
    "GBP": ("英镑", "英鎊"),
}

#: Prefixes the parser recognises: text → (ISO code, script 's'/'t'/None for neutral).
ZH_PREFIXES: dict[str, tuple[str, str | None]] = {
    "人民币": ("CNY", "s"),
    "人民幣": ("CNY", "t"),
    "新臺幣": ("TWD", None),
    "新台幣": ("TWD", None),
    "新台币": ("TWD", "s"),
    "港币": ("HKD", "s"),
    "港幣": ("HKD", "t"),
    "港元": ("HKD", None),
    "美元": ("USD", None),
    "欧元": ("EUR", "s"),
    "歐元": ("EUR", "t"),
    "日元": ("JPY", None),
    "日圓": ("JPY", "t"),
    "日圆": ("JPY", "s"),
    "英镑": ("GBP", "s"),
    "英鎊": ("GBP", "t"),
}

#: Latin prefixes that are not ISO codes but name a currency.
LATIN_ALIASES = {"RMB": "CNY", "NTD": "TWD"}


def zh_currency_word(currency: str, traditional: bool) -> str:
    """The Chinese name of ``currency`` (the ISO code when it has none)."""
    code = currency.upper()
    names = ZH_NAMES.get(code)
    if names is None:
        return code
    return names[1] if traditional else names[0]


# --- English -------------------------------------------------------------------------


@dataclass(frozen=True)
class EnCurrency:
    """English major and minor unit names, singular and plural."""

    one: str
    many: str
    minor_one: str = "cent"
    minor_many: str = "cents"


EN_NAMES: dict[str, EnCurrency] = {
    "USD": EnCurrency("US dollar", "US dollars"),
    "EUR": EnCurrency("euro", "euros"),
    "CNY": EnCurrency("Chinese yuan", "Chinese yuan", "fen", "fen"),
    "TWD": EnCurrency("New Taiwan dollar", "New Taiwan dollars"),
    "HKD": EnCurrency("Hong Kong dollar", "Hong Kong dollars"),
    "JPY": EnCurrency("Japanese yen", "Japanese yen"),
    "GBP": EnCurrency("pound sterling", "pounds sterling", "penny", "pence"),
    "AUD": EnCurrency("Australian dollar", "Australian dollars"),
    "CAD": EnCurrency("Canadian dollar", "Canadian dollars"),
    "SGD": EnCurrency("Singapore dollar", "Singapore dollars"),
    "AED": EnCurrency("UAE dirham", "UAE dirhams", "fils", "fils"),
    "CHF": EnCurrency("Swiss franc", "Swiss francs", "centime", "centimes"),
}


def en_currency(currency: str, digits: int) -> EnCurrency:
    """English names for ``currency``; unknown currencies use the ISO code."""
    code = currency.upper()
    known = EN_NAMES.get(code)
    if known is not None:
        return known
    if digits == 3:
        return EnCurrency(code, code, "thousandth", "thousandths")
    return EnCurrency(code, code)


#: Major-unit phrases the English parser recognises → ISO code (None: ambiguous).
EN_MAJOR_PHRASES: dict[str, str | None] = {
    "dollar": None,
    "dollars": None,
    "us dollar": "USD",
    "us dollars": "USD",
    "united states dollar": "USD",
    "united states dollars": "USD",
    "american dollars": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "yuan": "CNY",
    "chinese yuan": "CNY",
    "renminbi": "CNY",
    "renminbi yuan": "CNY",
    "yuan renminbi": "CNY",
    "rmb": "CNY",
    "yen": "JPY",
    "japanese yen": "JPY",
    "pound": "GBP",
    "pounds": "GBP",
    "pound sterling": "GBP",
    "pounds sterling": "GBP",
    "british pounds": "GBP",
    "hong kong dollar": "HKD",
    "hong kong dollars": "HKD",
    "new taiwan dollar": "TWD",
    "new taiwan dollars": "TWD",
    "taiwan dollars": "TWD",
    "ntd": "TWD",
}

#: Minor-unit words the English parser recognises.
EN_MINOR_WORDS = frozenset(
    {"cent", "cents", "penny", "pence", "fen", "fils", "centime", "centimes", "thousandth", "thousandths"}
)


@lru_cache(maxsize=1)
def en_major_phrases() -> dict[str, str | None]:
    """All major-unit phrases: the fixed list plus every English name we write (do not mutate)."""
    phrases = dict(EN_MAJOR_PHRASES)
    for code, names in EN_NAMES.items():
        phrases[names.one.lower()] = code
        phrases[names.many.lower()] = code
    return phrases
