"""Taiwan terms: the words a zh_TW document uses where mainland Chinese uses others.

Converting characters is not enough: a Taiwan bid speaks of 押標金, not 投標保證金, of the company's
負責人, not its 法定代表人, of a 詳細價目表, not a 分項報價明細表.  This glossary is the one list of
such pairs; it is reviewed (each pair names the usage it follows, mostly Taiwan's Government
Procurement Act and its forms, 政府採購法) and is used

* by the templates' builder (``tools/build_templates.py`` refuses a zh_TW label holding a mainland term),
* by the content library (``bidgen library validate`` reports a zh_TW text holding one), and
* by the tests, which read every zh_TW string and every rendered zh_TW document.

Pairs are written in traditional characters (the mainland term as it looks after a character-only
conversion), longest first where one contains another.  Terms that are right in both places (合同 for
a mainland contract, 增值稅 for the mainland's tax, 項目 for an item, 優化) are not listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Term", "TAIWAN_TERMS", "mainland_terms", "to_taiwan_terms"]


@dataclass(frozen=True)
class Term:
    """A mainland term, the Taiwan term for it, and what the choice follows."""

    mainland: str
    taiwan: str
    note: str = ""


#: mainland term → Taiwan term (reviewed; see the module's doc).
TAIWAN_TERMS: tuple[Term, ...] = (
    # tendering (政府採購法 and its forms)
    Term("投標保證金", "押標金", "政府採購法 §30: 押標金"),
    Term("法定代表人授權委託書", "負責人授權書", "Taiwan companies act through their 負責人 (公司法 §8)"),
    Term("授權委託書", "授權書", "Taiwan usage"),
    Term("法定代表人", "負責人", "公司法 §8: 負責人"),
    Term("開標一覽表", "標價清單", "投標標價清單 (procurement forms)"),
    Term("報價一覽表", "標價清單", "投標標價清單 (procurement forms)"),
    Term("分項報價明細表", "詳細價目表", "詳細價目表 (procurement forms)"),
    Term("商務條款偏離表", "商業條款差異表", "Taiwan usage: 差異 rather than 偏離"),
    Term("技術規格偏離表", "技術規格差異表", "Taiwan usage: 差異 rather than 偏離"),
    Term("偏離情形", "差異情形", "Taiwan usage"),
    Term("正偏離", "優於需求", "Taiwan usage"),
    Term("負偏離", "未達需求", "Taiwan usage"),
    Term("無偏離", "無差異", "Taiwan usage"),
    Term("偏離", "差異", "Taiwan usage"),
    Term("中標通知書", "決標通知書", "政府採購法 §52: 決標"),
    Term("中標", "得標", "Taiwan usage"),
    Term("評標", "評選", "Taiwan usage"),
    Term("招標人", "招標機關", "Taiwan usage"),
    Term("投標人", "投標廠商", "政府採購法: 廠商"),
    Term("銀行保函", "銀行書面連帶保證", "押標金保證金暨其他擔保作業辦法"),
    Term("保函", "保證書", "Taiwan usage"),
    # warranty and quality
    Term("質量保證金", "保固保證金", "Taiwan usage: 保固"),
    Term("質保金", "保固保證金", "Taiwan usage: 保固"),
    Term("質保期", "保固期", "Taiwan usage: 保固"),
    Term("質保", "保固", "Taiwan usage: 保固"),
    Term("質量", "品質", "Taiwan usage"),
    # IT and business vocabulary
    Term("軟件", "軟體", "Taiwan usage"),
    Term("硬件", "硬體", "Taiwan usage"),
    Term("信息", "資訊", "Taiwan usage"),
    Term("網絡", "網路", "Taiwan usage"),
    Term("服務器", "伺服器", "Taiwan usage"),
    Term("數據庫", "資料庫", "Taiwan usage"),
    Term("視頻", "視訊", "Taiwan usage"),
    Term("默認", "預設", "Taiwan usage"),
    Term("打印", "列印", "Taiwan usage"),
    Term("集成", "整合", "Taiwan usage"),
    Term("運維", "維運", "Taiwan usage"),
    Term("用戶", "使用者", "Taiwan usage"),
    Term("渠道", "通路", "Taiwan usage"),
    Term("營業執照", "公司登記證明文件", "Taiwan: 公司登記 / 商業登記"),
    Term("統一社會信用代碼", "統一編號", "Taiwan: 營利事業統一編號"),
    Term("增值稅專用發票", "統一發票", "Taiwan: 統一發票"),
    Term("公章", "公司印章", "Taiwan usage"),
    Term("簽字", "簽名", "Taiwan usage"),
    Term("日曆日", "日曆天", "Taiwan usage"),
    Term("身份證", "身分證", "Taiwan spelling (內政部)"),
    Term("複印件", "影本", "Taiwan usage"),
)

_PATTERN = re.compile("|".join(re.escape(t.mainland) for t in sorted(TAIWAN_TERMS, key=lambda t: -len(t.mainland))))
_BY_MAINLAND = {t.mainland: t for t in TAIWAN_TERMS}


def mainland_terms(text: str) -> list[Term]:
    """The mainland terms written in ``text`` (each once, in order), with the Taiwan term for each."""
    found = dict.fromkeys(_BY_MAINLAND[m.group(0)] for m in _PATTERN.finditer(text))
    return list(found)


def to_taiwan_terms(text: str) -> str:
    """``text`` with every mainland term replaced by the Taiwan one (for builders and suggestions)."""
    return _PATTERN.sub(lambda m: _BY_MAINLAND[m.group(0)].taiwan, text)
