"""Deals, meetings and tenders from a workbook (``.xlsx``, or a folder of ``.csv`` files).

The format is the YAML format by one rule (see :mod:`bidgen.inputs.sheets` and
docs/input.md, "Workbooks").  Every problem is reported at once and located by file, sheet,
cell and key::

    deals.xlsx:items!F7 (unit_price): not a valid amount: 'abc'

Problems of one deal (its row, its list rows, its meeting and tender) are grouped under
that deal, so that a bulk run skips it and writes the others; problems of the workbook itself
(an unknown sheet or header, duplicate headers, merged cells, formulas without a saved value)
make the whole workbook unreadable (:class:`WorkbookError`, exit 2).

Usage::

    from bidgen.inputs.workbook import read_workbook
    book = read_workbook("deals.xlsx")
    for entry in book.entries:            # in the order of the deals sheet
        entry.deal, entry.tender, entry.meeting, entry.errors
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from bidgen.errors import InputError, ValidationErrors
from bidgen.inputs.cells import CellProblem, cell_value, column_letter
from bidgen.inputs.locate import did_you_mean, field_path, message_for
from bidgen.inputs.models import Deal, Meeting, Tender
from bidgen.inputs.sheets import Column, RecordSheet, list_sheets, record_sheets, sheet_names
from bidgen.inputs.tables import Table, Tables, WorkbookProblem, read_tables

__all__ = ["CellError", "WorkbookError", "DealEntry", "Workbook", "read_workbook", "IGNORED_PREFIX"]

#: Sheets (or .csv files) whose name starts with this are notes, never read.
IGNORED_PREFIX = "_"

Loc = tuple[str | int, ...]


class CellError(InputError):
    """A problem located at a cell: ``deals.xlsx:items!F7 (unit_price): not a valid amount``."""

    def __init__(self, message: str, *, place: str, key: str | None = None, deal: str | None = None) -> None:
        super().__init__(message, field=key)
        self.place = place
        self.key = key
        self.deal = deal

    def __str__(self) -> str:
        key = f" ({self.key})" if self.key else ""
        return f"{self.place}{key}: {self.message}"


class WorkbookError(ValidationErrors):
    """The workbook itself cannot be read: every problem at once (exit 2)."""


@dataclass
class DealEntry:
    """One deal of a workbook: its models when valid, else the located errors (never both empty)."""

    id: str
    deal: Deal | None = None
    tender: Tender | None = None
    meeting: Meeting | None = None
    errors: list[CellError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.deal is not None and not self.errors


@dataclass
class Workbook:
    """A read workbook: its deals in sheet order (with their tender and meeting)."""

    file: str
    entries: list[DealEntry]
    #: problems that belong to no deal in the deals sheet (a meeting of an unknown deal, …)
    orphans: list[CellError] = field(default_factory=list)

    def entry(self, deal_id: str) -> DealEntry:
        for e in self.entries:
            if e.id == deal_id:
                return e
        raise KeyError(deal_id)


# ---------------------------------------------------------------------------- records


@dataclass
class _Record:
    """One record's raw mapping and where each of its values came from."""

    kind: str
    id: str
    row_place: str
    data: dict[str, Any] = field(default_factory=dict)
    cells: dict[Loc, tuple[Table, int, int, str]] = field(default_factory=dict)  # loc -> (table, row, col, header)
    rows: dict[Loc, tuple[Table, int, dict[str, int]]] = field(default_factory=dict)  # list entry -> row
    errors: list[CellError] = field(default_factory=list)
    refused: set[Loc] = field(default_factory=set)  # cells already reported (no second "missing")


def _put(target: dict[str, Any], dotted: str, value: Any) -> tuple[str, ...]:
    parts = dotted.split(".")
    node = target
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    return tuple(parts)


def _headers(table: Table, columns: tuple[Column, ...], first: str | None,
             problems: list[WorkbookProblem]) -> dict[int, Column | None]:
    """Column index → Column (None for the owner column); problems for the file."""
    header = table.rows[0] if table.rows else []
    known = {c.key: c for c in columns}
    out: dict[int, Column | None] = {}
    seen: dict[str, int] = {}
    data_cols = {j for row in table.rows[1:] for j, cell in enumerate(row) if cell is not None}
    for j, cell in enumerate(header):
        if cell is None:
            if j in data_cols:
                problems.append(WorkbookProblem(table.place(0, j), "a column with values but no header"))
            continue
        name = str(cell.value).strip()
        if name in seen:
            problems.append(WorkbookProblem(
                table.place(0, j), f"duplicate header {name!r} (also in column {column_letter(seen[name])})"))
            continue
        seen[name] = j
        if first is not None and j == 0:
            if name != first:
                problems.append(WorkbookProblem(
                    table.place(0, 0), f"the first column of a list sheet holds the id of its record: "
                                       f"its header must be {first!r}, not {name!r}"))
            out[j] = None
            continue
        if name in known:
            out[j] = known[name]
            continue
        hint = did_you_mean(name, list(known))
        lists = [s for s in list_sheets() if name.startswith(s + ".") or name == s]
        if hint:
            why = f"unknown header {name!r}; did you mean {hint!r}?"
        elif lists:
            why = f"unknown header {name!r}: a list has its own sheet, {lists[-1]!r}"
        else:
            why = f"unknown header {name!r}; see docs/input.md for the headers of sheet {table.name!r}"
        problems.append(WorkbookProblem(table.place(0, j), why))
    if first is not None and 0 not in out and header:
        problems.append(WorkbookProblem(table.place(0, 0), f"the first column's header must be {first!r}"))
    return out


def _read_row(table: Table, i: int, cols: dict[int, Column | None], base: Loc,
              target: dict[str, Any], rec: _Record, deal: str | None) -> dict[str, int]:
    """Put one row's cells into ``target``; returns header → column index of the row."""
    row = table.rows[i]
    where: dict[str, int] = {}
    for j, column in cols.items():
        if column is None:
            continue
        where[column.key] = j
        cell = row[j] if j < len(row) else None
        if cell is None:
            continue
        try:
            value = cell_value(cell.value, column, cell.number_format, cell.error)
            if isinstance(value, str):
                value = _clean_text(value, table.place(i, j), column.key)
        except CellProblem as exc:
            rec.errors.append(CellError(str(exc), place=table.place(i, j), key=column.key, deal=deal))
            rec.refused.add(base + tuple(column.key.split(".")) if column.key != "value" else base)
            continue
        parts = _put(target, column.key, value)
        loc = base + parts if column.key != "value" else base
        rec.cells[loc] = (table, i, j, column.key)
    return where


def _clean_text(value: str, place: str, key: str) -> str:
    """The one rule for text of every input format (:mod:`bidgen.limits`): over-long text is an
    error; control characters and unpaired surrogates (Excel's ``_xD800_``) are removed with one
    warning naming the cell."""
    from bidgen.limits import UNPRINTABLE_RE, current as current_limits, strip_unprintable

    limit = current_limits().max_text_length
    if len(value) > limit:
        raise CellProblem(f"text of {len(value):,} characters; the limit is {limit:,} "
                          "(limits.max_text_length in the workspace)")
    if "\r" in value or UNPRINTABLE_RE.search(value):
        new = strip_unprintable(value)
        if new != value.replace("\r\n", "\n").replace("\r", "\n"):
            import warnings

            from bidgen.inputs.read import InputCleaned

            names = ", ".join(sorted({f"U+{ord(c):04X}" for c in UNPRINTABLE_RE.findall(value)})[:8])
            warnings.warn(InputCleaned(f"{place} ({key}): removed control characters or unpaired "
                                       f"surrogates ({names})"), stacklevel=2)
        return new
    return value


def _owner_text(table: Table, i: int) -> str | None:
    row = table.rows[i]
    cell = row[0] if row else None
    if cell is None:
        return None
    value = cell.value
    if isinstance(value, str):
        return value.strip()
    return None


def _nonempty(table: Table, i: int) -> bool:
    return any(c is not None for c in table.rows[i])


def _read_records(tables: Tables, sheet: RecordSheet, problems: list[WorkbookProblem],
                  orphans: list[CellError]) -> dict[str, _Record]:
    table = tables.tables.get(sheet.name)
    if table is None:
        return {}
    cols = _headers(table, sheet.columns, None, problems)
    id_col = next((j for j, c in cols.items() if c is not None and c.key == sheet.id_key), None)
    if id_col is None and table.rows:
        problems.append(WorkbookProblem(f"{table.label}!1", f"no column {sheet.id_key!r}: every record needs one"))
        return {}
    records: dict[str, _Record] = {}
    first_row: dict[str, int] = {}
    for i in range(1, len(table.rows)):
        if not _nonempty(table, i):
            continue
        row = table.rows[i]
        cell = row[id_col] if id_col is not None and id_col < len(row) else None
        place = table.place(i, id_col or 0)
        if cell is None:
            orphans.append(CellError(f"a {sheet.kind} without {sheet.id_key!r}", place=place, key=sheet.id_key))
            continue
        if not isinstance(cell.value, str):
            column = sheet.column(sheet.id_key)
            try:
                cell_value(cell.value, column, cell.number_format, cell.error)  # type: ignore[arg-type]
                message = "must be text"
            except CellProblem as exc:
                message = str(exc)
            orphans.append(CellError(message, place=place, key=sheet.id_key))
            continue
        rid = cell.value.strip()
        if rid in records:
            err = CellError(f"two {sheet.name} with the id {rid!r} (also in row {first_row[rid] + 1}); "
                            "ids must be unique", place=place, key=sheet.id_key, deal=rid)
            records[rid].errors.append(err)
            continue
        rec = _Record(sheet.kind, rid, table.place(i, 0).rsplit("!", 1)[0] + f"!{i + 1}")
        first_row[rid] = i
        rec.rows[()] = (table, i, _read_row(table, i, cols, (), rec.data, rec, rid))
        records[rid] = rec
    return records


def _read_lists(tables: Tables, sheet: RecordSheet, records: dict[str, _Record],
                problems: list[WorkbookProblem], orphans: list[CellError], deal_of: dict[str, str]) -> None:
    for ls in sheet.lists:
        table = tables.tables.get(ls.name)
        if table is None or not table.rows:
            continue
        cols = _headers(table, ls.columns, ls.owner, problems)
        for i in range(1, len(table.rows)):
            if not _nonempty(table, i):
                continue
            owner = _owner_text(table, i)
            place = table.place(i, 0)
            if owner is None:
                orphans.append(CellError(f"no {ls.owner} id in the first column (text)", place=place, key=ls.owner))
                continue
            rec = records.get(owner)
            if rec is None:
                orphans.append(CellError(f"no {sheet.kind} with the id {owner!r} in sheet {sheet.name!r}",
                                         place=place, key=ls.owner, deal=deal_of.get(owner, owner)))
                continue
            node = rec.data
            for part in ls.path[:-1]:
                node = node.setdefault(part, {})
            items = node.setdefault(ls.path[-1], [])
            index = len(items)
            if ls.scalar:
                items.append(None)
                value = {}
                where = _read_row(table, i, cols, ls.path + (index,), value, rec, deal_of.get(owner, owner))
                items[index] = value.get("value")
                if "value" not in value:
                    items.pop()
            else:
                entry: dict[str, Any] = {}
                items.append(entry)
                where = _read_row(table, i, cols, ls.path + (index,), entry, rec, deal_of.get(owner, owner))
            rec.rows[ls.path + (index,)] = (table, i, where)


# ---------------------------------------------------------------------------- validation


def _locate(rec: _Record, loc: Loc) -> tuple[str, str]:
    """The place and header of a pydantic error location."""
    if loc in rec.cells:
        table, i, j, key = rec.cells[loc]
        return table.place(i, j), key
    for end in range(len(loc), -1, -1):
        prefix = tuple(loc[:end])
        if prefix in rec.rows:
            table, i, where = rec.rows[prefix]
            rest = ".".join(str(p) for p in loc[end:] if not isinstance(p, int))
            j = where.get(rest)
            if j is not None:
                return table.place(i, j), rest
            return f"{table.label}!{i + 1}", rest or field_path(loc)
        if prefix in rec.cells:
            table, i, j, key = rec.cells[prefix]
            return table.place(i, j), key
    return rec.row_place, field_path(loc)


def _validate(rec: _Record, model: type[BaseModel], deal: str) -> BaseModel | None:
    try:
        result = model.model_validate(rec.data)
    except ValidationError as exc:
        for err in exc.errors(include_url=False):
            loc: Loc = tuple(err["loc"])
            if loc in rec.refused:
                continue
            place, key = _locate(rec, loc)
            rec.errors.append(CellError(message_for(dict(err), model), place=place, key=key, deal=deal))
        return None
    return result if not rec.errors else None


def read_workbook(path: str | Path) -> Workbook:
    """Read every deal of a workbook; :class:`WorkbookError` when the file itself is unusable."""
    tables = read_tables(path)
    problems = list(tables.problems)
    known = sheet_names()
    for name, table in tables.tables.items():
        if name in known or name.startswith(IGNORED_PREFIX):
            continue
        hint = did_you_mean(name, known)
        problems.append(WorkbookProblem(table.label, f"unknown sheet {name!r}" +
                                        (f"; did you mean {hint!r}?" if hint else
                                         f" (sheets: {', '.join(known)}; start a notes sheet's name with '_')")))
    if "deals" not in tables.tables:
        problems.append(WorkbookProblem(tables.file, "no sheet 'deals' (one row per deal)"))
    orphans: list[CellError] = []
    sheets = {rs.name: rs for rs in record_sheets()}
    deals = _read_records(tables, sheets["deals"], problems, orphans)
    meetings = _read_records(tables, sheets["meetings"], problems, orphans)
    tenders = _read_records(tables, sheets["tenders"], problems, orphans)
    tender_deal = {ref: str(t.data.get("deal", "")) for ref, t in tenders.items()}
    _read_lists(tables, sheets["deals"], deals, problems, orphans, {d: d for d in deals})
    _read_lists(tables, sheets["meetings"], meetings, problems, orphans, {m: m for m in meetings})
    _read_lists(tables, sheets["tenders"], tenders, problems, orphans, tender_deal)
    if problems:
        raise WorkbookError([InputError(p.message, file=p.place) for p in problems])
    return _assemble(tables.file, deals, meetings, tenders, orphans)


def _assemble(file: str, deals: dict[str, _Record], meetings: dict[str, _Record], tenders: dict[str, _Record],
              orphans: list[CellError]) -> Workbook:
    entries = {rid: DealEntry(rid) for rid in deals}
    for rid, rec in deals.items():
        entry = entries[rid]
        entry.deal = _validate(rec, Deal, rid)  # type: ignore[assignment]
        entry.errors += rec.errors
    for rid, rec in meetings.items():
        entry = entries.get(rid)
        model = _validate(rec, Meeting, rid)
        if entry is None:
            orphans += rec.errors + [CellError(f"a meeting of deal {rid!r}, which is not in sheet 'deals'",
                                               place=rec.row_place, key="deal", deal=rid)]
            continue
        entry.meeting = model  # type: ignore[assignment]
        entry.errors += rec.errors
    by_deal: dict[str, str] = {}
    for ref, rec in tenders.items():
        deal_id = rec.data.get("deal")
        model = _validate(rec, Tender, str(deal_id) if deal_id else ref)
        entry = entries.get(deal_id) if isinstance(deal_id, str) else None
        if entry is None:
            why = (f"a tender for deal {deal_id!r}, which is not in sheet 'deals'" if deal_id
                   else "a tender that names no deal: give the deal it answers in column 'deal'")
            orphans += rec.errors + [CellError(why, place=rec.row_place, key="deal", deal=deal_id)]
            continue
        if deal_id in by_deal:
            entry.errors.append(CellError(f"a second tender for deal {deal_id!r} (also {by_deal[deal_id]!r}); "
                                          "a deal answers one tender", place=rec.row_place, key="deal", deal=deal_id))
            continue
        by_deal[deal_id] = ref
        entry.tender = model  # type: ignore[assignment]
        entry.errors += rec.errors
    orphans = _claim_near_misses(entries, orphans)
    for entry in entries.values():
        if entry.errors:
            entry.deal = entry.tender = entry.meeting = None
    return Workbook(file, list(entries.values()), orphans)


def _one_typo(a: str, b: str) -> bool:
    """``a`` and ``b`` differ by exactly one typing slip: one character changed, added, dropped, or
    two neighbours swapped (ids share long prefixes, so a ratio of likeness would claim too much)."""
    if a == b or abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 5:  # short ids: one slip is another id
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _claim_near_misses(entries: dict[str, DealEntry], orphans: list[CellError]) -> list[CellError]:
    """A row whose deal id is a near miss of a deal's id (``D-2026-0170`` for ``D-2026-0107``) was
    almost surely meant for that deal: writing the deal without it would send an offer that lacks
    a line item or a milestone.  The row's error goes to that deal, which is then not written; rows
    that resemble no deal stay the run's own errors."""
    left: list[CellError] = []
    for err in orphans:
        owner = err.deal if isinstance(err.deal, str) else None
        near = [rid for rid in entries if owner and _one_typo(owner, rid)]
        if len(near) != 1 or owner in entries:
            left.append(err)
            continue
        entries[near[0]].errors.append(CellError(
            f"{err.message}; did you mean {near[0]!r}? Deal {near[0]!r} is not written until this row is "
            "fixed (it would go out without the row)", place=err.place, key=err.key, deal=near[0]))
    return left
