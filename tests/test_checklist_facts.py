"""Facts that appear in more than one place say the same thing, and dated facts do not go stale.

The handbook, the checklists and the scanner's catalog repeat a few facts (a licence's date, which
licence a model id falls under). When one copy is corrected and another is not, a reader meets two
answers; these tests compare the copies. They also catch a future-tense statement ("is scheduled to
shut down on ...") whose date is earlier than the date the text says it was checked: a text re-dated
without restating what has happened since, which is how the stale shutdown dates issue #14 found in
two checklist items would survive a review.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from fm_governance.core.checklists import load_catalog
from fm_governance.scan.catalog import rules

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CHECKLISTS = ROOT / "checklists"
MONTHS = {
    m: i for i, m in enumerate(["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"], 1)
}
DAY_MONTH_YEAR = r"(\d{1,2}) (" + "|".join(MONTHS) + r") (\d{4})"
#: A statement about the future: something "is scheduled to", "will be retired on", "will shut down on".
FUTURE = re.compile(r"\b(?:is|are) scheduled to [^.;]*?" + DAY_MONTH_YEAR + r"|\bwill (?:be )?(?:shut down|retired?|removed) on " + DAY_MONTH_YEAR)
ISO_DATE = re.compile(r"\b(20\d\d-\d\d-\d\d)\b")


def _date(day: str, month: str, year: str) -> dt.date:
    return dt.date(int(year), MONTHS[month], int(day))


def _future_dates(text: str) -> list[dt.date]:
    found = []
    for m in FUTURE.finditer(" ".join(text.split())):  # a date may be wrapped across lines
        groups = [g for g in m.groups() if g is not None]
        found.append(_date(*groups[:3]))
    return found


def _texts_with_their_check_date() -> list[tuple[str, str, dt.date]]:
    """(where, text, the newest date the text says it was checked) for each chapter and checklist item."""
    out = []
    for page in sorted((DOCS / "handbook").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        dates = [dt.date.fromisoformat(d) for d in ISO_DATE.findall(text)]
        if dates:
            out.append((str(page.relative_to(ROOT)), text, max(dates)))
    for file in sorted(CHECKLISTS.glob("*.yaml")):
        for item in yaml.safe_load(file.read_text(encoding="utf-8"))["items"]:
            dates = [dt.date.fromisoformat(str(r["as_of"])) for r in item.get("references", []) if "as_of" in r]
            if dates:
                out.append((f"{file.name} {item['id']}", " ".join([item["why"], item["guidance"]]), max(dates)))
    return out


def test_the_future_tense_finder_sees_the_stale_sentence_issue_14_reported() -> None:
    stale = "v1/prompts is scheduled to shut down on 30 November 2026 (as of 2026-11-22)"
    assert _future_dates(stale) == [dt.date(2026, 11, 30)]
    assert _future_dates("v1/prompts was scheduled to shut down on 30 November 2026") == []


DATED_TEXTS = _texts_with_their_check_date()


@pytest.mark.parametrize(("where", "text", "checked"), DATED_TEXTS, ids=[where for where, _, _ in DATED_TEXTS])
def test_no_future_tense_for_a_date_already_passed_when_checked(where: str, text: str, checked: dt.date) -> None:
    stale = [d for d in _future_dates(text) if d < checked]
    assert not stale, f"{where}: stated as still ahead but earlier than {checked}: {stale}; restate it in the past tense from the source"


def _gemma_dates(text: str) -> set[str]:
    """The 'last modified' dates given next to the Gemma Terms of Use in a text."""
    dates: set[str] = set()
    for m in re.finditer(r"Gemma Terms of Use.{0,400}", " ".join(text.split())):
        window = m.group(0)
        if "modified" in window:
            dates |= {f"{d} {mo} {y}" for d, mo, y in re.findall(DAY_MONTH_YEAR, window) if mo == "April"}
    return dates


def test_every_copy_of_the_gemma_terms_dates_agrees() -> None:
    """The current terms page says 1 April 2026; earlier Gemma weights shipped the 1 April 2024 text."""
    ip03 = load_catalog().item("IP-03")
    assert ip03 is not None
    copies = {
        "IP-03": " ".join([ip03.why] + [r.title or "" for r in ip03.references]),
        "open-vs-closed.md": (DOCS / "handbook" / "open-vs-closed.md").read_text(encoding="utf-8"),
        "intellectual-property.md": (DOCS / "handbook" / "intellectual-property.md").read_text(encoding="utf-8"),
        "bibliography.md": (DOCS / "bibliography.md").read_text(encoding="utf-8"),
    }
    for where, text in copies.items():
        assert _gemma_dates(text) == {"1 April 2024", "1 April 2026"}, where


@pytest.mark.parametrize(
    ("model_id", "licence_file"),
    [("meta-llama/Meta-Llama-3-8B-Instruct", "models/llama3/LICENSE"), ("meta-llama/Llama-3.1-8B-Instruct", "models/llama3_1/LICENSE")],
)
def test_the_scanner_and_ip_01_cite_the_same_llama_licence(model_id: str, licence_file: str) -> None:
    """The catalog tells a user which licence a model id is under; IP-01 must cite that very text."""
    info = rules().model_info(model_id)
    assert info is not None and info.licence["url"].endswith(licence_file)
    ip01 = load_catalog().item("IP-01")
    assert ip01 is not None
    assert info.licence["url"] in {r.url for r in ip01.references}
