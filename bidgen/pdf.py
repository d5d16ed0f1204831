"""PDF copies of written .docx files, through LibreOffice headless.

One LibreOffice process converts every document of a run (it starts once, a second or two,
then converts each document in a fraction of that: see ``bench/bench_pdf.py``).  It runs with
a profile directory of its own, made for the run and removed after it, so that parallel runs,
and a LibreOffice the user has open, never collide; and under a timeout, after which the whole
process group is killed.  The PDFs are written into a scratch folder and moved beside their
.docx only when all of them exist, each atomically: no half-written PDF is ever left behind.

The profile carries a font replacement table: the templates name the fonts Word users have
(Calibri, Cambria, Microsoft YaHei, Microsoft JhengHei, …); where those are absent, LibreOffice
lays out with their metric-compatible equivalents (Carlito, Caladea) and the proper Noto CJK face
for the language (simplified for YaHei, traditional for JhengHei) instead of whatever fontconfig
picks first.  LibreOffice embeds every font it uses in the PDF.

``pdfa=True`` writes PDF/A-2b (archival, for tender portals that require it).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Iterable, Sequence
from xml.sax.saxutils import escape

from bidgen.errors import PdfError, PdfUnavailable

__all__ = ["FONT_REPLACEMENTS", "INSTALL_HINT", "convert", "default_timeout", "find_soffice", "is_pdfa"]

#: What to install where LibreOffice is missing (Debian/Ubuntu package; LibreOffice elsewhere).
INSTALL_HINT = ("install the 'libreoffice-writer-nogui' package (apt-get install libreoffice-writer-nogui), "
                "or LibreOffice from libreoffice.org")

#: Word font → the font LibreOffice lays it out with when the Word font is absent.
FONT_REPLACEMENTS: dict[str, str] = {
    "Calibri": "Carlito",
    "Cambria": "Caladea",
    "Arial": "Liberation Sans",
    "Times New Roman": "Liberation Serif",
    "Courier New": "Liberation Mono",
    "Courier": "Liberation Mono",
    "Microsoft YaHei": "Noto Sans CJK SC",
    "微软雅黑": "Noto Sans CJK SC",
    "DengXian": "Noto Sans CJK SC",
    "等线": "Noto Sans CJK SC",
    "SimHei": "Noto Sans CJK SC",
    "黑体": "Noto Sans CJK SC",
    "SimSun": "Noto Serif CJK SC",
    "宋体": "Noto Serif CJK SC",
    "Microsoft JhengHei": "Noto Sans CJK TC",
    "微軟正黑體": "Noto Sans CJK TC",
    "PMingLiU": "Noto Serif CJK TC",
    "新細明體": "Noto Serif CJK TC",
    "MingLiU": "Noto Serif CJK TC",
}

_PDF_FILTER = "pdf:writer_pdf_Export"
# PDF/A-2b (LibreOffice 7.4+ takes the filter options as JSON)
_PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


def find_soffice() -> str | None:
    """The LibreOffice executable: ``$BIDGEN_SOFFICE``, else ``soffice``/``libreoffice`` on PATH,
    else the usual install locations of macOS and Windows; None where there is none."""
    given = os.environ.get("BIDGEN_SOFFICE")
    if given:
        return given if Path(given).is_file() or shutil.which(given) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in ("/Applications/LibreOffice.app/Contents/MacOS/soffice",
                      r"C:\Program Files\LibreOffice\program\soffice.exe"):
        if Path(candidate).is_file():
            return candidate
    return None


def default_timeout(count: int) -> float:
    """Seconds a run of ``count`` documents may take: ``$BIDGEN_PDF_TIMEOUT`` if set, else two
    minutes for the start plus ten seconds a document (generous: a loaded machine is slow)."""
    given = os.environ.get("BIDGEN_PDF_TIMEOUT")
    if given:
        try:
            return max(1.0, float(given))
        except ValueError:
            raise PdfError(f"BIDGEN_PDF_TIMEOUT is not a number of seconds: {given!r}") from None
    return 120.0 + 10.0 * count


def _installed_families() -> set[str] | None:
    """Font families fontconfig knows (None when it cannot be asked: then replace always)."""
    if shutil.which("fc-list") is None:
        return None
    try:
        out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return {name.strip() for line in out.splitlines() for name in line.split(",")}


def _profile(directory: Path) -> None:
    """A fresh LibreOffice profile whose font replacement table maps each absent Word font."""
    installed = _installed_families()
    pairs = [(word, sub) for word, sub in FONT_REPLACEMENTS.items()
             if installed is None or (word not in installed and sub in installed)]
    items = [
        '<item oor:path="/org.openoffice.Office.Common/Font/Substitution">'
        '<prop oor:name="Replacement" oor:op="fuse"><value>true</value></prop></item>',
    ]
    for i, (word, sub) in enumerate(pairs):
        items.append(
            '<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs">'
            f'<node oor:name="_{i}" oor:op="replace">'
            '<prop oor:name="Always" oor:op="fuse"><value>true</value></prop>'
            '<prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>'
            f'<prop oor:name="ReplaceFont" oor:op="fuse"><value>{escape(word)}</value></prop>'
            f'<prop oor:name="SubstituteFont" oor:op="fuse"><value>{escape(sub)}</value></prop>'
            '</node></item>'
        )
    user = directory / "user"
    user.mkdir(parents=True)
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        + "\n".join(items) + "\n</oor:items>\n",
        encoding="utf-8",
    )


def _batches(paths: Sequence[Path]) -> list[list[Path]]:
    """Groups whose file names are unique (LibreOffice writes ``<stem>.pdf`` into one folder);
    one group unless two documents of a run share a name in different folders."""
    groups: list[list[Path]] = []
    names: list[set[str]] = []
    for p in paths:
        for group, seen in zip(groups, names):
            if p.stem not in seen:
                group.append(p)
                seen.add(p.stem)
                break
        else:
            groups.append([p])
            names.append({p.stem})
    return groups


def is_pdfa(path: Path) -> bool:
    """Whether a PDF declares PDF/A-2b conformance in its XMP metadata."""
    data = Path(path).read_bytes()
    return (b"pdfaid:part>2<" in data or b'pdfaid:part="2"' in data) and (
        b"pdfaid:conformance>B<" in data or b'pdfaid:conformance="B"' in data)


def _run(cmd: list[str], timeout: float, count: int) -> subprocess.CompletedProcess:
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            proc.kill()
        proc.communicate()
        raise PdfError(f"LibreOffice did not finish converting {count} document(s) within {timeout:.0f} s; "
                       "no PDF written (set BIDGEN_PDF_TIMEOUT to allow longer)") from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def convert(docx_files: Iterable[Path], *, pdfa: bool = False, timeout: float | None = None) -> list[Path]:
    """Write ``<name>.pdf`` beside each ``<name>.docx``; return the PDFs in the order given.

    One LibreOffice process converts them all (one per group of documents sharing a file name).
    Raises :class:`PdfUnavailable` where LibreOffice is not installed and :class:`PdfError` when
    it fails or times out; then no PDF of the run is written (an older PDF stays as it was).
    """
    sources = [Path(p).resolve() for p in docx_files]
    if not sources:
        return []
    soffice = find_soffice()
    if soffice is None:
        raise PdfUnavailable(f"PDF not written: LibreOffice is not installed; {INSTALL_HINT}")
    limit = default_timeout(len(sources)) if timeout is None else timeout
    scratch = Path(tempfile.mkdtemp(prefix="bidgen-pdf-"))
    try:
        profile = scratch / "profile"
        _profile(profile)
        made: dict[Path, Path] = {}
        for n, group in enumerate(_batches(sources)):
            outdir = scratch / f"out{n}"
            outdir.mkdir()
            cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
                   "--norestore", "--nolockcheck", "--nodefault", "--nologo",
                   "--convert-to", _PDFA_FILTER if pdfa else _PDF_FILTER, "--outdir", str(outdir),
                   *map(str, group)]
            done = _run(cmd, limit, len(group))
            for src in group:
                pdf = outdir / f"{src.stem}.pdf"
                if not pdf.is_file() or pdf.stat().st_size == 0 or pdf.read_bytes()[:5] != b"%PDF-":
                    said = (done.stderr or b"").decode("utf-8", "replace").strip().splitlines()
                    hint = f" (LibreOffice said: {said[-1]})" if said else ""
                    raise PdfError(f"LibreOffice wrote no PDF of this document{hint}; no PDF written", file=str(src))
                if pdfa and not is_pdfa(pdf):
                    raise PdfError("this LibreOffice cannot write PDF/A-2b (version 7.4 or later is needed); "
                                   "no PDF written", file=str(src))
                made[src] = pdf
        results = []
        for src in sources:
            target = src.with_suffix(".pdf")
            tmp = target.with_name(f".{target.name}.part")
            try:
                shutil.copyfile(made[src], tmp)
                os.replace(tmp, target)
            finally:
                tmp.unlink(missing_ok=True)
            results.append(target)
        return results
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
