"""The internal negotiation brief template: every page marked "internal – do not send"."""

from __future__ import annotations

from docx.shared import Pt, RGBColor
from docxbuild import Col, TemplateBuilder
RED = "C00000"  # the brief (internal) marks risks in red

KIND = "brief"

LABELS = {
    "zh_CN": dict(
        doc="谈判准备表", internal="内部资料 请勿外发", client="客户", project="项目", offer="当前报价",
        valid="报价有效期至", lead="主谈人", no="文件编号", date="编制日期", alerts="要点提示",
        targets="价格目标与毛利", target_cols=("档位", "价格", "毛利额", "毛利率", "说明"), cost="成本：",
        terms="各项条款立场", term_cols=("条款", "我方报价", "底线与原则"), batna_h="BATNA 与不可让步条款",
        batna="BATNA（谈判破裂时的最佳替代方案）", non_neg="不可让步条款", concessions="让步计划",
        con_note="各步价格由前一步价格与该步让步（百分比或金额）计算，起点为客户已看到的当前报价；“已用至底线空间”为累计让步占（当前报价 − 底线）的比例。",
        con_cols=("步骤", "我方让步", "换取条件", "让步后价格", "本步降幅", "累计让步（较当前报价）", "已用至底线空间"),
        objections="预期异议与应答（LARA）", lara=("倾听", "认同", "回应", "行动"), chain="决策链",
        chain_cols=("姓名", "职务", "角色", "态度", "应对策略"), team="团队分工",
        team_cols=("角色", "人员", "职责"), raci="RACI 矩阵",
        raci_cols=("事项", "主谈人", "技术顾问", "商务记录", "审批人"),
        raci_note="R 执行 · A 最终负责 · C 事前咨询 · I 事后知会", plan="5W2H 谈判计划",
        plan_cols=("要素", "内容"), approval="审批权限", ap_level="审批级别", ap_who="审批人", ap_limit="权限额度",
        ap_verdict="结论", etiquette="礼仪提示", page="第 {PAGE} 页 / 共 {NUMPAGES} 页", paren=("（", "）"),
    ),
    "zh_TW": dict(
        doc="談判準備表", internal="內部資料 請勿外傳", client="客戶", project="專案", offer="目前報價",
        valid="報價有效至", lead="主談人", no="文件編號", date="編製日期", alerts="重點提示",
        targets="價格目標與毛利", target_cols=("層級", "價格", "毛利額", "毛利率", "說明"), cost="成本：",
        terms="各項條款立場", term_cols=("條款", "我方報價", "底線與原則"), batna_h="BATNA 與不可讓步條款",
        batna="BATNA（談判破裂時的最佳替代方案）", non_neg="不可讓步條款", concessions="讓步計畫",
        con_note="各步價格由前一步價格與該步讓步（百分比或金額）計算，起點為客戶已看到的目前報價；「已用至底線空間」為累計讓步占（目前報價 − 底線）的比例。",
        con_cols=("步驟", "我方讓步", "換取條件", "讓步後價格", "本步降幅", "累計讓步（較目前報價）", "已用至底線空間"),
        objections="預期異議與應答（LARA）", lara=("傾聽", "認同", "回應", "行動"), chain="決策鏈",
        chain_cols=("姓名", "職稱", "角色", "態度", "應對策略"), team="團隊分工",
        team_cols=("角色", "人員", "職責"), raci="RACI 矩陣",
        raci_cols=("事項", "主談人", "技術顧問", "商務記錄", "核決人"),
        raci_note="R 執行 · A 最終負責 · C 事前諮詢 · I 事後知會", plan="5W2H 談判計畫",
        plan_cols=("要素", "內容"), approval="核決權限", ap_level="核決層級", ap_who="核決人", ap_limit="核決額度",
        ap_verdict="結論", etiquette="禮儀提示", page="第 {PAGE} 頁 / 共 {NUMPAGES} 頁", paren=("（", "）"),
    ),
    "en_US": dict(
        doc="Negotiation Brief", internal="INTERNAL – DO NOT SEND", client="Client", project="Project",
        offer="Current offer", valid="Offer valid until", lead="Lead negotiator", no="Reference", date="Prepared on",
        alerts="Key points", targets="Price targets and margins",
        target_cols=("Level", "Price", "Margin", "Margin %", "Meaning"), cost="Cost: ", terms="Position on each term",
        term_cols=("Term", "Our offer", "Bottom line and rule"), batna_h="BATNA and non-negotiables",
        batna="BATNA (our best alternative if this deal fails)", non_neg="Non-negotiables",
        concessions="Concession plan",
        con_note="Each step's price follows from the price before it and the step's give (percent or amount), starting "
                 "from the current offer the client has seen; 'room to floor used' is the concession so far as a share "
                 "of (current offer − floor).",
        con_cols=("No.", "We give", "We get", "Price after", "Step", "Given so far (vs. current offer)",
                  "Room to floor used"),
        objections="Expected objections and answers (LARA)", lara=("Listen", "Acknowledge", "Respond", "Act"),
        chain="Decision chain", chain_cols=("Name", "Title", "Role", "Attitude", "Approach"), team="Team roles",
        team_cols=("Role", "Person", "Responsibility"), raci="RACI matrix",
        raci_cols=("Activity", "Lead", "Technical", "Recorder", "Approver"),
        raci_note="R responsible · A accountable · C consulted · I informed", plan="5W2H plan",
        plan_cols=("Question", "Plan"), approval="Approval authority", ap_level="Level", ap_who="Approver",
        ap_limit="Limit", ap_verdict="Assessment", etiquette="Etiquette notes", page="Page {PAGE} of {NUMPAGES}",
        paren=(" (", ")"),
    ),
}


def _mark_internal(b: TemplateBuilder, mark: str) -> None:
    """Make the internal mark red and bold wherever it appears in the header and footer."""
    sec = b.doc.sections[0]
    for part in (sec.header, sec.footer):
        for p in part.paragraphs:
            for run in p.runs:
                if mark in run.text:
                    run.bold = True
                    run.font.color.rgb = RGBColor.from_string(RED)


def _missing(b: TemplateBuilder, var: str) -> None:
    b.para(("{{ " + var + " }}", "i"))


def _overview(b: TemplateBuilder, L: dict) -> None:
    po, pc = L["paren"]
    b.title(L["doc"])
    b.subtitle("{{ client.name }} · {{ project.name }}")
    banner = b.para((L["internal"], "rb"), align="center", size=13, space_before=4)
    banner.paragraph_format.space_after = Pt(10)
    b.kv_table([
        (L["client"], "{{ client.name }}" + po + "{{ brief.tier }}" + pc),
        (L["project"], "{{ project.name }}"),
        (L["offer"], "{{ brief.offer }}" + po + "{{ brief.basis }}" + pc),
        (L["valid"], "{{ terms.valid_until }}"),
        (L["lead"], "{{ brief.lead }}"),
        (L["no"], "{{ doc.number }}"),
        (L["date"], "{{ doc.date }}"),
    ])
    b.heading(L["alerts"])
    b.tag("{%p for a in brief.alerts %}")
    b.bullet("{{ a }}")
    b.tag("{%p endfor %}")


def _targets(b: TemplateBuilder, L: dict) -> None:
    b.heading(L["targets"])
    b.tag("{%p if brief.targets.has %}")
    tc = L["target_cols"]
    b.loop_table([Col(tc[0], "{{ r.level }}", 3.6), Col(tc[1], "{{ r.price }}", 2.9, right=True),
                  Col(tc[2], "{{ r.margin }}", 2.9, right=True), Col(tc[3], "{{ r.margin_percent }}", 2.4, right=True),
                  Col(tc[4], "{{ r.hint }}", 4.8)], "r in brief.targets.rows")
    b.tag("{%p if brief.targets.room %}")
    b.para(("{{ brief.targets.room }}", "b"))
    b.tag("{%p endif %}")
    b.para(L["cost"] + "{{ brief.targets.cost }}" + L["paren"][0] + "{{ brief.targets.basis }}" + L["paren"][1],
           style="Small Print")
    b.tag("{%p else %}")
    _missing(b, "brief.targets.missing")
    b.tag("{%p endif %}")
    b.heading(L["terms"])
    tc = L["term_cols"]
    b.loop_table([Col(tc[0], "{{ r.term }}", 2.6), Col(tc[1], "{{ r.position }}", 6.4), Col(tc[2], "{{ r.limit }}", 7.6)],
                 "r in brief.terms")


def _batna_concessions(b: TemplateBuilder, L: dict) -> None:
    b.heading(L["batna_h"])
    b.heading(L["batna"], 2)
    b.para("{{ brief.batna }}", align="justify")
    b.heading(L["non_neg"], 2)
    b.tag("{%p for x in brief.non_negotiable %}")
    b.bullet("{{ x }}")
    b.tag("{%p endfor %}")
    b.tag("{%p if brief.non_negotiable_missing %}")
    _missing(b, "brief.non_negotiable_missing")
    b.tag("{%p endif %}")
    b.heading(L["concessions"])
    b.tag("{%p if brief.concessions %}")
    cc = L["con_cols"]
    b.loop_table([Col(cc[0], "{{ c.no }}", 1.2, center=True), Col(cc[1], "{{ c.give }}", 3.2),
                  Col(cc[2], "{{ c.receive }}", 3.5), Col(cc[3], "{{ c.price_after }}", 2.4, right=True),
                  Col(cc[4], "{{ c.step }}", 1.4, right=True), Col(cc[5], "{{ c.cumulative }}", 2.6, right=True),
                  Col(cc[6], "{{ c.room_used }}", 1.8, right=True)],
                 "c in brief.concessions")
    b.para(L["con_note"], size=8)
    b.tag("{%p else %}")
    _missing(b, "brief.concessions_missing")
    b.tag("{%p endif %}")


def _objections(b: TemplateBuilder, L: dict) -> None:
    b.heading(L["objections"])
    b.tag("{%p for o in brief.objections %}")
    b.heading("{{ o.kind }}", 2)
    b.tag("{%p if o.has %}")
    la = L["lara"]
    b.kv_table([(la[0], "{{ o.listen }}"), (la[1], "{{ o.acknowledge }}"), (la[2], "{{ o.respond }}"),
                (la[3], "{{ o.act }}")], widths=(3.2, 13.4))
    b.tag("{%p else %}")
    _missing(b, "o.missing")
    b.tag("{%p endif %}")
    b.tag("{%p endfor %}")


def _people(b: TemplateBuilder, L: dict) -> None:
    b.heading(L["chain"])
    b.tag("{%p if brief.chain %}")
    cc = L["chain_cols"]
    b.loop_table([Col(cc[0], "{{ c.name }}", 2.8), Col(cc[1], "{{ c.title }}", 3.0), Col(cc[2], "{{ c.role }}", 2.6),
                  Col(cc[3], "{{ c.attitude }}", 1.9, center=True), Col(cc[4], "{{ c.approach }}", 6.3)],
                 "c in brief.chain")
    b.tag("{%p else %}")
    _missing(b, "brief.chain_missing")
    b.tag("{%p endif %}")
    b.heading(L["team"])
    tc = L["team_cols"]
    b.loop_table([Col(tc[0], "{{ t.role }}", 3.4), Col(tc[1], "{{ t.person }}", 4.6), Col(tc[2], "{{ t.duty }}", 8.6)],
                 "t in brief.team")
    b.heading(L["raci"], 2)
    rc = L["raci_cols"]
    b.loop_table([Col(rc[0], "{{ r.activity }}", 6.0), Col(rc[1], "{{ r.lead }}", 2.65, center=True),
                  Col(rc[2], "{{ r.tech }}", 2.65, center=True), Col(rc[3], "{{ r.recorder }}", 2.65, center=True),
                  Col(rc[4], "{{ r.approver }}", 2.65, center=True)], "r in brief.raci")
    b.para(L["raci_note"], style="Small Print")


def _plan(b: TemplateBuilder, L: dict) -> None:
    b.heading(L["plan"])
    pc = L["plan_cols"]
    b.loop_table([Col(pc[0], "{{ w.key }}", 3.6), Col(pc[1], "{{ w.text }}", 13.0)], "w in brief.plan")
    b.heading(L["approval"])
    b.tag("{%p if brief.approval.has %}")
    b.kv_table([(L["ap_level"], "{{ brief.approval.level }}"), (L["ap_who"], "{{ brief.approval.approver }}"),
                (L["ap_limit"], "{{ brief.approval.limit }}"), (L["ap_verdict"], "{{ brief.approval.verdict }}")])
    b.tag("{%p else %}")
    _missing(b, "brief.approval.missing")
    b.tag("{%p endif %}")
    b.heading(L["etiquette"])
    b.tag("{%p for e in brief.etiquette %}")
    b.heading("{{ e.title }}", 2)
    b.tag("{%p for n in e.notes %}")
    b.bullet("{{ n }}")
    b.tag("{%p endfor %}")
    b.tag("{%p endfor %}")
    b.tag("{%p if not brief.etiquette %}")
    _missing(b, "brief.etiquette_missing")
    b.tag("{%p endif %}")


def build(locale: str) -> TemplateBuilder:
    L = LABELS[locale]
    b = TemplateBuilder(locale)
    b.header_footer(L["internal"], f"{L['doc']} · {{{{ doc.number }}}}", L["internal"] + " · {{ seller.name }}",
                    L["page"])
    _mark_internal(b, L["internal"])
    _overview(b, L)
    _targets(b, L)
    _batna_concessions(b, L)
    _objections(b, L)
    _people(b, L)
    _plan(b, L)
    return b
