"""--pdf / --pdf-a: a PDF beside every .docx, made by one LibreOffice process with its own profile,
under a timeout, with every font embedded; one clear line (and the .docx files) where LibreOffice
is absent."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import example, needs_soffice

from bidgen.cli import main
from bidgen.pdf import FONT_REPLACEMENTS, convert, is_pdfa

EN = ("all", str(example("deal-en_US.yaml")), "--tender", str(example("tender-en_US.yaml")),
      "--meeting", str(example("meeting-en_US.yaml")))
ZH = ("all", str(example("deal-zh_CN.yaml")), "--tender", str(example("tender-zh_CN.yaml")),
      "--meeting", str(example("meeting-zh_CN.yaml")))


def fonts(pdf: Path) -> list[tuple[str, str]]:
    """(font name, embedded yes/no) of every font pdffonts lists."""
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name type [type…] encoding emb sub uni object ID: emb is the 5th field from the end
        rows.append((parts[0], parts[-5]))
    return rows


def fake_soffice(tmp_path: Path, body: str) -> Path:
    """An executable standing in for soffice (tests of what bidgen asks of it)."""
    script = tmp_path / "fake-soffice"
    script.write_text(f"#!{sys.executable}\n{body}", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


_WRITES_PDFS = """
import sys, os, json, pathlib
args = sys.argv[1:]
log = pathlib.Path(os.environ["FAKE_LOG"])
with log.open("a") as f:
    f.write(json.dumps(args) + "\\n")
out = pathlib.Path(args[args.index("--outdir") + 1])
profile = [a for a in args if a.startswith("-env:UserInstallation=")][0]
assert pathlib.Path(profile.split("file://", 1)[1], "user", "registrymodifications.xcu").is_file()
for a in args:
    if a.endswith(".docx"):
        (out / (pathlib.Path(a).stem + ".pdf")).write_bytes(b"%PDF-1.7 fake")
"""


def test_one_process_converts_every_document_of_a_run(tmp_path, monkeypatch, capsys):
    log = tmp_path / "calls.log"
    monkeypatch.setenv("BIDGEN_SOFFICE", str(fake_soffice(tmp_path, _WRITES_PDFS)))
    monkeypatch.setenv("FAKE_LOG", str(log))
    out = tmp_path / "out"
    assert main([*EN, "--split", "-o", str(out), "--pdf"]) == 0
    calls = [line for line in log.read_text().splitlines() if line]
    assert len(calls) == 1, "one LibreOffice start for the whole run"
    docx = sorted(p.stem for p in out.glob("*.docx"))
    assert len(docx) == 11
    assert sorted(p.stem for p in out.glob("*.pdf")) == docx
    printed = capsys.readouterr().out
    assert all(f"wrote {out / (stem + '.pdf')}" in printed for stem in docx)
    # the run's own profile, removed afterwards; no scratch file left beside the documents
    import json

    args = json.loads(calls[0])
    profile = Path([a for a in args if a.startswith("-env:UserInstallation=")][0].split("file://", 1)[1])
    assert not profile.exists()
    assert "--headless" in args
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_documents_sharing_a_name_in_two_folders(tmp_path, monkeypatch):
    log = tmp_path / "calls.log"
    monkeypatch.setenv("BIDGEN_SOFFICE", str(fake_soffice(tmp_path, _WRITES_PDFS)))
    monkeypatch.setenv("FAKE_LOG", str(log))
    a, b = tmp_path / "a" / "X.docx", tmp_path / "b" / "X.docx"
    for p in (a, b):
        p.parent.mkdir()
        p.write_bytes(b"PK")
    assert convert([a, b]) == [a.with_suffix(".pdf"), b.with_suffix(".pdf")]
    assert len(log.read_text().splitlines()) == 2  # one start per group of unique names, not per document


def test_no_libreoffice_writes_the_docx_and_says_what_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BIDGEN_SOFFICE", str(tmp_path / "no-such-soffice"))
    out = tmp_path / "out"
    code = main(["proposal", str(example("deal-en_US.yaml")), "-o", str(out), "--pdf"])
    captured = capsys.readouterr()
    assert code == 2
    lines = [line for line in captured.err.splitlines() if line and "warning" not in line]
    assert len(lines) == 1, captured.err
    assert "LibreOffice is not installed" in lines[0] and "libreoffice-writer-nogui" in lines[0]
    assert "Traceback" not in captured.err
    assert [p.suffix for p in out.iterdir()] == [".docx"]
    assert f"wrote {next(out.glob('*.docx'))}" in captured.out


def test_a_hanging_libreoffice_is_stopped_and_leaves_no_pdf(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BIDGEN_SOFFICE", str(fake_soffice(tmp_path, "import time\ntime.sleep(60)\n")))
    monkeypatch.setenv("BIDGEN_PDF_TIMEOUT", "1")
    out = tmp_path / "out"
    code = main(["brief", str(example("deal-zh_CN.yaml")), "-o", str(out), "--pdf"])
    err = capsys.readouterr().err
    assert code == 2
    assert "did not finish converting 1 document(s) within 1 s" in err and "Traceback" not in err
    assert sorted(p.suffix for p in out.iterdir()) == [".docx"]


def test_libreoffice_writing_nothing_is_an_error_naming_the_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BIDGEN_SOFFICE", str(fake_soffice(tmp_path, "import sys\nprint('Error: source file could not be loaded', file=sys.stderr)\n")))
    out = tmp_path / "out"
    code = main(["brief", str(example("deal-en_US.yaml")), "-o", str(out), "--pdf"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Brief_" in err and "wrote no PDF" in err and "source file could not be loaded" in err
    assert not list(out.glob("*.pdf"))


def template_fonts() -> set[str]:
    """Every font a built-in template's styles or text name (w:rFonts)."""
    import re
    import zipfile

    from conftest import ROOT

    named: set[str] = set()
    for t in (ROOT / "templates").glob("*.docx"):
        with zipfile.ZipFile(t) as z:
            for name in z.namelist():
                if name.startswith("word/") and name.endswith(".xml") and name != "word/fontTable.xml":
                    xml = z.read(name).decode("utf-8")
                    for tag in re.findall(r"<w:rFonts [^>]*>", xml):
                        named |= set(re.findall(r'w:(?:ascii|hAnsi|eastAsia|cs)="([^"]+)"', tag))
    return named


def test_profile_maps_the_word_fonts_the_templates_name():
    named = template_fonts() - {"Symbol"}  # bullets: LibreOffice maps Symbol to its own OpenSymbol
    assert named, "the templates name their fonts"
    assert named <= set(FONT_REPLACEMENTS), f"fonts without a LibreOffice equivalent: {named - set(FONT_REPLACEMENTS)}"


@needs_soffice
@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="pdffonts (poppler-utils) is not installed")
@pytest.mark.parametrize("args", [EN, ZH], ids=["en_US", "zh_CN"])
def test_pdf_beside_every_docx_with_every_font_embedded(tmp_path, args, capsys):
    out = tmp_path / "out"
    assert main([*args, "-o", str(out), "--pdf"]) == 0
    docx = sorted(out.glob("*.docx"))
    assert len(docx) == 4
    for d in docx:
        pdf = d.with_suffix(".pdf")
        assert pdf.is_file(), pdf
        used = fonts(pdf)
        assert used and all(emb == "yes" for _, emb in used), (pdf.name, used)
        names = " ".join(n for n, _ in used)
        assert "Carlito" in names, (pdf.name, names)  # Calibri's metric-compatible twin, never a stand-in
        assert "LiberationSans" not in names and "DejaVuSerif" not in names
        if args is ZH:
            assert "NotoSansCJK" in names, (pdf.name, names)
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert ("AE017" if args is EN else "CN203") in text


@needs_soffice
def test_pdf_a_2b(tmp_path):
    out = tmp_path / "out"
    assert main(["memo", str(example("meeting-zh_CN.yaml")), "--deal", str(example("deal-zh_CN.yaml")), "-o",
                 str(out), "--pdf-a"]) == 0
    pdfs = list(out.glob("*.pdf"))
    assert len(pdfs) == 1 and is_pdfa(pdfs[0])


@needs_soffice
def test_parallel_runs_do_not_collide(tmp_path):
    """Two conversions at once (each with its own LibreOffice profile) both finish."""
    from concurrent.futures import ThreadPoolExecutor

    from bidgen.inputs.load import load_deal
    from bidgen.pipeline import make_proposal

    docs = [make_proposal(load_deal(example(f"deal-{loc}.yaml")), tmp_path / loc).path for loc in ("en_US", "zh_CN")]
    with ThreadPoolExecutor(2) as pool:
        pdfs = list(pool.map(lambda d: convert([d]), docs))
    assert [p[0] for p in pdfs] == [d.with_suffix(".pdf") for d in docs]
    assert all(p[0].read_bytes()[:5] == b"%PDF-" for p in pdfs)


def test_batch_pdf_one_process_for_every_deal_and_only_what_is_stale(tmp_path, monkeypatch, capsys):
    import json

    log = tmp_path / "calls.log"
    monkeypatch.setenv("BIDGEN_SOFFICE", str(fake_soffice(tmp_path, _WRITES_PDFS)))
    monkeypatch.setenv("FAKE_LOG", str(log))
    ws = tmp_path / "ws"
    assert main(["init", str(ws)]) == 0
    out = tmp_path / "out"
    args = ["batch", str(ws / "deals.xlsx"), "-o", str(out), "--jobs", "1", "--quiet", "--library", str(ws)]
    assert main([*args, "--pdf"]) == 0
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(calls) == 1
    docx = sorted(out.rglob("*.docx"))
    assert len({d.parent for d in docx}) >= 2, "documents of several deals"
    assert sorted(p.with_suffix(".docx") for p in out.rglob("*.pdf")) == docx
    assert sum(a.endswith(".docx") for a in calls[0]) == len(docx)
    # a re-run converts nothing that is up to date (and starts no LibreOffice)
    assert main([*args, "--pdf"]) == 0
    assert len(log.read_text().splitlines()) == 1
    assert "0 PDF file(s) written" not in capsys.readouterr().err  # --quiet


def test_batch_without_libreoffice_writes_the_docx_and_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BIDGEN_SOFFICE", str(tmp_path / "no-such-soffice"))
    ws = tmp_path / "ws"
    assert main(["init", str(ws)]) == 0
    out = tmp_path / "out"
    code = main(["batch", str(ws / "deals.xlsx"), "-o", str(out), "--jobs", "1", "--quiet", "--library", str(ws),
                 "--pdf-a"])
    err = capsys.readouterr().err
    assert code == 2
    assert "libreoffice-writer-nogui" in err and "deal(s):" in err and "Traceback" not in err
    assert list(out.rglob("*.docx")) and not list(out.rglob("*.pdf"))
