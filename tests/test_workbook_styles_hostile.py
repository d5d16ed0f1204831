"""A malformed styles part (QA4 Q4-23)."""

from __future__ import annotations

import re
import zipfile

import openpyxl

from bidgen.cli.main import main


def test_a_number_format_without_its_id_is_one_line_not_a_traceback(tmp_path, capsys):
    """A <numFmt> without numFmtId (a malformed styles.xml) was a TypeError traceback."""
    wb = openpyxl.Workbook()
    wb.active.title = "deals"
    wb.active["A1"] = 1.5
    wb.active["A1"].number_format = "0.000"
    wb.save(tmp_path / "s.xlsx")
    with zipfile.ZipFile(tmp_path / "s.xlsx") as zin, zipfile.ZipFile(tmp_path / "s2.xlsx", "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/styles.xml":
                data, n = re.subn(rb'<numFmt numFmtId="\d+"', b"<numFmt", data)
                assert n == 1
            zout.writestr(item, data)
    code = main(["batch", str(tmp_path / "s2.xlsx"), "-o", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err and err.count("\n") == 1
    assert "s2.xlsx" in err and "cannot read the workbook" in err
