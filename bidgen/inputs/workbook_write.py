"""Writing deals, meetings and tenders as a workbook (``.xlsx`` or a folder of ``.csv``), and
records as YAML: the other direction of :mod:`bidgen.inputs.workbook`.

The workbook is the exact form of the models (see docs/input.md, "Workbooks"): numbers as
number cells, percentages as percent-formatted cells that show the same figure, dates as date
cells, identifiers and text as text cells, yes/no as text.  With ``template=True`` (what
``bidgen init`` writes) every column of the format is present, each header carries a note that
explains it, enumerated columns have drop-down lists, and the header row is frozen.
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, Iterable, Sequence

import yaml
from pydantic import BaseModel

from bidgen.errors import InputError
from bidgen.inputs.models import Deal, Meeting, Tender
from bidgen.inputs.sheets import Column, ListSheet, RecordSheet, record_sheets

__all__ = ["write_workbook", "write_csv_folder", "to_yaml", "sheet_rows", "COMMON_CURRENCIES", "LOCALES"]

#: Drop-down suggestions (other valid codes are still accepted).
COMMON_CURRENCIES = ("CNY", "TWD", "HKD", "USD", "EUR", "GBP", "JPY", "SGD", "AED")
LOCALES = ("zh_CN", "zh_TW", "en_US")
#: Lists every deal needs, so their sheets are always written.
_ALWAYS = {"deals", "items", "terms.payment"}

Records = dict[str, list[BaseModel]]


def _records(models: Iterable[BaseModel]) -> Records:
    out: Records = {"deals": [], "meetings": [], "tenders": []}
    for m in models:
        if isinstance(m, Deal):
            out["deals"].append(m)
        elif isinstance(m, Meeting):
            out["meetings"].append(m)
        elif isinstance(m, Tender):
            out["tenders"].append(m)
        else:  # pragma: no cover - typed callers
            raise TypeError(type(m))
    return out


def _dump(model: BaseModel) -> dict[str, Any]:
    data: dict[str, Any] = model.model_dump(mode="python", exclude_defaults=True)
    return data


def _get(data: dict[str, Any], dotted: Sequence[str]) -> Any:
    node: Any = data
    for part in dotted:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def sheet_rows(models: Iterable[BaseModel]) -> dict[str, tuple[list[Column], list[list[Any]], Any]]:
    """Per sheet: (columns present, rows of typed values, sheet description); first cell of a
    list row is its record's id."""
    recs = _records(models)
    out: dict[str, tuple[list[Column], list[list[Any]], Any]] = {}
    for rs in record_sheets():
        dumps = [_dump(m) for m in recs[rs.name]]
        ids = [str(_get(d, rs.id_key.split("."))) for d in dumps]
        out[rs.name] = (list(rs.columns), [[_get(d, c.key.split(".")) for c in rs.columns] for d in dumps], rs)
        for ls in rs.lists:
            rows = []
            for rid, d in zip(ids, dumps):
                for entry in _get(d, ls.path) or ():
                    if ls.scalar:
                        rows.append([rid, entry])
                    else:
                        rows.append([rid] + [_get(entry, c.key.split(".")) for c in ls.columns])
            out[ls.name] = ([Column(ls.owner, "code", True)] + list(ls.columns), rows, ls)
    return out


def _used(columns: list[Column], rows: list[list[Any]], keep_all: bool) -> list[int]:
    if keep_all:
        return list(range(len(columns)))
    return [j for j, c in enumerate(columns) if j == 0 or c.required or any(r[j] is not None for r in rows)]


# ---------------------------------------------------------------------------- cells


def _percent_format(value: Decimal) -> str:
    exponent = value.normalize().as_tuple().exponent
    places = max(0, -exponent) if isinstance(exponent, int) else 0
    return "0%" if places == 0 else "0." + "0" * places + "%"


def _xlsx_value(value: Any, column: Column) -> tuple[Any, str]:
    """(cell value, number format) for a typed value."""
    if isinstance(value, bool):
        return ("yes" if value else "no"), "@"
    if isinstance(value, Enum):
        return str(value.value), "@"
    if isinstance(value, Decimal):
        if column.kind == "percent":
            return float(value.scaleb(-2)), _percent_format(value)
        if len(value.normalize().as_tuple().digits) > 15:
            return format(value, "f"), "@"  # more digits than an Excel number keeps: text, exactly
        return (int(value) if value == value.to_integral_value() else float(value)), "General"
    if isinstance(value, int):
        if column.kind == "percent":
            return float(Decimal(value).scaleb(-2)), "0%"
        return value, "General"
    if isinstance(value, _dt.date):
        return value, "yyyy-mm-dd"
    return str(value), "@"


def _csv_value(value: Any, column: Column) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, (Decimal, int)):
        text = format(value, "f")
        return text + "%" if column.kind == "percent" else text
    if isinstance(value, _dt.date):
        return value.isoformat()
    return csv_safe(str(value))


#: What spreadsheet programs run as a formula when a CSV cell starts with it.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str) -> str:
    """``text`` for a CSV cell that Excel or LibreOffice opens as text, never as a formula
    (``=HYPERLINK(…)``, ``+44 161 …``): a leading apostrophe, the spreadsheet's own mark of text,
    which the CSV reader removes again (:func:`bidgen.inputs.tables.csv_text`)."""
    return "'" + text if text.startswith(FORMULA_START) else text


# ---------------------------------------------------------------------------- notes


def column_note(column: Column, sheet: Any) -> str:
    """The header note of a column: what it holds, whether it is required, its choices."""
    what = {
        "number": "A number (exact decimal), e.g. 48000 or 2.675.",
        "percent": "A percentage: a cell formatted as % (5%), or text such as 30%; a plain number is in "
                   "percent units (30 means 30%).",
        "integer": "A whole number.",
        "date": "A date (a date cell, or text YYYY-MM-DD).",
        "code": "Text (an identifier or code; format the column as Text so Excel keeps every digit).",
        "text": "Text.",
        "bool": "yes or no.",
        "enum": "One of: " + ", ".join(column.choices) + ".",
    }[column.kind]
    if isinstance(sheet, ListSheet) and column.key == sheet.owner:
        return f"The id of the {sheet.owner} this row belongs to (rows keep their order)."
    if isinstance(sheet, RecordSheet) and column.key == sheet.id_key:
        what = {"deals": "The deal's id (text, unique): names the deal's output folder.",
                "meetings": "The id of the deal this meeting confirms (one meeting per deal).",
                "tenders": "The tender's reference (unique)."}[sheet.name]
    need = " Required." if column.required else ""
    key = column.key if column.key != "value" else "one entry of the list"
    return f"{key}: {what}{need}"


def _choices(column: Column) -> tuple[tuple[str, ...], bool]:
    """(drop-down values, strict) for a column, or ((), False)."""
    if column.kind in ("enum", "bool"):
        return column.choices, True
    last = column.key.rsplit(".", 1)[-1]
    if last == "locale":
        return LOCALES, False
    if last == "currency":
        return COMMON_CURRENCIES, False
    return (), False


# ---------------------------------------------------------------------------- writers


def write_workbook(models: Iterable[BaseModel], path: str | Path, *, template: bool = False) -> Path:
    """Write ``models`` (deals, meetings, tenders) as an .xlsx workbook at ``path``."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for name, (columns, rows, sheet) in sheet_rows(models).items():
        if not rows and not template and name not in _ALWAYS:
            continue
        keep = _used(columns, rows, template or not rows)
        ws = wb.create_sheet(name)
        for out_j, j in enumerate(keep, start=1):
            column = columns[j]
            cell = ws.cell(row=1, column=out_j, value=column.key)
            cell.font = bold
            cell.fill = fill
            if template:
                note = Comment(column_note(column, sheet), "bidgen")
                note.width, note.height = 320, 110
                cell.comment = note
            letter = get_column_letter(out_j)
            ws.column_dimensions[letter].width = max(12, min(40, len(column.key) + 4))
            choices, strict = _choices(column)
            if choices:
                dv = DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                                    showErrorMessage=strict)
                if strict:
                    dv.error = f"{column.key}: one of {', '.join(choices)}"
                ws.add_data_validation(dv)
                dv.add(f"{letter}2:{letter}10000")
            for i, row in enumerate(rows, start=2):
                value = row[j]
                if value is None:
                    continue
                v, fmt = _xlsx_value(value, column)
                c = ws.cell(row=i, column=out_j, value=v)
                c.data_type = "s" if isinstance(v, str) else c.data_type  # text, never a formula
                if isinstance(v, str) and v.startswith(FORMULA_START):
                    c.quotePrefix = True  # and it stays text when a person edits the cell in Excel
                c.number_format = fmt
            if column.kind in ("code", "text", "enum", "bool"):
                for i in range(len(rows) + 2, (len(rows) + 200) if template else 0):
                    ws.cell(row=i, column=out_j).number_format = "@"
        ws.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    wb.save(tmp)
    tmp.replace(path)
    return path


def write_csv_folder(models: Iterable[BaseModel], folder: str | Path) -> list[Path]:
    """Write ``models`` as a folder of .csv files (UTF-8 with BOM, so Excel reads it as UTF-8)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (columns, rows, _sheet) in sheet_rows(models).items():
        if not rows and name not in _ALWAYS:
            continue
        keep = _used(columns, rows, not rows)
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow([columns[j].key for j in keep])
        for row in rows:
            writer.writerow([_csv_value(row[j], columns[j]) for j in keep])
        path = folder / f"{name}.csv"
        path.write_text(buf.getvalue(), encoding="utf-8-sig")
        written.append(path)
    return written


# ---------------------------------------------------------------------------- YAML


class _Dumper(yaml.SafeDumper):
    """Exact decimals as plain numbers, enums as their text, tuples as lists."""


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    text = format(value, "f")
    tag = "tag:yaml.org,2002:int" if "." not in text else "tag:yaml.org,2002:float"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_multi_representer(Enum, lambda d, v: d.represent_str(str(v.value)))
_Dumper.add_representer(tuple, lambda d, v: d.represent_list(list(v)))


def to_yaml(model: BaseModel) -> str:
    """The YAML text of a deal, meeting or tender (keys in the format's order, exact numbers)."""
    text: str = yaml.dump(_dump(model), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
    return text


def yaml_name(model: BaseModel) -> str:
    """``deal-<id>.yaml``, ``meeting-<deal>.yaml`` or ``tender-<ref>.yaml`` (file-name safe)."""
    from bidgen.paths import safe_component

    if isinstance(model, Deal):
        return f"deal-{safe_component(model.id)}.yaml"
    if isinstance(model, Meeting):
        return f"meeting-{safe_component(model.deal)}.yaml"
    if isinstance(model, Tender):
        return f"tender-{safe_component(model.ref)}.yaml"
    raise InputError(f"not a deal, meeting or tender: {type(model).__name__}")
