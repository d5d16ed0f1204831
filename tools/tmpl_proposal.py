"""The proposal template: cover, summary, SCQA, needs, FAB, PREP, pricing, payment, terms, next steps."""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docxbuild import Col, TemplateBuilder

KIND = "proposal"

LABELS = {
    "zh_CN": dict(
        doc="解决方案建议书", for_="致", by="提交方", date="日期", no="文件编号", valid="报价有效期至",
        contact="联系人", summary="执行摘要", situation="现状与挑战", s="现状", c="挑战", q="关键问题",
        a="我们的建议", needs="需求与痛点", need_cols=("序号", "需求", "类型", "业务影响"),
        solution="解决方案与价值", fab_cols=("功能", "优势", "为贵司带来的收益", "对应需求"),
        evidence="成功案例", pricing="报价",
        item_cols=("序号", "产品/服务", "数量", "单位", "单价", "折扣", "金额"),
        subtotal="小计", tax="增值税", total_incl="合计（含税）", total="合计", of_which="其中增值税",
        words="合计金额（大写）：", payment="付款安排",
        pay_cols=("序号", "付款节点", "比例", "金额", "付款期限"), pay_total="合计",
        terms="商务条款", delivery="交货期", delivery_text=("合同签订后 ", " 个日历日内交货"),
        warranty="质保期", warranty_text=("自验收合格之日起 ", " 个月"), sla="服务水平",
        penalty="逾期交货违约金", validity="报价有效期", validity_text=("本报价有效期至 ", ""),
        next="后续步骤", next_cols=("序号", "行动", "负责方", "完成日期"),
        closing="如蒙垂询，敬请联系：", accept="确认签署", page="第 {PAGE} 页 / 共 {NUMPAGES} 页", confidential="商业机密 · 仅供",
        confidential2="评估使用", tbl_no="文件编号",
    ),
    "zh_TW": dict(
        doc="解決方案建議書", for_="致", by="提案單位", date="日期", no="文件編號", valid="報價有效期至",
        contact="聯絡人", summary="執行摘要", situation="現況與挑戰", s="現況", c="挑戰", q="關鍵問題",
        a="我們的建議", needs="需求與痛點", need_cols=("序號", "需求", "類型", "業務影響"),
        solution="解決方案與價值", fab_cols=("功能", "優勢", "為貴公司帶來的效益", "對應需求"),
        evidence="成功案例", pricing="報價",
        item_cols=("序號", "產品／服務", "數量", "單位", "單價", "折扣", "金額"),
        subtotal="小計", tax="稅金", total_incl="總計（含稅）", total="總計", of_which="其中稅金",
        words="總計金額（大寫）：", payment="付款安排",
        pay_cols=("序號", "付款節點", "比例", "金額", "付款期限"), pay_total="合計",
        terms="商務條款", delivery="交貨期", delivery_text=("合約簽訂後 ", " 個日曆天內交貨"),
        warranty="保固期", warranty_text=("自驗收合格之日起 ", " 個月"), sla="服務水準",
        penalty="逾期交貨違約金", validity="報價有效期", validity_text=("本報價有效至 ", ""),
        next="後續步驟", next_cols=("序號", "行動", "負責方", "完成日期"),
        closing="如需進一步資訊，敬請聯絡：", accept="確認簽署", page="第 {PAGE} 頁 / 共 {NUMPAGES} 頁", confidential="商業機密 · 僅供",
        confidential2="評估使用", tbl_no="文件編號",
    ),
    "en_US": dict(
        doc="Solution Proposal", for_="Prepared for", by="Prepared by", date="Date", no="Document No.",
        valid="Offer valid until", contact="Contact", summary="Executive summary", situation="Your situation",
        s="Situation", c="Complication", q="Question", a="Our answer", needs="Needs and pain points",
        need_cols=("No.", "Need", "Type", "Business impact"), solution="Solution and value",
        fab_cols=("Feature", "Advantage", "Benefit to you", "Need addressed"), evidence="Proof from similar projects",
        pricing="Pricing", item_cols=("No.", "Item", "Qty", "Unit", "Unit price", "Discount", "Amount"),
        subtotal="Subtotal", tax="Tax", total_incl="Total (tax included)", total="Total", of_which="of which tax",
        words="Total in words: ", payment="Payment schedule",
        pay_cols=("No.", "Milestone", "Share", "Amount", "Due"), pay_total="Total", terms="Commercial terms",
        delivery="Delivery", delivery_text=("Within ", " calendar days of contract signature"),
        warranty="Warranty", warranty_text=("", " months from acceptance"), sla="Service levels",
        penalty="Late-delivery penalty", validity="Offer validity", validity_text=("This offer is valid until ", ""),
        next="Next steps", next_cols=("No.", "Action", "Owner", "Due date"),
        closing="For any question, please contact ", page="Page {PAGE} of {NUMPAGES}", accept="Acceptance",
        confidential="Confidential · prepared for", confidential2="", tbl_no="Document No.",
    ),
}


def rows_unsplit(b: TemplateBuilder) -> None:
    """No row of the last table breaks across pages: a long item list then breaks between rows
    (LibreOffice otherwise leaves a page holding only the tail of one row)."""
    for tr in b.doc.tables[-1]._tbl.tr_lst:
        trpr = tr.get_or_add_trPr()
        if trpr.find(qn("w:cantSplit")) is None:
            trpr.insert(0, OxmlElement("w:cantSplit"))


def discount_width(locale: str) -> float:
    """The discount column: room for "Discount" in English, two characters in Chinese."""
    return 1.4 if locale.startswith("zh") else 2.1


def build(locale: str) -> TemplateBuilder:
    L = LABELS[locale]
    b = TemplateBuilder(locale)
    conf = f"{L['confidential']} {{{{ client.name }}}} {L['confidential2']}".strip()
    b.header_footer("{{ seller.name }}", f"{L['doc']} · {{{{ doc.number }}}}", conf, L["page"])

    # cover
    b.cover_page()
    b.spacer(60)
    b.logo(align="left")
    b.title("{{ project.name }}")
    b.subtitle(L["doc"])
    b.spacer(30)
    b.kv_table(
        [
            (L["for_"], "{{ client.name }}"),
            (L["by"], "{{ seller.name }}"),
            (L["date"], "{{ doc.date }}"),
            (L["no"], "{{ doc.number }}"),
            (L["valid"], "{{ terms.valid_until | term('valid_until') }}"),
            (L["contact"], "{{ seller.contact_line }}"),
        ],
        cond_rows={5: "seller.contact_line"},
    )
    b.page_break()

    # 1 executive summary (conclusion first)
    b.heading(L["summary"])
    b.tag("{%p for s in summary %}")
    b.para("{{ s }}", align="justify")
    b.tag("{%p endfor %}")

    # 2 SCQA
    b.tag("{%p if scqa %}")
    b.heading(L["situation"])
    for key, label in (("situation", L["s"]), ("complication", L["c"]), ("question", L["q"]), ("answer", L["a"])):
        b.para((label + ("：" if locale.startswith("zh") else ": "), "ba"), "{{ scqa." + key + " }}", align="justify")
    b.tag("{%p endif %}")

    # 3 needs
    b.tag("{%p if needs %}")
    b.heading(L["needs"])
    nc = L["need_cols"]
    b.loop_table(
        [Col(nc[0], "{{ n.no }}", 1.2, center=True), Col(nc[1], "{{ n.need }}", 5.0),
         Col(nc[2], "{{ n.kind }}", 2.0, center=True), Col(nc[3], "{{ n.impact }}", 8.4)],
        "n in needs",
    )
    b.tag("{%p endif %}")

    # 4 solution: FAB tied to needs
    b.tag("{%p if fab or project.summary %}")
    b.heading(L["solution"])
    b.tag("{%p if project.summary %}")
    b.para("{{ project.summary }}", align="justify")
    b.tag("{%p endif %}")
    b.tag("{%p if fab %}")
    fc = L["fab_cols"]
    b.loop_table(
        [Col(fc[0], "{{ r.feature }}", 3.6), Col(fc[1], "{{ r.advantage }}", 4.4),
         Col(fc[2], "{{ r.benefit }}", 5.2), Col(fc[3], "{{ r.need }}", 3.4)],
        "r in fab",
    )
    b.tag("{%p endif %}")
    b.tag("{%p endif %}")

    # 5 evidence (PREP)
    b.tag("{%p if prep %}")
    b.heading(L["evidence"])
    b.para(("{{ prep.point }}", "b"), align="justify")
    b.para("{{ prep.reason }}", align="justify")
    b.para(("{{ prep.example }}", "i"), align="justify")
    b.para(("{{ prep.point_again }}", "b"), align="justify")
    b.tag("{%p endif %}")

    # 6 pricing
    b.heading(L["pricing"])
    ic = L["item_cols"]
    disc = discount_width(locale)
    b.loop_table(  # 16.6 cm: the full text width, like every other table
        [Col(ic[0], "{{ it.no }}", 1.2, center=True),  # 序号 / No. in the header's bold on one line
         Col(ic[1], "{{ it.description }}{%r if it.sku %} ({{ it.sku }}){%r endif %}", 5.2 + 1.7 - disc),
         Col(ic[2], "{{ it.quantity }}", 1.4, right=True), Col(ic[3], "{{ it.unit }}", 1.5, center=True),
         Col(ic[4], "{{ it.unit_price }}", 2.6, right=True), Col(ic[5], "{{ it.discount }}", disc, right=True),
         Col(ic[6], "{{ it.total }}", 3.0, right=True)],
        "it in pricing.lines",
        totals=[
            (L["subtotal"], "{{ pricing.subtotal }}", "not pricing.includes_tax"),
            (L["tax"] + " ({{ pricing.tax_rate }})", "{{ pricing.tax }}", "not pricing.includes_tax"),
            ("{{ '" + L["total"] + "' if pricing.no_tax else '" + L["total_incl"] + "' }} ({{ pricing.currency }})",
             "{{ pricing.total | term('total') }}", ""),
            (L["of_which"] + " ({{ pricing.tax_rate }})", "{{ pricing.tax }}", "pricing.includes_tax"),
        ],
    )
    rows_unsplit(b)
    b.para((L["words"], "b"), ("{{ pricing.total_words | term('total_words') }}", "b"))
    b.para("{{ pricing.note }}", style="Small Print")

    # 7 payment schedule
    b.heading(L["payment"])
    pc = L["pay_cols"]
    b.loop_table(
        [Col(pc[0], "{{ m.no }}", 1.2, center=True), Col(pc[1], "{{ m.name }}", 6.0),
         Col(pc[2], "{{ m.percent | term('milestone.' ~ m.no ~ '.percent') }}", 1.8, right=True),
         Col(pc[3], "{{ m.amount | term('milestone.' ~ m.no ~ '.amount') }}", 3.2, right=True),
         Col(pc[4], "{{ m.due }}", 4.4)],
        "m in payment.milestones",
        totals=[(L["pay_total"] + " {{ payment.percent_total }}", "{{ payment.amount_total }}", "")],
    )

    # 8 commercial terms
    b.heading(L["terms"])
    dt_, wt, vt = L["delivery_text"], L["warranty_text"], L["validity_text"]
    b.kv_table(
        [
            (L["delivery"], dt_[0] + "{{ terms.delivery_days | term('delivery_days') }}" + dt_[1]),
            (L["warranty"], wt[0] + "{{ terms.warranty_months | term('warranty_months') }}" + wt[1]),
            (L["sla"], "{{ terms.sla }}"),
            (L["penalty"], "{{ terms.penalty }}"),
            (L["validity"], vt[0] + "{{ terms.valid_until }}" + vt[1]),
        ],
        cond_rows={0: "terms.delivery_days", 1: "terms.warranty_months", 2: "terms.sla", 3: "terms.penalty"},
    )
    b.tag("{%p for c in clauses %}")
    b.heading("{{ c.title }}", 2)
    b.tag("{%p for text in c.paragraphs %}")
    b.para("{{ text }}", align="justify")
    b.tag("{%p endfor %}")
    b.tag("{%p endfor %}")

    # 9 next steps
    b.tag("{%p if next_steps %}")
    b.heading(L["next"])
    xc = L["next_cols"]
    b.loop_table(
        [Col(xc[0], "{{ s.no }}", 1.2, center=True), Col(xc[1], "{{ s.action }}", 8.2),
         Col(xc[2], "{{ s.owner }}", 3.8), Col(xc[3], "{{ s.due }}", 3.4)],
        "s in next_steps",
        keep="with_next",  # the closing line never stands alone on a last page
    )
    b.tag("{%p endif %}")
    b.tag("{%p if seller.contact_line %}")
    b.spacer(10, keep_with_next=True)
    b.para(L["closing"], "{{ seller.contact_line }}", style="Small Print")
    b.tag("{%p endif %}")

    # 10 signature and seal of both parties
    b.heading(L["accept"])
    b.para("{{ sign.intro }}", align="justify").paragraph_format.keep_with_next = True
    b.spacer(8, keep_with_next=True)
    b.signature_block(
        ["{{ sign.client }}", "{{ sign.client_rep }}", "{{ sign.rep }}", "{{ sign.date }}"],
        ["{{ sign.seller }}", "{{ sign.seller_rep }}", "{{ sign.rep }}", "{{ sign.date }}"],
    )
    return b

