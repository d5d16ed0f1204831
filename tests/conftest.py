"""Shared fixtures: paths of the reference inputs and a LibreOffice marker."""

from __future__ import annotations

import datetime as _dt
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SHARED = ROOT.parent / "shared" / "examples"


def example(name: str) -> Path:
    """A reference input: from ../shared/examples when present, else the samples/ copy."""
    shared = SHARED / name
    return shared if shared.is_file() else SAMPLES / name


@pytest.fixture
def deal_zh() -> Path:
    return example("deal-zh_CN.yaml")


@pytest.fixture
def deal_en() -> Path:
    return example("deal-en_US.yaml")


@pytest.fixture
def meeting_zh() -> Path:
    return example("meeting-zh_CN.yaml")


@pytest.fixture
def tender_zh() -> Path:
    return example("tender-zh_CN.yaml")


def pytest_configure(config: pytest.Config) -> None:
    """Compiled templates are kept in a folder of this run (bidgen.docx.compilecache), never in the
    user's cache; the commands the tests start inherit it."""
    import os
    import tempfile

    if "BIDGEN_CACHE_DIR" not in os.environ:
        folder = tempfile.mkdtemp(prefix="bidgen-test-cache-")
        os.environ["BIDGEN_CACHE_DIR"] = folder
        config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) is not installed; CI installs it (apt-get install libreoffice-writer-nogui)",
)


#: The day the checks take as today in tests, so that the samples' offers (valid into 2027) stay valid
#: whenever the suite runs; tests of expiry set their own day.
TEST_TODAY = __import__("datetime").date(2026, 11, 30)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    import bidgen.checks.dates as dates

    monkeypatch.setattr(dates, "today", lambda: TEST_TODAY)


#: The cells of the deals sheet of a one-deal workbook, as a person types them in Excel (the
#: workbook tests add items, formats and sheets around it).
MINIMAL_DEAL_ROW = {"id": "D-1", "locale": "en_US", "currency": "USD", "issue_date": _dt.datetime(2026, 11, 18),
                    "valid_until": _dt.datetime(2027, 1, 17), "seller.name": "Northwind", "client.code": "GL1",
                    "client.name": "Gulf Logistics", "tax_rate_percent": 5, "prices_include_tax": "no"}
