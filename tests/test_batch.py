"""``bidgen batch``: every deal of a workbook, the same documents as ``bidgen all``, located errors
that skip only the bad deal, a report, resume, and any executor."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pytest

from bidgen.batch import BatchOptions, run_batch
from bidgen.batch.manifest import MANIFEST
from bidgen.cli.main import main
from bidgen.docx.readback import read_docx
from bidgen.inputs.load import load_any
from bidgen.inputs.workbook_write import write_workbook

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"


def text_of(path: Path) -> list[str]:
    doc = read_docx(path)
    return doc.all_text().splitlines()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    ws = tmp_path_factory.mktemp("ws") / "ws"
    assert main(["init", str(ws)]) == 0
    return ws


@pytest.fixture(scope="module")
def batch_out(workspace, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    code = main(["batch", str(workspace / "deals.xlsx"), "-o", str(out), "--jobs", "2", "--quiet",
                 "--library", str(workspace)])
    assert code == 0
    return out


@pytest.mark.parametrize("locale,deal_id", [("zh_CN", "D-2026-0042"), ("en_US", "D-2026-0107")])
def test_batch_writes_what_all_writes(batch_out, workspace, tmp_path, locale, deal_id):
    ref = tmp_path / "all"
    code = main(["all", str(SAMPLES / f"deal-{locale}.yaml"), "--tender", str(SAMPLES / f"tender-{locale}.yaml"),
                 "--meeting", str(SAMPLES / f"meeting-{locale}.yaml"), "-o", str(ref), "--library", str(workspace)])
    assert code == 0
    expected = sorted(p.name for p in ref.iterdir())
    folder = batch_out / deal_id
    assert sorted(p.name for p in folder.iterdir()) == expected
    assert len(expected) == 5  # proposal, bid, memo, memo e-mail draft, brief
    for name in expected:
        if name.endswith(".docx"):
            assert text_of(folder / name) == text_of(ref / name), name
        else:
            assert (folder / name).read_text(encoding="utf-8") == (ref / name).read_text(encoding="utf-8")


def test_the_report_has_one_row_per_deal_with_numbers_as_numbers(batch_out):
    wb = openpyxl.load_workbook(batch_out / "batch-report.xlsx")
    rows = list(wb["deals"].iter_rows(values_only=True))
    assert rows[0][:6] == ("deal", "status", "folder", "documents", "total", "currency")
    by_id = {r[0]: r for r in rows[1:]}
    assert set(by_id) == {"D-2026-0042", "D-2026-0107"}
    cn = by_id["D-2026-0042"]
    assert cn[1] == "written"
    assert cn[4] == 676200 and isinstance(cn[4], (int, float))
    assert cn[5] == "CNY"
    assert "D-2026-0042/Proposal_CN203_v20261120.docx" in cn[3].splitlines()
    assert by_id["D-2026-0107"][4] == 156849


def _broken_workbook(tmp_path: Path) -> Path:
    models = [load_any(p) for p in sorted(SAMPLES.glob("*.yaml"))]
    path = write_workbook(models, tmp_path / "deals.xlsx")
    wb = openpyxl.load_workbook(path)
    items = wb["items"]
    headers = [c.value for c in items[1]]
    col = headers.index("unit_price") + 1
    for row in range(2, items.max_row + 1):
        if items.cell(row=row, column=1).value == "D-2026-0042":
            items.cell(row=row, column=col, value="abc")
            broken = f"{openpyxl.utils.get_column_letter(col)}{row}"
            break
    wb.save(path)
    return path, broken


def test_a_broken_cell_skips_only_its_deal_with_one_located_line(tmp_path, capsys):
    path, cell = _broken_workbook(tmp_path)
    out = tmp_path / "out"
    code = main(["batch", str(path), "-o", str(out), "--jobs", "1"])
    assert code == 1
    err = capsys.readouterr().err
    assert f"deals.xlsx:items!{cell} (unit_price): not a valid amount: 'abc'" in err
    assert err.count("not a valid amount") == 1
    assert not (out / "D-2026-0042").exists()
    assert len(list((out / "D-2026-0107").glob("*.docx"))) == 4
    rows = list(openpyxl.load_workbook(out / "batch-report.xlsx")["findings"].iter_rows(values_only=True))
    assert ("D-2026-0042", "error", "input", f"deals.xlsx:items!{cell} (unit_price)",
            "not a valid amount: 'abc'") in rows


def test_a_rerun_skips_what_is_done_and_redoes_what_changed(tmp_path):
    models = [load_any(p) for p in sorted(SAMPLES.glob("*.yaml"))]
    path = write_workbook(models, tmp_path / "deals.xlsx")
    out = tmp_path / "out"
    first = run_batch(path, out, BatchOptions(jobs=1))
    assert [r.status for r in first.results] == ["written", "written"]
    again = run_batch(path, out, BatchOptions(jobs=1))
    assert [r.status for r in again.results] == ["unchanged", "unchanged"]
    assert again.results[0].total == first.results[0].total
    # a document removed by hand is written again; the other deal stays done
    victim = first.results[1].documents[0]
    victim.unlink()
    third = run_batch(path, out, BatchOptions(jobs=1))
    assert [r.status for r in third.results] == ["unchanged", "written"]
    assert victim.exists()
    assert [r.status for r in run_batch(path, out, BatchOptions(jobs=1, rebuild=True)).results] == ["written"] * 2


def test_a_run_killed_mid_way_is_completed_by_the_next(tmp_path):
    models = [load_any(p) for p in sorted(SAMPLES.glob("*.yaml"))]
    path = write_workbook(models, tmp_path / "deals.xlsx")
    out = tmp_path / "out"
    run_batch(path, out, BatchOptions(jobs=1))
    manifest = out / MANIFEST
    lines = manifest.read_text(encoding="utf-8").splitlines()
    # as if killed while the second deal's line was being appended: a torn last line
    manifest.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:40], encoding="utf-8")
    result = run_batch(path, out, BatchOptions(jobs=1))
    assert sorted(r.status for r in result.results) == ["unchanged", "written"]
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


def test_any_executor_runs_the_per_deal_job(tmp_path):
    """An executor of the caller's (maybe on other machines) sends each deal's documents back as
    bytes, and the driver writes them: the same documents as the run's own processes write."""
    models = [load_any(p) for p in sorted(SAMPLES.glob("*.yaml"))]
    path = write_workbook(models, tmp_path / "deals.xlsx")
    returned = []

    class Recording(ThreadPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
            def job():  # what the executor hands back, as it hands it back
                results = fn(*args, **kwargs)
                returned.extend((r.id, len(r.docs), r.written) for r in results)
                return results

            return super().submit(job)

    with Recording(max_workers=2) as pool:
        result = run_batch(path, tmp_path / "out", BatchOptions(), executor=pool)
    assert result.exit_code == 0
    assert [len(r.docx) for r in result.results] == [4, 4]
    assert sorted(returned) == [("D-2026-0042", 5, False), ("D-2026-0107", 5, False)]  # bytes (4 .docx, 1 .eml)
    own = run_batch(path, tmp_path / "own", BatchOptions(jobs=2))
    for theirs, ours in zip(result.results, own.results):
        assert [p.name for p in theirs.documents] == [p.name for p in ours.documents]
        for a, b in zip(theirs.docx, ours.docx):
            assert read_docx(a).all_text() == read_docx(b).all_text()
    again = run_batch(path, tmp_path / "out", BatchOptions(), executor=ThreadPoolExecutor(max_workers=2))
    assert [r.status for r in again.results] == ["unchanged", "unchanged"]


def test_only_and_json_format(tmp_path, capsys):
    models = [load_any(p) for p in sorted(SAMPLES.glob("*.yaml"))]
    path = write_workbook(models, tmp_path / "deals.xlsx")
    code = main(["batch", str(path), "-o", str(tmp_path / "out"), "--only", "D-2026-0107", "--format", "json",
                 "--jobs", "1"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    [row] = data["deals"]
    assert row["deal"] == "D-2026-0107" and row["status"] == "written"
    assert row["total"] == "156849.00" and row["currency"] == "USD"
    assert "D-2026-0107/Proposal_AE017_v20261118.docx" in row["documents"]
    assert main(["batch", str(path), "-o", str(tmp_path / "out"), "--only", "D-2026-0108"]) == 2
    assert "did you mean 'D-2026-0107'" in capsys.readouterr().err


def test_deals_that_would_share_a_folder_stop_the_run_before_writing(tmp_path, capsys):
    deal = load_any(SAMPLES / "deal-en_US.yaml")
    twin = deal.model_copy(update={"id": "d-2026-0107"})
    path = write_workbook([deal, twin], tmp_path / "deals.xlsx")
    out = tmp_path / "out"
    assert main(["batch", str(path), "-o", str(out)]) == 2
    assert "would write into the folder" in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())


def test_deal_ids_that_look_the_same_after_nfkc_are_a_clash_before_anything_is_written(tmp_path, capsys):
    """QA2 Q16: D-2026-0042 and full-width Ｄ-2026-0042 were written into two folders that look the same."""
    deal = load_any(SAMPLES / "deal-en_US.yaml")
    twins = [deal.model_copy(update={"id": i}) for i in ("D-2026-0042", "\uff24-2026-0042")]
    path = write_workbook(twins, tmp_path / "deals.xlsx")
    out = tmp_path / "out"
    assert main(["batch", str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert ("deal '\uff24-2026-0042' would write into the folder '\uff24-2026-0042' of deal 'D-2026-0042'; "
            "the two ids look the same ('\uff24-2026-0042' has U+FF24 FULLWIDTH LATIN CAPITAL LETTER D)") in err
    assert not out.exists() or not any(out.iterdir())


def test_failed_checks_skip_the_deal_unless_forced(tmp_path, capsys):
    deal = load_any(SAMPLES / "deal-en_US.yaml")
    bad = deal.model_copy(update={"valid_until": deal.issue_date})  # offer valid for 0 days
    path = write_workbook([bad], tmp_path / "deals.xlsx")
    result = run_batch(path, tmp_path / "out", BatchOptions(jobs=1))
    [r] = result.results
    if r.status == "written":
        pytest.skip("the checks accept this deal")
    assert r.status == "failed" and result.exit_code == 1
    assert r.errors and not (tmp_path / "out" / deal.id).exists()
    forced = run_batch(path, tmp_path / "out2", BatchOptions(jobs=1, force=True))
    assert forced.results[0].status == "draft"
    proposal = [p for p in forced.results[0].docx if p.name.startswith("Proposal")][0]
    assert "DRAFT" in read_docx(proposal).all_text()


def test_report_cells_never_run_as_formulas(tmp_path):
    from bidgen.batch.job import DealResult
    from bidgen.batch.report import write_report

    r = DealResult("=HYPERLINK(\"http://x\")", "failed", folder=tmp_path / "x")
    r.findings = [{"severity": "error", "rule": "input", "message": "+1 -2 @SUM(A1)", "place": "\tA1"}]
    path = write_report([r], tmp_path)
    wb = openpyxl.load_workbook(path)
    cell = wb["deals"]["A2"]
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"http://x\")"
    assert cell.quotePrefix
    row = [c for c in wb["findings"][2]]
    assert [c.data_type for c in row] == ["s"] * 5
    assert row[4].value == "+1 -2 @SUM(A1)" and row[4].quotePrefix


def test_a_run_killed_with_sigkill_leaves_no_half_file_and_the_next_completes(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import time

    models = [load_any(p) for p in sorted(SAMPLES.glob("*.yaml"))]
    deals = [m for m in models if type(m).__name__ == "Deal"]
    many = [d.model_copy(update={"id": f"{d.id}-{k}"}) for k in range(6) for d in deals]
    path = write_workbook(many, tmp_path / "deals.xlsx")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "bidgen.cli.main", "batch", str(path), "-o", str(out),
                             "--jobs", "1", "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # kill it once it has written something (or whenever it gets there first)
    for _ in range(400):
        if proc.poll() is not None or (out.exists() and any(out.rglob("*.docx"))):
            break
        time.sleep(0.05)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    for doc in out.rglob("*.docx"):  # every document there is whole
        assert read_docx(doc).all_text()
    result = run_batch(path, out, BatchOptions(jobs=1))
    assert result.exit_code == 0
    assert {r.status for r in result.results} <= {"written", "unchanged"}
    assert all(len(r.docx) == 2 for r in result.results)  # proposal and brief (no tender or meeting)
    assert not [p for p in out.rglob("*") if p.name.endswith((".tmp", ".bak"))]


def _sample_workbook(tmp_path: Path) -> tuple[Path, openpyxl.Workbook]:
    models = [load_any(p) for p in sorted(SAMPLES.glob("*.yaml"))]
    path = write_workbook(models, tmp_path / "deals.xlsx")
    return path, openpyxl.load_workbook(path)


def _retype_the_last_item_of_0107(tmp_path: Path, capsys, owner: str) -> tuple[int, Path, int, str]:  # noqa: ANN001
    """The sample workbook with the last item row of D-2026-0107 given the owner id ``owner``, run
    through ``bidgen batch``: (that row, OUTDIR, exit code, stderr)."""
    path, wb = _sample_workbook(tmp_path)
    items = wb["items"]
    row = [r for r in range(2, items.max_row + 1) if items.cell(row=r, column=1).value == "D-2026-0107"][-1]
    items.cell(row=row, column=1, value=owner)
    wb.save(path)
    out = tmp_path / "out"
    code = main(["batch", str(path), "-o", str(out), "--jobs", "1", "--quiet"])
    return row, out, code, capsys.readouterr().err


def test_a_line_item_of_no_deal_is_a_located_error_not_a_silent_drop(tmp_path, capsys):
    """A typo in an item's deal id used to drop the line from its deal silently (exit 0, under-priced)."""
    path, wb = _sample_workbook(tmp_path)
    items = wb["items"]
    row = next(r for r in range(2, items.max_row + 1) if items.cell(row=r, column=1).value == "D-2026-0107")
    items.cell(row=row, column=1, value="X-9999")
    wb.save(path)
    out = tmp_path / "out"
    code = main(["batch", str(path), "-o", str(out), "--jobs", "1", "--quiet", "--format", "json"])
    captured = capsys.readouterr()
    assert code == 1
    assert f"deals.xlsx:items!A{row}" in captured.err
    assert "X-9999" in captured.err and "belong to no deal" in captured.err
    report = json.loads(captured.out)
    assert len(report["unassigned"]) == 1 and f"items!A{row}" in report["unassigned"][0]
    findings = list(openpyxl.load_workbook(out / "batch-report.xlsx")["findings"].iter_rows(values_only=True))
    assert any(r[0] == "(no deal)" and f"items!A{row}" in r[3] for r in findings)


def test_a_deal_id_typed_as_a_number_is_a_located_error(tmp_path, capsys):
    path, wb = _sample_workbook(tmp_path)
    deals = wb["deals"]
    row = next(r for r in range(2, deals.max_row + 1) if deals.cell(row=r, column=1).value == "D-2026-0107")
    deals.cell(row=row, column=1, value=20260107)
    wb.save(path)
    code = main(["batch", str(path), "-o", str(tmp_path / "out"), "--jobs", "1", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert f"deals.xlsx:deals!A{row} (id)" in err
    assert (tmp_path / "out" / "D-2026-0042").is_dir()  # the good deal is still written


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"), reason="process-death signal is Linux's")
def test_workers_end_when_the_driver_is_killed(tmp_path):
    """A driver killed with SIGKILL (timeout, the OOM killer, a cancelled CI job) used to leave its
    worker processes alive for good, blocked on a pipe nobody reads."""
    import os
    import signal
    import subprocess
    import sys
    import time

    models = [load_any(p) for p in sorted(SAMPLES.glob("*.yaml"))]
    deals = [m for m in models if type(m).__name__ == "Deal"]
    many = [d.model_copy(update={"id": f"{d.id}-{k}"}) for k in range(40) for d in deals]
    path = write_workbook(many, tmp_path / "deals.xlsx")
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "bidgen.cli.main", "batch", str(path), "-o", str(out),
                             "--jobs", "3", "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def children() -> list[int]:
        found = []
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    stat = open(f"/proc/{pid}/stat").read()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == proc.pid:
                    found.append(int(pid))
        return found

    workers: list[int] = []
    for _ in range(600):  # wait until the pool's workers run (two: the driver is the third)
        workers = children()
        if len(workers) >= 2 or proc.poll() is not None:
            break
        time.sleep(0.05)
    assert proc.poll() is None and workers, "the run ended before its workers could be seen"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    alive = workers
    while alive and time.monotonic() < deadline:
        alive = [w for w in workers if os.path.exists(f"/proc/{w}") and
                 open(f"/proc/{w}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"]
        time.sleep(0.1)
    assert not alive, f"workers {alive} outlived their driver"


def test_check_reads_a_batch_output_folder(batch_out, capsys):
    """`bidgen check OUTDIR` after a batch used to say "nothing to check here" (exit 2)."""
    code = main(["check", str(batch_out), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    checked = json.dumps(report, ensure_ascii=False)
    assert code == 0, checked[:2000]
    assert "Proposal_CN203_v20261120.docx" in checked and "Proposal_AE017_v20261118.docx" in checked


def test_a_symlink_planted_at_a_deal_folder_is_never_followed(tmp_path, capsys):
    """A link at OUTDIR/<deal id> used to send the deal's documents outside OUTDIR, then crash."""
    path, _ = _sample_workbook(tmp_path)
    out = tmp_path / "out"
    elsewhere = tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "D-2026-0107").symlink_to(elsewhere, target_is_directory=True)
    code = main(["batch", str(path), "-o", str(out), "--jobs", "1", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert "D-2026-0107" in err and "symbolic link" in err
    assert list(elsewhere.iterdir()) == []
    assert len(list((out / "D-2026-0042").glob("*.docx"))) == 4
    assert (out / "batch-report.xlsx").is_file()


def test_a_row_whose_deal_id_is_a_near_miss_stops_that_deal(tmp_path, capsys):
    """A typo in an item's deal id (D-2026-0170 for D-2026-0107) used to write D-2026-0107 without the
    line, under-priced, marked 'written'."""
    row, out, code, err = _retype_the_last_item_of_0107(tmp_path, capsys, "D-2026-0170")
    assert code == 1
    assert "deal D-2026-0107: not written" in err
    assert f"deals.xlsx:items!A{row}" in err and "did you mean 'D-2026-0107'" in err
    assert not (out / "D-2026-0107").exists()
    assert len(list((out / "D-2026-0042").glob("*.docx"))) == 4


@pytest.mark.parametrize("typed,named", [
    ("D\u20112026\u20110107", "U+2011 NON-BREAKING HYPHEN"),
    ("D\u20132026\u20130107", "U+2013 EN DASH"),
    ("D\u22122026-0107", "U+2212 MINUS SIGN"),
    ("\uff24-\uff12\uff10\uff12\uff16-0107", "U+FF24 FULLWIDTH LATIN CAPITAL LETTER D"),
    ("D-2026-\u200b0107", "U+200B ZERO WIDTH SPACE"),
])
def test_a_row_whose_deal_id_only_looks_like_the_deal_s_stops_that_deal(tmp_path, capsys, typed, named):
    """QA2 Q13: an item whose deal id had look-alike hyphens (pasted from Word) was dropped and the
    deal written under-priced; the message showed an id identical on screen to the real one."""
    row, out, code, err = _retype_the_last_item_of_0107(tmp_path, capsys, typed)
    assert code == 1
    assert "deal D-2026-0107: not written" in err
    line = next(x for x in err.splitlines() if f"deals.xlsx:items!A{row}" in x)
    assert "did you mean 'D-2026-0107'" in line
    if named:
        assert f"(with {named}" in line and "is not 'D-2026-0107', though it looks the same" in line
    assert not (out / "D-2026-0107").exists()
    assert len(list((out / "D-2026-0042").glob("*.docx"))) == 4
    rows = {r[0]: r for r in openpyxl.load_workbook(out / "batch-report.xlsx")["deals"].iter_rows(values_only=True)}
    assert rows["D-2026-0107"][1] == "failed"


def test_a_row_with_two_slips_in_a_look_alike_id_is_claimed_but_another_id_is_not(tmp_path):
    from bidgen.inputs.workbook import read_workbook

    path, wb = _sample_workbook(tmp_path)
    items = wb["items"]
    rows = [r for r in range(2, items.max_row + 1) if items.cell(row=r, column=1).value == "D-2026-0107"]
    items.cell(row=rows[-1], column=1, value="D\u20112026\u20110170")  # look-alike hyphens and a swap
    items.cell(row=rows[0], column=1, value="D-2025-0999")  # another id: the run's own error
    wb.save(path)
    book = read_workbook(path)
    entry = book.entry("D-2026-0107")
    assert not entry.ok
    assert [e.place for e in entry.errors] == [f"deals.xlsx:items!A{rows[-1]}"]
    assert "did you mean 'D-2026-0107'? ('D\u20112026\u20110170' has U+2011 NON-BREAKING HYPHEN)" in entry.errors[0].message
    assert [o.place for o in book.orphans] == [f"deals.xlsx:items!A{rows[0]}"]


def test_a_hidden_row_stops_its_deal_and_a_hidden_column_with_values_stops_the_run(tmp_path, capsys):
    """QA2 Q9: a line item hidden by a filter was priced silently; a hidden discount column applied."""
    path, wb = _sample_workbook(tmp_path)
    items = wb["items"]
    row = next(r for r in range(2, items.max_row + 1) if items.cell(row=r, column=1).value == "D-2026-0107")
    items.row_dimensions[row].hidden = True
    items.column_dimensions["Z"].hidden = True  # hidden but empty: nothing is read from it
    wb.save(path)
    out = tmp_path / "out"
    assert main(["batch", str(path), "-o", str(out), "--jobs", "1", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "deal D-2026-0107: not written" in err
    assert (f"deals.xlsx:items!{row}: row {row} of sheet 'items' is hidden: unhide it, or delete it if it must not "
            "count (bidgen reads what Excel shows)") in err
    assert not (out / "D-2026-0107").exists()
    assert len(list((out / "D-2026-0042").glob("*.docx"))) == 4

    wb = openpyxl.load_workbook(path)
    wb["items"].row_dimensions[row].hidden = False
    headers = [c.value for c in wb["items"][1]]
    letter = openpyxl.utils.get_column_letter(headers.index("unit_price") + 1)
    wb["items"].column_dimensions[letter].hidden = True
    wb.save(path)
    out2 = tmp_path / "out2"
    assert main(["batch", str(path), "-o", str(out2), "--jobs", "1", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert (f"deals.xlsx:items!{letter}: column {letter} of sheet 'items' is hidden and holds values: unhide it, or "
            "delete the column if it must not count") in err
    assert not out2.exists() or not any(out2.iterdir())


def test_a_surrogate_escape_in_a_cell_is_removed_with_a_warning_naming_the_cell(tmp_path, capsys):
    """Excel writes an unpaired surrogate as ``_xD800_``; it used to crash the whole batch."""
    path, wb = _sample_workbook(tmp_path)
    deals = wb["deals"]
    headers = [c.value for c in deals[1]]
    col = headers.index("client.name") + 1
    row = next(r for r in range(2, deals.max_row + 1) if deals.cell(row=r, column=1).value == "D-2026-0107")
    deals.cell(row=row, column=col, value="Gulf _xD800_Logistics Holding LLC")
    wb.save(path)
    out = tmp_path / "out"
    code = main(["batch", str(path), "-o", str(out), "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 0, err
    cell = f"{openpyxl.utils.get_column_letter(col)}{row}"
    assert f"deals!{cell} (client.name): removed control characters or unpaired surrogates" in err
    # --quiet: only errors print (QA4 Q4-13); the warning is in the report all the same (below)
    assert main(["batch", str(path), "-o", str(out), "--jobs", "1", "--quiet", "--rebuild"]) == 0
    assert capsys.readouterr().err == ""
    proposal = next((out / "D-2026-0107").glob("Proposal_*.docx"))
    assert "Gulf Logistics Holding LLC" in read_docx(proposal).all_text()
    book = openpyxl.load_workbook(out / "batch-report.xlsx", read_only=True)  # and in the report (QA2 Q3)
    rows = [r for r in book["findings"].iter_rows(values_only=True) if r[2] == "input"]
    assert any(r[0] == "D-2026-0107" and r[3].endswith(f"deals!{cell} (client.name)") and r[1] == "warning"
               and "removed control characters" in r[4] for r in rows)


@pytest.mark.parametrize("value", [1e308, 1e28])
def test_a_huge_number_cell_is_a_located_error_not_a_crash(tmp_path, capsys, value):
    path, wb = _sample_workbook(tmp_path)
    items = wb["items"]
    headers = [c.value for c in items[1]]
    col = headers.index("unit_price") + 1
    row = next(r for r in range(2, items.max_row + 1) if items.cell(row=r, column=1).value == "D-2026-0107")
    items.cell(row=row, column=col, value=value)
    wb.save(path)
    out = tmp_path / "out"
    code = main(["batch", str(path), "-o", str(out), "--jobs", "1", "--quiet"])
    err = capsys.readouterr().err
    assert code == 1
    assert "deal D-2026-0107: not written" in err and "unit_price" in err
    assert "Traceback" not in err
    assert len(list((out / "D-2026-0042").glob("*.docx"))) == 4


def test_the_report_keeps_within_excel_limits(tmp_path, monkeypatch):
    """More findings than a sheet's 1,048,576 rows used to end the run in a traceback, with no report."""
    from bidgen.batch import report
    from bidgen.batch.job import DealResult

    monkeypatch.setattr(report, "EXCEL_ROWS", 6)
    results = []
    for k in range(3):
        r = DealResult(f"D-{k}", "failed")
        r.findings = [{"severity": "error", "rule": "input", "place": f"deals.xlsx:items!F{n}",
                       "message": "x" * 40_000} for n in range(3)]
        results.append(r)
    path = report.write_report(results, tmp_path)
    rows = list(openpyxl.load_workbook(path)["findings"].iter_rows(values_only=True))
    assert len(rows) == 6
    assert rows[-1][0] == "…" and "5 more findings" in rows[-1][4]
    assert all(len(r[4]) <= report.EXCEL_CELL for r in rows[1:])


def test_check_findings_are_placed_at_the_workbook_cell_of_their_key(tmp_path, capsys):
    """Check findings used to be placed by key path (``negotiation.concessions[0].price_after``),
    which a sales-ops person cannot find in the workbook; they now name the cell."""
    path, wb = _sample_workbook(tmp_path)
    sheet = wb["negotiation.concessions"]
    headers = [c.value for c in sheet[1]]
    col = headers.index("price_after") + 1
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(row=r, column=1).value == "D-2026-0042"
               and sheet.cell(row=r, column=col).value is not None)
    sheet.cell(row=row, column=col, value=600000)  # far below the offered price: the ladder is wrong
    wb.save(path)
    cell = f"deals.xlsx:negotiation.concessions!{openpyxl.utils.get_column_letter(col)}{row} (price_after)"
    out = tmp_path / "out"
    code = main(["batch", str(path), "-o", str(out), "--jobs", "1", "--format", "json"])
    captured = capsys.readouterr()
    assert code == 1
    report = json.loads(captured.out)
    [deal] = [d for d in report["deals"] if d["deal"] == "D-2026-0042"]
    placed = [f for f in deal["findings"] if f["place"] == cell]
    assert placed and all(f["rule"].startswith("CONC-") for f in placed), deal["findings"]
    assert not [f for f in deal["findings"] if "concessions[" in f["place"]]  # no key path left
    assert f"  {cell}: " in captured.err  # the plain output names the cell too
    rows = list(openpyxl.load_workbook(out / "batch-report.xlsx")["findings"].iter_rows(values_only=True))
    assert any(r[0] == "D-2026-0042" and r[3] == cell and r[2].startswith("CONC-") for r in rows)


def test_deal_ids_in_any_script_get_folders_of_their_own(tmp_path):
    """Chinese ids used to lose their letters: 华东-001 and 华南-001 both became folder '001' and the
    run stopped as a clash; a device name such as CON made a folder Windows cannot open."""
    import email
    from email import policy

    from bidgen.paths import ascii_component, safe_component

    assert safe_component("华东-001") == "华东-001" and safe_component("华南-001") == "华南-001"
    assert safe_component("../x") == "x" and safe_component("a/b") == "a-b"
    assert safe_component("CON") == "CON_" and safe_component("com1") == "com1_" and safe_component("CONX") == "CONX"
    long_a, long_b = "A" * 70 + "1", "A" * 70 + "2"
    assert safe_component(long_a) != safe_component(long_b) and len(safe_component(long_a)) <= 60
    assert ascii_component("华东-001") != ascii_component("华南-001") and ascii_component("华东-001").isascii()

    base = load_any(SAMPLES / "deal-zh_CN.yaml")
    meeting = load_any(SAMPLES / "meeting-zh_CN.yaml")
    deals = [base.model_copy(update={"id": i}) for i in ("华东-001", "华南-001", "CON")]
    meetings = [meeting.model_copy(update={"deal": i}) for i in ("华东-001", "华南-001")]
    path = write_workbook([*deals, *meetings], tmp_path / "deals.xlsx")
    out = tmp_path / "out"
    assert main(["batch", str(path), "-o", str(out), "--jobs", "1", "--quiet"]) == 0
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["CON_", "华东-001", "华南-001"]
    ids = set()
    for folder in ("华东-001", "华南-001"):
        assert len(list((out / folder).glob("*.docx"))) == 3  # proposal, memo, brief
        (eml,) = (out / folder).glob("*.eml")
        msg = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
        assert msg["Message-ID"].isascii()
        ids.add(msg["Message-ID"])
    assert len(ids) == 2  # two deals, two drafts, two Message-IDs


def test_what_all_warns_about_a_document_is_in_the_report_and_the_output(tmp_path, capsys):
    """A draft without To and From used to be reported 'written, 0 warnings' by the batch, while
    `bidgen all` warns about both (QA2 Q3)."""
    deal = load_any(SAMPLES / "deal-en_US.yaml")
    meeting = load_any(SAMPLES / "meeting-en_US.yaml")
    data = deal.model_dump(exclude_none=True)
    data["seller"]["contact"].pop("email", None)
    for c in data["client"].get("contacts", []):
        c.pop("email", None)
    bare = type(deal).model_validate(data)
    mdata = meeting.model_dump(exclude_none=True)
    for a in mdata.get("attendees", {}).get("client", []):
        a.pop("email", None)
    path = write_workbook([bare, type(meeting).model_validate(mdata)], tmp_path / "deals.xlsx")
    out = tmp_path / "out"
    assert main(["batch", str(path), "-o", str(out), "--jobs", "1", "--format", "json"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    (row,) = report["deals"]
    messages = [f["message"] for f in row["findings"] if f["rule"] == "document"]
    assert any("fill in To" in m for m in messages) and any("fill in From" in m for m in messages)
    assert all(f["place"].startswith("Memo_") for f in row["findings"] if "fill in" in f["message"])
    assert row["warnings"] >= 2
    assert "warning(s) (see the report)" in captured.err
    book = openpyxl.load_workbook(out / "batch-report.xlsx", read_only=True)
    found = [r for r in book["findings"].iter_rows(values_only=True) if r[2] == "document"]
    assert any("fill in To" in r[4] and r[3].startswith("Memo_") for r in found)


def test_a_rerun_retires_the_documents_of_an_earlier_set_and_flags_them_when_the_deal_fails(tmp_path):
    """A new client code names the documents differently: the earlier set used to stay beside the
    new one; a deal that fails on a re-run kept its outdated documents without a word (QA2 Q6)."""
    deal = load_any(SAMPLES / "deal-en_US.yaml")
    meeting = load_any(SAMPLES / "meeting-en_US.yaml")
    out = tmp_path / "out"
    first = write_workbook([deal, meeting], tmp_path / "first.xlsx")
    assert main(["batch", str(first), "-o", str(out), "--jobs", "1", "--quiet"]) == 0
    folder = out / deal.id
    old = sorted(p.name for p in folder.iterdir())
    assert len(old) == 4 and all("AE017" in n for n in old)
    edited = next(p for p in folder.iterdir() if p.name.startswith("Brief_"))
    edited.write_bytes(edited.read_bytes() + b"\0")  # a person changed this one since

    renamed = deal.model_copy(update={"client": deal.client.model_copy(update={"code": "AE018"})})
    second = write_workbook([renamed, meeting], tmp_path / "second.xlsx")
    assert main(["batch", str(second), "-o", str(out), "--jobs", "1", "--quiet", "--format", "json"]) == 0
    now = sorted(p.name for p in folder.iterdir())
    assert sorted(n for n in now if "AE018" in n) == sorted(n.replace("AE017", "AE018") for n in old)
    assert [n for n in now if "AE017" in n] == [edited.name]  # the edited one is left, with a warning
    book = openpyxl.load_workbook(out / "batch-report.xlsx", read_only=True)
    rows = [r for r in book["findings"].iter_rows(values_only=True) if r[2] == "output"]
    assert any(edited.name in r[3] and "not one of this deal's current documents" in r[4] for r in rows)

    wb = openpyxl.load_workbook(second)
    items = wb["items"]
    col = [c.value for c in items[1]].index("quantity") + 1
    items.cell(row=2, column=col, value="many")
    wb.save(second)
    assert main(["batch", str(second), "-o", str(out), "--jobs", "1", "--quiet"]) == 1
    assert sorted(p.name for p in folder.iterdir()) == now  # the last good set is kept …
    book = openpyxl.load_workbook(out / "batch-report.xlsx", read_only=True)
    stale = [r for r in book["findings"].iter_rows(values_only=True) if r[2] == "output"]
    assert any("no longer match the workbook" in r[4] and "Proposal_AE018" in r[4] for r in stale)  # … and flagged


_KILL_ONE_WORKER = r"""
import os, signal, sys
from pathlib import Path
import bidgen.batch.run as run

real = run.run_deal
marker = Path(sys.argv[3])

def dies_once(job, shared):
    if job.id == "D-2026-0107" and not marker.exists():  # the OOM killer takes this worker, once
        marker.write_text("killed")
        os.kill(os.getpid(), signal.SIGKILL)
    return real(job, shared)

run.run_deal = dies_once
from bidgen.cli.main import main
sys.exit(main(["batch", sys.argv[1], "-o", sys.argv[2], "--jobs", "2", "--quiet"]))
"""


def test_a_worker_killed_mid_run_neither_hangs_the_run_nor_loses_the_other_deals(tmp_path):
    """A worker killed by the OOM killer used to leave the driver hanging forever (QA2 Q8): the pool
    is replaced, the deals it had in flight are tried once more, and the run ends with its report."""
    import subprocess
    import sys

    path, _wb = _sample_workbook(tmp_path)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-c", _KILL_ONE_WORKER, str(path), str(out), str(tmp_path / "killed")],
                          capture_output=True, text=True, timeout=180)
    assert (tmp_path / "killed").exists()  # the worker was killed …
    assert proc.returncode == 0, proc.stderr  # … and the deal it had was rendered again by a new one
    for deal in ("D-2026-0042", "D-2026-0107"):
        assert len(list((out / deal).glob("*.docx"))) >= 3
    assert (out / "batch-report.xlsx").is_file()


_KILL_WHILE_WRITING = r"""
import os, signal, sys
from pathlib import Path

driver = os.getpid()
marker = Path(sys.argv[3])
real = os.replace

def dies_mid_write(src, dst, *a, **k):
    # the OOM killer takes a worker once, after its first document of the deal went to a temporary file
    if os.getpid() != driver and "D-2026-0107" in str(dst) and not marker.exists():
        marker.write_text("killed")
        os.kill(os.getpid(), signal.SIGKILL)
    return real(src, dst, *a, **k)

os.replace = dies_mid_write
from bidgen.cli.main import main
sys.exit(main(["batch", sys.argv[1], "-o", sys.argv[2], "--jobs", "2", "--quiet"]))
"""


def test_a_worker_killed_while_writing_leaves_no_temporary_file(tmp_path):
    """A worker writes the deals it renders: killed halfway through a deal's set, it leaves that
    set's temporary files; the run removes them, renders the deal again and completes it."""
    import subprocess
    import sys

    path, _wb = _sample_workbook(tmp_path)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-c", _KILL_WHILE_WRITING, str(path), str(out), str(tmp_path / "killed")],
                          capture_output=True, text=True, timeout=180)
    assert (tmp_path / "killed").exists()
    assert proc.returncode == 0, proc.stderr
    assert not [p.name for p in out.rglob("*") if p.name.endswith((".tmp", ".bak"))]
    names = sorted(p.name for p in (out / "D-2026-0107").iterdir())
    assert len([n for n in names if n.endswith(".docx")]) >= 3, names
    for doc in (out / "D-2026-0107").glob("*.docx"):
        assert read_docx(doc).all_text()


def test_a_pool_that_keeps_breaking_ends_the_run_with_the_deals_failed(tmp_path, monkeypatch):
    from concurrent.futures import Executor, Future
    from concurrent.futures.process import BrokenProcessPool

    import bidgen.batch.run as run

    class Broken(Executor):
        def submit(self, fn, /, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
            raise BrokenProcessPool("a child process terminated abruptly")

        def shutdown(self, wait=True, *, cancel_futures=False):  # noqa: ANN001
            pass

    monkeypatch.setattr(run, "_executor", lambda jobs, warm=None: Broken())
    path, _wb = _sample_workbook(tmp_path)
    result = run_batch(path, tmp_path / "out", BatchOptions(jobs=2))
    assert [r.status for r in result.results] == ["failed", "failed"]
    assert all("ended unexpectedly" in r.errors[0] for r in result.results)
    assert result.report is not None and result.report.is_file()


def test_an_edited_manifest_never_makes_bidgen_delete_or_read_outside_the_deal_folder(tmp_path):
    """QA2 Q14: paths added to the manifest (../x, absolute, another folder) used to be deleted as
    'an earlier set' when their hash matched."""
    import hashlib

    path, _wb = _sample_workbook(tmp_path)
    out = tmp_path / "out"
    assert main(["batch", str(path), "-o", str(out), "--jobs", "1", "--quiet"]) == 0
    victims = [tmp_path / "victim.txt", out / "D-2026-0042" / "Proposal_CN203_v20261120.docx"]
    victims[0].write_text("important")
    manifest = out / MANIFEST
    rows = [json.loads(line) for line in manifest.read_text().splitlines()]
    for row in rows:
        if row.get("deal") == "D-2026-0107":
            for v, rel in ((victims[0], "../victim.txt"), (victims[0], str(victims[0])),
                           (victims[1], "D-2026-0042/Proposal_CN203_v20261120.docx"),
                           (victims[0], "D-2026-0107/../../victim.txt")):
                row["files"].append([rel, hashlib.sha256(v.read_bytes()).hexdigest()])
    manifest.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert main(["batch", str(path), "-o", str(out), "--jobs", "1", "--quiet", "--rebuild"]) == 0
    assert all(v.is_file() for v in victims)
    book = openpyxl.load_workbook(out / "batch-report.xlsx", read_only=True)
    ignored = [r for r in book["findings"].iter_rows(values_only=True) if r[2] == "output"]
    assert len(ignored) == 4 and all("not a document of this deal's folder" in r[4] for r in ignored)


def test_a_symlink_planted_at_the_manifest_is_replaced_never_written_through(tmp_path):
    """QA2 Q11: the manifest used to be appended to whatever file a planted link pointed at."""
    path, _wb = _sample_workbook(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (out / MANIFEST).symlink_to(victim)
    (out / (MANIFEST + ".tmp")).symlink_to(victim)
    assert main(["batch", str(path), "-o", str(out), "--jobs", "1", "--quiet"]) == 0
    assert victim.read_text() == "precious\n"
    assert not (out / MANIFEST).is_symlink() and '"deal"' in (out / MANIFEST).read_text()


@pytest.mark.parametrize("line", ['{"deal": "D-2026-0107", "files": "x", "hash": 5}',
                                  '{"deal": "D-2026-0107", "files": [["a"]], "hash": "h"}',
                                  '{"deal": "D-2026-0107", "files": [[1, 2]], "hash": "h", "findings": "x"}'])
def test_a_manifest_entry_of_the_wrong_shape_is_ignored_not_a_traceback(tmp_path, line):
    """QA2 Q18: such a line used to end the run with a ValueError traceback."""
    path, _wb = _sample_workbook(tmp_path)
    out = tmp_path / "out"
    assert main(["batch", str(path), "-o", str(out), "--jobs", "1", "--quiet"]) == 0
    with open(out / MANIFEST, "a") as fh:
        fh.write(line + "\n")
    assert main(["batch", str(path), "-o", str(out), "--jobs", "1", "--quiet"]) == 0
    assert len(list((out / "D-2026-0107").glob("*.docx"))) >= 3


_KILLED_MID_WRITE = """
import sys, time
from bidgen.batch import run as R

def big(n):
    return b"x" * n

if __name__ == "__main__":
    pool = R._executor(2)
    pool.submit(big, 300 << 20)
    time.sleep(float(sys.argv[1]))
    R._stop(pool)  # what Ctrl-C or SIGTERM does: the workers are killed, maybe mid-write of a result
"""


def test_a_run_stopped_while_a_worker_writes_its_result_still_exits(tmp_path):
    """QA3 Q3-4: a worker killed halfway through sending a large result left the pool's thread
    reading the rest for ever, and the interpreter waiting for it at exit ("aborted", then a hang
    that only kill -9 ended)."""
    import subprocess
    import sys

    script = tmp_path / "stop.py"
    script.write_text(_KILLED_MID_WRITE)
    for delay in ("0.4", "0.7", "1.0"):
        proc = subprocess.run([sys.executable, str(script), delay], capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr[-2000:]


def test_workers_load_the_templates_themselves_only_from_a_full_cache(tmp_path, monkeypatch):
    """QA3 Q3-7: without the compiled templates on disk, each worker compiled every template
    (--jobs 8 on a 1-deal workbook: 8.9 s); then the driver compiles them once, before forking."""
    from concurrent.futures import Executor, Future

    import bidgen.batch.run as run
    from bidgen.docx import render

    made, warmed = [], []

    class Idle(Executor):  # a pool whose workers are never started: only what it was given counts
        def submit(self, fn, /, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
            return Future()

    monkeypatch.setattr(run, "_executor", lambda jobs, warm=None: made.append(warm) or Idle())
    monkeypatch.setattr(run, "_warm_up", lambda warm: warmed.append(warm))
    monkeypatch.setenv("BIDGEN_CACHE_DIR", str(tmp_path / "cache"))
    render.clear_cache()
    run._start_pool(2, BatchOptions(jobs=2))  # an empty cache: the driver loads them
    assert warmed and made[-1] is None
    monkeypatch.setattr(run, "_warm_up", lambda warm: [render.CompiledTemplate.load(p) for p in run._templates(warm)])
    run._start_pool(2, BatchOptions(jobs=2))  # fills the cache
    warmed.clear()
    monkeypatch.setattr(run, "_warm_up", lambda warm: warmed.append(warm))
    run._start_pool(2, BatchOptions(jobs=2))  # a full cache: each worker loads them
    assert not warmed and made[-1] is not None and set(made[-1].locales) >= {"en_US", "zh_CN", "zh_TW"}
    import os

    many = (os.cpu_count() or 1) + 1
    run._start_pool(many, BatchOptions(jobs=many))  # more workers than cores: the driver again
    assert warmed and made[-1] is None
    render.clear_cache()


def test_a_worker_leaves_ctrl_c_to_the_driver():
    """QA3 Q3-11: Ctrl-C reaches every process of the terminal's group; a worker that took it
    printed 'Process ForkProcess-N:' and a traceback besides the driver's 'aborted'."""
    import signal

    import bidgen.batch.run as run

    pool = run._executor(2)
    try:
        assert pool.submit(signal.getsignal, signal.SIGINT).result(timeout=60) == signal.SIG_IGN
    finally:
        pool.shutdown()


# --- deals that end the process rendering them, write failures, SIGTERM (QA4) -------------------

_KILLER_DEAL = r"""
import os, signal, sys
import bidgen.batch.run as run

real = run.run_deal

def dies(job, shared):  # this deal ends whichever process renders it, every time (OOM killer, a crash)
    if job.id == sys.argv[3]:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(job, shared)

run.run_deal = dies
from bidgen.cli.main import main
sys.exit(main(["batch", sys.argv[1], "-o", sys.argv[2], "--jobs", sys.argv[4], "--quiet"]))
"""


def _many_deals(tmp_path: Path, copies: int) -> Path:
    models = [load_any(p) for p in sorted(SAMPLES.glob("*.yaml"))]
    deals = [m for m in models if type(m).__name__ == "Deal"]
    many = [d.model_copy(update={"id": f"{d.id}-{k:02d}"}) for k in range(copies) for d in deals]
    return write_workbook(many, tmp_path / "deals.xlsx")


def _statuses(out: Path) -> dict[str, str]:
    rows = openpyxl.load_workbook(out / "batch-report.xlsx", read_only=True)["deals"].iter_rows(values_only=True)
    next(rows)
    return {r[0]: r[1] for r in rows}


@pytest.mark.parametrize("jobs", ["1", "3"])
def test_a_deal_that_ends_its_process_fails_alone_and_the_runs_converge(tmp_path, jobs):
    """QA4 Q4-1/Q4-2: such a deal, rendered by the driver, ended the whole run, and every re-run
    ended at the same deal; rendered by a worker, the deals retried with it on the new pool failed
    too, some on every re-run. Now a deal that ended the driver is rendered alone in a worker by the
    next run, and the deals of a broken pool are retried one at a time: only that deal fails."""
    import subprocess
    import sys

    path = _many_deals(tmp_path, 6)
    victim = "D-2026-0042-02"
    out = tmp_path / "out"
    codes = []
    for _ in range(3):  # the driver may render the deal and end with it (at most once)
        proc = subprocess.run([sys.executable, "-c", _KILLER_DEAL, str(path), str(out), victim, jobs],
                              capture_output=True, text=True, timeout=300)
        codes.append(proc.returncode)
        if proc.returncode != -9:
            break
    assert codes[-1] == 1, (codes, proc.stderr[-3000:])
    assert codes.count(-9) <= 1 and (jobs != "1" or codes == [-9, 1])
    assert "Traceback" not in proc.stderr
    statuses = _statuses(out)
    assert len(statuses) == 12
    assert {d for d, s in statuses.items() if s == "failed"} == {victim}
    assert f"deal {victim}: not written" in proc.stderr and "ended unexpectedly" in proc.stderr
    assert not [p.name for p in out.rglob("*") if p.name.endswith((".tmp", ".bak"))]
    again = subprocess.run([sys.executable, "-c", _KILLER_DEAL, str(path), str(out), victim, jobs],
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 1, again.stderr[-3000:]  # and so on: the same deal, alone
    statuses = _statuses(out)
    assert {d for d, s in statuses.items() if s == "failed"} == {victim}
    assert {s for d, s in statuses.items() if d != victim} == {"unchanged"}


def test_a_deal_whose_set_cannot_be_written_keeps_its_entry_then_its_old_set_goes(tmp_path, monkeypatch):
    """QA4 Q4-4: a deal whose write failed lost its manifest entry: the report did not say its
    documents were stale, and once written again under other names its old set stayed beside it."""
    import datetime

    from bidgen.documents import output
    from bidgen.errors import WriteError

    path, wb = _sample_workbook(tmp_path)
    out = tmp_path / "out"
    assert run_batch(path, out, BatchOptions(jobs=1)).exit_code == 0
    before = sorted(p.name for p in (out / "D-2026-0107").iterdir())
    deals = wb["deals"]
    col = [c.value for c in deals[1]].index("issue_date") + 1
    row = next(r for r in range(2, deals.max_row + 1) if deals.cell(row=r, column=1).value == "D-2026-0107")
    deals.cell(row=row, column=col, value=datetime.datetime(2026, 11, 17))  # the documents' names change
    wb.save(path)
    real = output.write_set

    def full_disk(docs, **kw):  # noqa: ANN001, ANN003
        if any("AE017" in str(d.path) for d in docs):
            raise WriteError("cannot write: No space left on device; no document of this set was changed",
                             file=str(docs[0].path))
        return real(docs, **kw)

    monkeypatch.setattr(output, "write_set", full_disk)
    second = run_batch(path, out, BatchOptions(jobs=1))
    assert second.exit_code == 1
    [r] = [r for r in second.results if r.id == "D-2026-0107"]
    assert r.status == "failed" and any("No space left" in e for e in r.errors)
    assert any("no longer match the workbook" in f["message"] for f in r.findings)  # the stale set is named
    assert sorted(p.name for p in (out / "D-2026-0107").iterdir()) == before  # untouched
    monkeypatch.setattr(output, "write_set", real)
    third = run_batch(path, out, BatchOptions(jobs=1))
    assert third.exit_code == 0
    now = sorted(p.name for p in (out / "D-2026-0107").iterdir())
    assert now and all("20261117" in n or "Memo" in n for n in now), now  # the old set is gone


@pytest.mark.skipif(not __import__("sys").platform.startswith("linux"), reason="process groups and /proc")
def test_sigterm_to_the_whole_group_ends_the_run_without_a_traceback(tmp_path):
    """QA4 Q4-3: timeout, systemd, docker stop send SIGTERM to every process of the run; the
    workers, which inherited the driver's handler, printed KeyboardInterrupt tracebacks."""
    import os
    import signal
    import subprocess
    import sys
    import time

    path = _many_deals(tmp_path, 1)  # two deals: the workers soon wait for tasks that never come
    for delay in (0.0, 0.2, 0.4, 0.6, 0.8):
        out = tmp_path / f"out{delay}"
        proc = subprocess.Popen([sys.executable, "-m", "bidgen.cli.main", "batch", str(path), "-o", str(out),
                                 "--jobs", "3", "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True, start_new_session=True)
        for _ in range(600):  # until both workers run
            kids = [p for p in os.listdir("/proc") if p.isdigit() and _parent(p) == proc.pid]
            if len(kids) >= 2 or proc.poll() is not None:
                break
            time.sleep(0.02)
        time.sleep(delay)
        if proc.poll() is not None:  # the run ended before it could be stopped
            continue
        os.killpg(proc.pid, signal.SIGTERM)
        err = proc.communicate(timeout=60)[1]
        # 143 (128 + SIGTERM, QA5 Q5-10; it was Ctrl-C's 130): stopped; 0 or -15: it had finished (-15:
        # while the interpreter was ending, when Python's own handlers are gone)
        assert proc.returncode in (0, 143, -15), err[-2000:]
        assert proc.returncode != 143 or "bidgen: stopped (SIGTERM)" in err
        assert "Traceback" not in err and "KeyboardInterrupt" not in err, err[-3000:]
        assert not [p.name for p in out.rglob("*") if p.name.endswith((".tmp", ".bak"))]


def _parent(pid: str) -> int:
    try:
        return int(open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


def test_a_huge_jobs_count_starts_at_most_four_processes_a_core(tmp_path, monkeypatch):
    """QA4 Q4-10: --jobs 100000 (a slip for 10) forked 99,999 workers at once and took the machine down."""
    import os

    import bidgen.batch.run as run

    started = []
    real = run._executor
    monkeypatch.setattr(run, "_executor", lambda workers, warm=None: started.append(workers) or real(workers, warm))
    path, _wb = _sample_workbook(tmp_path)
    result = run_batch(path, tmp_path / "out", BatchOptions(jobs=100_000))
    assert result.exit_code == 0 and len(result.results) == 2
    assert started == [min(4 * (os.cpu_count() or 1), 64) - 1]


def test_the_pdfs_of_an_outdated_set_go_with_it(tmp_path):
    """QA4 Q4-19: --pdf makes PDFs after the run, outside the manifest; when a deal's documents were
    renamed (a new issue date), its old .docx went and its old PDFs stayed beside the new set."""
    import datetime

    path, wb = _sample_workbook(tmp_path)
    out = tmp_path / "out"
    assert run_batch(path, out, BatchOptions(jobs=1)).exit_code == 0
    folder = out / "D-2026-0107"
    for docx in folder.glob("*.docx"):  # what --pdf leaves (LibreOffice's output is not needed here)
        docx.with_suffix(".pdf").write_bytes(b"%PDF-1.7 converted from " + docx.name.encode())
    old_pdfs = sorted(p.name for p in folder.glob("*.pdf"))
    deals = wb["deals"]
    col = [c.value for c in deals[1]].index("issue_date") + 1
    row = next(r for r in range(2, deals.max_row + 1) if deals.cell(row=r, column=1).value == "D-2026-0107")
    deals.cell(row=row, column=col, value=datetime.datetime(2026, 11, 17))
    wb.save(path)
    assert run_batch(path, out, BatchOptions(jobs=1)).exit_code == 0
    left = sorted(p.name for p in folder.glob("*.pdf"))
    assert old_pdfs and left == [n for n in old_pdfs if n.startswith("Memo")], left  # the memo kept its name


def test_a_manifest_or_report_that_cannot_be_written_is_one_located_line_and_leaves_no_temporary(
        tmp_path, monkeypatch, capsys):
    """QA4 Q4-11: a full disk or a read-only OUTDIR at the manifest or the report was a raw OSError
    line with exit 2, naming no file (or a hidden temporary one), and left the temporary file."""
    import errno
    import os

    from bidgen.batch import manifest

    path, _wb = _sample_workbook(tmp_path)

    def full(*a, **k):  # noqa: ANN002, ANN003
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(manifest, "_open_own", full)
    out = tmp_path / "m"
    assert main(["batch", str(path), "-o", str(out), "--jobs", "1", "--quiet"]) == 1
    err = capsys.readouterr().err
    # what the run did (QA6 Q6-10: it was not said), then the error
    assert err.count("\n") == 2 and "Traceback" not in err and err.startswith("bidgen: 2 deal(s): 2 written in ")
    assert ".bidgen-batch.jsonl" in err and "cannot keep the run's manifest (No space left on device)" in err
    assert (out / "batch-report.xlsx").is_file() and len(list(out.rglob("*.docx"))) == 8
    monkeypatch.undo()

    real = os.replace

    def no_report(src, dst, *a, **k):  # noqa: ANN001, ANN002, ANN003
        if str(dst).endswith("batch-report.xlsx"):
            raise OSError(errno.EROFS, "Read-only file system")
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", no_report)
    out = tmp_path / "r"
    assert main(["batch", str(path), "-o", str(out), "--jobs", "1", "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "Traceback" not in err and "report: not written" in err
    assert f"{out / 'batch-report.xlsx'}" in err and "cannot write the run's report (Read-only file system)" in err
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


_ONE_BAD_RESULT = r"""
import sys
import bidgen.batch.run as run

real = run.run_deal

def buggy(job, shared):
    if job.id == sys.argv[3] and sys.argv[4] == "exit":
        sys.exit(3)  # a dependency that calls sys.exit
    r = real(job, shared)
    return r

run.run_deal = buggy
from bidgen.cli.main import main
sys.exit(main(["batch", sys.argv[1], "-o", sys.argv[2], "--jobs", "2", "--quiet"]))
"""


def test_a_result_that_cannot_go_back_fails_its_own_deal_only(tmp_path, monkeypatch):
    """QA4 Q4-25: a deal whose result could not be sent back from its worker (an object that does not
    pickle, a bug) failed every deal of its task, whose documents were written."""
    import threading

    import bidgen.batch.run as run
    from bidgen.batch.job import DealJob, Shared
    from bidgen.checks import load_policy
    from bidgen.inputs.tables import open_workbook
    from bidgen.inputs.workbook import plan_workbook

    path = _many_deals(tmp_path, 2)
    with open_workbook(path) as src:
        plan = plan_workbook(src)
        jobs = [DealJob(r.id, tmp_path / "out" / r.id, r) for r in plan.deals(src)]
    shared = Shared(policy=load_policy(None, None), layout=plan.layout, common="0" * 64)
    real = run.run_deal

    def buggy(job, shared):  # noqa: ANN001
        r = real(job, shared)
        if job.id == jobs[1].id:
            r.notes = list(r.notes) + [threading.Lock()]
        return r

    monkeypatch.setattr(run, "run_deal", buggy)
    results = run._run_deals(jobs, shared, True)  # as in a worker: written, then sent back
    assert [r.status for r in results] == ["written", "failed", "written", "written"]
    [message] = results[1].errors
    assert "internal error while reporting this deal (its documents are written, but not recorded" in message
    assert all(p.is_file() for r in results for p in r.documents)
    here = run._run_deals(jobs[1:2], shared, True, True)  # in the driver nothing is sent: no harm done
    assert here[0].status == "written"


@pytest.mark.parametrize("bug", ["exit"])
def test_a_deal_with_a_bug_fails_alone_whoever_renders_it(tmp_path, bug):
    """QA4 Q4-26: a deal whose job called sys.exit ended the run, without a report."""
    import subprocess
    import sys

    path = _many_deals(tmp_path, 8)
    victim = "D-2026-0107-03"
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-c", _ONE_BAD_RESULT, str(path), str(out), victim, bug],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr[-3000:]
    statuses = _statuses(out)
    assert len(statuses) == 16 and {d for d, s in statuses.items() if s == "failed"} == {victim}, statuses
    assert "internal error" in proc.stderr and "please report it" in proc.stderr


def test_only_bidgens_own_leftovers_are_removed_from_a_deal_folder(tmp_path):
    """QA4 Q4-22: every run deleted any hidden *.tmp or *.bak file in the deals' folders."""
    path, _wb = _sample_workbook(tmp_path)
    out = tmp_path / "out"
    assert run_batch(path, out, BatchOptions(jobs=1)).exit_code == 0
    folder = out / "D-2026-0042"
    mine = [folder / ".pricing-notes.bak", folder / ".draft.tmp"]
    ours = folder / ".Proposal_SH001_v20261120.docx.k2j8x_0a.tmp"
    for f in (*mine, ours):
        f.write_text("x")
    assert run_batch(path, out, BatchOptions(jobs=1)).exit_code == 0
    assert all(f.exists() for f in mine) and not ours.exists()


def test_a_reader_that_goes_away_stops_the_progress_not_the_run(tmp_path):
    """QA4 Q4-24: `bidgen batch … | head -1` ended the run at the next progress line, silently, with
    exit 1 and no report."""
    import subprocess
    import sys

    path = _many_deals(tmp_path, 4)
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "bidgen.cli.main", "batch", str(path), "-o", str(out), "--jobs", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first = proc.stdout.readline()
    proc.stdout.close()  # the reader goes away after one line
    err = proc.stderr.read()
    assert proc.wait(timeout=300) == 0, err[-2000:]
    assert first.startswith("[1/8]")
    assert "8 deal(s): 8 written" in err and "Traceback" not in err
    assert (out / "batch-report.xlsx").is_file() and len(_statuses(out)) == 8


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_document_a_person_changed_is_never_written_over_by_accident(tmp_path, jobs):
    """QA4 Q4-17: a document a person changed after the run (a sales director's wording) used to be
    replaced without a word on the next run that rendered its deal.  Kept when the deal's inputs are
    the same (with a warning); when the deal must be written again, it fails and nothing of its set
    is written; ``--rebuild`` replaces it on purpose."""
    import docx

    deal = load_any(SAMPLES / "deal-en_US.yaml")
    other = load_any(SAMPLES / "deal-zh_CN.yaml")
    path = write_workbook([deal, other], tmp_path / "deals.xlsx")
    out = tmp_path / "out"
    assert run_batch(path, out, BatchOptions(jobs=jobs)).exit_code == 0
    folder = out / deal.id
    proposal = next(folder.glob("Proposal_*.docx"))
    brief = next(folder.glob("Brief_*.docx"))
    edit = docx.Document(str(proposal))
    edit.add_paragraph("Approved by the sales director, with the wording agreed on the phone.")
    edit.save(str(proposal))
    edited = proposal.read_bytes()
    place = f"{deal.id}/{proposal.name}"

    # the same inputs: the change is kept, and the report says so
    again = run_batch(path, out, BatchOptions(jobs=jobs))
    assert [r.status for r in again.results] == ["unchanged", "unchanged"] and again.exit_code == 0
    assert proposal.read_bytes() == edited
    [kept] = [f for f in again.results[0].findings if f["place"] == place]
    assert kept["severity"] == "warning" and kept["message"].startswith("changed since bidgen wrote it: kept as it is")
    assert kept["rule"] == "edited" and f"--rebuild --only {deal.id} writes it again" in kept["message"]

    # a file of the set gone as well: the set must be written again, which would replace the change
    brief.unlink()
    gone = run_batch(path, out, BatchOptions(jobs=jobs))
    assert [r.status for r in gone.results] == ["failed", "unchanged"] and gone.exit_code == 1
    assert proposal.read_bytes() == edited and not brief.exists()
    [refused] = [f for f in gone.results[0].findings if f["place"] == place]
    assert refused["severity"] == "error" and "none was written" in refused["message"]
    assert f"({deal.id}/{brief.name} is gone)" in refused["message"]  # why the set is written again
    assert f"--rebuild --only {deal.id}" in refused["message"]  # (a plain --rebuild writes over others' changes)
    assert not [f for f in gone.results[0].findings if "no longer match the workbook" in f["message"]]

    # the deal's inputs changed: the same refusal; the other deal is not held back
    renamed = "Fleet Visibility Platform, phase one"
    changed = deal.model_copy(update={"project": deal.project.model_copy(update={"name": renamed})})
    path2 = write_workbook([changed, other], tmp_path / "changed.xlsx")
    third = run_batch(path2, out, BatchOptions(jobs=jobs))
    assert [r.status for r in third.results] == ["failed", "unchanged"]
    assert proposal.read_bytes() == edited and not brief.exists()
    assert any(f["place"] == place and "(its inputs changed)" in f["message"] for f in third.results[0].findings)

    # --rebuild: written again from the workbook, on purpose
    rebuilt = run_batch(path2, out, BatchOptions(jobs=jobs, rebuild=True))
    assert [r.status for r in rebuilt.results] == ["written", "written"] and brief.exists()
    [lost] = [f for f in rebuilt.results[0].findings if f["place"] == place]  # said, since a change is gone
    assert lost["severity"] == "warning" and lost["message"].startswith("written over (--rebuild)")
    text = read_docx(proposal).all_text()
    assert "Approved by the sales director" not in text
    assert renamed in text


def _renamed(deal, name):
    return deal.model_copy(update={"project": deal.project.model_copy(update={"name": name})})


def test_a_run_stopped_between_writing_a_deal_and_recording_it_raises_no_false_alarm(tmp_path, monkeypatch):
    """QA5 Q5-01: a run stopped (Ctrl-C, a kill) after a process put a deal's new set in place but
    before the driver recorded it used to leave files the next run took for a person's changes:
    the deal then failed on every run until --rebuild.  The writing process notes the files it
    puts in place first, so the next run knows them as bidgen's."""
    from bidgen.batch.manifest import Manifest

    deal = load_any(SAMPLES / "deal-en_US.yaml")
    other = load_any(SAMPLES / "deal-zh_CN.yaml")
    out = tmp_path / "out"
    assert run_batch(write_workbook([deal, other], tmp_path / "a.xlsx"), out, BatchOptions(jobs=1)).exit_code == 0

    def stopped(self, *args, **kwargs):  # Ctrl-C right after the first deal's new set is in place
        raise KeyboardInterrupt

    monkeypatch.setattr(Manifest, "record", stopped)
    with pytest.raises(KeyboardInterrupt):
        run_batch(write_workbook([_renamed(deal, "Phase one"), other], tmp_path / "b.xlsx"), out, BatchOptions(jobs=1))
    monkeypatch.undo()
    proposal = next((out / deal.id).glob("Proposal_*.docx"))
    assert "Phase one" in read_docx(proposal).all_text()  # in place, and not recorded

    # the workbook changed again before the next run: the files are bidgen's, written over
    third = run_batch(write_workbook([_renamed(deal, "Phase two"), other], tmp_path / "c.xlsx"), out,
                      BatchOptions(jobs=2))
    assert [r.status for r in third.results] == ["written", "unchanged"], third.results[0].findings
    assert "Phase two" in read_docx(proposal).all_text()
    assert not [f for f in third.results[0].findings if f["rule"] == "output"]
    assert '"writing"' not in (out / MANIFEST).read_text(encoding="utf-8")  # recorded now: the note is gone


def test_a_changed_file_left_by_an_earlier_set_is_not_written_over_when_its_name_comes_back(tmp_path):
    """QA5 Q5-04: a file a person changed, left in place when the deal's documents took new names
    (a new issue date), used to be written over without a word when the old date came back."""
    import datetime as dt

    deal = load_any(SAMPLES / "deal-en_US.yaml")
    out = tmp_path / "out"
    path = write_workbook([deal], tmp_path / "a.xlsx")
    assert run_batch(path, out, BatchOptions(jobs=1)).exit_code == 0
    proposal = next((out / deal.id).glob("Proposal_*.docx"))
    proposal.write_bytes(proposal.read_bytes() + b"\0")  # a person changed it
    changed = proposal.read_bytes()

    later = deal.model_copy(update={"issue_date": deal.issue_date + dt.timedelta(days=7)})
    second = run_batch(write_workbook([later], tmp_path / "b.xlsx"), out, BatchOptions(jobs=1))
    assert second.results[0].status == "written"  # new names: nothing in the way
    assert proposal.read_bytes() == changed  # left in place, with a warning …
    stray = f"{deal.id}/{proposal.name}"
    assert any(f["place"] == stray and "not one of this deal's current documents" in f["message"]
               for f in second.results[0].findings)
    # … at every later run, unchanged or written again (QA6 Q6-7: it was said once, then never again)
    again = run_batch(write_workbook([_renamed(later, "Phase one")], tmp_path / "c.xlsx"), out, BatchOptions(jobs=1))
    assert again.results[0].status == "written" and any(f["place"] == stray for f in again.results[0].findings)
    again = run_batch(tmp_path / "c.xlsx", out, BatchOptions(jobs=1))
    assert again.results[0].status == "unchanged" and any(f["place"] == stray for f in again.results[0].findings)

    back = run_batch(path, out, BatchOptions(jobs=1))  # the first date again: the old name is wanted
    assert back.results[0].status == "failed" and back.exit_code == 1
    assert proposal.read_bytes() == changed
    assert any(f["place"] == f"{deal.id}/{proposal.name}" and "none was written" in f["message"]
               for f in back.results[0].findings)


def test_a_file_no_run_wrote_is_not_written_over(tmp_path):
    """A file in a deal's folder that no run into OUTDIR wrote (a person's, or from before the
    manifest was deleted) is not written over unless it holds the very bytes to write; --rebuild
    writes over it on purpose."""
    deal = load_any(SAMPLES / "deal-en_US.yaml")
    path = write_workbook([deal], tmp_path / "a.xlsx")
    reference = run_batch(path, tmp_path / "ref", BatchOptions(jobs=1))
    [name] = [p.name for p in reference.results[0].documents if p.name.startswith("Proposal_")]
    out = tmp_path / "out"
    (out / deal.id).mkdir(parents=True)
    mine = out / deal.id / name
    mine.write_bytes(b"a document of someone else's making")
    first = run_batch(path, out, BatchOptions(jobs=1))
    assert first.results[0].status == "failed" and mine.read_bytes() == b"a document of someone else's making"
    assert not list((out / deal.id).glob("Brief_*"))  # none of the set was written
    # the same bytes as bidgen would write (a copy of an earlier output): nothing is lost, written
    mine.write_bytes((tmp_path / "ref" / deal.id / name).read_bytes())
    assert run_batch(path, out, BatchOptions(jobs=1)).results[0].status == "written"
    mine.write_bytes(b"changed again")
    (out / MANIFEST).unlink()  # the manifest gone: nothing vouches for the file
    assert run_batch(path, out, BatchOptions(jobs=1)).results[0].status == "failed"
    assert run_batch(path, out, BatchOptions(jobs=1, rebuild=True)).results[0].status == "written"
    assert mine.read_bytes() == (tmp_path / "ref" / deal.id / name).read_bytes()


def test_a_second_run_into_an_outdir_in_use_is_refused(tmp_path, capsys):
    """QA5 Q5-2: two runs into the same OUTDIR at once (another terminal, a scheduled job) wrote
    over each other's documents and records, and left documents of the other workbook reported
    `unchanged`.  The second run is refused (exit 2, nothing written) while the first holds OUTDIR."""
    import fcntl

    from bidgen.batch.run import LOCK

    path, _wb = _sample_workbook(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    with open(out / LOCK, "w") as held:  # a run in progress (its lock; its process id inside)
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        held.write("4242")
        held.flush()
        assert main(["batch", str(path), "-o", str(out), "--jobs", "1", "--quiet"]) == 2
        err = capsys.readouterr().err
        assert f"bidgen: {out}: another bidgen batch (process 4242) is writing into this folder" in err
        assert sorted(p.name for p in out.iterdir()) == [LOCK]  # nothing written
    assert main(["batch", str(path), "-o", str(out), "--jobs", "1", "--quiet"]) == 0  # its end frees OUTDIR
    assert main(["batch", str(path), "-o", str(out), "--jobs", "2", "--quiet"]) == 0  # (and each run's own end)


@pytest.mark.parametrize("change", [{"total": "abc"}, {"total": [1]}, {"total": "1e999999999"}, {"findings": [{}]},
                                    {"findings": [{"severity": "fatal", "rule": "x", "message": "y", "place": ""}]},
                                    "another deal's file"])
def test_a_hand_edited_manifest_entry_is_ignored_and_its_deal_written_again(tmp_path, change):
    """QA5 Q5-7: an entry whose total or findings were edited gave a traceback and no report (or a
    run of 15 s, for a total of a billion digits); one listing another deal's file showed that
    file as this deal's document.  Such an entry is ignored: the deal is written again."""
    path, _wb = _sample_workbook(tmp_path)
    out = tmp_path / "out"
    first = run_batch(path, out, BatchOptions(jobs=1))
    victim, other = first.results[0].id, first.results[1]
    manifest = out / MANIFEST
    lines = []
    for line in manifest.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row.get("deal") == victim:
            if isinstance(change, dict):
                row.update(change)
            else:
                row["files"].append([other.documents[0].relative_to(out).as_posix(), "0" * 64])
        lines.append(json.dumps(row))
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    again = run_batch(path, out, BatchOptions(jobs=1))
    assert [r.status for r in again.results] == ["written", "unchanged"]
    assert all(p.parent.name == victim for p in again.results[0].documents)
    assert again.report is not None and again.report.is_file()


def test_json_report_with_standard_output_closed_is_one_line_not_a_traceback(tmp_path):
    """QA5 Q5-10: `--format json >&-` gave an AttributeError traceback."""
    import subprocess
    import sys

    path, _wb = _sample_workbook(tmp_path)
    proc = subprocess.run([sys.executable, "-c", "import os, sys; os.close(1); sys.stdout = None; "
                           "from bidgen.cli.main import main; sys.exit(main())", "batch", str(path), "-o",
                           str(tmp_path / "out"), "--format", "json"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == ["bidgen: --format json prints the report on standard output, which is "
                                        "closed: give it a file (> report.json), or leave --format out (the report "
                                        "is in OUTDIR/batch-report.xlsx)"]
    assert not (tmp_path / "out").exists()  # refused before anything was written


def test_the_summary_says_how_many_documents_changed_by_hand_were_kept(tmp_path, capsys):
    """QA5 Q5-8: a kept change was said in the report only; the summary line says it too."""
    path, _wb = _sample_workbook(tmp_path)
    out = tmp_path / "out"
    assert main(["batch", str(path), "-o", str(out), "--jobs", "1", "--quiet"]) == 0
    brief = next(out.glob("*/Brief_*.docx"))
    brief.write_bytes(brief.read_bytes() + b"\0")
    capsys.readouterr()
    assert main(["batch", str(path), "-o", str(out), "--jobs", "1"]) == 0
    last = capsys.readouterr().err.splitlines()[-1]
    assert last.startswith("bidgen: 2 deal(s): 2 unchanged; 1 document(s) changed by hand kept as they are in ")


def test_a_manifest_line_spoilt_by_a_byte_is_ignored_not_a_traceback(tmp_path):
    """QA6: one byte that is not UTF-8 in the manifest (a torn multi-byte character, a stray edit)
    gave a traceback at every run's end, and lost every deal's record."""
    path, _wb = _sample_workbook(tmp_path)
    out = tmp_path / "out"
    assert run_batch(path, out, BatchOptions(jobs=1)).exit_code == 0
    with open(out / MANIFEST, "ab") as fh:
        fh.write(b"\xff\xfe garbage\n{\"deal\": \"D-\xe4\xb8\", \"hash\": \"x\"}\n")
    again = run_batch(path, out, BatchOptions(jobs=1))
    assert [r.status for r in again.results] == ["unchanged", "unchanged"]  # the good lines still count
    assert [r.status for r in run_batch(path, out, BatchOptions(jobs=1)).results] == ["unchanged", "unchanged"]
    assert b"garbage" not in (out / MANIFEST).read_bytes()  # compacted away


def test_notes_of_a_set_that_cannot_be_put_in_place_do_not_pile_up(tmp_path):
    """QA6: a deal whose set cannot be put in place (a folder stands at one of its paths) left one
    more 'writing' note in the manifest at every run, kept for ever."""
    deal = load_any(SAMPLES / "deal-en_US.yaml")
    out = tmp_path / "out"
    path = write_workbook([deal], tmp_path / "a.xlsx")
    reference = run_batch(path, tmp_path / "ref", BatchOptions(jobs=1))
    [name] = [p.name for p in reference.results[0].documents if p.name.startswith("Proposal_")]
    (out / deal.id / name).mkdir(parents=True)  # in the way
    for _ in range(3):
        r = run_batch(path, out, BatchOptions(jobs=1)).results[0]
        assert r.status == "failed" and any("a folder is in the way" in f["message"] for f in r.findings)
    assert (out / MANIFEST).read_text(encoding="utf-8").count('"writing"') == 1
    (out / deal.id / name).rmdir()
    assert run_batch(path, out, BatchOptions(jobs=1)).results[0].status == "written"
    assert '"writing"' not in (out / MANIFEST).read_text(encoding="utf-8")


def test_a_lock_file_planted_as_a_link_is_replaced_never_followed(tmp_path):
    from bidgen.batch.run import LOCK

    path, _wb = _sample_workbook(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    target = tmp_path / "elsewhere"
    (out / LOCK).symlink_to(target)
    assert run_batch(path, out, BatchOptions(jobs=1)).exit_code == 0
    assert not target.exists() and not (out / LOCK).is_symlink()


def test_a_set_put_in_place_by_a_stopped_run_under_other_names_is_retired_by_the_next(tmp_path, monkeypatch):
    """QA6 Q6-2: a run stopped after putting a deal's new set in place under new names (a new issue
    date) but before recording it, then the old inputs again: the stopped run's documents stayed
    in the folder for good, unreported, beside the set reported `unchanged`."""
    import datetime as dt

    import bidgen.batch.run as batch_run

    deal = load_any(SAMPLES / "deal-en_US.yaml")
    out = tmp_path / "out"
    path = write_workbook([deal], tmp_path / "a.xlsx")
    first = run_batch(path, out, BatchOptions(jobs=1))
    names = sorted(p.name for p in first.results[0].documents)

    def stopped(*args, **kwargs):  # Ctrl-C once the new set is in place, before the old one is retired
        raise KeyboardInterrupt

    monkeypatch.setattr(batch_run, "_retire", stopped)
    earlier = deal.model_copy(update={"issue_date": deal.issue_date - dt.timedelta(days=1)})
    with pytest.raises(KeyboardInterrupt):
        run_batch(write_workbook([earlier], tmp_path / "b.xlsx"), out, BatchOptions(jobs=1))
    monkeypatch.undo()
    assert len(list((out / deal.id).iterdir())) > len(names)  # the stopped run's set is there too

    again = run_batch(path, out, BatchOptions(jobs=1))
    assert again.results[0].status == "written", again.results[0].findings
    assert sorted(p.name for p in (out / deal.id).iterdir()) == names  # the stopped run's set retired
    assert '"writing"' not in (out / MANIFEST).read_text(encoding="utf-8")
    assert [r.status for r in run_batch(path, out, BatchOptions(jobs=1)).results] == ["unchanged"]


@pytest.mark.parametrize("line", ["[" * 100_000, '{"deal": "\\ud800", "hash": "x", "files": []}',
                                  '{"writing": "\\udc80", "files": [["D-2026-0042/\\udc80", "x"]]}',
                                  '{"deal": "D-2026-0042", "hash": "x", "files": ' +
                                  str([[f"D-2026-0042/f{i}.docx", "0"] for i in range(300_000)]).replace("'", '"')
                                  + "}"])
def test_a_manifest_line_of_a_wrong_shape_never_stops_a_run(tmp_path, line):
    """QA6 Q6-3, Q6-5: nesting too deep for the JSON reader, a lone surrogate, an entry listing
    300,000 files (it made every later run take 8 s and 0.8 GB) are ignored."""
    path, _wb = _sample_workbook(tmp_path)
    out = tmp_path / "out"
    assert run_batch(path, out, BatchOptions(jobs=1)).exit_code == 0
    with open(out / MANIFEST, "a", encoding="utf-8", errors="surrogatepass") as fh:
        fh.write(line + "\n")
    for _ in range(2):
        result = run_batch(path, out, BatchOptions(jobs=1))
        assert result.exit_code == 0 and len(result.results) == 2
        assert not [f for r in result.results for f in r.findings if f["rule"] == "output"]
    assert (out / MANIFEST).stat().st_size < 20_000


def test_what_a_run_says_of_the_folder_is_not_said_again_by_the_runs_after_it(tmp_path):
    """QA6 Q6-5: the warnings of one run about the folder ("written over (--rebuild)", a manifest
    naming a file of no deal's folder) were saved with the deal and repeated at every later run."""
    path, _wb = _sample_workbook(tmp_path)
    out = tmp_path / "out"
    first = run_batch(path, out, BatchOptions(jobs=1))
    brief = next(out.glob("*/Brief_*.docx"))
    brief.write_bytes(brief.read_bytes() + b"\0")
    rebuilt = run_batch(path, out, BatchOptions(jobs=1, rebuild=True))
    assert any(f["message"].startswith("written over (--rebuild)") for r in rebuilt.results for f in r.findings)
    later = run_batch(path, out, BatchOptions(jobs=1))
    assert [r.status for r in later.results] == ["unchanged", "unchanged"]
    assert [r.findings for r in later.results] == [r.findings for r in first.results]


def test_a_report_that_cannot_be_written_comes_after_what_the_run_did(tmp_path, capsys, monkeypatch):
    """QA6 Q6-10: on a full disk, the failed deals' errors and the summary were never printed: only
    the report's error, which also said every deal's documents were written."""
    from bidgen.batch.report import ReportWriter
    from bidgen.errors import WriteError

    path, wb = _sample_workbook(tmp_path)
    items = wb["items"]
    col = [c.value for c in items[1]].index("quantity") + 1
    items.cell(row=2, column=col, value="many")  # one deal fails
    wb.save(path)

    def full(self, unassigned=()):  # noqa: ANN001
        raise WriteError("cannot write the run's report (No space left on device); the deals said written are in "
                         "place: run the batch again to get it", file=str(self.outdir / "batch-report.xlsx"))

    monkeypatch.setattr(ReportWriter, "finish", full)
    assert main(["batch", str(path), "-o", str(tmp_path / "out"), "--jobs", "1", "--quiet"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("bidgen: deal ") and err[0].endswith(": not written")
    assert err[-2].startswith("bidgen: 2 deal(s): 1 written, 1 failed in ") and err[-2].endswith("report: not written")
    assert "cannot write the run's report (No space left on device)" in err[-1]


def test_once_the_run_is_done_a_late_signal_is_ignored_and_the_handlers_come_back(tmp_path):
    """QA6 Q6-9: Ctrl-C or SIGTERM arriving once the summary was printed turned a finished run into
    an "aborted" one (exit 130 or 143).  The signals are ignored while a finished run reports; the
    caller's handlers are back when the command returns."""
    import signal

    import bidgen.cli.batch as cli_batch

    seen = []
    real = cli_batch._tell

    def telling(*args, **kwargs):  # noqa: ANN002, ANN003
        seen.append((signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)))
        return real(*args, **kwargs)

    path, _wb = _sample_workbook(tmp_path)
    before = signal.getsignal(signal.SIGINT)
    cli_batch._tell = telling
    try:
        assert main(["batch", str(path), "-o", str(tmp_path / "out"), "--jobs", "1", "--quiet"]) == 0
    finally:
        cli_batch._tell = real
    assert seen == [(signal.SIG_IGN, signal.SIG_IGN)]
    assert signal.getsignal(signal.SIGINT) is before
