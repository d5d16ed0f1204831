"""docx.layout: columns widened to their longest unbreakable piece, the table's width kept."""

from __future__ import annotations

from lxml import etree

from bidgen.docx.layout import Styles, cell_needs, fit_table

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def table(cells: list[list[str]], grid: list[int]) -> etree._Element:
    rows = "".join(
        "<w:tr>" + "".join(f'<w:tc><w:tcPr><w:tcW w:w="{g}" w:type="dxa"/></w:tcPr><w:p><w:r><w:rPr><w:sz w:val="19"/>'
                           f"</w:rPr><w:t>{text}</w:t></w:r></w:p></w:tc>" for text, g in zip(row, grid)) + "</w:tr>"
        for row in cells)
    cols = "".join(f'<w:gridCol w:w="{g}"/>' for g in grid)
    return etree.fromstring(f'<w:tbl xmlns:w="{W}"><w:tblPr><w:tblCellMar><w:left w:w="80" w:type="dxa"/>'
                            f'<w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>{cols}</w:tblGrid>'
                            f"{rows}</w:tbl>")


def widths(tbl) -> list[int]:
    return [int(g.get(f"{{{W}}}w")) for g in tbl.iter(f"{{{W}}}gridCol")]


def test_a_narrow_unit_column_takes_room_from_the_description():
    tbl = table([["Implementation and integration of the platform", "workstation", "1,234.00"]], [5000, 737, 1800])
    assert fit_table(tbl, Styles())
    new = widths(tbl)
    assert sum(new) == 5000 + 737 + 1800
    strict, _ = cell_needs(tbl.find(f".//{{{W}}}tc[2]"), Styles())
    assert new[1] >= strict + 160 > 737  # the whole word and the cell margins
    amount, _ = cell_needs(tbl.find(f".//{{{W}}}tc[3]"), Styles())
    assert new[2] >= amount + 160  # the room comes from the slack, most from the widest
    assert 5000 - new[0] > 1800 - new[2] >= 0
    tcw = [int(t.get(f"{{{W}}}w")) for t in tbl.iter(f"{{{W}}}tcW")]
    assert tcw == new  # Word reads the cell widths, LibreOffice the grid: both agree


def test_columns_that_fit_are_left_as_designed():
    tbl = table([["Item", "day", "9.00"]], [5000, 737, 1800])
    assert not fit_table(tbl, Styles())
    assert widths(tbl) == [5000, 737, 1800]


def test_pieces_break_after_hyphens_only_when_whole_words_cannot_all_fit():
    sku = "ENT-CONNECTOR-SAPTM-2026-EXT000"
    strict, relaxed = cell_needs(table([[sku]], [3000]).find(f".//{{{W}}}tc"), Styles())
    assert relaxed < strict / 2
    tbl = table([[sku, "118,518,518,520.00", "98,765,432.10"]], [1200, 1500, 1500])
    fit_table(tbl, Styles())
    new = widths(tbl)
    assert sum(new) == 4200 and new[0] < strict  # the SKU may break after its hyphens
    amount, _ = cell_needs(tbl.find(f".//{{{W}}}tc[2]"), Styles())
    assert new[1] >= amount  # the amounts never break


def test_cjk_text_breaks_between_ideographs_but_units_and_amounts_stay_whole():
    text_need, _ = cell_needs(table([["云端多仓库存同步连接器"]], [3000]).find(f".//{{{W}}}tc"), Styles())
    unit_need, _ = cell_needs(table([["台（套）"]], [3000]).find(f".//{{{W}}}tc"), Styles())
    amount_need, _ = cell_needs(table([["13,524.00（2%）"]], [3000]).find(f".//{{{W}}}tc"), Styles())
    em = 9.5 * 20
    assert abs(text_need - em) < 1  # one ideograph
    assert abs(unit_need - 4 * em) < 1
    assert amount_need > 2 * em + 9 * 0.5 * em * 0.9
