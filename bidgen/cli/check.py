"""``bidgen check``: the consistency checker on the command line (thin: parse, call, report)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click


def _workspace(library_dir: Path | None) -> Path | None:
    from bidgen.cli.options import use_workspace
    from bidgen.library.workspace import find_workspace

    if library_dir is not None:
        if (Path(library_dir) / "bidgen-workspace.yaml").is_file():
            use_workspace(Path(library_dir))
        return library_dir
    return use_workspace(find_workspace(Path.cwd()))


def _use_color() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


@click.command("check")
@click.argument("inputs", nargs=-1, type=click.Path(path_type=Path))
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="A team policy file overriding the defaults (see docs/checks.md).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="A readable table, or JSON for other tools.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("--rules", "list_rules", is_flag=True, help="List every rule with its id and severity, and exit.")
@click.option("--library", "library_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The team workspace whose policy.yaml applies (default: found from the current folder).")
def check(inputs: tuple[Path, ...], policy_file: Path | None, fmt: str, strict: bool, list_rules: bool,
          library_dir: Path | None) -> None:
    """Check deals, meetings, tenders and rendered .docx files (or folders of them).

    Every finding has a rule id, a severity, a message, where it is and the values compared.
    Exit 0 when clean, 1 when there are errors (warnings too with --strict), 2 for unusable input.
    """
    from bidgen.checks import all_rules, check_paths, count_by_severity, has_errors, load_policy
    from bidgen.checks.report import render_json, render_rules, render_text
    from bidgen.errors import ChecksFailed

    workspace = _workspace(library_dir)
    policy = load_policy(policy_file, workspace)
    weakened = policy.weakened()
    if list_rules:
        rules = all_rules()
        sev = {r.id: (policy.rule_severity(r.id, r.severity).value if policy.rule_enabled(r.id) else "off")
               for r in rules}
        click.echo(render_rules(rules, sev, fmt), nl=False)
        return
    if not inputs:
        raise click.UsageError("give at least one deal, meeting, tender, .docx file or folder (or --rules)")
    workspace = _workspace(library_dir)
    findings = check_paths(list(inputs), policy, [workspace] if workspace is not None else [])
    from bidgen.checks.runner import collect_paths

    found_inputs, found_docs = collect_paths(inputs)
    files = [str(p) for group in (found_inputs, found_docs) for p in group]
    if found_docs and not found_inputs:
        # a hand-edited figure in a document is found only against the deal it was written from
        click.echo("bidgen: note: no deal given, so the figures in the documents were checked against each "
                   "other only, not traced to a deal: give the deal file too (bidgen check DEAL.yaml "
                   "DOCUMENT.docx …)", err=True)
    if fmt == "json":
        click.echo(render_json(findings, checked=files, strict=strict, policy_sources=policy.sources,
                               workspace=str(Path(workspace).resolve()) if workspace else None,
                               policy_changes=weakened), nl=False)
    else:
        for line in weakened:
            click.echo(f"policy: {line} by {', '.join(policy.sources[1:])}")
        click.echo(render_text(findings, checked=len(files), strict=strict, color=_use_color()), nl=False)
    if has_errors(findings, strict):
        n = count_by_severity(findings)
        raise ChecksFailed(f"checks failed: {n['error']} error(s), {n['warning']} warning(s)"
                           + (" (--strict)" if strict else ""))
