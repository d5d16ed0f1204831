"""Fixed labels of the bid package templates (``tmpl_bid.py``), per locale.

Only words that never depend on data live here; sentences assembled from data are in
``bidgen/documents/bid_strings.py``.  Jinja fragments are written inline in the templates.
"""

from __future__ import annotations

LABELS: dict[str, dict[str, object]] = {
    "zh_CN": dict(
        doc="投标文件", cover_title="投 标 文 件", toc="目  录",
        project="项目名称", ref="招标编号", buyer="招标人", bidder="投标人（盖章）", number="文件编号", date="日期",
        page="第 {PAGE} 页 / 共 {NUMPAGES} 页", colon="：",
        parts=dict(
            letter="投标函", summary="开标一览表", itemized="分项报价明细表", commercial="商务条款偏离表",
            technical="技术规格偏离表", authorization="法定代表人授权委托书", qualifications="资格证明文件清单",
            service="售后服务承诺书", bond="投标保证金",
        ),
        # signature block
        sign_bidder="投标人（盖章）：", sign_rep="法定代表人或授权代表（签字）：", sign_date="日期：",
        blank="＿＿＿＿＿＿＿＿＿＿",
        # tender letter
        to="致：",
        letter_intro="根据贵方“{title}”（招标编号：{ref}）的招标文件，我方{seller}经认真研究招标文件的全部内容，"
                     "决定参加投标，并郑重承诺如下：",
        l_total="投标总价为{figures}（大写：{words}），{tax}。",
        l_delivery="交货期：合同签订后 {days} 个日历日内完成交货。",
        l_warranty="质保期：自验收合格之日起 {months} 个月。",
        l_validity="投标有效期：自投标截止之日起 {days} 个日历日。在此期限内，本投标对我方始终具有约束力。",
        l_accept="我方已详细审阅全部招标文件（包括澄清及修改文件，如有），完全理解并接受招标文件的全部条款和要求，"
                 "放弃对招标文件提出误解的权利。",
        l_true="我方保证投标文件所提供的全部资料真实、准确、完整，如有虚假，愿承担相应的法律责任。",
        l_contract="如我方中标，我方将按招标文件的规定与贵方签订合同，并严格履行合同约定的全部责任和义务。",
        l_bond="我方已按招标文件的规定提交投标保证金{words}（{figures}）。",
        l_contact="与本投标有关的一切正式往来请联系：{contact}。",
        # price summary
        s_title=("项目名称", "招标编号", "投标人名称", "投标总价（小写）", "投标总价（大写）", "税费说明", "交货期",
                 "质保期", "投标有效期", "投标保证金"),
        s_delivery="合同签订后 {days} 个日历日内", s_warranty="验收合格后 {months} 个月",
        s_validity="自投标截止之日起 {days} 个日历日",
        s_note="注：本表投标总价与投标函及分项报价明细表完全一致，为完成本项目全部内容的最终报价。",
        # itemized schedule
        item_cols=("序号", "货物/服务名称", "型号/编码", "数量", "单位", "单价", "折扣", "金额"),
        subtotal="小计", tax="增值税", total="投标总价（含税）", total_plain="投标总价", of_which="其中增值税", words="投标总价（大写）：",
        # deviation tables
        dev_cols=("序号", "条款号", "招标文件要求", "投标响应", "偏离情况", "说明"),
        dev_star="注：标注“★”的条款为实质性要求，不允许负偏离。",
        dev_note="偏离情况按“无偏离”“正偏离”（优于招标要求）或“负偏离”（低于招标要求）填写。",
        # authorization
        a_title="法定代表人授权委托书",
        a_intro="本授权委托书声明：我{rep}系{seller}的法定代表人，现授权委托本公司{agent}为我公司合法代理人，"
                "以本公司名义参加{buyer}“{title}”（招标编号：{ref}）的投标活动。",
        a_scope="代理人在投标、开标、评标、合同谈判过程中所签署的一切文件和处理与之有关的一切事务，我均予以承认。",
        a_no_sub="代理人无转委托权。",
        a_term="授权期限：自本授权委托书签署之日起至投标有效期届满之日止。",
        a_rows=("代理人姓名", "职务", "联系电话", "电子邮箱"),
        a_sign_rep="法定代表人（签字或盖章）：", a_sign_agent="代理人（签字）：",
        a_attach="附：法定代表人身份证明及代理人身份证复印件（正反面）。",
        # qualifications
        q_intro="我方按招标文件要求提交下列资格证明文件，所附复印件均加盖投标人公章：",
        q_cols=("序号", "资格证明文件", "已提供（√）", "所在页码"), q_tick="☐", q_page="第＿＿页",
        # service
        s_intro="为保障本项目（{project}）建成后稳定运行，我方{seller}郑重作出如下售后服务承诺：",
        # bond
        b_intro="我方已按招标文件的规定提交投标保证金，具体如下：",
        b_rows=("招标编号", "投标保证金（小写）", "投标保证金（大写）", "提交时间"),
        b_terms="我方知悉：如我方在投标有效期内撤回投标，或中标后无正当理由不与招标人签订合同或不按规定提交履约保证金，"
                "招标人有权不予退还投标保证金。",
        b_attach="附：投标保证金缴纳凭证（银行回单）复印件。",
    ),
    "zh_TW": dict(
        doc="投標文件", cover_title="投 標 文 件", toc="目  錄",
        project="專案名稱", ref="招標編號", buyer="招標機關", bidder="投標廠商（蓋章）", number="文件編號", date="日期",
        page="第 {PAGE} 頁 / 共 {NUMPAGES} 頁", colon="：",
        parts=dict(
            letter="投標函", summary="標價清單", itemized="詳細價目表", commercial="商業條款差異表",
            technical="技術規格差異表", authorization="負責人授權書", qualifications="資格證明文件清單",
            service="售後服務承諾書", bond="押標金",
        ),
        sign_bidder="投標廠商（蓋章）：", sign_rep="負責人或授權代表（簽名）：", sign_date="日期：",
        blank="＿＿＿＿＿＿＿＿＿＿",
        to="致：",
        letter_intro="依據貴方「{title}」（招標編號：{ref}）之招標文件，本公司{seller}經詳細研讀招標文件全部內容，"
                     "決定參加投標，並鄭重承諾如下：",
        l_total="投標總價為{figures}（大寫：{words}），{tax}。",
        l_delivery="交貨期：合約簽訂後 {days} 個日曆天內完成交貨。",
        l_warranty="保固期：自驗收合格之日起 {months} 個月。",
        l_validity="投標有效期：自截止投標之日起 {days} 個日曆天。於此期間內，本投標對本公司均具約束力。",
        l_accept="本公司已詳細審閱全部招標文件（包括澄清及補充文件，如有），完全瞭解並接受招標文件之全部條款與要求，"
                 "放棄對招標文件提出誤解之權利。",
        l_true="本公司保證投標文件所提供之全部資料真實、正確、完整，如有不實，願負相關法律責任。",
        l_contract="如本公司得標，將依招標文件之規定與貴方簽訂合約，並確實履行合約約定之全部責任與義務。",
        l_bond="本公司已依招標文件之規定繳納押標金{words}（{figures}）。",
        l_contact="與本投標有關之一切正式往來請聯絡：{contact}。",
        s_title=("專案名稱", "招標編號", "投標廠商名稱", "投標總價（小寫）", "投標總價（大寫）", "稅費說明", "交貨期",
                 "保固期", "投標有效期", "押標金"),
        s_delivery="合約簽訂後 {days} 個日曆天內", s_warranty="驗收合格後 {months} 個月",
        s_validity="自截止投標之日起 {days} 個日曆天",
        s_note="註：本表投標總價與投標函及詳細價目表完全一致，為完成本專案全部內容之最終報價。",
        item_cols=("序號", "貨品／服務名稱", "型號／料號", "數量", "單位", "單價", "折扣", "金額"),
        subtotal="小計", tax="稅金", total="投標總價（含稅）", total_plain="投標總價", of_which="其中稅金", words="投標總價（大寫）：",
        dev_cols=("序號", "條款編號", "招標文件要求", "投標回應", "差異情形", "說明"),
        dev_star="註：標示「★」之條款為實質性要求，不得有未達需求之情形。",
        dev_note="差異情形依「無差異」「優於需求」（優於招標要求）或「未達需求」（未達招標要求）填寫。",
        a_title="負責人授權書",
        a_intro="本授權書聲明：本人{rep}係{seller}之負責人，茲授權委託本公司{agent}為本公司合法代理人，"
                "以本公司名義參加{buyer}「{title}」（招標編號：{ref}）之投標事宜。",
        a_scope="代理人於投標、開標、評選及議約過程中所簽署之一切文件及處理之相關事務，本人均予承認。",
        a_no_sub="代理人無複委託權。",
        a_term="授權期間：自本授權書簽署之日起至投標有效期屆滿之日止。",
        a_rows=("代理人姓名", "職稱", "聯絡電話", "電子郵件"),
        a_sign_rep="負責人（簽名或蓋章）：", a_sign_agent="代理人（簽名）：",
        a_attach="附：負責人身分證明及代理人身分證影本（正反面）。",
        q_intro="本公司依招標文件要求檢附下列資格證明文件，所附影本均加蓋投標廠商印章：",
        q_cols=("序號", "資格證明文件", "已檢附（√）", "所在頁碼"), q_tick="☐", q_page="第＿＿頁",
        s_intro="為確保本專案（{project}）建置完成後穩定運作，本公司{seller}鄭重作出下列售後服務承諾：",
        b_intro="本公司已依招標文件之規定繳納押標金，明細如下：",
        b_rows=("招標編號", "押標金（小寫）", "押標金（大寫）", "繳納時間"),
        b_terms="本公司知悉：如於投標有效期內撤回投標，或得標後無正當理由不與招標機關簽約或未依規定繳納履約保證金，"
                "招標機關得不予發還押標金。",
        b_attach="附：押標金繳納證明（銀行匯款單）影本。",
    ),
    "en_US": dict(
        doc="Bid Submission", cover_title="Bid Submission", toc="Contents",
        project="Project", ref="Tender No.", buyer="Buyer", bidder="Bidder (company seal)", number="Document No.",
        date="Date", page="Page {PAGE} of {NUMPAGES}", colon=": ",
        parts=dict(
            letter="Tender Letter", summary="Price Summary", itemized="Itemized Price Schedule",
            commercial="Commercial Deviation Table", technical="Technical Compliance and Deviation Table",
            authorization="Power of Attorney of the Legal Representative",
            qualifications="Qualification Documents Checklist", service="After-Sales Service Commitment",
            bond="Bid Bond",
        ),
        sign_bidder="Bidder (company seal): ", sign_rep="Legal representative or authorized signatory: ",
        sign_date="Date: ", blank="____________________",
        to="To: ",
        letter_intro="Having examined the tender documents for {title} (Tender No. {ref}), we, {seller}, hereby "
                     "submit our bid and undertake as follows:",
        l_total="We offer to supply all goods and services required by the tender for a total price of {figures} "
                "(say: {words}), {tax}.",
        l_delivery="Delivery: within {days} calendar days of contract signature.",
        l_warranty="Warranty: {months} months from acceptance.",
        l_validity="Bid validity: {days} calendar days from the bid submission deadline; the bid remains binding "
                   "upon us throughout this period.",
        l_accept="We have examined the tender documents in full, including any clarifications and addenda, and "
                 "accept all their terms and conditions without reservation.",
        l_true="We confirm that all information in this bid is true, accurate and complete, and accept full "
               "responsibility for it.",
        l_contract="If our bid is accepted, we will sign the contract on the terms of the tender and perform all "
                   "our obligations under it.",
        l_bond="We have furnished a bid bond of {figures} (say: {words}) as required by the tender.",
        l_contact="All correspondence about this bid: {contact}.",
        s_title=("Project", "Tender No.", "Bidder", "Total bid price (figures)", "Total bid price (words)",
                 "Taxes", "Delivery", "Warranty", "Bid validity", "Bid bond"),
        s_delivery="Within {days} calendar days of contract signature", s_warranty="{months} months from acceptance",
        s_validity="{days} calendar days from the bid submission deadline",
        s_note="Note: the total bid price in this summary is identical to the tender letter and the itemized price "
               "schedule, and is our final price for the complete scope.",
        item_cols=("No.", "Goods / services", "Item code", "Qty", "Unit", "Unit price", "Discount", "Amount"),
        subtotal="Subtotal", tax="Tax", total="Total bid price (tax included)", total_plain="Total bid price", of_which="of which tax",
        words="Total bid price in words: ",
        dev_cols=("No.", "Clause", "Tender requirement", "Our response", "Deviation", "Remarks"),
        dev_star="Note: clauses marked ★ are mandatory; a negative deviation on them is not permitted.",
        dev_note="Deviation: None (fully compliant), Positive (exceeds the requirement) or Negative (falls short "
                 "of the requirement).",
        a_title="Power of Attorney",
        a_intro="I, {rep}, legal representative of {seller}, hereby authorize {agent} to act for and on behalf of "
                "our company in the tender of {buyer} for {title} (Tender No. {ref}).",
        a_scope="All documents the attorney signs and all matters the attorney handles in the bidding, bid opening, "
                "evaluation and contract negotiation are hereby ratified and confirmed by me.",
        a_no_sub="The attorney may not delegate this authority.",
        a_term="This power of attorney is valid from the date of signature until the end of the bid validity period.",
        a_rows=("Attorney", "Title", "Telephone", "E-mail"),
        a_sign_rep="Legal representative (signature): ", a_sign_agent="Attorney (signature): ",
        a_attach="Attached: copies of the identity documents of the legal representative and the attorney.",
        q_intro="We submit the following qualification documents as required by the tender; every copy bears our "
                "company seal:",
        q_cols=("No.", "Qualification document", "Enclosed (✓)", "Page"), q_tick="☐", q_page="p. ____",
        s_intro="To keep this project ({project}) running reliably, we, {seller}, commit to the following "
                "after-sales service:",
        b_intro="We have furnished the bid bond required by the tender as follows:",
        b_rows=("Tender No.", "Bid bond (figures)", "Bid bond (words)", "Furnished"),
        b_terms="We acknowledge that the buyer may forfeit the bid bond if we withdraw our bid within the bid "
                "validity period, or if, once awarded, we fail without good reason to sign the contract or to "
                "furnish the performance security.",
        b_attach="Attached: copy of the bank remittance advice or guarantee for the bid bond.",
    ),
}
