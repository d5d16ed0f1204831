"""Sentences that bidgen writes itself (summary, next steps, term phrases), per locale.

Labels that never change live in the Word templates; only text assembled from data is here.
Every value is a ``str.format`` pattern with named fields; data is inserted as plain text.
"""

from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "zh_CN": {
        "summary.recommend": "我们建议{client}实施“{project}”项目。{summary}",
        "summary.invest": "项目总金额为{total}（{tax_note}），{delivery}，{warranty}。",
        "summary.invest_short": "项目总金额为{total}（{tax_note}）。",
        "summary.needs": "方案直接回应贵司最关心的问题：{needs}。",
        "summary.payment": "付款按 {shares} 分期支付，与交付节点挂钩。",
        "summary.validity": "本报价有效期至{valid_until}，建议于{decide_by}前确认，以锁定交付排期。",
        "summary.validity_only": "本报价有效期至{valid_until}。",
        "tax.included": "含 {rate} 增值税",
        "tax.excluded": "含 {rate} 增值税；不含税金额为{net}",
        "tax.none": "税率 0%",
        "note.included": "以上价格以{currency_name}（{currency}）计价，已含 {rate} 增值税。",
        "note.excluded": "以上价格以{currency_name}（{currency}）计价，不含税；增值税按 {rate} 另计。",
        "note.none": "以上价格以{currency_name}（{currency}）计价，税率 0%。",
        "delivery": "合同签订后 {days} 个日历日内交付",
        "warranty": "质保期 {months} 个月",
        "need.explicit": "明确需求",
        "need.implicit": "潜在需求",
        "due": "节点达成后 {days} 日内",
        "due.none": "节点达成时",
        "due.retention": "（质保金）",
        "sla": "{response} 小时内响应，{onsite} 小时内到场",
        "sla.response": "{response} 小时内响应",
        "penalty": "每逾期一日按合同总额的 {per_day} 计，累计不超过合同总额的 {cap}",
        "penalty.nocap": "每逾期一日按合同总额的 {per_day} 计",
        "step.review": "与{who}共同审阅本建议书，确认范围与配置",
        "sign.intro": "贵司如接受本建议书所列方案与条款，请签字盖章后回传，双方据此签订正式合同。",
        "sign.client": "客户（盖章）：{name}",
        "sign.seller": "供应商（盖章）：{name}",
        "sign.by": "代表：{who}",
        "sign.rep": "授权代表（签字）：",
        "sign.date": "日期：",
        "step.sign": "签订合同并支付预付款",
        "step.sign_only": "签订合同",
        "step.kickoff": "项目启动，按计划交付与验收",
        "step.kickoff_due": "签约后 {days} 日内",
        "owner.client": "{client}",
        "list.sep": "、",
        "list.last": "和",
        "project.default": "{client}采购项目",
        "discount.none": "—",
    },
    "zh_TW": {
        "summary.recommend": "我們建議{client}推動「{project}」專案。{summary}",
        "summary.invest": "專案總金額為{total}（{tax_note}），{delivery}，{warranty}。",
        "summary.invest_short": "專案總金額為{total}（{tax_note}）。",
        "summary.needs": "本方案直接回應貴公司最關心的議題：{needs}。",
        "summary.payment": "付款依 {shares} 分期支付，與交付節點連動。",
        "summary.validity": "本報價有效至{valid_until}，建議於{decide_by}前確認，以保留交付排程。",
        "summary.validity_only": "本報價有效至{valid_until}。",
        "tax.included": "含 {rate} 稅金",
        "tax.excluded": "含 {rate} 稅金；未稅金額為{net}",
        "tax.none": "稅率 0%",
        "note.included": "以上價格以{currency_name}（{currency}）計價，已含 {rate} 稅金。",
        "note.excluded": "以上價格以{currency_name}（{currency}）計價，未稅；稅金按 {rate} 另計。",
        "note.none": "以上價格以{currency_name}（{currency}）計價，稅率 0%。",
        "delivery": "合約簽訂後 {days} 個日曆天內交貨",
        "warranty": "保固期 {months} 個月",
        "need.explicit": "明確需求",
        "need.implicit": "潛在需求",
        "due": "節點達成後 {days} 日內",
        "due.none": "節點達成時",
        "due.retention": "（保留款）",
        "sla": "{response} 小時內回應，{onsite} 小時內到場",
        "sla.response": "{response} 小時內回應",
        "penalty": "每逾期一日按合約總額之 {per_day} 計罰，累計以合約總額之 {cap} 為上限",
        "penalty.nocap": "每逾期一日按合約總額之 {per_day} 計罰",
        "step.review": "與{who}共同審閱本建議書，確認範圍與配置",
        "sign.intro": "貴公司如同意本建議書所列方案與條款，請簽名蓋章後回傳，雙方據此簽訂正式合約。",
        "sign.client": "客戶（蓋章）：{name}",
        "sign.seller": "供應商（蓋章）：{name}",
        "sign.by": "代表：{who}",
        "sign.rep": "授權代表（簽名）：",
        "sign.date": "日期：",
        "step.sign": "簽訂合約並支付預付款",
        "step.sign_only": "簽訂合約",
        "step.kickoff": "專案啟動，依計畫交貨與驗收",
        "step.kickoff_due": "簽約後 {days} 日內",
        "owner.client": "{client}",
        "list.sep": "、",
        "list.last": "及",
        "project.default": "{client}採購專案",
        "discount.none": "—",
    },
    "en_US": {
        "summary.recommend": "We recommend that {client} proceed with the {project}. {summary}",
        "summary.invest": "The total investment is {total} ({tax_note}); {delivery}, with a {warranty}.",
        "summary.invest_short": "The total investment is {total} ({tax_note}).",
        "summary.needs": "The solution answers your most pressing needs: {needs}.",
        "summary.payment": "Payment is staged {shares}, tied to delivery milestones.",
        "summary.validity": "This offer is valid until {valid_until}; a decision by {decide_by} secures the delivery slot.",
        "summary.validity_only": "This offer is valid until {valid_until}.",
        "tax.included": "including {rate} tax",
        "tax.excluded": "including {rate} tax; {net} before tax",
        "tax.none": "no tax applicable",
        "note.included": "Prices in {currency_name} ({currency}), including {rate} tax.",
        "note.excluded": "Prices in {currency_name} ({currency}), excluding tax; {rate} tax is shown separately.",
        "note.none": "Prices in {currency_name} ({currency}); no tax applies.",
        "delivery": "delivery within {days} calendar days of signature",
        "warranty": "{months}-month warranty",
        "need.explicit": "Stated",
        "need.implicit": "Latent",
        "due": "Within {days} days",
        "due.none": "On completion",
        "due.retention": " (retention)",
        "sla": "Response within {response} hours, on site within {onsite} hours",
        "sla.response": "Response within {response} hours",
        "penalty": "{per_day} of the contract value per day of delay, capped at {cap} of the contract value",
        "penalty.nocap": "{per_day} of the contract value per day of delay",
        "step.review": "Review this proposal with {who} and confirm scope and configuration",
        "sign.intro": "If you accept the solution and terms of this proposal, please sign, seal and return it; "
                      "the contract will then be drawn up on these terms.",
        "sign.client": "For the client (company seal): {name}",
        "sign.seller": "For the supplier (company seal): {name}",
        "sign.by": "Represented by {who}",
        "sign.rep": "Authorized signature:",
        "sign.date": "Date:",
        "step.sign": "Sign the contract and pay the advance",
        "step.sign_only": "Sign the contract",
        "step.kickoff": "Kick-off, delivery and acceptance as planned",
        "step.kickoff_due": "Within {days} days of signature",
        "owner.client": "{client}",
        "list.sep": ", ",
        "list.last": " and ",
        "project.default": "{client} procurement",
        "discount.none": "—",
    },
}



def text(locale: str, key: str, **fields: object) -> str:
    """The sentence ``key`` in ``locale`` with ``fields`` filled in (plain text, never evaluated)."""
    pattern = STRINGS[locale][key]
    return pattern.format(**fields).strip()


def join_list(locale: str, items: list[str]) -> str:
    """Join ``items`` the way the locale writes a list: ``a、b和c`` / ``a, b and c``."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    s = STRINGS[locale]
    return s["list.sep"].join(items[:-1]) + s["list.last"] + items[-1]


def currency_name(locale: str, currency: str) -> str:
    """The currency's name in the locale: the same one the amounts in words use (人民币, 新臺幣, US dollars)."""
    from ..words import currency_word

    return currency_word(currency.upper(), locale)
