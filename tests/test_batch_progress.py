"""``bidgen batch`` progress as a person sees it: run as a real process on a pseudo-terminal (the
bar: deals done/total, failures so far, a clean last line), with pipes (one line per deal) and
with --quiet (nothing but errors).  What the terminal shows is rebuilt from the bytes written to
it (carriage returns overwrite, line feeds start a new line)."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
from pathlib import Path

import openpyxl
import pytest

from bidgen.inputs.load import load_any
from bidgen.inputs.workbook_write import write_workbook

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
BIDGEN = [sys.executable, "-c", "import sys; from bidgen.cli.main import main; sys.exit(main())", "batch"]
BROKEN = "D-2026-0042"
ERROR = re.compile(r"  deals\.xlsx:items!F\d+ \(unit_price\): not a valid amount: 'abc'")
SUMMARY = re.compile(r"bidgen: 3 deal\(s\): 2 written, 1 failed in \d+\.\d s; report: .*batch-report\.xlsx")


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> Path:
    """Three deals (the two samples and a copy of one), one of them with a broken cell."""
    models = [load_any(p) for p in sorted(SAMPLES.glob("*.yaml"))]
    deal = next(m for m in models if getattr(m, "id", None) == "D-2026-0107")
    path = write_workbook(models + [deal.model_copy(update={"id": "D-EXTRA"})],
                          tmp_path_factory.mktemp("book") / "deals.xlsx")
    wb = openpyxl.load_workbook(path)
    items = wb["items"]
    col = [c.value for c in items[1]].index("unit_price") + 1
    row = next(r for r in range(2, items.max_row + 1) if items.cell(row=r, column=1).value == BROKEN)
    items.cell(row=row, column=col, value="abc")
    wb.save(path)
    return path


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _on_terminal(args: list[str], columns: int = 100, interrupt_after: str | None = None) -> tuple[int, str]:
    """Run ``bidgen batch ARGS`` with stdin, stdout and stderr on a pseudo-terminal ``columns``
    wide; its exit code and every byte it wrote to the terminal.  With ``interrupt_after``, Ctrl-C
    (SIGINT) as soon as the terminal shows that text."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    # Ctrl-C reaches the child even when the tests run as a background job (which ignores SIGINT,
    # and a child inherits that)
    proc = subprocess.Popen(BIDGEN + args, stdin=slave, stdout=slave, stderr=slave, env=_env(), close_fds=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    os.close(slave)
    chunks: list[bytes] = []
    try:
        while True:
            if interrupt_after and interrupt_after.encode() in b"".join(chunks):
                proc.send_signal(signal.SIGINT)
                interrupt_after = None
            ready, _, _ = select.select([master], [], [], 300)
            if not ready:  # a safety net against a hung child, not a timing assertion
                proc.kill()
                break
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child has closed the terminal
                break
            if not data:
                break
            chunks.append(data)
    finally:
        os.close(master)
    return proc.wait(), b"".join(chunks).decode("utf-8")


def _screen(output: str) -> list[str]:
    """The terminal's lines after ``output``: CR returns to the start of the line (what follows
    overwrites it), LF starts a new line."""
    lines = [""]
    col = 0
    for ch in output:
        if ch == "\r":
            col = 0
        elif ch == "\n":
            lines.append("")
            col = 0
        else:
            line = lines[-1].ljust(col)
            lines[-1] = line[:col] + ch + line[col + 1:]
            col += 1
    return [line.rstrip() for line in lines if line.strip()]


def test_on_a_terminal_the_bar_counts_deals_and_failures_and_ends_on_a_clean_line(workbook, tmp_path):
    code, output = _on_terminal([str(workbook), "-o", str(tmp_path / "out"), "--jobs", "1"])
    assert code == 1
    states = re.findall(r"\[(#*)(\.*)\] (\d)/3 deals, (\d) failed, ([^\r\n]*?) *(?=\r|\n)", output)
    assert [int(s[2]) for s in states] == [1, 2, 3]  # every deal moves the bar
    assert all(len(s[0]) + len(s[1]) == 30 for s in states)
    assert [len(s[0]) for s in states] == [10, 20, 30]
    failed = [int(s[3]) for s in states]
    assert failed == sorted(failed) and failed[-1] == 1 and failed[0] <= 1  # failures so far
    assert all(re.fullmatch(r"(\d+ s|\d+ min \d\d s) left", s[4]) for s in states[:-1])
    screen = _screen(output)
    # what stays on the terminal: the bar's last state alone on its line, then the errors, then the summary
    assert re.fullmatch(r"\[#{30}\] 3/3 deals, 1 failed, done in \d+ s", screen[0]), screen
    assert screen[1] == f"bidgen: deal {BROKEN}: not written"
    assert ERROR.fullmatch(screen[2])
    assert SUMMARY.fullmatch(screen[3])
    assert len(screen) == 4
    # only the bar rewrites its line: every line after it is written once, plainly
    assert "\r" not in output[output.index("done in"):].replace("\r\n", "\n")


def test_on_a_narrow_terminal_the_bar_never_wraps(workbook, tmp_path):
    code, output = _on_terminal([str(workbook), "-o", str(tmp_path / "out"), "--jobs", "1", "--only",
                                 "D-2026-0107,D-EXTRA"], columns=44)
    assert code == 0
    bar_lines = [line for line in re.split(r"[\r\n]+", output) if "deals," in line]
    assert bar_lines and all(len(line) < 44 for line in bar_lines)
    assert re.fullmatch(r"\[#+\] 2/2 deals, 0 failed, done in \d+ s", _screen(output)[0])


def test_without_a_terminal_each_deal_is_one_line(workbook, tmp_path):
    proc = subprocess.run(BIDGEN + [str(workbook), "-o", str(tmp_path / "out"), "--jobs", "1"],
                          capture_output=True, text=True, env=_env())
    assert proc.returncode == 1
    assert "\r" not in proc.stdout and "\x1b" not in proc.stdout
    lines = proc.stdout.splitlines()
    assert len(lines) == 3
    seen = {}
    for i, line in enumerate(lines, start=1):
        m = re.fullmatch(rf"\[{i}/3\] (\S+): (written|failed), (\d) document\(s\)(: 1 error\(s\)|, \d+ warning\(s\) \(see the report\))?", line)
        assert m, line
        seen[m.group(1)] = (m.group(2), int(m.group(3)))
    assert seen == {BROKEN: ("failed", 0), "D-2026-0107": ("written", 5), "D-EXTRA": ("written", 2)}
    err = proc.stderr.splitlines()
    assert err[0] == f"bidgen: deal {BROKEN}: not written" and ERROR.fullmatch(err[1]) and SUMMARY.fullmatch(err[2])


def test_quiet_prints_nothing_but_errors(workbook, tmp_path):
    proc = subprocess.run(BIDGEN + [str(workbook), "-o", str(tmp_path / "out"), "--jobs", "1", "--quiet"],
                          capture_output=True, text=True, env=_env())
    assert proc.returncode == 1
    assert proc.stdout == ""
    err = proc.stderr.splitlines()
    assert err[0] == f"bidgen: deal {BROKEN}: not written" and ERROR.fullmatch(err[1]) and SUMMARY.fullmatch(err[2])
    assert len(err) == 3
    # a run without errors prints nothing at all, on a terminal too
    code, output = _on_terminal([str(workbook), "-o", str(tmp_path / "out2"), "--jobs", "1", "--quiet",
                                 "--only", "D-2026-0107"])
    assert code == 0 and output == ""
    assert len(list((tmp_path / "out2" / "D-2026-0107").glob("*.docx"))) == 4


def test_ctrl_c_leaves_the_bar_on_its_line_and_says_aborted_on_the_next(tmp_path):
    models = [load_any(p) for p in sorted(SAMPLES.glob("*.yaml"))]
    deals = [m for m in models if type(m).__name__ == "Deal"]
    # enough deals that Ctrl-C arrives while the run is still going, however fast a deal is
    path = write_workbook([d.model_copy(update={"id": f"{d.id}-{k}"}) for k in range(60) for d in deals],
                          tmp_path / "deals.xlsx")
    code, output = _on_terminal([str(path), "-o", str(tmp_path / "out"), "--jobs", "1"], interrupt_after="/120 deals")
    assert code == 130
    bar, _, rest = output.rpartition("\r[")[2].partition("\r\n")
    assert re.fullmatch(r"#*\.*\] \d+/120 deals, 0 failed, (?:\d+ min )?\d+ s left *", bar)
    assert rest == "bidgen: aborted\r\n"  # on the next line: no blank line, nothing left over
