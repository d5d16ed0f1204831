"""Issue 9, kind 5: limits, each documented and configurable; kind 2 for terminal messages."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import example

from bidgen import limits
from bidgen.errors import BidgenError, InputError
from bidgen.inputs.load import load_deal


def _deal(tmp_path: Path, old: str, new: str, name: str = "deal.yaml") -> Path:
    text = example("deal-en_US.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def _has(text: str) -> bool:
    """Whether the reference deal (shared examples or samples/, whichever the run uses) has ``text``."""
    return text in example("deal-en_US.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("value", ["1e20", "1e400", "-1e400", "1e-30", "99999999999999999999999999999999"])
def test_numbers_beyond_what_documents_state_are_located_input_errors(tmp_path, value):
    path = _deal(tmp_path, "unit_price: 240,", f"unit_price: {value},") if _has("unit_price: 240,") else \
        _deal(tmp_path, "unit_price: 240}", f"unit_price: {value}}}")
    proc = subprocess.run(["bidgen", "all", str(path), "-o", str(tmp_path / "out")], capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(f"bidgen: {path}:32: items[0].unit_price:"), proc.stderr
    assert "Traceback" not in proc.stderr and not (tmp_path / "out").exists()


def test_a_total_above_the_amount_limit_is_a_located_error_and_the_limit_is_configurable(tmp_path):
    old = "unit_price: 240," if _has("unit_price: 240,") else "unit_price: 240}"
    path = _deal(tmp_path, old, old.replace("240", "9000000000"))
    with pytest.raises(InputError) as info:
        load_deal(path)
    assert "items" in info.value.lines()[0] and "limits.max_amount" in info.value.lines()[0]
    token = limits.configure(limits.Limits(max_amount=limits.Decimal(10) ** 15))
    try:
        assert load_deal(path).items[0].unit_price == 9000000000
    finally:
        limits.reset(token)


def test_a_huge_text_is_an_input_error_naming_the_key(tmp_path):
    big = "x" * (limits.Limits().max_text_length + 1)
    path = _deal(tmp_path, "summary: A tracking", f"summary: {big} A tracking")
    with pytest.raises(InputError) as info:
        load_deal(path)
    line = info.value.lines()[0]
    assert line.startswith(f"{path}:") and "project.summary" in line and "limits.max_text_length" in line


def test_limits_from_a_mapping_are_validated_and_located():
    got = limits.from_mapping({"max_text_length": 500, "render_seconds": 2}, file="ws.yaml")
    assert got.max_text_length == 500 and got.render_seconds == 2.0
    for bad in ({"max_text_lenght": 5}, {"render_seconds": 0}, {"max_amount": "lots"}, {"readback_elements": 1e30},
                {"max_amount": 10**20}):
        with pytest.raises(BidgenError) as info:
            limits.from_mapping(bad, file="ws.yaml")
        assert str(info.value).startswith("ws.yaml: limits.")


def test_escape_sequences_in_a_file_name_are_not_sent_to_the_terminal(tmp_path):
    path = tmp_path / "deal\x1b[2J.yaml"
    path.write_text("id: [\n", encoding="utf-8")
    proc = subprocess.run(["bidgen", "proposal", str(path), "-o", str(tmp_path / "out")], capture_output=True,
                          text=True)
    assert proc.returncode == 2
    assert "\x1b" not in proc.stderr and "\\x1b[2J" in proc.stderr


# ----------------------------------------------------------------- render time and size limits

import time as _time  # noqa: E402

from helpers_docx import build_template  # noqa: E402

from bidgen.docx.render import CompiledTemplate  # noqa: E402
from bidgen.errors import TemplateError  # noqa: E402

ABUSE = {
    "nested loops without output": "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
    "loop over a long text": "{% set s = 'ab' * 3000 %}{% for a in s %}{% for b in s %}{% for c in s %}"
                             "{% endfor %}{% endfor %}{% endfor %}",
    "giant repeat": "{{ 'x' * 1000000000 }}",
    "giant repeat of a variable": "{{ client * 1000000000 }}",
    "giant center": "{{ client | center(1000000000) }}",
    "center past one value's share": "{{ client | center(60000000) }}",
    "giant indent": "{{ ('a\\n' * 10000) | indent(100000) | length }}",
    "giant method": "{{ client.center(1000000000) }}",
    "giant format": "{{ '%01000000000d' % 1 }}",
    "giant str.format": "{{ '{:>1000000000}'.format(1) }}",
    "giant format filter": "{{ '%01000000000d' | format(1) }}",
    "giant format_map": "{{ '{x:>1000000000}'.format_map({'x': 1}) }}",
    "giant power": "{{ 10 ** 100000000 }}", "giant replace": "{{ (client * 100000) | replace('', client * 100000) }}",
    "giant method replace": "{{ (client * 100000).replace('', client * 100000) }}",
    "doubling": "{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"
                "{{ ns.s | length }}",
    "output flood": "{% for a in range(100000) %}{% for b in range(1000) %}{{ client }}{{ client }}{% endfor %}"
                    "{% endfor %}",
}


@pytest.mark.parametrize("name", sorted(ABUSE))
def test_a_runaway_template_is_stopped_fast_naming_template_and_place(tmp_path, name):
    path = build_template(tmp_path / "t.docx", ["Intro {{ client }}", ABUSE[name], "End"])
    token = limits.configure(limits.Limits(render_seconds=1.5, render_output_mb=16))
    try:
        start = _time.monotonic()
        with pytest.raises(TemplateError) as info:
            CompiledTemplate.load(path).render({"client": "Acme"})
        took = _time.monotonic() - start
    finally:
        limits.reset(token)
    assert info.value.where.file == str(path) and info.value.where.field == "word/document.xml"
    assert "limits." in info.value.message
    # the size limits refuse before allocating; only loops run until the clock stops them
    if "flood" in name:  # whichever comes first on this machine
        assert "limits.render_" in info.value.message
    else:
        clocked = "loop" in name
        assert ("limits.render_seconds" if clocked else "limits.render_output_mb") in info.value.message, \
            info.value.message
    del took


def test_after_a_stopped_template_the_next_render_works(tmp_path):
    bad = build_template(tmp_path / "bad.docx", [ABUSE["nested loops without output"]])
    good = build_template(tmp_path / "good.docx", ["Hello {{ client }}"])
    token = limits.configure(limits.Limits(render_seconds=0.5))
    try:
        with pytest.raises(TemplateError):
            CompiledTemplate.load(bad).render({"client": "Acme"})
        for _ in range(3):
            _time.sleep(0.3)  # past the watchdog's deadline for the first render
            from bidgen.docx.readback import read_docx

            assert "Hello Acme" in read_docx(CompiledTemplate.load(good).render({"client": "Acme"})).all_text()
    finally:
        limits.reset(token)


def test_a_multi_deal_run_goes_on_past_a_template_that_is_stopped(tmp_path):
    a = _deal(tmp_path, "code: AE017", "code: AE018", name="a.yaml")
    b = _deal(tmp_path, "code: AE017", "code: AE019", name="b.yaml")
    tpl = build_template(tmp_path / "t.docx", ["{% if client.code == 'AE018' %}" + ABUSE["nested loops without output"]
                                               + "{% endif %}Offer for {{ client.name }}"])
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "bidgen-workspace.yaml").write_text("name: ws\nlimits:\n  render_seconds: 1\n", encoding="utf-8")
    proc = subprocess.run(["bidgen", "proposal", str(a), str(b), "-o", str(tmp_path / "out"), "--template", str(tpl),
                           "--force"], capture_output=True, text=True, cwd=ws)
    assert proc.returncode == 2, proc.stderr
    assert f"{tpl}" in proc.stderr and "word/document.xml" in proc.stderr and "render_seconds" in proc.stderr
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["Proposal_AE019_v20261118.docx"]


# ----------------------------------------------------------------- read-back limits

import io as _io  # noqa: E402
import zipfile as _zipfile  # noqa: E402


def _bomb(path: Path, document_xml: bytes) -> Path:
    """A .docx whose document.xml is ``document_xml`` (highly compressible), other parts from a real one."""
    real = _zipfile.ZipFile(example_docx())
    buf = _io.BytesIO()
    with _zipfile.ZipFile(buf, "w", _zipfile.ZIP_DEFLATED) as zf:
        for info in real.infolist():
            data = document_xml if info.filename == "word/document.xml" else real.read(info.filename)
            zf.writestr(info.filename, data)
    path.write_bytes(buf.getvalue())
    return path


def example_docx() -> Path:
    from bidgen.paths import templates_dir

    return templates_dir() / "proposal.en_US.docx"


HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        b'wordprocessingml/2006/main"><w:body>')


@pytest.mark.parametrize("kind", ["size", "elements"])
def test_a_bomb_in_document_xml_is_a_per_file_error_and_checking_a_folder_goes_on(tmp_path, kind):
    folder = tmp_path / "docs"
    folder.mkdir()
    if kind == "size":
        body = HEAD + b"<w:p><w:r><w:t>" + b"A" * (80 * 1024 * 1024) + b"</w:t></w:r></w:p></w:body></w:document>"
    else:
        body = HEAD + b"<w:p/>" * 1_500_000 + b"</w:body></w:document>"
    _bomb(folder / "Proposal_BOMB_v20261118.docx", body)
    out = tmp_path / "out"
    subprocess.run(["bidgen", "proposal", str(example("deal-en_US.yaml")), "-o", str(out)], check=True,
                   capture_output=True)
    good = next(out.iterdir())
    good.rename(folder / good.name)
    start = _time.monotonic()
    proc = subprocess.run(["bidgen", "check", str(folder), "--format", "json"], capture_output=True, text=True)
    took = _time.monotonic() - start
    import json

    report = json.loads(proc.stdout)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    bad = [f for f in report["findings"] if f["rule"] == "DOC-UNREADABLE"]
    assert len(bad) == 1 and bad[0]["where"]["file"].endswith("Proposal_BOMB_v20261118.docx")
    assert ("readback_part_mb" if kind == "size" else "readback_elements") in bad[0]["message"]
    assert len(report["checked"]) == 2  # the good document was checked too
    del took


def test_read_back_limits_are_configurable(tmp_path):
    from bidgen.docx.readback import read_docx

    path = _bomb(tmp_path / "x.docx", HEAD + b"<w:p/>" * 5000 + b"</w:body></w:document>")
    assert read_docx(path).paragraphs == [""] * 5000 or len(read_docx(path).paragraphs) == 5000
    token = limits.configure(limits.Limits(readback_elements=1000))
    try:
        with pytest.raises(InputError, match="readback_elements"):
            read_docx(path)
    finally:
        limits.reset(token)


def test_a_looping_workspace_library_text_is_stopped_and_named(tmp_path):
    from bidgen.library.workspace import init_workspace

    ws = tmp_path / "ws"
    ws.mkdir()
    init_workspace(ws)
    marker = ws / "bidgen-workspace.yaml"
    marker.write_text(marker.read_text(encoding="utf-8") + "limits:\n  render_seconds: 1\n", encoding="utf-8")
    import yaml

    from bidgen.paths import clauses_dir

    entries = yaml.safe_load((clauses_dir() / "clause" / "terms.yaml").read_text(encoding="utf-8"))
    entry = next(e for e in entries if e["id"] == "warranty.standard")
    loop = "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
    entry["text"]["en_US"][3] = loop + entry["text"]["en_US"][3]
    (ws / "clauses" / "clause").mkdir(parents=True, exist_ok=True)
    (ws / "clauses" / "clause" / "warranty.yaml").write_text(yaml.safe_dump([entry], allow_unicode=True),
                                                             encoding="utf-8")
    deal = example("deal-en_US.yaml")
    proc = subprocess.run(["bidgen", "all", str(deal), "-o", str(tmp_path / "out"), "--force"], capture_output=True,
                          text=True, cwd=ws)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "warranty.yaml" in proc.stderr and "warranty.standard" in proc.stderr and "render_seconds" in proc.stderr
    assert not (tmp_path / "out").exists()


def _rezip(src: Path, dest: Path, change) -> Path:  # type: ignore[no-untyped-def]
    import zipfile

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info.filename, data)
        extra = change(None, b"")
        for name, data in (extra or {}).items():
            zout.writestr(name, data)
    return dest


def test_a_template_with_a_doctype_is_refused(tmp_path):
    """A DOCTYPE (an XXE declaration) in a --template used to be copied into the written proposal."""
    base = build_template(tmp_path / "t.docx", ["Intro {{ client }}"])
    evil = b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'

    def change(name, data):  # type: ignore[no-untyped-def]
        if name == "word/styles.xml":
            end = data.index(b"?>") + 2 if data.startswith(b"<?xml") else 0
            return data[:end] + evil + data[end:]
        return None if name is None else data

    path = _rezip(base, tmp_path / "doctype.docx", change)
    with pytest.raises(TemplateError) as info:
        CompiledTemplate.load(path)
    assert "DOCTYPE" in info.value.message and info.value.where.file == str(path)


def test_a_template_with_too_many_members_is_refused_unread(tmp_path):
    """200,000 zip members in a --template used to end in a struct.error traceback."""
    base = build_template(tmp_path / "t.docx", ["Intro {{ client }}"])

    def change(name, data):  # type: ignore[no-untyped-def]
        if name is None:
            return {f"junk/{i}.bin": b"" for i in range(10_001)}
        return data

    path = _rezip(base, tmp_path / "many.docx", change)
    with pytest.raises(TemplateError) as info:
        CompiledTemplate.load(path)
    assert "10,002" in info.value.message or "zip members" in info.value.message


def test_sandbox_reads_dict_keys_as_jinja_does() -> None:
    """``d.name`` on a plain dict is its key ``name`` (a shortcut past Jinja's attribute lookup): a
    dict method still wins over a key of its name, a missing key is undefined, internals stay out."""
    import jinja2
    from jinja2 import StrictUndefined
    from jinja2.exceptions import SecurityError

    from bidgen.sandbox import LimitedSandbox

    env = LimitedSandbox(undefined=StrictUndefined, autoescape=True)
    d = {"name": "A & B", "items": "key", "nested": {"total": "9"}}
    out = env.from_string("{{ d.name }}|{{ d.nested.total }}|{{ d.items is callable }}|{{ d['items'] }}"
                          "|{{ d.keys() | list | length }}").render(d=d)
    assert out == "A &amp; B|9|True|key|3"
    with pytest.raises(jinja2.UndefinedError, match="has no attribute 'missing'"):
        env.from_string("{{ d.missing }}").render(d=d)
    with pytest.raises(SecurityError):
        env.from_string("{{ d.__class__.__subclasses__() }}").render(d=d)
    with pytest.raises(SecurityError):
        env.from_string("{{ d.update({'name': 'x'}) }}").render(d=d)
    assert d["name"] == "A & B"
