"""Compiled templates kept on disk (bidgen.docx.compilecache): used only when safe and current,
and never changing what is rendered."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bidgen.docx import compilecache, render
from bidgen.docx.readback import read_docx
from bidgen.docx.render import CompiledTemplate
from bidgen.errors import TemplateError
from helpers_docx import build_template

CTX = {"client": "Acme & Søn", "total": "1,000.00", "ref": "P-1"}


@pytest.fixture()
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("BIDGEN_CACHE_DIR", str(folder))
    render.clear_cache()
    yield folder
    render.clear_cache()


@pytest.fixture()
def template(tmp_path: Path) -> Path:
    return build_template(
        tmp_path / "t.docx",
        ["Client: {{ client }}", ["Total: ", "{{ total | term('total') }}", " USD"],
         "{%p if client %}", "Shown", "{%p endif %}"],
        header="Header {{ client }}",
        footer="Ref {{ ref }}",
    )


def _records(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.bidgen-template")) if folder.is_dir() else []


def _fresh_load(path: Path) -> CompiledTemplate:
    render.clear_cache()  # the in-memory cache is per process: what a new process would do
    return CompiledTemplate.load(path)


def test_second_load_uses_the_record_and_renders_the_same(cache: Path, template: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    cold = _fresh_load(template).render(CTX)
    assert len(_records(cache)) == 1

    def no_compiling(*_args: object) -> None:
        raise AssertionError("compiled again although the record is current")

    monkeypatch.setattr(CompiledTemplate, "_compile_parts", no_compiling)
    warm = _fresh_load(template).render(CTX)
    assert warm == cold  # byte-identical documents
    text = read_docx(warm)
    assert text.paragraphs == ["Client: Acme & Søn", "Total: 1,000.00 USD", "Shown"]
    assert text.headers == ["Header Acme & Søn"] and text.footers == ["Ref P-1"]
    monkeypatch.undo()
    monkeypatch.setenv("BIDGEN_CACHE_DIR", "off")
    assert _fresh_load(template).render(CTX) == cold  # and equal to no cache at all


def test_errors_from_cached_code_still_name_part_and_line(cache: Path, template: Path) -> None:
    _fresh_load(template)
    tpl = _fresh_load(template)
    assert _records(cache)
    with pytest.raises(TemplateError) as info:
        tpl.render({"total": "1", "ref": "x"})
    err = info.value
    assert "'client'" in err.message and err.where.field == "word/document.xml"
    assert err.where.file == str(template) and err.where.line is not None
    assert "Client: {{ client }}" in err.message
    assert tpl.variables == {"client", "total", "ref"}


def test_a_changed_template_is_compiled_again(cache: Path, template: Path) -> None:
    assert read_docx(_fresh_load(template).render(CTX)).paragraphs[0] == "Client: Acme & Søn"
    build_template(template, ["Dear {{ client }}"])
    assert read_docx(_fresh_load(template).render(CTX)).paragraphs == ["Dear Acme & Søn"]
    assert len(_records(cache)) == 2  # one per content


def test_a_broken_record_is_ignored_and_made_again(cache: Path, template: Path) -> None:
    expected = _fresh_load(template).render(CTX)
    (record,) = _records(cache)
    for damage in (b"", b"\x00garbage", record.read_bytes()[:100]):
        record.write_bytes(damage)
        assert _fresh_load(template).render(CTX) == expected
        assert compilecache.load_record(record.stem) is not None  # written anew


def test_a_record_for_another_key_is_not_used(cache: Path, template: Path, tmp_path: Path) -> None:
    other = build_template(tmp_path / "other.docx", ["Other {{ client }}"])
    _fresh_load(template)
    _fresh_load(other)
    a, b = _records(cache)
    a.write_bytes(b.read_bytes())  # a record copied under another template's key
    assert compilecache.load_record(a.stem) is None
    paragraphs = [read_docx(_fresh_load(p).render(CTX)).paragraphs[0] for p in (template, other)]
    assert paragraphs == ["Client: Acme & Søn", "Other Acme & Søn"]


def test_the_same_template_at_another_path_has_its_own_record(cache: Path, template: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.docx"
    copy.write_bytes(template.read_bytes())
    _fresh_load(template)
    with pytest.raises(TemplateError) as info:
        _fresh_load(copy).render({})
    assert info.value.where.file == str(copy)  # errors name the file actually used
    assert len(_records(cache)) == 2


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="owners are checked where POSIX has them")
def test_an_unsafe_folder_is_not_used(tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)  # anyone could plant a record
    monkeypatch.setenv("BIDGEN_CACHE_DIR", str(shared))
    compilecache._warn.cache_clear()
    with pytest.warns(compilecache.CacheWarning, match="not a private folder"):
        assert compilecache.cache_dir() is None
    assert read_docx(_fresh_load(template).render(CTX)).paragraphs[0] == "Client: Acme & Søn"
    assert _records(shared) == []

    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    link = tmp_path / "link"
    link.symlink_to(real)
    monkeypatch.setenv("BIDGEN_CACHE_DIR", str(link))
    assert compilecache.cache_dir() is None
    _fresh_load(template)
    assert _records(real) == []

    mine = tmp_path / "mine"
    mine.mkdir(mode=0o700)
    monkeypatch.setenv("BIDGEN_CACHE_DIR", str(mine))
    _fresh_load(template)
    (record,) = _records(mine)
    if os.getuid() == 0:  # a record another user owns (planted) is not read
        os.chown(record, 4321, 4321)
        assert compilecache.load_record(record.stem) is None


def test_a_folder_above_the_cache_does_not_matter_the_cache_is_used_by_its_handle(
        tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loose = tmp_path / "loose"
    loose.mkdir()
    loose.chmod(0o777)  # anyone may rename what is in it: the folder is opened, checked and used by handle
    monkeypatch.setenv("BIDGEN_CACHE_DIR", str(loose / "cache"))
    assert compilecache.cache_dir() == loose / "cache"
    assert oct((loose / "cache").stat().st_mode & 0o777) == "0o700"
    expected = _fresh_load(template).render(CTX)
    assert _fresh_load(template).render(CTX) == expected


def test_folders_made_under_a_loose_umask_are_private_and_used(tmp_path: Path, template: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BIDGEN_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    old = os.umask(0o002)
    try:
        folder = compilecache.cache_dir()
    finally:
        os.umask(old)
    assert folder == tmp_path / "xdg" / "bidgen" / "templates"
    for p in (folder, folder.parent, folder.parent.parent):
        assert p.stat().st_mode & 0o077 == 0, p


def test_a_damaged_record_is_not_used(cache: Path, template: Path) -> None:
    expected = _fresh_load(template).render(CTX)
    (record,) = _records(cache)
    data = bytearray(record.read_bytes())
    data[len(data) // 2] ^= 0x04  # one flipped bit in the compiled code or its source
    record.write_bytes(bytes(data))
    assert compilecache.load_record(record.stem) is None
    assert _fresh_load(template).render(CTX) == expected
    assert compilecache.load_record(record.stem) is not None  # made again


def test_only_its_own_files_are_ever_removed(cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache.mkdir(mode=0o700)
    others = [cache / "photo.bin", cache / "notes.txt", cache / ("0" * 64 + ".bin")]
    for k, p in enumerate(others):
        p.write_text("keep")
        os.utime(p, (1_000_000 + k, 1_000_000 + k))  # older than any record
    stale = cache / f".{'a' * 64}.123.0badcafe.tmp"
    stale.write_bytes(b"torn")
    os.utime(stale, (1_000_000, 1_000_000))
    monkeypatch.setattr(compilecache, "MAX_RECORDS", 2)
    for k in range(4):
        _fresh_load(build_template(tmp_path / f"t{k}.docx", [f"T{k} {{{{ client }}}}"]))
    assert all(p.read_text() == "keep" for p in others)
    assert len(_records(cache)) == 2 and not stale.exists()


def test_a_relative_folder_is_refused_with_a_warning(tmp_path: Path, template: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BIDGEN_CACHE_DIR", "rel-cache")
    compilecache._warn.cache_clear()
    with pytest.warns(compilecache.CacheWarning, match="not an absolute path"):
        assert compilecache.cache_dir() is None
    _fresh_load(template)
    assert not (tmp_path / "rel-cache").exists()


def test_off_writes_nothing(tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIDGEN_CACHE_DIR", "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert compilecache.cache_dir() is None
    _fresh_load(template)
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()


def test_default_folder_follows_xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BIDGEN_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert compilecache.cache_dir() == tmp_path / "xdg" / "bidgen" / "templates"


def test_the_folder_keeps_a_bounded_number_of_records(cache: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compilecache, "MAX_RECORDS", 3)
    for k in range(5):
        path = build_template(tmp_path / f"t{k}.docx", [f"Template {k} {{{{ client }}}}"])
        _fresh_load(path)
    assert len(_records(cache)) == 3


def test_a_record_that_is_not_a_plain_file_is_not_read(cache: Path, template: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    expected = _fresh_load(template).render(CTX)
    (record,) = _records(cache)
    key = record.stem
    record.unlink()
    os.mkfifo(record)  # a reader would wait for a writer forever
    assert compilecache.load_record(key) is None
    record.unlink()
    record.symlink_to(template)
    assert compilecache.load_record(key) is None
    record.unlink()
    monkeypatch.setattr(compilecache, "MAX_RECORD_BYTES", 10)
    assert _fresh_load(template).render(CTX) == expected  # written anew, but too large to be read
    assert record.is_file() and compilecache.load_record(key) is None


def test_asking_for_the_folder_leaves_no_file_open(cache: Path) -> None:
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("counting open files needs /proc (Linux)")
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(20):
        assert compilecache.cache_dir() == cache
    assert len(os.listdir("/proc/self/fd")) == before
