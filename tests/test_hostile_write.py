"""Issue 9, kinds 3 and 4: a deal's documents are written as a set; nothing is overwritten by accident."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import example

from bidgen.cli import main as cli_main
from bidgen.docx.commit import FileSet
from bidgen.docx.readback import read_docx
from bidgen.errors import OutputClash, WriteError
from bidgen.inputs.load import load_deal, load_meeting, load_tender
from bidgen.pipeline import make_all


def _run(args: list[str]) -> tuple[int, str]:
    import contextlib
    import io

    err = io.StringIO()
    out = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = cli_main(args)
    return code, out.getvalue() + err.getvalue()


def _deal_file(tmp_path: Path, name: str, replace: dict[str, str]) -> Path:
    text = example("deal-en_US.yaml").read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _texts(folder: Path) -> dict[str, str]:
    out = {}
    for p in sorted(folder.iterdir()):
        if p.suffix == ".docx":
            out[p.name] = read_docx(p).all_text()
        else:
            out[p.name] = p.read_text(encoding="utf-8", errors="replace")
    return out


def _make(deal: Path, out: Path, **kw):
    return make_all(load_deal(deal), out, tender=load_tender(example("tender-en_US.yaml")),
                    meeting=load_meeting(example("meeting-en_US.yaml")), **kw)


@pytest.mark.parametrize("failing", ["Bid_", "Memo_", ".eml", "Brief_"])
def test_a_failed_write_leaves_the_previous_set_as_it_was(tmp_path, monkeypatch, failing):
    out = tmp_path / "out"
    _make(example("deal-en_US.yaml"), out)
    before = _texts(out)
    changed = _deal_file(tmp_path, "deal.yaml", {"name: Gulf Logistics Holding LLC": "name: Renamed Logistics LLC"})

    real_replace = os.replace

    def replace(src, dst, *a, **k):
        if failing in Path(dst).name and not str(dst).endswith((".tmp", ".bak")):
            raise OSError(28, "No space left on device")
        return real_replace(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(WriteError) as info:
        _make(changed, out)
    assert info.value.exit_code == 1
    assert failing in info.value.where.file and "No space left" in str(info.value)
    monkeypatch.undo()
    assert _texts(out) == before  # every document unchanged, the renamed client nowhere
    assert sorted(p.name for p in out.iterdir()) == sorted(before)  # no temporary or backup file left


def test_a_write_error_is_exit_1_naming_the_file_and_bad_input_stays_exit_2(tmp_path, monkeypatch):
    out = tmp_path / "out"
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *a):
            self.fh.close()

        def write(self, data):
            raise OSError(28, "No space left on device")

    def fdopen(fd, *a, **k):
        fh = real_fdopen(fd, *a, **k)
        return Full(fh)

    monkeypatch.setattr(os, "fdopen", fdopen)
    code, text = _run(["all", str(example("deal-en_US.yaml")), "-o", str(out)])
    monkeypatch.undo()
    assert code == 1
    assert "Proposal_AE017_v20261118.docx" in text and "No space left" in text and "Traceback" not in text
    assert not out.exists() or list(out.iterdir()) == []
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [\n", encoding="utf-8")
    code, text = _run(["all", str(bad), "-o", str(out)])
    assert code == 2


def test_two_deals_that_make_the_same_file_name_are_refused_before_writing(tmp_path):
    a = _deal_file(tmp_path, "a.yaml", {"code: AE017": "code: AE.017"})
    b = _deal_file(tmp_path, "b.yaml", {"code: AE017": "code: AE-017"})
    out = tmp_path / "out"
    for cmd in ("proposal", "brief"):
        code, text = _run([cmd, str(a), str(b), "-o", str(out)])
        assert code == 2, text
        assert str(a) in text and str(b) in text and "AE-017" in text
        assert not out.exists() or list(out.iterdir()) == []
    code, text = _run(["proposal", str(a), str(a), "-o", str(out)])
    assert code == 2 and text.count(str(a)) >= 2


def test_names_that_differ_only_in_case_clash():
    files = FileSet()
    files.add("/tmp/x/Proposal_ACME_v20260101.docx", b"1", source="a.yaml", kind="proposal")
    with pytest.raises(OutputClash) as info:
        files.add("/tmp/x/Proposal_acme_v20260101.docx", b"2", source="b.yaml", kind="proposal")
    assert "a.yaml" in str(info.value) and "b.yaml" in str(info.value)


def test_a_symlink_at_a_target_is_replaced_never_followed(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    link = out / "Proposal_AE017_v20261118.docx"
    link.symlink_to(victim)
    meeting = load_meeting(example("meeting-en_US.yaml"))
    eml_link = out / f"Memo_AE017_v{meeting.date:%Y%m%d}.eml"
    eml_link.symlink_to(victim)
    written = _make(example("deal-en_US.yaml"), out)
    assert victim.read_text(encoding="utf-8") == "keep me"
    assert not link.is_symlink() and not eml_link.is_symlink()
    assert {w.path for w in written} >= {link, eml_link}
    client = load_deal(example("deal-en_US.yaml")).client.name
    assert client in read_docx(link).all_text()
    assert "Subject:" in eml_link.read_text(encoding="utf-8")


def test_output_folders_are_resolved_once_per_block_and_afresh_after_it(tmp_path):
    """One deal's documents resolve its folder once (paths.one_resolution); the next deal sees
    the folder as it is then, and a name leaving the folder is refused inside a block as outside."""
    from bidgen.errors import RenderError
    from bidgen.paths import inside, one_resolution

    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    link = tmp_path / "out"
    link.symlink_to(first, target_is_directory=True)
    with one_resolution():
        assert inside(link, "a.docx") == first.resolve() / "a.docx"
        assert inside(link, "b.docx") == first.resolve() / "b.docx"
        with pytest.raises(RenderError, match="outside"):
            inside(link, "../c.docx")
    link.unlink()
    link.symlink_to(second, target_is_directory=True)
    assert inside(link, "a.docx") == second.resolve() / "a.docx"
    with one_resolution():
        assert inside(link, "a.docx") == second.resolve() / "a.docx"
