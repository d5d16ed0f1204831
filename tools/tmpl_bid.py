"""The bid package templates: the combined package and one template per part (``--split``).

The combined ``bid.<locale>.docx`` has a cover, a contents page and the parts of a tender
response, each starting on a new page: tender letter, price summary, itemized price
schedule, commercial and technical deviation tables, authorization letter, qualification
checklist, after-sales service commitment and bid bond.  A part is shown when
``parts.<key>`` is true in the context.  The contents page lists the parts with PAGEREF
fields to bookmarks on the part headings: Word updates them on opening (``updateFields``)
and LibreOffice computes them when converting to PDF (a Word TOC field would stay empty
there).  ``EXTRA`` builds ``bid_letter``, ``bid_prices``, ``bid_deviations``,
``bid_authorization``, ``bid_qualifications``, ``bid_service`` and ``bid_bond``.
"""

from __future__ import annotations

from functools import partial
from typing import Callable

from bid_labels import LABELS
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docxbuild import Col, TemplateBuilder, _field
from tmpl_proposal import discount_width, rows_unsplit

KIND = "bid"

#: The parts in the order of the package; each is shown when ``parts.<key>`` is true.
PART_KEYS = ("letter", "summary", "itemized", "commercial", "technical", "authorization", "qualifications",
             "service", "bond")

#: The split files: template name → the parts it holds.
GROUPS = {
    "bid_letter": ("letter",),
    "bid_prices": ("summary", "itemized"),
    "bid_deviations": ("commercial", "technical"),
    "bid_authorization": ("authorization",),
    "bid_qualifications": ("qualifications",),
    "bid_service": ("service",),
    "bid_bond": ("bond",),
}

TOTAL_FIGURES = "{{ bid.cur_pre }}{{ pricing.total | term('total') }}{{ bid.cur_post }}"
TOTAL_WORDS = "{{ pricing.total_words | term('total_words') }}"


class BidBuilder(TemplateBuilder):
    """TemplateBuilder with bookmarked part headings, a PAGEREF contents list and form blocks."""

    def __init__(self, locale: str) -> None:
        super().__init__(locale)
        self.L = LABELS[locale]
        self._bm_id = 900
        toc = self.doc.styles.add_style("TOC 1", 1)
        toc.base_style = self.doc.styles["Normal"]
        toc.font.size = Pt(11)
        toc.paragraph_format.space_after = Pt(6)
        toc.paragraph_format.tab_stops.add_tab_stop(Cm(self.text_width_cm), alignment=2, leader=1)

    @property
    def zh(self) -> bool:
        return self.locale.startswith("zh")

    @property
    def body_align(self) -> str | None:
        """Chinese text is justified; English is set ragged-right (no stretched lines)."""
        return "justify" if self.zh else None

    # -- headings and contents ------------------------------------------------------------
    def part_heading(self, text: str, bookmark: str | None, new_page: bool) -> None:
        p = self.doc.add_paragraph(style="Heading 1")
        p.paragraph_format.page_break_before = new_page
        p.paragraph_format.space_before = Pt(0)
        p.paragraph_format.space_after = Pt(12)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        if bookmark:
            self._bm_id += 1
            start = OxmlElement("w:bookmarkStart")
            start.set(qn("w:id"), str(self._bm_id))
            start.set(qn("w:name"), bookmark)
            end = OxmlElement("w:bookmarkEnd")
            end.set(qn("w:id"), str(self._bm_id))
            run._r.addprevious(start)
            run._r.addnext(end)

    def toc_entry(self, text: str, bookmark: str) -> None:
        """One contents line: the part title (a link to it), dot leader, page number (PAGEREF)."""
        p = self.doc.add_paragraph(style="TOC 1")
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), bookmark)
        link.set(qn("w:history"), "1")
        run = p.add_run(text + "\t")
        run._r.getparent().remove(run._r)
        link.append(run._r)
        p._p.append(link)
        _field(p, f"PAGEREF {bookmark} \\h", placeholder="")

    # -- paragraphs of forms ---------------------------------------------------------------
    def item(self, number: str, *parts: str | tuple[str, str], justify: bool = True) -> None:
        """A numbered commitment with a hanging indent: ``number`` is a Jinja expression."""
        p = self.para("{{ " + number + " }}.\t", *parts, align=self.body_align if justify else None)
        pf = p.paragraph_format
        pf.left_indent = Cm(0.75)
        pf.first_line_indent = Cm(-0.75)
        pf.tab_stops.add_tab_stop(Cm(0.75))
        pf.space_after = Pt(5)

    def sign_lines(self, lines: list[tuple[str, str]], first_space: float = 18) -> None:
        """Signature and seal lines (label, value) set in the right half of the page."""
        for i, (label, value) in enumerate(lines):
            p = self.para(label, value, space_before=first_space if i == 0 else 6)
            p.paragraph_format.left_indent = Cm(6.0 if self.zh else 0)
            p.paragraph_format.keep_with_next = i < len(lines) - 1
            p.paragraph_format.keep_together = True

    def sign(self) -> None:
        L = self.L
        self.sign_lines([(L["sign_bidder"], "{{ seller.name }}"), (L["sign_rep"], L["blank"]),
                         (L["sign_date"], "{{ doc.date }}")])

    def note(self, text: str) -> None:
        self.para(text, style="Small Print")


def _title(b: BidBuilder, key: str, numbered: bool) -> str:
    title = b.L["parts"][key]
    return ("{{ no." + key + " }}" + title) if numbered else title


def _heading(b: BidBuilder, key: str, numbered: bool, new_page: bool) -> None:
    b.part_heading(_title(b, key, numbered), f"_TocBid_{key}" if numbered else None, new_page)


# -- the parts ---------------------------------------------------------------------------------
def part_letter(b: BidBuilder) -> None:
    L = b.L
    b.para((L["to"] + "{{ tender.buyer }}", "b"))
    b.para(L["letter_intro"].format(title="{{ tender.title }}", ref="{{ tender.ref | term('tender_ref') }}",
                                    seller="{{ seller.name }}"), align=b.body_align)
    b.item("letter.no.total", L["l_total"].format(figures=TOTAL_FIGURES, words=TOTAL_WORDS, tax="{{ bid.tax_note }}"))
    b.tag("{%p if terms.delivery_days %}")
    b.item("letter.no.delivery", L["l_delivery"].format(days="{{ terms.delivery_days | term('delivery_days') }}"))
    b.tag("{%p endif %}")
    b.tag("{%p if terms.warranty_months %}")
    b.item("letter.no.warranty",
           L["l_warranty"].format(months="{{ terms.warranty_months | term('warranty_months') }}"))
    b.tag("{%p endif %}")
    b.item("letter.no.validity", L["l_validity"].format(days="{{ bid.validity_days | term('bid_validity_days') }}"))
    b.item("letter.no.accept", L["l_accept"])
    b.item("letter.no.truthful", L["l_true"])
    b.item("letter.no.contract", L["l_contract"])
    b.tag("{%p if parts.bond %}")
    b.item("letter.no.bond", L["l_bond"].format(words="{{ bond.words }}",
                                                figures="{{ bid.cur_pre }}{{ bond.amount }}{{ bid.cur_post }}"))
    b.tag("{%p endif %}")
    b.tag("{%p if letter.contact %}")
    b.item("letter.no.contact", L["l_contact"].format(contact="{{ letter.contact }}"), justify=False)
    b.tag("{%p endif %}")
    b.sign()


def part_summary(b: BidBuilder) -> None:
    L = b.L
    t = L["s_title"]
    b.kv_table(
        [
            (t[0], "{{ tender.title }}"),
            (t[1], "{{ tender.ref }}"),
            (t[2], "{{ seller.name }}"),
            (t[3], TOTAL_FIGURES),
            (t[4], TOTAL_WORDS),
            (t[5], "{{ bid.tax_note }}"),
            (t[6], L["s_delivery"].format(days="{{ terms.delivery_days | term('delivery_days') }}")),
            (t[7], L["s_warranty"].format(months="{{ terms.warranty_months | term('warranty_months') }}")),
            (t[8], L["s_validity"].format(days="{{ bid.validity_days | term('bid_validity_days') }}")),
            (t[9], "{{ bid.cur_pre }}{{ bond.amount }}{{ bid.cur_post }}"),
        ],
        widths=(4.6, 12.0),
        cond_rows={6: "terms.delivery_days", 7: "terms.warranty_months", 9: "parts.bond"},
    )
    b.note(L["s_note"])
    b.sign()


def part_itemized(b: BidBuilder) -> None:
    L = b.L
    c = L["item_cols"]
    disc = discount_width(b.locale)
    sku = 2.3 if b.zh else 1.9  # room for 型号/编码 (型號／料號) and a code such as FVP-IMPL on one line
    b.loop_table(  # 16.6 cm; the description has the most room (larger figures widen their columns)
        [Col(c[0], "{{ it.no }}", 1.2, center=True), Col(c[1], "{{ it.description }}", 7.1 - disc - sku),
         Col(c[2], "{{ it.sku }}", sku), Col(c[3], "{{ it.quantity }}", 1.4, right=True),
         Col(c[4], "{{ it.unit }}", 1.5, center=True), Col(c[5], "{{ it.unit_price }}", 2.6, right=True),
         Col(c[6], "{{ it.discount }}", disc, right=True), Col(c[7], "{{ it.total }}", 2.8, right=True)],
        "it in pricing.lines",
        totals=[
            (L["subtotal"], "{{ pricing.subtotal }}", "not pricing.includes_tax"),
            (L["tax"] + " ({{ pricing.tax_rate }})", "{{ pricing.tax }}", "not pricing.includes_tax"),
            ("{{ '" + L["total_plain"] + "' if pricing.no_tax else '" + L["total"] + "' }} ({{ pricing.currency }})",
             "{{ pricing.total | term('total') }}", ""),
            (L["of_which"] + " ({{ pricing.tax_rate }})", "{{ pricing.tax }}", "pricing.includes_tax"),
        ],
        keep="with_next",
    )
    rows_unsplit(b)
    # the total in words, the note and the signature follow the table's last rows: never a page of
    # signature lines alone after a long schedule
    b.para((L["words"], "b"), (TOTAL_WORDS, "b")).paragraph_format.keep_with_next = True
    b.para("{{ pricing.note }}", style="Small Print").paragraph_format.keep_with_next = True
    b.sign()


def _deviation_table(b: BidBuilder, kind: str) -> None:
    L = b.L
    c = L["dev_cols"]
    b.loop_table(
        [Col(c[0], "{{ r.no }}", 1.2, center=True), Col(c[1], "{{ r.clause }}", 1.9, center=True),
         Col(c[2], "{{ r.requirement }}", 4.0), Col(c[3], "{{ r.response }}", 4.3),
         Col(c[4], "{{ r.deviation }}", 2.2, center=True), Col(c[5], "{{ r.note }}", 3.0)],
        f"r in deviations.{kind}",
    )
    b.tag("{%p if deviations.has_mandatory %}")
    b.note(L["dev_star"])
    b.tag("{%p endif %}")
    b.note(L["dev_note"])
    b.sign()


def part_commercial(b: BidBuilder) -> None:
    _deviation_table(b, "commercial")


def part_technical(b: BidBuilder) -> None:
    _deviation_table(b, "technical")


def part_authorization(b: BidBuilder) -> None:
    L = b.L
    b.para(L["a_intro"].format(rep="{{ auth.representative }}", seller="{{ seller.name }}", agent="{{ auth.agent }}",
                               buyer="{{ tender.buyer }}", title="{{ tender.title }}", ref="{{ tender.ref }}"),
           align=b.body_align)
    b.para(L["a_scope"], align=b.body_align)
    b.para(L["a_no_sub"], align=b.body_align)
    b.para(L["a_term"], align=b.body_align)
    r = L["a_rows"]
    b.kv_table(
        [(r[0], "{{ seller.contact_name }}"), (r[1], "{{ seller.contact_title }}"),
         (r[2], "{{ seller.contact_phone }}"), (r[3], "{{ seller.contact_email }}")],
        widths=(4.6, 12.0),
        cond_rows={1: "seller.contact_title", 2: "seller.contact_phone", 3: "seller.contact_email"},
    )
    b.sign_lines([(L["sign_bidder"], "{{ seller.name }}"), (L["a_sign_rep"], L["blank"]),
                  (L["a_sign_agent"], L["blank"]), (L["sign_date"], "{{ doc.date }}")])
    b.spacer(10)
    b.note(L["a_attach"])


def part_qualifications(b: BidBuilder) -> None:
    L = b.L
    b.para(L["q_intro"], align=b.body_align)
    c = L["q_cols"]
    b.loop_table(
        [Col(c[0], "{{ q.no }}", 1.2, center=True), Col(c[1], "{{ q.name }}", 9.6),
         Col(c[2], L["q_tick"], 2.8, center=True), Col(c[3], L["q_page"], 3.0, center=True)],
        "q in qualifications",
    )
    b.sign()


def part_service(b: BidBuilder) -> None:
    L = b.L
    b.para(L["s_intro"].format(project="{{ tender.title }}", seller="{{ seller.name }}"), align=b.body_align)
    b.tag("{%p for s in service %}")
    b.item("s.no", ("{{ s.title }}" + L["colon"], "b"), "{{ s.text }}", justify=False)
    b.tag("{%p endfor %}")
    b.sign()


def part_bond(b: BidBuilder) -> None:
    L = b.L
    b.para(L["b_intro"], align=b.body_align)
    r = L["b_rows"]
    b.kv_table(
        [(r[0], "{{ tender.ref }}"),
         (r[1], "{{ bid.cur_pre }}{{ bond.amount | term('bid_bond') }}{{ bid.cur_post }}"),
         (r[2], "{{ bond.words | term('bid_bond_words') }}"),
         (r[3], "{{ bond.when }}")],
        widths=(4.6, 12.0),
    )
    b.para(L["b_terms"], align=b.body_align)
    b.note(L["b_attach"])
    b.sign()


PARTS: dict[str, Callable[[BidBuilder], None]] = {
    "letter": part_letter, "summary": part_summary, "itemized": part_itemized, "commercial": part_commercial,
    "technical": part_technical, "authorization": part_authorization, "qualifications": part_qualifications,
    "service": part_service, "bond": part_bond,
}


# -- documents -----------------------------------------------------------------------------------
def _builder(locale: str) -> BidBuilder:
    b = BidBuilder(locale)
    L = b.L
    b.header_footer("{{ seller.name }}", f"{L['doc']} · {{{{ tender.ref }}}}", "{{ tender.title }}", L["page"])
    _clear_style_tabs(b)
    return b


def _clear_style_tabs(b: BidBuilder) -> None:
    """Clear the Header/Footer styles' centre tab so that the right-hand text sits at the margin."""
    sec = b.doc.sections[0]
    for p in sec.header.paragraphs + sec.footer.paragraphs:
        if "\t" in p.text:
            p.paragraph_format.tab_stops.add_tab_stop(Cm(8.255), alignment=WD_TAB_ALIGNMENT.CLEAR)
            p.paragraph_format.tab_stops.add_tab_stop(Cm(16.51), alignment=WD_TAB_ALIGNMENT.CLEAR)


def _cover(b: BidBuilder) -> None:
    L = b.L
    b.cover_page()
    b.spacer(70)
    b.logo()
    b.title(L["cover_title"])
    b.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    b.para(("{{ tender.title }}", "ba"), align="center", size=16)
    b.spacer(60)
    b.kv_table(
        [(L["ref"], "{{ tender.ref }}"), (L["buyer"], "{{ tender.buyer }}"), (L["bidder"], "{{ seller.name }}"),
         (L["number"], "{{ doc.number }}"), (L["date"], "{{ doc.date }}")],
        widths=(4.2, 9.0),
    )


def _contents(b: BidBuilder) -> None:
    b.part_heading(b.L["toc"], None, True)
    for key in PART_KEYS:
        b.tag("{%p if parts." + key + " %}")
        b.toc_entry(_title(b, key, True), f"_TocBid_{key}")
        b.tag("{%p endif %}")


def _add_parts(b: BidBuilder, keys: tuple[str, ...], numbered: bool, first_new_page: bool) -> None:
    for i, key in enumerate(keys):
        b.tag("{%p if parts." + key + " %}")
        _heading(b, key, numbered, new_page=first_new_page or i > 0)
        PARTS[key](b)
        b.tag("{%p endif %}")


def build(locale: str) -> TemplateBuilder:
    """The combined bid package: cover, contents, every part on its own page."""
    b = _builder(locale)
    _cover(b)
    _contents(b)
    _add_parts(b, PART_KEYS, numbered=True, first_new_page=True)
    upd = OxmlElement("w:updateFields")
    upd.set(qn("w:val"), "true")
    b.doc.settings.element.append(upd)
    return b


def build_group(keys: tuple[str, ...], locale: str) -> TemplateBuilder:
    """One part (or a pair of parts) of the bid package as a document of its own (``--split``)."""
    b = _builder(locale)
    _add_parts(b, keys, numbered=False, first_new_page=False)
    return b


def _group_title(keys: tuple[str, ...], locale: str) -> str:
    names = [LABELS[locale]["parts"][k] for k in keys]
    return ("、" if locale.startswith("zh") else " and ").join(names)


EXTRA = {name: (partial(_group_title, keys), partial(build_group, keys)) for name, keys in GROUPS.items()}
