"""Team workspaces: a folder with its own clauses, templates, samples and policy.

A workspace root holds a ``bidgen-workspace.yaml`` marker.  Its entries (under ``clauses/``)
extend the built-in library and override built-in entries with the same id.  Commands take
``--library DIR`` or find the workspace by walking up from the current directory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


from dataclasses import dataclass

from ..errors import BidgenError, LibraryError

MARKER = "bidgen-workspace.yaml"


def find_workspace(start: Path) -> Path | None:
    """The nearest workspace root at ``start`` or above it (a folder with ``bidgen-workspace.yaml``)."""
    here = Path(start).resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_file():
            return folder
    return None


#: The keys a marker may have, and what each holds.
MARKER_KEYS = {
    "name": "the workspace's name (text)",
    "clauses": "folder of library entries, inside the workspace (default clauses/)",
    "templates": "folder of Word templates, inside the workspace",
    "samples": "folder of sample deals, inside the workspace",
    "policy": "the checker's policy file, inside the workspace (default policy.yaml)",
    "limits": "the limits of bidgen.limits (see docs/input.md)",
}
_PATH_KEYS = ("clauses", "templates", "samples", "policy")


@dataclass(frozen=True)
class WorkspaceSettings:
    """A workspace marker, validated: paths resolved inside the workspace folder."""

    root: Path
    name: str
    clauses: Path
    templates: Path
    samples: Path
    policy: Path
    limits: Any = None  # bidgen.limits.Limits, or None when the marker sets none

    @property
    def marker(self) -> Path:
        return self.root / MARKER


def _inside(root: Path, value: Any, key: str, file: str, line: int | None) -> Path:
    where = {"file": file, "field": key, "line": line}
    if not isinstance(value, str) or not value.strip():
        raise LibraryError(f"expected a relative path inside the workspace, got {value!r}", **where)
    rel = Path(value.strip())
    if rel.is_absolute() or value.strip().startswith("~"):
        raise LibraryError(f"must be a path inside the workspace folder, not {value!r}", **where)
    base = root.resolve()
    target = (base / rel).resolve()
    if target != base and base not in target.parents:
        raise LibraryError(f"{value!r} leads outside the workspace folder ({base})", **where)
    return target


def workspace_settings(root: Path) -> WorkspaceSettings:
    """The validated settings of the workspace at ``root`` (defaults when it has no marker).

    Every problem (an unknown key, a path leading outside the folder, a limit out of range, an
    unreadable marker) is a LibraryError naming the marker, its line and key."""
    from bidgen.inputs.read import read_document
    from bidgen.limits import from_mapping

    root = Path(root)
    marker = root / MARKER
    data: dict[str, Any] = {}
    line_of: Any = lambda _path: None  # noqa: E731
    if marker.is_file():
        try:
            text = marker.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise LibraryError(f"cannot read the workspace marker: {exc}", file=str(marker)) from None
        if text.strip():
            try:
                doc = read_document(marker)
            except BidgenError as exc:
                raise LibraryError(exc.message, file=str(marker), line=exc.where.line, field=exc.where.field) from None
            data, line_of = doc.data, doc.line_of
    file = str(marker)
    for key in data:
        if key not in MARKER_KEYS:
            raise LibraryError(f"unknown key; expected one of: {', '.join(MARKER_KEYS)}", file=file, field=str(key),
                               line=line_of((key,)))
    name = data.get("name", root.resolve().name)
    if not isinstance(name, (str, int)) or isinstance(name, bool) or not str(name).strip():
        raise LibraryError(f"expected the workspace's name as text, got {name!r}", file=file, field="name",
                           line=line_of(("name",)))
    defaults = {"clauses": "clauses", "templates": "templates", "samples": "samples", "policy": "policy.yaml"}
    paths = {k: _inside(root, data.get(k) or defaults[k], k, file, line_of((k,))) for k in _PATH_KEYS}
    limits = None
    if data.get("limits") is not None:
        try:
            limits = from_mapping(data["limits"], file=file, line_of=line_of)
        except BidgenError as exc:
            raise LibraryError(exc.message, file=file, field=exc.where.field, line=exc.where.line) from None
    return WorkspaceSettings(root=root, name=str(name), limits=limits, **paths)


def read_marker(root: Path) -> dict[str, Any]:
    """The settings in a workspace marker (empty when there is none or it is empty), validated
    (see :func:`workspace_settings`)."""
    marker = root / MARKER
    if not marker.is_file():
        return {}
    settings = workspace_settings(root)
    return {"name": settings.name, "clauses": str(settings.clauses), "templates": str(settings.templates),
            "samples": str(settings.samples), "policy": str(settings.policy)}


def workspace_clauses(root: Path) -> Path | None:
    """The entry folder of a workspace root (``clauses:`` in the marker, default ``clauses/``)."""
    root = Path(root)
    if (root / MARKER).is_file():
        return workspace_settings(root).clauses
    if (root / "clauses").is_dir():
        return root / "clauses"
    return None


def library_dirs(library: Path | None = None, start: Path | None = None) -> list[Path]:
    """The extra library layers for a command: ``--library DIR`` if given, else the workspace found
    from ``start`` (the current directory by default), else none."""
    if library is not None:
        path = Path(library)
        if not path.is_dir():
            raise LibraryError("library directory not found", file=str(path))
        return [path]
    root = find_workspace(start or Path.cwd())
    return [root] if root is not None else []


_README = """\
# {name}: a bidgen workspace

This folder extends bidgen's built-in content library for our team.

| folder / file | what goes there |
|---|---|
| `clauses/` | our library entries (YAML lists; any sub-folder). An entry with the id of a built-in entry **replaces** it; a new id **adds** one. |
| `templates/` | our Word templates (pass one with `--template`). |
| `samples/` | example deals to copy from. |
| `policy.yaml` | our commercial policy for the checker (margins, concession steps, approval limits). |

Commands run inside this folder (or below it) find it by its `bidgen-workspace.yaml`;
from elsewhere, pass `--library {path}`.

    bidgen library list --kind fab          # built-ins and ours together
    bidgen library show fab.our-product     # rendered with its default parameters
    bidgen library validate                 # schema, locales, parameters, ids, review dates
    bidgen schema fab > fab.schema.json     # JSON Schema for editor validation

Every entry needs `id`, `kind`, `version`, `owner`, `review_by`, `title` and `text` in zh_CN,
zh_TW and en_US. See the example in `clauses/fab/our-products.yaml` and bidgen's docs/library.md.
"""

_MARKER_TEXT = """\
# Marks this folder as a bidgen workspace.  Paths are relative to this file.
name: {name}
clauses: clauses
templates: templates
samples: samples
policy: policy.yaml
"""

_POLICY_STUB = """\
# Commercial policy of this workspace, read by `bidgen check`.
# bidgen's built-in policy applies to every key not set here; uncomment and change what differs.
# min_margin_percent: 15
# max_final_payment_days: 90
# max_price_step_percent: 3
# approval_limit: 500000
"""

_SAMPLE_FAB = """\
# Our own products: one FAB table per product, tied to the client's pain points.
# `products` lists the SKUs: a deal selling one of them gets this table automatically.
# `pain_point: 1` ties a row to the deal's first pain point; text ties it to a need by name.
- id: fab.our-product
  kind: fab
  version: "1.0"
  owner: {name} presales
  review_by: {review}
  group: fab.our-product
  title: {{zh_CN: 核心产品价值, zh_TW: 核心產品價值, en_US: Core product value}}
  products: [OUR-001]
  when: {{sku: [OUR-001]}}
  params:
    pain_points:
      type: list
      fields: {{need: text, impact: text}}
      default:
        zh_CN: [{{need: 降低运营成本, impact: 每年额外支出约 50 万元}}]
        zh_TW: [{{need: 降低營運成本, impact: 每年額外支出約新臺幣 200 萬元}}]
        en_US: [{{need: Lower operating cost, impact: "About 60,000 US dollars of extra spend a year"}}]
  text:
    zh_CN:
      - feature: 集中化管理控制台
        advantage: 一个界面统一管理全部站点与设备
        benefit: 减少重复操作与人工核对，降低运营成本
        pain_point: 1
    zh_TW:
      - feature: 集中化管理主控台
        advantage: 單一介面統一管理所有據點與設備
        benefit: 減少重複作業與人工核對，降低營運成本
        pain_point: 1
    en_US:
      - feature: Central management console
        advantage: One screen for every site and device
        benefit: Less duplicate work and manual reconciliation, so lower operating cost
        pain_point: 1
"""

#: How long the offer of the sample deal ``bidgen init`` writes stays valid, from the day it is written.
SAMPLE_VALIDITY_DAYS = 60

_SAMPLE_DEAL = """\
# A minimal deal: only the keys every document needs.  Copy and edit.
# Written by `bidgen init` on {issue}: the offer is valid for 60 days from that day.
id: D-0001
locale: en_US
currency: USD
issue_date: {issue}
valid_until: {valid}
seller:
  name: Our Company Ltd.
client:
  code: CL001
  name: Example Client Inc.
  industry: manufacturing
  country: US
items:
  - {{sku: OUR-001, description: Core product licence, quantity: 10, unit: seat, unit_price: 1200}}
tax_rate_percent: 0
prices_include_tax: false
terms:
  payment:
    - {{milestone: On signature, percent: 30, due_days: 15}}
    - {{milestone: On acceptance, percent: 70, due_days: 30}}
"""


def _plan(root: Path, name: str) -> dict[Path, str]:
    import datetime as _dt

    from ..paths import clauses_dir

    today = _dt.date.today()
    review = (today + _dt.timedelta(days=365)).isoformat()
    valid = today + _dt.timedelta(days=SAMPLE_VALIDITY_DAYS)  # valid from the day it is written
    builtin_policy = clauses_dir() / "policy.yaml"
    policy = builtin_policy.read_text(encoding="utf-8") if builtin_policy.is_file() else _POLICY_STUB
    return {
        root / MARKER: _MARKER_TEXT.format(name=name),
        root / "README.md": _README.format(name=name, path=root),
        root / "policy.yaml": policy,
        root / "clauses" / "fab" / "our-products.yaml": _SAMPLE_FAB.format(name=name, review=review),
        root / "templates" / "README.md": "Put your Word templates here; pass one with `--template`.\n",
        root / "samples" / "deal-minimal.yaml": _SAMPLE_DEAL.format(issue=today.isoformat(), valid=valid.isoformat()),
    }


def init_workspace(root: Path, *, name: str | None = None) -> list[Path]:
    """Scaffold a workspace at ``root`` and return the files written.

    Refuses (:class:`LibraryError`) when ``root`` already is a workspace or any file would be
    overwritten.  The built-in ``policy.yaml`` is copied when bidgen ships one, else a stub.
    """
    root = Path(root)
    if (root / MARKER).exists():
        raise LibraryError("already a bidgen workspace", file=str(root / MARKER))
    plan = _plan(root, name or root.resolve().name)
    workbook = root / WORKBOOK
    clashes = [p for p in [*plan, workbook] if p.exists()]
    if clashes:
        raise LibraryError("would overwrite an existing file; choose an empty folder", file=str(clashes[0]))
    for path, text in plan.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(plan) + [sample_workbook(workbook)]


#: The workbook ``init`` puts into a workspace, ready for ``bidgen batch``.
WORKBOOK = "deals.xlsx"


def sample_workbook(path: Path) -> Path:
    """Write the sample deals, meetings and tenders as a ready workbook: every column of the format
    with a note explaining it, drop-down lists for enumerated keys and a frozen header row."""
    from ..inputs.load import load_any
    from ..inputs.workbook_write import write_workbook
    from ..paths import samples_dir

    models = [load_any(p) for p in sorted(samples_dir().glob("*.yaml"))]
    return write_workbook(models, path, template=True)

