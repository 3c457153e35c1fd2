"""Provider terms as data: the shipped file validates and is sourced cell by cell; a bad file is a
located error; and ``assess`` quotes the terms under the items they bear on as ``# [terms]``
comment lines — suggestions the tool maintains, never answers.
"""

from __future__ import annotations

import datetime as _dt
import re
import subprocess
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from fm_governance import terms
from fm_governance.cli import main
from fm_governance.core.assessment import lost_comments, merge, render
from fm_governance.core.checklists import load_catalog
from fm_governance.core.errors import InputError
from fm_governance.core.yamlio import load_round_trip, load_text

SHIPPED_TEXT = resources.files("fm_governance.terms").joinpath(terms.DATA_FILE).read_text("utf-8")
OPENAI = {"providers": [{"id": "openai", "name": "OpenAI", "roles": ["hosted"], "evidence": ["app.py:1"]}], "models": []}


# --- the data file ------------------------------------------------------------------------------


def test_shipped_terms_validate_and_every_stated_cell_has_an_https_source_and_a_date() -> None:
    data = terms.shipped()
    assert [t.id for t in data.topics] == [
        "training",
        "retention",
        "zero-retention",
        "processor",
        "output-ownership",
        "indemnity",
        "deprecation-notice",
        "suspension",
        "code-of-practice",
    ]
    as_of = _dt.date.fromisoformat(data.as_of)
    for channel in data.channels:
        assert set(channel.terms) == {t.id for t in data.topics}, channel.id
        for topic, cell in channel.terms.items():
            if cell.stated:
                assert cell.source.startswith("https://") and cell.text, (channel.id, topic)
                assert _dt.date.fromisoformat(cell.as_of) <= as_of, (channel.id, topic)
            else:
                assert cell.status in ("unverified", "not-applicable") and cell.note, (channel.id, topic)
    # The channels the brief names are all there.
    for channel_id in (
        "openai-api",
        "chatgpt-enterprise",
        "anthropic-api",
        "gemini-api-unpaid",
        "gemini-api-paid",
        "vertex-ai",
        "azure-openai",
        "bedrock",
        "mistral-api",
    ):
        assert data.channel(channel_id) is not None, channel_id


def test_every_item_a_topic_names_is_in_the_shipped_checklists() -> None:
    catalog = load_catalog([])
    for topic in terms.shipped().topics:
        for item_id in topic.items:
            assert catalog.item(item_id) is not None, (topic.id, item_id)


def test_inventory_providers_and_licences_pick_the_channels() -> None:
    data = terms.shipped()
    assert [c.id for c in data.for_inventory(OPENAI)] == ["openai-api"]
    google = {"providers": [{"id": "google"}], "models": [{"id": "gemma-2-9b", "licence": "Gemma Terms of Use"}]}
    assert [c.id for c in data.for_inventory(google)] == ["gemini-api-unpaid", "gemini-api-paid", "vertex-ai", "gemma"]
    assert data.for_inventory({}) == [] and data.for_inventory(None) == []


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ("        as_of: 2026-11-22\n", "        as_of: 22 November 2026\n", "as_of: 22 November 2026", "channels[0].terms.indemnity"),
        (
            "        source: https://openai.com/enterprise-privacy\n",
            "        source: openai.com/enterprise-privacy\n",
            "source: openai.com/enterprise",
            "channels[0].terms.output-ownership",
        ),
        ("      processor: {status: unverified,", "      processor: {status: unknown,", "status: unknown", "channels[0].terms.processor"),
        (
            '      suspension: {status: unverified, note: "Only',
            '      suspensions: {status: unverified, note: "Only',
            "suspensions:",
            "unknown topic 'suspensions'",
        ),
    ],
)
def test_a_bad_data_file_is_a_located_error(old: str, new: str, needle: str, message: str) -> None:
    assert old in SHIPPED_TEXT
    text = SHIPPED_TEXT.replace(old, new, 1)
    with pytest.raises(InputError) as caught:
        terms.load_text(text, "provider-terms.yaml")
    errors = getattr(caught.value, "errors", [caught.value])
    lines = [e.one_line() for e in errors]
    assert any(e.location.line == line_of(text, needle) and message in e.one_line() for e in errors), lines
    assert all(re.match(r"provider-terms\.yaml:\d+:\d+: ", line) for line in lines), lines


def test_a_channel_missing_a_topic_and_a_repeated_id_are_located_errors() -> None:
    text = SHIPPED_TEXT.replace('      suspension: {status: unverified, note: "Only secondary summaries of the suspension clause were readable."}\n', "", 1)
    text = text.replace("  - id: chatgpt-enterprise\n", "  - id: openai-api\n", 1)
    with pytest.raises(InputError) as caught:
        terms.load_text(text, "provider-terms.yaml")
    lines = [e.one_line() for e in getattr(caught.value, "errors", [caught.value])]
    assert any("channel 'openai-api' has no cell for suspension" in line and "{status: unverified" in line for line in lines), lines
    second = [n for n, line in enumerate(text.splitlines(), 1) if line == "  - id: openai-api"][1]
    assert any(line.startswith(f"provider-terms.yaml:{second}:") and "channel id 'openai-api' is used twice" in line for line in lines), lines


# --- assess suggestions --------------------------------------------------------------------------


def project_with_openai(tmp_path: Path) -> Path:
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "app.py").write_text("from openai import OpenAI\n\nclient = OpenAI()\n", encoding="utf-8")
    return folder


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_assess_quotes_the_openai_terms_under_the_items_they_bear_on(tmp_path: Path) -> None:
    folder = project_with_openai(tmp_path)
    cli("assess", str(folder))
    text = (folder / "fm-governance.yaml").read_text(encoding="utf-8")
    openai = terms.shipped().channel("openai-api")
    assert openai is not None
    training = openai.terms["training"]
    expected = f"        # [terms] OpenAI: API platform, training on your content: {training.text} ({training.source}, read {training.as_of})"
    de02 = text[text.index("      DE-02:") : text.index("      DE-03:")]
    assert expected in de02.splitlines()
    assert "# [terms] OpenAI: API platform, indemnity: Copyright Shield" in text[text.index("      IP-04:") : text.index("      IP-05:")]
    # Secondary-only cells say so; unverified cells are no suggestion.
    assert "read 2026-12-06, secondary sources only)" in text[text.index("      IP-07:") : text.index("      IP-08:")]
    assert "[terms]" not in text[text.index("      DE-08:") : text.index("      DE-09:")]  # OpenAI's processor cell is unverified
    # No answer was set: the file scores as blank as before.
    assert all(line.strip() == "answer: null  # yes | partial | no | n/a" for line in text.splitlines() if line.strip().startswith("answer:"))
    # A second run changes nothing.
    assert cli("assess", str(folder)).startswith(f"{folder / 'fm-governance.yaml'}: up to date")


def test_a_person_s_answer_notes_and_comments_survive_and_the_lines_follow_the_data(tmp_path: Path) -> None:
    catalog = load_catalog([])
    first = render(merge(None, catalog, file="f.yaml", select=["data-exposure"], inventory=OPENAI, terms=terms.shipped()).document)
    training_line = next(line for line in first.splitlines() if "# [terms] OpenAI: API platform, training on your content:" in line)
    # A person answers DE-02, writes notes, adds words after a suggestion and a comment of their own.
    edited = first.replace(training_line, training_line + " Checked by legal.", 1)
    block = edited[edited.index("      DE-02:") :]
    block = block.replace(
        "        answer: null  # yes | partial | no | n/a\n        notes: null\n",
        '        answer: "yes"  # yes | partial | no | n/a\n        notes: Register row 12.\n',
        1,
    )
    edited = edited[: edited.index("      DE-02:")] + block
    edited = edited.replace("      DE-03:  #", "      # Ask about ZDR at the renewal.\n      DE-03:  #", 1)

    # The data changes: OpenAI's training cell is reworded and re-dated.
    changed_text = terms_text_with("Not used to train or improve OpenAI models unless the customer opts in (since 1 March 2023).", "Reworded <terms> & dated.")
    changed_text = changed_text.replace(
        "        source: https://developers.openai.com/api/docs/guides/your-data\n        as_of: 2026-12-06\n",
        "        source: https://developers.openai.com/api/docs/guides/your-data\n        as_of: 2027-01-05\n",
        1,
    )
    changed_text = changed_text.replace("as_of: 2026-12-06\n\ntopics:", "as_of: 2027-01-05\n\ntopics:", 1)
    changed = terms.load_text(changed_text, "provider-terms.yaml")

    result = merge(load_round_trip(edited, "f.yaml"), catalog, file="f.yaml", inventory=OPENAI, terms=changed)
    second = render(result.document, original=edited)
    de02 = second[second.index("      DE-02:") : second.index("      DE-03:")].splitlines()
    assert (
        "        # [terms] OpenAI: API platform, training on your content: Reworded <terms> & dated. (https://developers.openai.com/api/docs/guides/your-data, read 2027-01-05)"
        in de02
    )
    assert training_line not in second  # the old suggestion is gone, replaced
    assert "        # Checked by legal." in de02  # the person's words, on a line of their own
    assert '        answer: "yes"  # yes | partial | no | n/a' in de02 and "        notes: Register row 12." in de02
    assert "      # Ask about ZDR at the renewal.\n      DE-03:" in second
    assert [c.suggestions for c in result.changes] == [["DE-02"]]
    assert lost_comments(edited, second) == []  # a refreshed suggestion is not a lost comment
    # The answers read back the same.
    assert load_text(second, "f.yaml")["checklists"]["data-exposure"]["items"]["DE-02"]["answer"] == "yes"

    # A second run with the same data changes nothing.
    again = merge(load_round_trip(second, "f.yaml"), catalog, file="f.yaml", inventory=OPENAI, terms=changed)
    assert render(again.document, original=second) == second and all(not c.suggestions for c in again.changes)

    # OpenAI leaves the inventory: its suggestions go; the person's lines stay.
    gone = merge(load_round_trip(second, "f.yaml"), catalog, file="f.yaml", inventory={"providers": [], "models": []}, terms=changed)
    third = render(gone.document, original=second)
    assert "# [terms] " not in third.split("\nchecklists:", 1)[1] and "        # Checked by legal." in third and "# Ask about ZDR at the renewal." in third


def terms_text_with(old: str, new: str) -> str:
    assert old in SHIPPED_TEXT
    return SHIPPED_TEXT.replace(old, new, 1)


def test_the_installed_command_writes_suggestions_and_exits_0(tmp_path: Path, installed_cli: str) -> None:
    folder = project_with_openai(tmp_path)
    run = subprocess.run([installed_cli, "assess", str(folder)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "# [terms] OpenAI: API platform" in (folder / "fm-governance.yaml").read_text(encoding="utf-8")
