"""Running the checks: over models (``check_inputs``) or over files and folders (``check_paths``).

``check_paths`` loads every deal, meeting and tender (the kind is told by the keys) and every
rendered ``.docx``; meetings and tenders are linked to their deal by its ``id`` (``deal:``
key), documents by the client code and date in their file name
(``<DocType>_<ClientCode>_v<YYYYMMDD>.docx``).  Input rules run once per deal (with its
tender and meeting); document rules run per document, and the cross-document rules compare
the documents of one deal with each other and with the inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from ..errors import InputError
from bidgen.inputs.models import Deal, Meeting, Tender
from . import (arithmetic, concessions, conventions, crossdoc, dates, identifiers, margin, memo, payment, promises,
               tender, words)
from .context import Inputs, Source
from .findings import Finding, sort_findings
from .policy import Policy, default_policy
from .registry import Collector

__all__ = ["check_inputs", "check_paths", "collect_paths", "load_paths", "run_input_rules"]

_INPUT_SUFFIXES = (".yaml", ".yml", ".json")
_FAMILIES = (payment, words, margin, concessions, tender, memo, promises, identifiers, conventions, dates)


def check_inputs(
    deal: Deal | None,
    *,
    tender: Tender | None = None,
    meeting: Meeting | None = None,
    policy: Policy | None = None,
) -> list[Finding]:
    """Every input rule over one deal (and its tender and meeting); findings sorted, errors first.

    The models carry no file names, so findings are located by key path only; use
    :func:`check_paths` to get file names and lines.
    """
    inp = Inputs(policy or default_policy(), deal=deal, tender=tender, meeting=meeting)
    out = Collector(inp.policy)
    run_input_rules(inp, out)
    return sort_findings(out.findings)


def run_input_rules(inp: Inputs, out: Collector) -> None:
    """Run every input family over ``inp`` into ``out``."""
    if inp.deal is not None and inp.pricing is not None:
        desc = [item.description for item in inp.deal.items]
        arithmetic.check_figures(arithmetic.figures_from_pricing(inp.pricing, inp.deal_src, desc), out)
    for family in _FAMILIES:
        family.check(inp, out)


# ----------------------------------------------------------------------------- files


@dataclass
class Loaded:
    """Inputs read from files, with their sources, and the documents found."""

    deals: list[tuple[Deal, Source]] = field(default_factory=list)
    meetings: list[tuple[Meeting, Source]] = field(default_factory=list)
    tenders: list[tuple[Tender, Source]] = field(default_factory=list)
    documents: list[Path] = field(default_factory=list)


def _in_folder(folder: Path) -> tuple[list[Path], list[Path]]:
    """(input files, .docx files) directly in ``folder`` (hidden and Office lock files skipped)."""
    inputs: list[Path] = []
    docs: list[Path] = []
    for child in sorted(folder.iterdir()):
        if child.name.startswith(("~$", ".")) or not child.is_file():
            continue
        if child.suffix.lower() in _INPUT_SUFFIXES:
            inputs.append(child)
        elif child.suffix.lower() == ".docx":
            docs.append(child)
    return inputs, docs


def collect_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[Path]]:
    """(input files, .docx files) among ``paths``; folders are searched, not recursively, except
    that a folder with nothing of its own to check (the output folder of ``bidgen batch``, whose
    documents are in one folder per deal) is searched one level down.

    Raises InputError for a path that does not exist, a file of another type, or when
    nothing to check is found.
    """
    inputs: list[Path] = []
    docs: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = _in_folder(p)
            if not found[0] and not found[1]:
                for sub in sorted(c for c in p.iterdir() if c.is_dir() and not c.name.startswith(".")):
                    more = _in_folder(sub)
                    found[0].extend(more[0])
                    found[1].extend(more[1])
            inputs += found[0]
            docs += found[1]
        elif p.is_file():
            suffix = p.suffix.lower()
            if suffix == ".docx":
                docs.append(p)
            elif suffix in _INPUT_SUFFIXES:
                inputs.append(p)
            else:
                raise InputError(f"cannot check a {p.suffix or 'file without extension'}: expected a deal, "
                                 f"meeting or tender (.yaml, .yml, .json) or a rendered .docx", file=str(p))
        else:
            raise InputError("no such file or folder", file=str(p))
    if not inputs and not docs:
        raise InputError("nothing to check here (no .yaml, .json or .docx files)", file=", ".join(map(str, paths)))
    return inputs, docs


def _load_file(path: Path, into: Loaded) -> None:
    from bidgen.inputs.load import KINDS, detect_kind, validate_mapping
    from bidgen.inputs.read import read_document

    doc = read_document(path)
    kind = detect_kind(doc.data)
    if kind is None:
        raise InputError("cannot tell whether this is a deal, a meeting or a tender from its keys",
                         file=doc.file, line=1)
    model = validate_mapping(KINDS[kind], doc.data, file=doc.file, line_of=doc.line_of)
    src = Source(kind, doc.file, doc.line_of)
    getattr(into, kind + "s").append((model, src))


def load_paths(paths: Iterable[str | Path]) -> Loaded:
    """Load every input under ``paths``; all unusable inputs are reported together."""
    from ..errors import BidgenError, ValidationErrors

    inputs, docs = collect_paths(paths)
    loaded = Loaded(documents=docs)
    errors: list[BidgenError] = []
    for path in inputs:
        try:
            _load_file(path, loaded)
        except ValidationErrors as exc:
            errors.extend(exc.errors)
        except InputError as exc:
            errors.append(exc)
    if errors:
        raise ValidationErrors(errors)
    return loaded


def check_paths(paths: Sequence[str | Path], policy: Policy | None = None,
                library_dirs: Sequence[str | Path] = ()) -> list[Finding]:
    """Check every deal, meeting, tender and rendered document under ``paths``.

    ``library_dirs``: team library folders (besides the built-in one) whose texts documents quote.

    Raises :class:`~bidgen.errors.InputError` (exit code 2) when an input cannot be used.
    """
    pol = policy or default_policy()
    loaded = load_paths(paths)
    out = Collector(pol)
    groups = _group(loaded, out)
    for inp in groups:
        run_input_rules(inp, out)
    crossdoc.check_documents(loaded.documents, groups, out, [Path(x) for x in library_dirs])
    return sort_findings(out.findings)


def _group(loaded: Loaded, out: Collector) -> list[Inputs]:
    """One Inputs per deal; meetings and tenders without a matching deal stand alone."""
    groups: dict[str, Inputs] = {}
    result: list[Inputs] = []
    for deal, src in loaded.deals:
        inp = Inputs(out.policy, deal=deal, deal_src=src)
        if deal.id in groups:
            raise InputError(f"two deals with the id {deal.id!r} (the other is {groups[deal.id].deal_src.file})",
                             file=src.file, field="id", line=src.line_of(("id",)) if src.line_of else None)
        groups[deal.id] = inp
        result.append(inp)
    for kind, items in (("tender", loaded.tenders), ("meeting", loaded.meetings)):
        for model, src in items:
            deal_id = model.deal
            target = groups.get(deal_id) if deal_id else None
            if target is not None and getattr(target, kind) is None:
                setattr(target, kind, model)
                setattr(target, f"{kind}_src", src)
                continue
            if loaded.deals or deal_id is None:
                why = (f"its deal {deal_id!r} is not among the files checked" if deal_id and target is None
                       else f"the deal {deal_id!r} already has a {kind}" if deal_id else "it names no deal")
                out.add(crossdoc.LINK, f"This {kind} is checked on its own: {why}.", src.at("deal"))
            alone = Inputs(out.policy, **{kind: model, f"{kind}_src": src})  # type: ignore[arg-type]
            result.append(alone)
    return result
