"""QA2 Q12: bidi embedding/override/isolate characters and other invisible format characters that
can disguise text ("Invoice \\u202eexe.fdp\\u202c review" shows as "Invoice pdf.exe review") are
removed at input by the one rule for unprintable characters — YAML, JSON, workbook and CSV — with
the same warnings; ZWJ/ZWNJ and the direction marks of right-to-left text are kept."""

from __future__ import annotations

import datetime as dt
import email
import json
import warnings
from email import policy
from pathlib import Path

import openpyxl
import pytest
from conftest import SAMPLES

from bidgen.cli.main import main
from bidgen.documents.brief import make_brief
from bidgen.documents.memo import make_memo
from bidgen.docx.readback import read_docx
from bidgen.inputs.load import load_any, load_deal, load_meeting
from bidgen.inputs.workbook_write import write_csv_folder, write_workbook
from bidgen.limits import strip_unprintable, unprintable_removed

NOW = dt.datetime(2026, 11, 21, 18, 0)
DISGUISED = "Invoice \u202eexe.fdp\u202c review"
DISGUISE = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\ufeff")


def _message(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=policy.default)


def _caught(load, path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = load(path)
    return model, [str(w.message) for w in caught if "control characters" in str(w.message)]


@pytest.mark.parametrize("text, clean", [
    (DISGUISED, "Invoice exe.fdp review"),
    ("a\u202ab\u202bc\u202dd", "abcd"),
    ("x\u2066y\u2067z\u2068w\u2069", "xyzw"),
    ("\u200eJohn\u200f Smith", "John Smith"),                      # marks in left-to-right text
    ("hid\U000e0041\U000e0042den\u2062 \ufeffx\ufff9y\ufffb", "hidden xy"),
    ("مهر\u200cناز", "مهر\u200cناز"),                              # ZWNJ in a Persian name
    ("क्\u200dष", "क्\u200dष"),                                       # ZWJ
    ("عمر المنصوري\u200f 12", "عمر المنصوري\u200f 12"),              # RLM in right-to-left text
    ("\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f team",
     "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f team"),  # a flag emoji
    ("soft\u00adhyphen\u2060joined", "soft\u00adhyphen\u2060joined"),
])
def test_the_rule_removes_what_disguises_and_keeps_what_names_need(text, clean):
    assert strip_unprintable(text) == clean
    assert "".join(unprintable_removed(text)) == "".join(sorted(set(text) - set(clean)))


def test_a_bidi_override_in_a_yaml_topic_never_reaches_the_subject_or_the_memo(tmp_path):
    text = (SAMPLES / "meeting-en_US.yaml").read_text(encoding="utf-8") + f'topic: "{DISGUISED}"\n'
    path = tmp_path / "meeting.yaml"
    path.write_text(text, encoding="utf-8")
    meeting, mine = _caught(load_meeting, path)
    assert meeting.topic == "Invoice exe.fdp review"
    assert len(mine) == 1
    assert mine[0].startswith(f"{path}:") and "topic (line" in mine[0] and "U+202C, U+202E" in mine[0]
    memo, eml = make_memo(meeting, load_deal(SAMPLES / "deal-en_US.yaml"), tmp_path / "out", now=NOW)
    msg = _message(eml.path)
    assert msg["Subject"] == "Invoice exe.fdp review-Gulf Logistics Holding LLC-20261121"
    body = msg.get_body(("plain",)).get_content()
    doc = read_docx(memo.path)
    assert "Invoice exe.fdp review" in doc.all_text()
    assert not DISGUISE & set(doc.all_text() + body + str(msg["Subject"]))


def test_json_input_loses_isolates_but_keeps_zwnj_and_rtl_marks(tmp_path):
    data = json.loads((Path(__file__).parent / "data" / "deal-zh_CN.json").read_text(encoding="utf-8"))
    data["client"]["name"] = "Gulf \u2066Logistics\u2069 Holding \u200eLLC"
    data["client"]["contacts"][1]["name"] = "مهر\u200cناز رامين\u200f"
    path = tmp_path / "deal.json"
    path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    deal, mine = _caught(load_deal, path)
    assert len(mine) == 1 and "client.name" in mine[0] and "contacts" not in mine[0]
    assert "U+2066, U+2069, U+200E" not in mine[0] and "U+200E, U+2066, U+2069" in mine[0]
    doc = read_docx(make_brief(deal, tmp_path / "out").path)
    cells = [c for t in doc.tables for row in t for c in row]
    assert "Gulf Logistics Holding LLC" in doc.all_text()
    assert "مهر\u200cناز رامين\u200f" in cells


def _book(tmp_path: Path) -> tuple[Path, openpyxl.Workbook]:
    path = write_workbook([load_any(p) for p in sorted(SAMPLES.glob("*.yaml"))], tmp_path / "deals.xlsx")
    return path, openpyxl.load_workbook(path)


def _cell(ws, deal: str, header: str) -> tuple[int, int]:
    headers = [c.value for c in ws[1]]
    col = headers.index(header) + 1
    id_col = headers.index("deal") + 1 if "deal" in headers else 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=id_col).value == deal)
    return row, col


def test_a_bidi_override_in_a_workbook_cell_is_removed_with_a_note_naming_the_cell(tmp_path, capsys):
    path, wb = _book(tmp_path)
    ws = wb["meetings"]
    ws.cell(row=1, column=ws.max_column + 1, value="topic")  # the samples have no topic: add the column
    row, col = _cell(ws, "D-2026-0107", "topic")
    ws.cell(row=row, column=col, value=DISGUISED)
    wb.save(path)
    out = tmp_path / "out"
    code = main(["batch", str(path), "-o", str(out), "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 0, err
    place = f"meetings!{openpyxl.utils.get_column_letter(col)}{row} (topic): removed control characters"
    assert place in err and "U+202C, U+202E" in err
    msg = _message(next((out / "D-2026-0107").glob("*.eml")))
    assert msg["Subject"] == "Invoice exe.fdp review-Gulf Logistics Holding LLC-20261121"
    memo = read_docx(next((out / "D-2026-0107").glob("Memo_*.docx")))
    assert "Invoice exe.fdp review" in memo.all_text() and not DISGUISE & set(memo.all_text())


def test_a_bidi_override_in_a_csv_cell_is_removed_with_a_note_naming_the_cell(tmp_path, capsys):
    folder = tmp_path / "csv"
    write_csv_folder([load_any(p) for p in sorted(SAMPLES.glob("*.yaml"))], folder)
    deals = folder / "deals.csv"
    text = deals.read_text(encoding="utf-8-sig")
    assert text.count("Gulf Logistics Holding LLC") == 1
    deals.write_text(text.replace("Gulf Logistics Holding LLC", "Gulf \u202eCLL gnidloH\u202c Logistics"),
                     encoding="utf-8-sig")
    out = tmp_path / "out"
    code = main(["batch", str(folder), "-o", str(out), "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "deals.csv!" in err and "(client.name): removed control characters" in err and "U+202E" in err
    proposal = read_docx(next((out / "D-2026-0107").glob("Proposal_*.docx")))
    assert "Gulf CLL gnidloH Logistics" in proposal.all_text()
    assert not DISGUISE & set(proposal.all_text())


def test_a_meeting_built_in_code_still_gets_a_clean_subject(tmp_path):
    """Models built in Python skip the reader; the e-mail headers apply the same rule once more."""
    meeting = load_meeting(SAMPLES / "meeting-en_US.yaml").model_copy(update={"topic": DISGUISED})
    _memo, eml = make_memo(meeting, load_deal(SAMPLES / "deal-en_US.yaml"), tmp_path, now=NOW)
    assert _message(eml.path)["Subject"] == "Invoice exe.fdp review-Gulf Logistics Holding LLC-20261121"
