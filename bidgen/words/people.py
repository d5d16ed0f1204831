"""How documents name and greet people, by locale and culture.

Two forms, both built from a person's ``name``, optional ``title``, ``salutation`` and ``surname``:

* **reference** — how running text and signature blocks name someone:
  ``Mr. Omar Al Mansoori, Head of Procurement`` · ``张伟总监`` · ``陳靜經理``.
* **greeting** — how a letter or e-mail addresses them:
  ``Mr. Al Mansoori`` · ``张总`` · ``陳經理``.

English (and every locale without Chinese texts): salutation + name; the greeting uses the
surname. Without a salutation bidgen does not guess a gender: it writes the full name
(``Dear Priya Raman``), which is correct if less warm; give ``salutation`` to get ``Ms. Raman``.

Chinese: the title follows the name. The *core* of a title is its recognised ending
(采购总监 → 总监, 大客户经理 → 经理, 解决方案工程师 → 工程师); the reference is name + core
(张伟总监), the greeting surname + the core's short form (总监 / 总经理 / 副总经理 / 总裁 → 总,
工程师 → 工, 董事长 → 董, else the core itself: 陈经理, 王主任). A title with no recognised core
is written after the name in brackets (张伟（项目负责人）) and the greeting falls back to the
salutation (张先生 / 李女士), else the full name.

The same order holds for names in Latin (or any non-Chinese) script in a Chinese document: the
honorific or the title's short form follows the surname, never precedes it (``Smith先生``,
``Al Mansoori先生和Raman女士``, ``Smith总``); the reference is name + honorific with a title that has
no recognised core in brackets (``John Smith先生（Procurement Director）``), so a Latin title is never
run into the Chinese text around it. English documents write ``Mr. John Smith, Procurement Director``
whatever the script of the name.

Surnames: Chinese names take the first character, or a known two-character surname (欧阳, 司马,
…); other names take the last word together with the particles before it (Al Mansoori,
van der Berg, bin Rashid). ``surname`` in the input overrides the rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SALUTATIONS", "surname", "reference", "greeting", "apposition", "Person", "is_chinese_locale"]

#: canonical key → (English, simplified Chinese, traditional Chinese)
SALUTATIONS: dict[str, tuple[str, str, str]] = {
    "mr": ("Mr.", "先生", "先生"),
    "ms": ("Ms.", "女士", "女士"),
    "mrs": ("Mrs.", "女士", "女士"),
    "miss": ("Miss", "小姐", "小姐"),
    "dr": ("Dr.", "博士", "博士"),
    "prof": ("Prof.", "教授", "教授"),
}
_PARTICLES = {"al", "el", "bin", "ibn", "bint", "abu", "van", "von", "der", "den", "de", "da", "di", "del", "della",
              "le", "la", "du", "dos", "das", "ter", "ten", "st.", "mac", "ap"}
_COMPOUND_SURNAMES = {
    "欧阳", "歐陽", "司马", "司馬", "诸葛", "諸葛", "上官", "东方", "東方", "皇甫", "尉迟", "尉遲", "公孙", "公孫",
    "长孙", "長孫", "慕容", "令狐", "司徒", "夏侯", "轩辕", "軒轅", "端木", "独孤", "獨孤", "南宫", "南宮", "西门", "西門",
}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")

#: recognised title endings, longest first: ending → greeting form after the surname
_ZH_CORES: tuple[tuple[str, str], ...] = (
    ("副总经理", "总"), ("副總經理", "總"), ("总经理", "总"), ("總經理", "總"), ("总工程师", "总工"),
    ("總工程師", "總工"), ("副总裁", "总"), ("副總裁", "總"), ("总裁", "总"), ("總裁", "總"), ("总监", "总"),
    ("總監", "總"), ("副总", "总"), ("副總", "總"), ("董事长", "董"), ("董事長", "董"), ("工程师", "工"),
    ("工程師", "工"), ("经理", "经理"), ("經理", "經理"), ("主任", "主任"), ("主管", "主管"), ("部长", "部长"),
    ("部長", "部長"), ("处长", "处长"), ("處長", "處長"), ("科长", "科长"), ("科長", "科長"), ("厂长", "厂长"),
    ("廠長", "廠長"), ("院长", "院长"), ("院長", "院長"), ("局长", "局长"), ("局長", "局長"), ("所长", "所长"),
    ("所長", "所長"), ("协理", "协理"), ("協理", "協理"), ("特助", "特助"), ("秘书长", "秘书长"), ("秘書長", "秘書長"),
    ("教授", "教授"), ("博士", "博士"), ("律师", "律师"), ("律師", "律師"), ("会计师", "会计师"), ("會計師", "會計師"),
    ("老师", "老师"), ("老師", "老師"), ("总", "总"), ("總", "總"),
)


def is_chinese_locale(locale: str) -> bool:
    return locale.replace("-", "_").split("_")[0].lower() == "zh"


def _traditional(locale: str) -> bool:
    return locale.replace("-", "_") in ("zh_TW", "zh_HK", "zh_MO", "zh_Hant", "zh_Hant_TW", "zh_Hant_HK")


def surname(name: str, given: str | None = None) -> str:
    """The family name (see module doc); ``given`` (the input's ``surname``) wins."""
    if given:
        return given.strip()
    name = name.strip()
    if _CJK.match(name):
        compact = name.replace(" ", "").replace("·", "")
        if compact[:2] in _COMPOUND_SURNAMES and len(compact) > 2:
            return compact[:2]
        return compact[:1]
    words = name.split()
    if len(words) <= 1:
        return name
    i = len(words) - 1
    while i > 1 and words[i - 1].casefold() in _PARTICLES:
        i -= 1
    if i == 1 and words[0].casefold() in _PARTICLES:
        i = 0
    return " ".join(words[i:])


def _zh_core(title: str) -> tuple[str, str] | None:
    t = title.strip()
    for ending, short in _ZH_CORES:
        if t.endswith(ending):
            return ending, short
    return None


def _salutation_text(key: str | None, locale: str) -> str:
    if not key:
        return ""
    en, hans, hant = SALUTATIONS[key]
    if not is_chinese_locale(locale):
        return en
    return hant if _traditional(locale) else hans


@dataclass(frozen=True)
class Person:
    """A person as documents name them (a deal contact, a meeting attendee)."""

    name: str
    title: str = ""
    salutation: str | None = None
    surname: str | None = None

    @classmethod
    def of(cls, obj: object) -> "Person":
        """From any object with ``name`` and optionally ``title``, ``salutation``, ``surname``."""
        return cls(name=getattr(obj, "name"), title=getattr(obj, "title", None) or "",
                   salutation=getattr(obj, "salutation", None), surname=getattr(obj, "surname", None))


def reference(person: Person, locale: str, *, with_title: bool = True) -> str:
    """How text names ``person``: ``Mr. Omar Al Mansoori, Head of Procurement`` / ``张伟总监`` /
    ``John Smith先生（Procurement Director）``."""
    name = person.name.strip()
    if is_chinese_locale(locale):
        sal = _salutation_text(person.salutation, locale)
        title = person.title.strip() if with_title and person.title else ""
        core = _zh_core(title) if title else None
        if core is not None:
            return name + core[0]
        if _CJK.match(name):
            if title:
                return f"{name}（{title}）"
            return name + sal if sal and not with_title else name
        # a name in Latin (or any non-Chinese) script: the honorific still follows it, the title
        # goes in brackets (Chinese never writes 先生 before a name, nor a bare Latin title after it)
        base = name + sal
        return f"{base}（{title}）" if title else base
    sal = _salutation_text(person.salutation, locale)
    full = f"{sal} {name}" if sal else name
    if with_title and person.title:
        return f"{full}, {person.title}"
    return full


def apposition(name: str, title: str, locale: str) -> str:
    """A person named with their title as an apposition, in Chinese: ``销售总监张伟`` /
    ``销售总监John Smith`` when the title is written in Chinese, ``张伟（Sales Director）`` /
    ``John Smith（Sales Director）`` when it has Latin letters (a Latin title run into the name is
    unreadable); in English ``James Patel, Key Account Manager``."""
    name, title = name.strip(), (title or "").strip()
    if not title:
        return name
    if not is_chinese_locale(locale):
        return f"{name}, {title}"
    if _LATIN.search(title):
        return f"{name}（{title}）"
    return title + name


def greeting(person: Person, locale: str) -> str:
    """How a letter addresses ``person``: ``Mr. Al Mansoori`` / ``张总`` / ``陳經理`` / ``Smith先生`` /
    ``Priya Raman``."""
    name = person.name.strip()
    family = surname(name, person.surname)
    sal = _salutation_text(person.salutation, locale)
    if is_chinese_locale(locale):
        # the title's short form or the honorific follows the surname, in any script
        # (张总, 李女士, Smith先生, Al Mansoori总); with neither, the full name
        core = _zh_core(person.title) if person.title else None
        if core is not None:
            return family + core[1]
        return family + sal if sal else name
    return f"{sal} {family}" if sal else name
