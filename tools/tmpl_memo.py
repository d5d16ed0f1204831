"""The confirmation memo template: meeting, attendees, feedback, objections, agreed terms, open items.

The memo goes to the client: it carries no internal labels (the objection kinds of the brief),
no colour coding and no colour legend (issue 12). Open items are a plain table.
"""

from __future__ import annotations

from docxbuild import Col, TemplateBuilder

KIND = "memo"

LABELS = {
    "zh_CN": dict(
        doc="会谈确认函", to="致：", overview="会谈概况", date="会谈日期", mode="会谈方式", place="会谈地点",
        topic="会谈主题", no="文件编号", attendees="出席人员", att_cols=("单位", "姓名", "职务"),
        feedback="客户反馈", responses="我方回应", objections="异议及处理结果",
        obj_cols=("序号", "客户意见", "处理结果"), agreed="双方约定事项",
        agreed_intro="经双方确认，约定如下：", price="合同价格", words="大写金额", range="价格区间",
        quoted="合同价格", delivery="交货期", delivery_text=("合同签订后 ", " 个日历日内交货"),
        warranty="质保期", warranty_text=("自验收合格之日起 ", " 个月"), payment="付款安排",
        pay_cols=("序号", "付款节点", "比例", "金额", "付款期限"), pay_total="合计", other="其他约定",
        open_items="待办事项", open_cols=("序号", "事项", "负责人", "完成期限"), next="后续安排",
        confirm="确认",
        page="第 {PAGE} 页 / 共 {NUMPAGES} 页", paren=("（", "）"),
    ),
    "zh_TW": dict(
        doc="會談確認函", to="致：", overview="會談概況", date="會談日期", mode="會談方式", place="會談地點",
        topic="會談主題", no="文件編號", attendees="出席人員", att_cols=("單位", "姓名", "職稱"),
        feedback="客戶意見", responses="我方回應", objections="異議及處理結果",
        obj_cols=("序號", "客戶意見", "處理結果"), agreed="雙方約定事項",
        agreed_intro="經雙方確認，約定如下：", price="合約價格", words="大寫金額", range="價格區間",
        quoted="合約價格", delivery="交貨期", delivery_text=("合約簽訂後 ", " 個日曆天內交貨"),
        warranty="保固期", warranty_text=("自驗收合格之日起 ", " 個月"), payment="付款安排",
        pay_cols=("序號", "付款節點", "比例", "金額", "付款期限"), pay_total="合計", other="其他約定",
        open_items="待辦事項", open_cols=("序號", "事項", "負責人", "完成期限"), next="後續安排",
        confirm="確認",
        page="第 {PAGE} 頁 / 共 {NUMPAGES} 頁", paren=("（", "）"),
    ),
    "en_US": dict(
        doc="Meeting Confirmation", to="To: ", overview="Meeting", date="Date", mode="Format", place="Place",
        topic="Topic", no="Reference", attendees="Attendees", att_cols=("Company", "Name", "Title"),
        feedback="What you told us", responses="Our responses", objections="Concerns raised and how they were resolved",
        obj_cols=("No.", "Concern", "Resolution"), agreed="Agreed terms",
        agreed_intro="Both parties agreed the following terms:", price="Price", words="Price in words",
        range="Price range", quoted="Price", delivery="Delivery",
        delivery_text=("Within ", " calendar days of contract signature"), warranty="Warranty",
        warranty_text=("", " months from acceptance"), payment="Payment schedule",
        pay_cols=("No.", "Milestone", "Share", "Amount", "Due"), pay_total="Total", other="Also agreed",
        open_items="Open items", open_cols=("No.", "Item", "Owner", "Deadline"), next="Next steps",
        confirm="Confirmation",
        page="Page {PAGE} of {NUMPAGES}", paren=(" (", ")"),
    ),
}


def _money(term: str, value: str) -> str:
    return "{{ agreed.price_prefix }}{{ " + value + " | term('" + term + "') }}{{ agreed.price_suffix }}"


def _meeting(b: TemplateBuilder, L: dict) -> None:
    b.heading(L["overview"])
    b.kv_table(
        [
            (L["date"], "{{ meeting.date }}"),
            (L["mode"], "{{ meeting.mode }}"),
            (L["place"], "{{ meeting.place }}"),
            (L["topic"], "{{ meeting.topic }}"),
            (L["no"], "{{ doc.number }}"),
        ],
        cond_rows={2: "meeting.place", 3: "meeting.topic"},
    )
    b.tag("{%p if meeting.attendees %}")
    b.heading(L["attendees"], 2)
    ac = L["att_cols"]
    b.loop_table([Col(ac[0], "{{ a.side }}", 6.6), Col(ac[1], "{{ a.name }}", 4.5), Col(ac[2], "{{ a.title }}", 5.5)],
                 "a in meeting.attendees")
    b.tag("{%p endif %}")
    for key, var in (("feedback", "meeting.feedback"), ("responses", "meeting.responses")):
        b.tag("{%p if " + var + " %}")
        b.heading(L[key])
        b.tag("{%p for x in " + var + " %}")
        b.bullet("{{ x }}")
        b.tag("{%p endfor %}")
        b.tag("{%p endif %}")
    b.tag("{%p if meeting.objections %}")
    b.heading(L["objections"])
    oc = L["obj_cols"]
    b.loop_table([Col(oc[0], "{{ o.no }}", 1.2, center=True), Col(oc[1], "{{ o.said }}", 6.7),
                  Col(oc[2], "{{ o.resolution }}", 8.7)], "o in meeting.objections")
    b.tag("{%p endif %}")


def _agreed(b: TemplateBuilder, L: dict) -> None:
    po, pc = L["paren"]
    dt_, wt = L["delivery_text"], L["warranty_text"]
    b.heading(L["agreed"])
    b.para(L["agreed_intro"]).paragraph_format.keep_with_next = True
    b.kv_table(
        [
            (L["price"], _money("agreed.price", "agreed.price") + po + "{{ agreed.price_note }}" + pc),
            (L["words"], "{{ agreed.price_words | term('agreed.price_words') }}"),
            (L["range"], "{{ agreed.range }}"),
            (L["quoted"], _money("total", "agreed.quoted_total") + po + "{{ agreed.price_note }}" + pc
             + "{{ agreed.quoted_note }}"),
            (L["words"], "{{ agreed.quoted_words | term('total_words') }}"),
            (L["delivery"], dt_[0] + "{{ agreed.delivery_days | term('agreed.delivery_days') }}" + dt_[1]
             + "{{ agreed.delivery_note }}"),
            (L["warranty"], wt[0] + "{{ agreed.warranty_months | term('agreed.warranty_months') }}" + wt[1]
             + "{{ agreed.warranty_note }}"),
        ],
        cond_rows={0: "agreed.price", 1: "agreed.price", 2: "agreed.range", 3: "agreed.quoted", 4: "agreed.quoted",
                   5: "agreed.delivery_days", 6: "agreed.warranty_months"},
    )
    b.heading(L["payment"] + "{{ agreed.payment_note }}", 2)
    pcols = L["pay_cols"]
    b.loop_table(
        [Col(pcols[0], "{{ m.no }}", 1.2, center=True), Col(pcols[1], "{{ m.name }}", 4.9),
         Col(pcols[2], "{{ m.percent | term('agreed.milestone.' ~ m.no ~ '.percent') }}", 1.8, right=True),
         Col(pcols[3], "{{ m.amount | term('agreed.milestone.' ~ m.no ~ '.amount') }}", 3.4, right=True),
         Col(pcols[4], "{{ m.due }}", 5.3)],
        "m in agreed.milestones",
        totals=[(L["pay_total"] + " {{ agreed.percent_total }}", "{{ agreed.amount_total }}", "")],
    )
    b.tag("{%p if agreed.other %}")
    b.heading(L["other"], 2)
    b.tag("{%p for x in agreed.other %}")
    b.bullet("{{ x }}")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")


def _follow_up(b: TemplateBuilder, L: dict) -> None:
    b.tag("{%p if meeting.open_items %}")
    b.heading(L["open_items"])
    oc = L["open_cols"]
    b.loop_table([Col(oc[0], "{{ i.no }}", 1.2, center=True), Col(oc[1], "{{ i.item }}", 8.1),
                  Col(oc[2], "{{ i.owner }}", 3.3), Col(oc[3], "{{ i.due }}", 4.0)], "i in meeting.open_items")
    b.tag("{%p endif %}")
    b.heading(L["next"])
    b.tag("{%p for s in meeting.next_steps %}")
    b.doc.add_paragraph("{{ s }}", style="List Number")
    b.tag("{%p endfor %}")
    b.tag("{%p if meeting.next_contact %}")
    b.para(("{{ meeting.next_contact }}", "b"))
    b.tag("{%p endif %}")


def build(locale: str) -> TemplateBuilder:
    L = LABELS[locale]
    b = TemplateBuilder(locale)
    b.header_footer("{{ seller.name }}", f"{L['doc']} · {{{{ doc.number }}}}", "{{ seller.name }} · {{ client.name }}",
                    L["page"])
    b.title(L["doc"])
    b.tag("{%p if meeting.topic %}")
    b.subtitle("{{ meeting.topic }}")
    b.tag("{%p endif %}")
    b.para((L["to"], "b"), ("{{ client.name }}", "b"), space_before=6)
    b.para("{{ meeting.intro }}", align="justify")
    _meeting(b, L)
    _agreed(b, L)
    _follow_up(b, L)
    b.heading(L["confirm"])
    # the signatures never stand alone on a last page: the confirmation text keeps with them
    b.para("{{ meeting.confirm }}", align="justify").paragraph_format.keep_with_next = True
    b.spacer(8, keep_with_next=True)
    b.signature_block(
        # both parties: company, representative, signature and seal, date (lines on the same rows)
        ["{{ sign.client }}", "{{ sign.theirs }}", "{{ sign.rep }}", "{{ sign.date }}"],
        ["{{ sign.seller }}", "{{ sign.ours }}", "{{ sign.rep }}", "{{ sign.date }}"],
    )
    return b
