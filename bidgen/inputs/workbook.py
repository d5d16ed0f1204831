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
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator

from pydantic import BaseModel, ValidationError

from bidgen.errors import InputError, ValidationErrors
from bidgen.inputs.base import quote
from bidgen.inputs.cells import CellProblem, cell_value, column_letter
from bidgen.inputs.locate import did_you_mean, field_path, lookalike_chars, lookalike_key, message_for
from bidgen.inputs.models import Deal, Meeting, Tender
from bidgen.inputs.sheets import Column, RecordSheet, list_sheets, record_sheets, sheet_names
from bidgen.inputs.tables import UNCACHED, Raw, Row, Source, Table, WorkbookProblem, open_workbook
from bidgen.limits import UNPRINTABLE_RE, strip_unprintable

__all__ = ["CellError", "WorkbookError", "DealEntry", "Workbook", "read_workbook", "IGNORED_PREFIX", "Plan",
           "plan_workbook", "DealRows", "RawRecord", "Layout", "read_deal"]

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

    def __reduce__(self) -> tuple[Any, ...]:  # picklable (it crosses to and from worker processes)
        return (_cell_error, (self.message, self.place, self.key, self.deal))

    def __str__(self) -> str:
        key = f" ({self.key})" if self.key else ""
        return f"{self.place}{key}: {self.message}"


def _cell_error(message: str, place: str, key: str | None, deal: str | None) -> CellError:
    return CellError(message, place=place, key=key, deal=deal)


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
    #: warnings about the deal's cells (text cleaned of control characters), each naming its cell
    notes: list[str] = field(default_factory=list)
    #: each record's cells by key path (deal, meeting, tender), to place what is said about a key
    records: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.deal is not None and not self.errors

    def place_of(self, kind: str, loc: tuple[str | int, ...]) -> str | None:
        """The cell of a key path of the deal's ``kind`` record (``deal``, ``meeting``, ``tender``):
        ``deals.xlsx:negotiation.concessions!D3 (price_after)``; its row when the key has no cell."""
        rec = self.records.get(kind)
        if rec is None:
            return None
        if not loc:
            return rec.row_place
        place, key = _locate(rec, tuple(loc))
        return f"{place} ({key})" if key else place


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


# ---------------------------------------------------------------------------- grouping (the driver)


@dataclass
class RawRecord:
    """One record's rows as the workbook holds them, before any meaning is given to a cell: its
    row in its record sheet and its rows in each list sheet (in sheet order).  Picklable: this is
    what a bulk run sends to the per-deal job."""

    kind: str
    id: str
    row: Row
    lists: dict[str, list[Row]] = field(default_factory=dict)
    errors: list[CellError] = field(default_factory=list)  # found while grouping (a second row with its id)


@dataclass
class DealRows:
    """Everything one deal is read from: its record, its meeting's and its tender's (raw rows),
    and the problems found while grouping (a second tender, a row whose deal id is a near miss)."""

    id: str
    deal: RawRecord
    meeting: RawRecord | None = None
    tender: RawRecord | None = None
    errors: list[CellError] = field(default_factory=list)


@dataclass(frozen=True)
class Layout:
    """How every deal's rows are read: per sheet its name, label and the header of each used
    column (``None`` for the owner column of a list sheet).  Small, hashable and picklable."""

    sheets: tuple[tuple[str, str, tuple[tuple[int, str | None], ...]], ...]


_MODEL: dict[str, type[BaseModel]] = {"deal": Deal, "meeting": Meeting, "tender": Tender}
_SHEET_OF_KIND = {"deal": "deals", "meeting": "meetings", "tender": "tenders"}


def _records() -> dict[str, RecordSheet]:
    return {rs.name: rs for rs in record_sheets()}


@lru_cache(maxsize=8)
def _columns(layout: Layout) -> dict[str, tuple[Table, dict[int, Column | None]]]:
    """The layout's sheets as (sheet, column index → Column): resolved once per process."""
    by_name: dict[str, Any] = dict(_records())
    by_name.update(list_sheets())
    out = {}
    for name, label, cols in layout.sheets:
        sheet = by_name[name]
        out[name] = (Table(name, label, []), {j: (sheet.column(key) if key is not None else None) for j, key in cols})
    return out


def _headers(sheet: Table, header: list[Raw | None], data_cols: set[int], columns: tuple[Column, ...],
             first: str | None, problems: list[WorkbookProblem]) -> dict[int, Column | None]:
    """Column index → Column (None for the owner column); problems for the file."""
    known = {c.key: c for c in columns}
    out: dict[int, Column | None] = {}
    seen: dict[str, int] = {}
    for j, cell in enumerate(header):
        if cell is not None and cell[3]:  # (value, format, error, uncached)
            problems.append(WorkbookProblem(sheet.place(0, j), UNCACHED))
            continue
        if cell is None:
            if j in data_cols:
                problems.append(WorkbookProblem(sheet.place(0, j), "a column with values but no header"))
            continue
        name = str(cell[0]).strip()
        if name in seen:
            problems.append(WorkbookProblem(
                sheet.place(0, j), f"duplicate header {quote(name)} (also in column {column_letter(seen[name])})"))
            continue
        seen[name] = j
        if first is not None and j == 0:
            if name != first:
                problems.append(WorkbookProblem(
                    sheet.place(0, 0), f"the first column of a list sheet holds the id of its record: "
                                       f"its header must be {first!r}, not {quote(name)}"))
            out[j] = None
            continue
        if name in known:
            out[j] = known[name]
            continue
        hint = did_you_mean(name, list(known))
        lists = [s for s in list_sheets() if name.startswith(s + ".") or name == s]
        if hint:
            why = f"unknown header {quote(name)}; did you mean {hint!r}?"
        elif lists:
            why = f"unknown header {quote(name)}: a list has its own sheet, {lists[-1]!r}"
        else:
            why = f"unknown header {quote(name)}; see docs/input.md for the headers of sheet {sheet.name!r}"
        problems.append(WorkbookProblem(sheet.place(0, j), why))
    for j in sorted(data_cols):
        if j >= len(header):
            problems.append(WorkbookProblem(sheet.place(0, j), "a column with values but no header"))
    if first is not None and 0 not in out and header:
        problems.append(WorkbookProblem(sheet.place(0, 0), f"the first column's header must be {first!r}"))
    return out


def _first_col(header: list[Raw | None], key: str) -> int | None:
    for j, cell in enumerate(header):
        if cell is not None and not cell[3] and str(cell[0]).strip() == key:
            return j
    return None


def _text_at(cells: list[Raw | None], j: int | None) -> str | None:
    """The text of a cell (an id), or None when it is empty, not text or a formula without value."""
    cell = cells[j] if j is not None and j < len(cells) else None
    if cell is None or cell[3] or not isinstance(cell[0], str):  # (value, format, error, uncached)
        return None
    return cell[0].strip()


class Plan:
    """A workbook read once from end to end (:func:`plan_workbook`): its layout, its deal ids in
    sheet order, the problems of rows that belong to no deal, and for each deal (a *unit*) the
    last row it has in each sheet.  :meth:`deals` then reads the sheets again, side by side, and
    hands over each deal's rows as soon as every sheet has gone past its last row: when the list
    sheets are in the order of the deals (as ``bidgen export`` and ``init`` write them), only a
    few deals' rows are held at a time, whatever the number of deals."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.layout = Layout(())
        self.ids: list[str] = []  # the deals, in sheet order (unit k is deal k)
        self.orphans: list[CellError] = []
        #: problems of records that belong to no deal (a meeting of an unknown deal), found when
        #: :meth:`deals` reads them (after every deal)
        self.late_orphans: list[CellError] = []
        self.id_col: dict[str, int | None] = {}  # record sheet -> its id column
        self.first_row: dict[str, dict[str, int]] = {}  # record sheet -> id -> its (first) row
        self.unit: dict[tuple[str, str], int] = {}  # (record sheet, id) -> unit
        self.extra: list[str] = []  # the kind of each unit after the deals (a record of no deal)
        self.last: dict[str, Any] = {}  # sheet -> array of each unit's last row (-1: none)
        self.errors: dict[int, list[CellError]] = {}  # unit -> problems found while grouping
        self.dups: dict[tuple[str, str], list[CellError]] = {}  # (record sheet, id) -> second rows
        self.owner_of = {name: _SHEET_OF_KIND[ls.record] for name, ls in list_sheets().items()}
        #: the texts of the deals' locale cells (a few at most): what a run prepares before it starts
        self.locales: set[str] = set()

    @property
    def units(self) -> int:
        return len(self.ids) + len(self.extra)

    def mark(self, sheet: str, unit: int, i: int) -> None:
        from array import array

        last = self.last.get(sheet)
        if last is None:
            last = self.last[sheet] = array("q", [-1]) * self.units
        if i > last[unit]:
            last[unit] = i

    def unit_of(self, sheet: str, row: Row) -> int | None:
        """The unit a data row belongs to (None: a row of no deal, or a second row of one id)."""
        i, cells = row
        if sheet in self.id_col:  # a record sheet
            rid = _text_at(cells, self.id_col[sheet])
            if rid is None or self.first_row[sheet].get(rid) != i:
                return None
            return self.unit.get((sheet, rid))
        record = self.owner_of.get(sheet)
        cell = cells[0] if record is not None and cells else None  # the owner's id (what _text_at gives)
        if cell is None or cell[3] or not isinstance(cell[0], str):
            return None
        return self.unit.get((record, cell[0].strip()))  # type: ignore[arg-type]

    def deals(self, src: Source) -> Iterator[DealRows]:
        """Each deal's rows, in the order of sheet 'deals'.  The records of no deal are read after
        the deals, and their problems added to :attr:`late_orphans`."""
        cursors: dict[str, Iterator[Row]] = {name: iter(src.rows(name)) for name in self.last}
        pending: dict[int, dict[str, list[Row]]] = {}
        unit_of = self.unit_of
        for u in range(self.units):
            for sheet, last in self.last.items():
                if last[u] < 0 or sheet not in cursors:
                    continue
                cursor = cursors[sheet]
                while True:
                    row = next(cursor, None)
                    if row is None:
                        del cursors[sheet]
                        break
                    owner = unit_of(sheet, row)
                    if owner is not None and owner >= u:
                        pending.setdefault(owner, {}).setdefault(sheet, []).append(row)
                    if row[0] >= last[u]:
                        break
            rows = pending.pop(u, {})
            if u < len(self.ids):
                deal = self._record("deal", rows)
                if deal is None:  # pragma: no cover - a deal unit always has its row
                    continue
                yield DealRows(self.ids[u], deal, self._record("meeting", rows), self._record("tender", rows),
                               list(self.errors.get(u, ())))
            else:  # a meeting or tender of no deal: read here, its problems are the run's own
                rec = self._record(self.extra[u - len(self.ids)], rows)
                if rec is not None:
                    built = _build(rec, self.layout, None)
                    _validate(built, _MODEL[rec.kind], rec.id)
                    self.late_orphans += built.errors

    def _record(self, kind: str, rows: dict[str, list[Row]]) -> RawRecord | None:
        sheet = _SHEET_OF_KIND[kind]
        own = rows.get(sheet)
        if not own:
            return None
        row = own[0]
        rid = _text_at(row[1], self.id_col[sheet]) or ""
        rec = RawRecord(kind, rid, row, errors=list(self.dups.get((sheet, rid), ())))
        for ls in _records()[sheet].lists:
            if ls.name in rows:
                rec.lists[ls.name] = rows[ls.name]
        return rec


def plan_workbook(src: Source) -> Plan:
    """Read every sheet once, keeping only what grouping needs (headers, ids, each deal's last row
    in each sheet); :class:`WorkbookError` when the file itself is unusable, before any deal is
    read.  :meth:`Plan.deals` then hands over each deal's rows."""
    plan = Plan(src.file)
    records = _records()
    problems: list[WorkbookProblem] = []
    known = sheet_names()
    for name in src.names:
        if name in known or name.startswith(IGNORED_PREFIX):
            continue
        hint = did_you_mean(name, known)
        short = f"_{name}"[:31]
        problems.append(WorkbookProblem(src.labels[name], f"unknown sheet {quote(name)}" +
                                        (f"; did you mean {hint!r}? A sheet of notes is read by no one when its "
                                         f"name starts with '_' (rename it {quote(short)})" if hint else
                                         f" (sheets: {', '.join(known)}; start a notes sheet's name with '_': "
                                         f"{quote(short)})")))
    if "deals" not in src.names:
        problems.append(WorkbookProblem(src.file, "no sheet 'deals' (one row per deal)"))
    orphans = plan.orphans
    hidden: list[tuple[str, int, list[Raw | None]]] = []  # rows Excel hides that hold cells
    hidden_sheet: list[str] = []  # sheets Excel hides
    layout: list[tuple[str, str, tuple[tuple[int, str | None], ...]]] = []

    def scan(name: str, columns: tuple[Column, ...], first: str | None) -> Iterator[tuple[list[Raw | None], Row]]:
        """(header, row) for every data row; the header is checked once the sheet is read."""
        header: list[Raw | None] = []
        # the columns that hold values, as far as they matter (:func:`_headers`, hidden columns): before the
        # header, every one; after it, those past its end or with no header or hidden (``watch``)
        data_cols: set[int] = set()
        width = -1  # the header's width once read (-1: every column is noted)
        watch: list[int] = []
        if name in src.hidden_sheets:
            hidden_sheet.append(name)
        for i, cells in src.rows(name):
            if i in src.hidden_rows.get(name, ()):
                hidden.append((name, i, cells))
            if i == 0:
                if not header:  # (a second header row, in a malformed file: every column noted from then on)
                    width = len(cells)
                    hidden_cols = src.hidden_cols.get(name, ())
                    watch = [j for j, c in enumerate(cells)
                             if c is None or any(lo <= j <= hi for lo, hi in hidden_cols)]
                else:
                    width = -1
                header = cells
                continue
            if width < 0:
                data_cols.update(j for j, c in enumerate(cells) if c is not None)
            else:
                n = len(cells)
                if n > width:
                    data_cols.update(j for j in range(width, n) if cells[j] is not None)
                for j in watch:
                    if j < n and cells[j] is not None:
                        data_cols.add(j)
            yield header, (i, cells)
        sheet = src.sheet(name)
        if hidden_sheet and hidden_sheet[-1] == name and (header or data_cols):
            problems.append(WorkbookProblem(
                sheet.label, f"sheet {quote(name)} is hidden: unhide it (right-click a sheet tab, Unhide), or delete "
                "it if it must not count (bidgen reads what Excel shows)"))
        for lo, hi in src.hidden_cols.get(name, ()):
            for j in sorted(c for c in data_cols if lo <= c <= hi):
                letter = column_letter(j)
                problems.append(WorkbookProblem(
                    f"{sheet.label}!{letter}", f"column {letter} of sheet {quote(name)} is hidden and holds values: "
                    "unhide it, or delete the column if it must not count (bidgen reads what Excel shows)"))
        cols = _headers(sheet, header, data_cols, columns, first, problems)
        layout.append((name, src.labels[name], tuple((j, c.key if c is not None else None) for j, c in cols.items())))

    # the record sheets: ids (text, unique), and the deal each tender answers
    tender_deal: dict[str, Any] = {}
    tender_deal_col: int | None = None  # the tenders' column 'deal'
    for name, rs in records.items():
        seen = plan.first_row[name] = {}
        plan.id_col[name] = None
        if name not in src.names:
            continue
        sheet = src.sheet(name)
        cols: dict[str, int | None] = {}
        any_row = False
        for header, (i, cells) in scan(name, rs.columns, None):
            any_row = True
            if not cols:
                cols = {"id": _first_col(header, rs.id_key), "deal": _first_col(header, "deal"),
                        "locale": _first_col(header, "locale")}
                plan.id_col[name] = cols["id"]
                if name == "tenders":
                    tender_deal_col = cols["deal"]
            if name == "deals" and len(plan.locales) < 16:
                locale = _text_at(cells, cols["locale"])
                if locale:
                    plan.locales.add(locale)
            j = cols["id"]
            if j is None:
                continue
            cell = cells[j] if j < len(cells) else None
            if cell is None:
                orphans.append(CellError(f"a {rs.kind} without {rs.id_key!r}", place=sheet.place(i, j), key=rs.id_key))
                continue
            value, fmt, error, uncached = cell
            if uncached:
                orphans.append(CellError(UNCACHED, place=sheet.place(i, j), key=rs.id_key))
                continue
            if not isinstance(value, str):
                column = rs.column(rs.id_key)
                try:
                    cell_value(value, column, fmt, error)
                    message = "must be text"
                except CellProblem as exc:
                    message = str(exc)
                orphans.append(CellError(message, place=sheet.place(i, j), key=rs.id_key))
                continue
            rid = value.strip()
            if rid in seen:
                plan.dups.setdefault((name, rid), []).append(CellError(
                    f"two {name} with the id {quote(rid)} (also in row {seen[rid] + 1}); ids must be unique",
                    place=sheet.place(i, j), key=rs.id_key, deal=rid))
                continue
            seen[rid] = i
            if name == "tenders":
                tender_deal[rid] = _tender_deal(rs, cells, cols["deal"])
        if plan.id_col[name] is None and any_row:
            problems.append(WorkbookProblem(f"{sheet.label}!1", f"no column {rs.id_key!r}: every record needs one"))

    # units: each deal (with its meeting and tender), then each record of no deal
    deals = plan.first_row["deals"]
    plan.ids = list(deals)
    for u, rid in enumerate(plan.ids):
        plan.unit[("deals", rid)] = u
    meetings = plan.first_row["meetings"]
    for mid, i in meetings.items():
        if mid in deals:
            plan.unit[("meetings", mid)] = plan.unit[("deals", mid)]
            continue
        plan.unit[("meetings", mid)] = plan.units
        plan.extra.append("meeting")
        orphans.append(CellError(f"a meeting of deal {quote(mid)}, which is not in sheet 'deals'",
                                 place=_place(src, "meetings", i, plan.id_col["meetings"]), key="deal", deal=mid))
    first_tender: dict[str, str] = {}
    for ref, deal_id in tender_deal.items():
        place = _place(src, "tenders", plan.first_row["tenders"][ref], tender_deal_col)
        if isinstance(deal_id, str) and deal_id in deals:
            u = plan.unit[("deals", deal_id)]
            if deal_id in first_tender:
                plan.errors.setdefault(u, []).append(CellError(
                    f"a second tender for deal {quote(deal_id)} (also {quote(first_tender[deal_id])}); a deal answers one "
                    "tender", place=place, key="deal", deal=deal_id))
                continue
            first_tender[deal_id] = ref
            plan.unit[("tenders", ref)] = u
            continue
        why = (f"a tender for deal {quote(deal_id)}, which is not in sheet 'deals'" if deal_id
               else "a tender that names no deal: give the deal it answers in column 'deal'")
        plan.unit[("tenders", ref)] = plan.units
        plan.extra.append("tender")
        orphans.append(CellError(why, place=place, key="deal", deal=deal_id))
    for name in records:
        for rid, i in plan.first_row[name].items():
            u = plan.unit.get((name, rid))
            if u is not None:
                plan.mark(name, u, i)

    # the list sheets: each row's owner
    for name, rs in records.items():
        owners = plan.first_row[name]
        for ls in rs.lists:
            if ls.name not in src.names:
                continue
            sheet = src.sheet(ls.name)
            units = plan.unit
            last: Any = None  # each unit's last row in this sheet (made at the first row of a unit)
            for _header, (i, cells) in scan(ls.name, ls.columns, ls.owner):
                cell = cells[0] if cells else None
                if cell is not None and not cell[3] and cell[0].__class__ is str:
                    owner: str | None = cell[0].strip()  # (what _text_at gives, sooner)
                else:
                    owner = _text_at(cells, 0)
                    if cell is not None and cell[3]:
                        orphans.append(CellError(UNCACHED, place=sheet.place(i, 0), key=ls.owner))
                        continue
                if owner is None:
                    orphans.append(CellError(f"no {ls.owner} id in the first column (text)", place=sheet.place(i, 0),
                                             key=ls.owner))
                    continue
                if owner not in owners:
                    deal_of = tender_deal.get(owner, owner) if name == "tenders" else owner
                    orphans.append(CellError(f"no {rs.kind} with the id {quote(owner)} in sheet {name!r}",
                                             place=sheet.place(i, 0), key=ls.owner,
                                             deal=deal_of if isinstance(deal_of, str) else owner))
                    continue
                u = units.get((name, owner))
                if u is not None:
                    if last is None:
                        plan.mark(ls.name, u, i)
                        last = plan.last[ls.name]
                    elif i > last[u]:
                        last[u] = i
    _hidden_rows(plan, src, hidden, problems)
    problems += [p for p in src.problems if p not in problems]
    if problems:
        raise WorkbookError([InputError(p.message, file=p.place) for p in problems])
    plan.layout = Layout(tuple(layout))
    claims, plan.orphans = _claim_near_misses(plan.ids, orphans)
    for deal_id, errors in claims.items():
        plan.errors.setdefault(plan.unit[("deals", deal_id)], []).extend(errors)
    return plan


def _hidden_rows(plan: Plan, src: Source, hidden: list[tuple[str, int, list[Raw | None]]],
                 problems: list[WorkbookProblem]) -> None:
    """A row Excel hides (a filter, "Hide") that holds cells is an error of the deal it belongs to
    (a hidden header row, of the workbook): a person reading the sheet does not see it, so bidgen
    must not price it silently, nor drop it silently."""
    for name, i, cells in hidden:
        place = f"{src.labels[name]}!{i + 1}"
        why = (f"row {i + 1} of sheet {quote(name)} is hidden: unhide it, or delete it if it must not count "
               "(bidgen reads what Excel shows)")
        if i == 0:
            problems.append(WorkbookProblem(place, why))
            continue
        if name in plan.id_col:
            rid = _text_at(cells, plan.id_col[name])
            record = name
        else:
            rid = _text_at(cells, 0)
            record = plan.owner_of.get(name, "")
        u = plan.unit.get((record, rid)) if rid is not None else None  # type: ignore[arg-type]
        if u is not None and u < len(plan.ids):
            plan.errors.setdefault(u, []).append(CellError(why, place=place, deal=plan.ids[u]))
        else:
            plan.orphans.append(CellError(why, place=place, deal=rid))


def _place(src: Source, name: str, i: int, j: int | None) -> str:
    """``deals.xlsx:tenders!D3`` for the cell of row ``i`` in column ``j`` (0-based), the row when ``j`` is None."""
    return src.sheet(name).place(i, j) if j is not None else f"{src.labels[name]}!{i + 1}"


def _tender_deal(rs: RecordSheet, cells: list[Raw | None], j: int | None) -> str | None:
    """The deal a tender row answers (its 'deal' cell as read, trimmed as every id is), or None."""
    cell = cells[j] if j is not None and j < len(cells) else None
    if cell is None or cell[3]:  # (value, format, error, uncached)
        return None
    try:
        value = cell_value(cell[0], rs.column("deal"), cell[1], cell[2])
    except CellProblem:
        return None
    return (str(value).strip() or None) if value is not None else None


# ---------------------------------------------------------------------------- records (the per-deal job)


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
    notes: list[str] = field(default_factory=list)  # warnings: text cleaned of control characters


def _put(target: dict[str, Any], dotted: str, value: Any) -> tuple[str, ...]:
    parts = dotted.split(".")
    node = target
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    return tuple(parts)


def _read_row(table: Table, i: int, row: list[Raw | None], cols: dict[int, Column | None], base: Loc,
              target: dict[str, Any], rec: _Record, deal: str | None) -> dict[str, int]:
    """Put one row's cells into ``target``; returns header → column index of the row."""
    from bidgen.limits import current as current_limits

    limit = current_limits().max_text_length
    where: dict[str, int] = {}
    for j, column in cols.items():
        if column is None:
            continue
        where[column.key] = j
        cell = row[j] if j < len(row) else None
        if cell is None:
            continue
        try:
            raw_value, fmt, error, uncached = cell
            if uncached:
                raise CellProblem(UNCACHED)
            value = cell_value(raw_value, column, fmt, error)
            if isinstance(value, str):
                value = _clean_text(value, limit, lambda: table.place(i, j), column.key, rec.notes)
        except CellProblem as exc:
            rec.errors.append(CellError(str(exc), place=table.place(i, j), key=column.key, deal=deal))
            rec.refused.add(base + tuple(column.key.split(".")) if column.key != "value" else base)
            continue
        parts = _put(target, column.key, value)
        loc = base + parts if column.key != "value" else base
        rec.cells[loc] = (table, i, j, column.key)
    return where


def _clean_text(value: str, limit: int, place: Callable[[], str], key: str, notes: list[str]) -> str:
    """The one rule for text of every input format (:mod:`bidgen.limits`): text over ``limit``
    characters is an error; control characters and unpaired surrogates (Excel's ``_xD800_``) are
    removed with one warning naming the cell (added to ``notes``: the job that reads a deal hands
    its warnings back instead of printing them where it runs).  The cell's place is spelled out
    (``place()``) only for a text with something to report."""
    if len(value) <= limit and "\r" not in value and not UNPRINTABLE_RE.search(value):
        return value  # the common case
    if len(value) > limit:
        raise CellProblem(f"text of {len(value):,} characters; the limit is {limit:,} "
                          "(limits.max_text_length in the workspace)")
    if "\r" in value or UNPRINTABLE_RE.search(value):
        new = strip_unprintable(value)
        if new != value.replace("\r\n", "\n").replace("\r", "\n"):
            names = ", ".join(sorted({f"U+{ord(c):04X}" for c in UNPRINTABLE_RE.findall(value)})[:8])
            notes.append(f"{place()} ({key}): removed control characters or unpaired surrogates ({names})")
        return new
    return value


def _build(raw: RawRecord, layout: Layout, deal: str | None) -> _Record:
    """A record's mapping (and the cell of each value) from its raw rows."""
    columns = _columns(layout)
    rs = _records()[_SHEET_OF_KIND[raw.kind]]
    sheet, cols = columns[rs.name]
    i, cells = raw.row
    rec = _Record(raw.kind, raw.id, f"{sheet.label}!{i + 1}", errors=list(raw.errors))
    rec.rows[()] = (sheet, i, _read_row(sheet, i, cells, cols, (), rec.data, rec, deal))
    for ls in rs.lists:
        rows = raw.lists.get(ls.name)
        if not rows:
            continue
        table, lcols = columns[ls.name]
        node = rec.data
        for part in ls.path[:-1]:
            node = node.setdefault(part, {})
        items = node.setdefault(ls.path[-1], [])
        for i, cells in rows:
            index = len(items)
            if ls.scalar:
                items.append(None)
                value: dict[str, Any] = {}
                where = _read_row(table, i, cells, lcols, ls.path + (index,), value, rec, deal)
                items[index] = value.get("value")
                if "value" not in value:
                    items.pop()
            else:
                entry: dict[str, Any] = {}
                items.append(entry)
                where = _read_row(table, i, cells, lcols, ls.path + (index,), entry, rec, deal)
            rec.rows[ls.path + (index,)] = (table, i, where)
    return rec


def _locate(rec: _Record, loc: Loc) -> tuple[str, str]:
    """The place and header of a pydantic error location (or of a key path)."""
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


def read_deal(rows: DealRows, layout: Layout) -> DealEntry:
    """One deal's models from its raw rows (the per-deal step of :func:`read_workbook` and of a
    bulk run's job): every cell read for its column, the records validated, every problem located
    at its cell.  Pure: the same rows and layout give the same entry in any process."""
    entry = DealEntry(rows.id)
    for raw in (rows.deal, rows.meeting, rows.tender):
        if raw is None:
            continue
        rec = _build(raw, layout, rows.id)
        model = _validate(rec, _MODEL[raw.kind], rows.id)
        setattr(entry, raw.kind, model)
        entry.errors += rec.errors
        entry.notes += rec.notes
        entry.records[raw.kind] = rec
    entry.errors += rows.errors
    if entry.errors:
        entry.deal = entry.tender = entry.meeting = None
    return entry


def read_workbook(path: str | Path) -> Workbook:
    """Read every deal of a workbook; :class:`WorkbookError` when the file itself is unusable.

    The same two steps as a bulk run, in one process: :func:`plan_workbook` and
    :meth:`Plan.deals` group the raw rows of each deal, :func:`read_deal` reads them."""
    with open_workbook(path) as src:
        plan = plan_workbook(src)
        entries = [read_deal(rows, plan.layout) for rows in plan.deals(src)]
    warn_notes(entries)
    return Workbook(src.file, entries, plan.orphans + plan.late_orphans)


def warn_notes(entries: Any) -> None:
    """Each entry's notes as warnings (:class:`bidgen.inputs.read.InputCleaned`), in the order read."""
    import warnings

    from bidgen.inputs.read import InputCleaned

    for entry in entries:
        for note in entry.notes:
            warnings.warn(InputCleaned(note), stacklevel=3)


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


def _claim_near_misses(ids: list[str], orphans: list[CellError]) -> tuple[dict[str, list[CellError]],
                                                                         list[CellError]]:
    """A row whose deal id is a near miss of a deal's id was almost surely meant for that deal:
    writing the deal without it would send an offer that lacks a line item or a milestone.  A near
    miss is an id that *looks* the same (:func:`~bidgen.inputs.locate.lookalike_key`: a non-breaking
    hyphen or a minus sign for ``-``, full-width letters, extra spaces, as text pasted from Word or
    Outlook holds them) or that differs by one typing slip (``D-2026-0170`` for ``D-2026-0107``).
    The row's error goes to that deal (returned by deal id), which is then not written; rows that
    resemble no deal stay the run's own errors (returned second)."""
    known = set(ids)
    by_key: dict[str, list[str]] = {}
    for rid in ids:
        by_key.setdefault(lookalike_key(rid), []).append(rid)
    claims: dict[str, list[CellError]] = {}
    left: list[CellError] = []
    for err in orphans:
        owner = err.deal if isinstance(err.deal, str) else None
        if not owner or owner in known:
            left.append(err)
            continue
        key = lookalike_key(owner)
        near = by_key.get(key, [])
        looks_same = len(near) == 1
        if not near:
            near = [rid for rid in ids if _one_typo(owner, rid) or _one_typo(key, lookalike_key(rid))]
        if len(near) != 1:
            left.append(err)
            continue
        deal = near[0]
        odd = lookalike_chars(owner, deal)
        if looks_same:
            hint = (quote(owner) + (f" (with {odd})" if odd else "") + f" is not {deal!r}, though it looks the same: "
                    f"type the id again; did you mean {deal!r}?")
        else:
            hint = f"did you mean {deal!r}?" + (f" ({quote(owner)} has {odd})" if odd and not owner.isascii() else "")
        claims.setdefault(deal, []).append(CellError(
            f"{err.message}; {hint} Deal {deal!r} is not written until this row is fixed (it would go out "
            "without the row)", place=err.place, key=err.key, deal=deal))
    return claims, left
