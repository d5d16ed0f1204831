"""Sentences and words of the bid package that are assembled from data, per locale.

Fixed labels live in the Word templates (``tools/bid_labels.py``); here are only the texts
that depend on the deal or the tender: deviation words, after-sales commitments, the
authorised person, part numbers.  Every value is a ``str.format`` pattern.
"""

from __future__ import annotations

BID_STRINGS: dict[str, dict[str, str]] = {
    "zh_CN": {
        "title": "投标文件",
        "dev.none": "无偏离",
        "dev.positive": "正偏离",
        "dev.negative": "负偏离",
        "dev.missing": "—",
        "note.positive": "优于招标要求",
        "response.missing": "—",
        "tax.total": "含 {rate} 增值税",
        "tax.total.none": "税率 0%",
        "agent": "{who}",
        "agent.notitle": "{name}",
        "rep.blank": "＿＿＿＿＿＿",
        "letter.contact": "{contact}；地址：{address}",
        "bond.when": "投标截止时间（{date}）前",
        "bond.when.nodate": "投标截止时间前",
        "svc.warranty.title": "质保期",
        "svc.warranty": "自验收合格之日起 {months} 个月。质保期内因产品质量问题导致的故障，我方负责免费维修或更换。",
        "svc.sla.title": "响应时效",
        "svc.sla": "接到报修通知后，{sla}。",
        "svc.tier.title": "服务保障",
        "svc.tier.strategic": "为本项目配备专属客户经理和技术顾问，每月安排管理层回访，优先调配技术资源，并可按贵方需要提供定制化服务方案。",
        "svc.tier.key": "为本项目指定客户经理，每季度与贵方进行一次服务回顾。",
        "svc.tier.regular": "提供标准化技术支持服务，每半年进行一次客户回访。",
        "svc.contact.title": "服务联系人",
        "svc.after.title": "质保期满后",
        "svc.after": "继续提供技术支持和备品备件供应，服务费用由双方另行协商确定。",
        "svc.warranty.software": "自验收合格之日起 {months} 个月。质保期内报告的软件缺陷及不符合约定的服务，我方负责免费纠正。",
        "svc.after.software": "继续提供技术支持和软件更新服务，服务费用由双方另行协商确定。",
        "svc.warranty.service": "自验收合格之日起 {months} 个月。质保期内书面提出的不符合约定的服务，我方负责免费重新提供。",
        "svc.after.service": "继续提供技术支持服务，服务费用由双方另行协商确定。",
    },
    "zh_TW": {
        "title": "投標文件",
        "dev.none": "無差異",
        "dev.positive": "優於需求",
        "dev.negative": "未達需求",
        "dev.missing": "—",
        "note.positive": "優於招標要求",
        "response.missing": "—",
        "tax.total": "含 {rate} 稅金",
        "tax.total.none": "稅率 0%",
        "agent": "{who}",
        "agent.notitle": "{name}",
        "rep.blank": "＿＿＿＿＿＿",
        "letter.contact": "{contact}；地址：{address}",
        "bond.when": "截止投標時間（{date}）前",
        "bond.when.nodate": "截止投標時間前",
        "svc.warranty.title": "保固期",
        "svc.warranty": "自驗收合格之日起 {months} 個月。保固期內因產品品質問題所致之故障，本公司負責免費維修或更換。",
        "svc.sla.title": "回應時效",
        "svc.sla": "接獲報修通知後，{sla}。",
        "svc.tier.title": "服務保障",
        "svc.tier.strategic": "為本專案配置專屬客戶經理及技術顧問，每月安排管理階層拜訪，優先調度技術資源，並可依貴方需求提供客製化服務方案。",
        "svc.tier.key": "為本專案指定客戶經理，每季與貴方進行一次服務檢討。",
        "svc.tier.regular": "提供標準化技術支援服務，每半年進行一次客戶拜訪。",
        "svc.contact.title": "服務聯絡人",
        "svc.after.title": "保固期滿後",
        "svc.after": "持續提供技術支援及備品供應，服務費用由雙方另行協議。",
        "svc.warranty.software": "自驗收合格之日起 {months} 個月。保固期內通報之軟體缺陷及不符約定之服務，本公司負責免費修正。",
        "svc.after.software": "持續提供技術支援及軟體更新服務，服務費用由雙方另行協議。",
        "svc.warranty.service": "自驗收合格之日起 {months} 個月。保固期內以書面提出不符約定之服務，本公司負責免費重新提供。",
        "svc.after.service": "持續提供技術支援服務，服務費用由雙方另行協議。",
    },
    "en_US": {
        "title": "Bid Submission",
        "dev.none": "None",
        "dev.positive": "Positive",
        "dev.negative": "Negative",
        "dev.missing": "—",
        "note.positive": "Exceeds the requirement",
        "response.missing": "—",
        "tax.total": "including {rate} tax",
        "tax.total.none": "no tax applicable",
        "agent": "{who},",
        "agent.notitle": "{name}",
        "rep.blank": "____________",
        "letter.contact": "{contact}; {address}",
        "bond.when": "Before the bid submission deadline ({date})",
        "bond.when.nodate": "Before the bid submission deadline",
        "svc.warranty.title": "Warranty",
        "svc.warranty": "{months} months from acceptance. Any fault caused by a defect of our products during the "
                        "warranty is repaired or the part replaced free of charge.",
        "svc.sla.title": "Response times",
        "svc.sla": "{sla}, counted from the service request.",
        "svc.tier.title": "Service coverage",
        "svc.tier.strategic": "A dedicated account manager and technical advisor for this project, a monthly "
                              "management review, priority access to our technical resources and service plans "
                              "tailored to your needs.",
        "svc.tier.key": "A named account manager for this project and a quarterly service review with your team.",
        "svc.tier.regular": "Standard technical support with a service review visit every six months.",
        "svc.contact.title": "Service contact",
        "svc.after.title": "After the warranty",
        "svc.after": "Continued technical support and spare parts supply on terms to be agreed between the parties.",
        "svc.warranty.software": "{months} months from acceptance. Software defects and non-conforming services "
                                 "reported during the warranty are corrected free of charge.",
        "svc.after.software": "Continued technical support and software updates on terms to be agreed between the "
                              "parties.",
        "svc.warranty.service": "{months} months from acceptance. Services that do not conform and are reported in "
                                "writing during the warranty are performed again free of charge.",
        "svc.after.service": "Continued technical support on terms to be agreed between the parties.",
    },
}

_ZH_NUMERALS = "一二三四五六七八九十"


def bid_text(locale: str, key: str, **fields: object) -> str:
    """The bid sentence ``key`` in ``locale`` with ``fields`` filled in (plain text)."""
    return BID_STRINGS[locale][key].format(**fields).strip()


def part_number(locale: str, n: int) -> str:
    """The prefix of the n-th part heading: ``一、`` in Chinese, ``1. `` in English."""
    if locale.startswith("zh"):
        if n <= 10:
            return _ZH_NUMERALS[n - 1] + "、"
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _ZH_NUMERALS[tens - 1]) + "十" + (_ZH_NUMERALS[ones - 1] if ones else "") + "、"
    return f"{n}. "
