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


# ---------------------------------------------------------------- fitting on a part's bytes

from bidgen.docx.layout import fit_tables, fit_tables_in_xml  # noqa: E402


def _part(body: str, decls: str = f'xmlns:w="{W}"') -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {decls}><w:body>{body}'
            "</w:body></w:document>").encode()


def _table_xml(cells: list[list[str]], grid: list[int]) -> str:
    return etree.tostring(table(cells, grid)).decode().replace(f' xmlns:w="{W}"', "")


def _c14n(data: bytes) -> bytes:
    return etree.tostring(etree.fromstring(data), method="c14n")


def test_fitting_a_part_s_bytes_gives_the_same_xml_as_fitting_its_tree():
    narrow = _table_xml([["Implementation and integration", "workstation", "1,234.00"]], [5000, 737, 1800])
    fits = _table_xml([["Item", "day", "9.00"]], [5000, 737, 1800])
    nested = narrow.replace("<w:t>workstation</w:t></w:r></w:p>",
                            "<w:t>workstation</w:t></w:r></w:p>" + _table_xml([["118,518,518,520.00"]], [600]), 1)
    data = _part(f"<w:p/>{fits}<w:p><w:r><w:t>between</w:t></w:r></w:p>{nested}{narrow}<w:tbl/><w:p/>")
    tree = etree.fromstring(data)
    assert fit_tables(tree, Styles())
    fitted = fit_tables_in_xml(data, Styles())
    assert fitted is not None and fitted != data
    assert _c14n(fitted) == _c14n(etree.tostring(tree))
    assert fit_tables_in_xml(data, Styles()) == fitted  # the second time from the memo: the same bytes
    # a table that fits as designed is left byte for byte
    assert fitted.startswith(data[:data.index(b"<w:p><w:r><w:t>between")])


def test_bytes_that_cannot_be_cut_with_certainty_fall_back_to_the_tree():
    body = _table_xml([["Implementation", "workstation", "1.00"]], [5000, 737, 1800])
    assert fit_tables_in_xml(_part(body, decls=f'xmlns:x="{W}"').replace(b"w:", b"x:"), Styles()) is None
    assert fit_tables_in_xml(_part(body + "</w:tbl>"), Styles()) is None  # unbalanced
    # a prefix declared below the root (here on w:body): the table cannot be read on its own
    local = body.replace("<w:t>workstation</w:t>", '<w:t v:x="1">workstation</w:t>')
    data = _part(local).replace(b"<w:body>", b'<w:body xmlns:v="urn:v">')
    etree.fromstring(data)  # well-formed as a whole
    assert fit_tables_in_xml(data, Styles()) is None


def test_a_remembered_table_is_fitted_the_same_on_a_new_tree():
    cells, grid = [["Implementation and integration", "workstation", "1,234.00"]], [5000, 737, 1800]
    first, second = table(cells, grid), table(cells, grid)
    assert fit_table(first, Styles()) and fit_table(second, Styles())
    assert widths(first) == widths(second) != grid
    assert etree.tostring(first) == etree.tostring(second)


def test_the_quick_answer_never_skips_a_table_inside_a_table_or_hidden_text():
    """A table whose own columns fit, holding a table whose columns do not (or text in a CDATA
    section): the quick answer must not leave it as designed, whatever its shape."""
    from bidgen.docx.layout import _fits_as_designed

    inner = _table_xml([["12,345.00", "a"]], [300, 1500])
    outer = _table_xml([["Item", "day", "9.00"]], [5000, 2000, 1800]).replace(
        "<w:t>day</w:t></w:r></w:p>", "<w:t>day</w:t></w:r></w:p>" + inner, 1)
    decls = f' xmlns:w="{W}"'.encode()
    for _ in range(2):  # the second time the shape is known
        assert not _fits_as_designed(outer.encode(), decls, Styles())
    data = _part(outer)
    tree = etree.fromstring(data)
    assert fit_tables(tree, Styles())
    assert _c14n(fit_tables_in_xml(data, Styles())) == _c14n(etree.tostring(tree))
    cdata = _table_xml([["Item", "x", "9.00"]], [5000, 737, 1800]).replace(
        "<w:t>x</w:t>", "<w:t><![CDATA[Implementation-and-integration]]></w:t>")
    assert not _fits_as_designed(cdata.encode(), decls, Styles())
    data = _part(cdata)
    tree = etree.fromstring(data)
    assert fit_tables(tree, Styles())
    assert _c14n(fit_tables_in_xml(data, Styles())) == _c14n(etree.tostring(tree))
