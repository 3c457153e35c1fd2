"""The portfolio: its arithmetic against hand-computed values, its inputs, and every output format.

The model tests build :class:`~fm_governance.portfolio.read.Project` records directly; the input
and format tests write assessment files (``portfolio_helpers``) and run the command the way users
do (CliRunner, and the installed command where the exit code is the point).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import os
import subprocess
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import portfolio_helpers as helpers
from fm_governance.cli import main
from fm_governance.portfolio import inputs
from fm_governance.portfolio.jsondoc import schema
from fm_governance.portfolio.model import Settings, build, gate, hhi
from fm_governance.portfolio.read import Excluded, ModelUse, OpenItem, Project

TODAY = dt.date(2026, 12, 6)


def project(name: str, developers: tuple[str, ...] = (), *, critical: bool = False, channels: tuple[str, ...] | None = None, **extra: object) -> Project:
    channels = developers if channels is None else channels
    models = tuple(
        ModelUse(id=f"{d or 'x'}-model-{i}", provider=c, developer=d, channel=c, deprecated=None, retired=None)
        for i, (d, c) in enumerate(zip(developers, channels, strict=True))
    )
    fields: dict[str, object] = {
        "path": f"{name}/fm-governance.yaml",
        "name": name,
        "criticality": "critical" if critical else "medium",
        "owner": "",
        "date": TODAY,
        "score": 50.0,
        "models": models,
        "providers": tuple(c for c in channels if c),
        "open_items": (),
        "waivers": (),
    }
    fields.update(extra)
    return Project(**fields)  # type: ignore[arg-type]


# --- arithmetic --------------------------------------------------------------------------------


def test_hhi_of_known_shares_matches_the_handbook_example() -> None:
    # The concentration chapter's worked example: by host 40/30/20/10, by developer 90/10.
    assert hhi([40, 30, 20, 10]) == pytest.approx(3000)
    assert hhi([0.9, 0.1]) == pytest.approx(8200)
    assert hhi([45, 10, 45]) == pytest.approx(4150)
    assert hhi([1]) == pytest.approx(10_000)
    assert hhi([]) is None


def test_shares_of_projects_and_of_critical_projects() -> None:
    portfolio = build(
        [
            project("a", ("openai",), critical=True),
            project("b", ("openai",), critical=True),
            project("c", ("anthropic",), critical=True),
            project("d", ("google",)),
        ],
        today=TODAY,
    )
    developer = portfolio.level("developer")
    shares = {s.name: s for s in developer.shares}
    assert shares["openai"].projects == 2 and shares["openai"].share == pytest.approx(0.5)
    assert shares["openai"].critical == 2 and shares["openai"].critical_share == pytest.approx(2 / 3)
    assert shares["google"].critical_share == 0
    # All projects: 50, 25, 25 -> 2,500 + 625 + 625; critical: 66.7, 33.3 -> 5,555.6.
    assert developer.hhi == pytest.approx(3750)
    assert developer.hhi_critical == pytest.approx((200 / 3) ** 2 + (100 / 3) ** 2)
    assert developer.band == "highly concentrated"
    assert [(s.level, s.name) for s in portfolio.single_points] == [("developer", "openai"), ("channel", "openai")]
    assert "67% of critical projects depend on developer openai" in portfolio.headline()


def test_a_project_with_two_developers_counts_for_both_and_half_in_the_hhi() -> None:
    portfolio = build([project("a", ("openai", "anthropic")), project("b", ("openai",))], today=TODAY)
    developer = portfolio.level("developer")
    shares = {s.name: s for s in developer.shares}
    assert shares["openai"].share == 1.0 and shares["anthropic"].share == 0.5  # dependence: sums to 150%
    assert shares["openai"].weighted == pytest.approx(0.75) and shares["anthropic"].weighted == pytest.approx(0.25)
    assert developer.hhi == pytest.approx(75**2 + 25**2)


def test_ties_one_project_and_no_critical_projects() -> None:
    tie = build([project("a", ("x",)), project("b", ("y",))], today=TODAY).level("developer")
    assert [s.name for s in tie.shares] == ["x", "y"]  # equal counts: by name
    assert tie.hhi == pytest.approx(5000) and tie.band == "highly concentrated"
    assert tie.hhi_critical is None and tie.band_critical is None
    many = build([project(str(i), (f"dev{i}",)) for i in range(10)], today=TODAY).level("developer")
    assert many.hhi == pytest.approx(1000) and many.band == "not highly concentrated"
    one = build([project("solo", ("openai",), critical=True)], today=TODAY)
    assert one.level("developer").hhi == pytest.approx(10_000)
    assert [s.name for s in one.single_points] == ["openai", "openai"]
    none_critical = build([project("a", ("openai",))], today=TODAY)
    assert none_critical.single_points == ()  # nothing to measure, never "100% of 0"
    assert none_critical.level("developer").shares[0].critical_share is None


def test_an_unknown_developer_is_not_found_and_left_out_of_the_hhi() -> None:
    portfolio = build([project("a", ("openai",)), project("b", ("",), channels=("openai",)), project("c")], today=TODAY)
    developer = portfolio.level("developer")
    assert [s.name for s in developer.shares] == ["openai"]
    assert developer.known == 1 and developer.hhi == pytest.approx(10_000)
    assert portfolio.level("channel").known == 2


def test_self_hosted_is_never_a_single_point_of_failure() -> None:
    portfolio = build([project(str(i), ("meta",), channels=("self-hosted",), critical=True) for i in range(3)], today=TODAY)
    assert [(s.level, s.name) for s in portfolio.single_points] == [("developer", "meta")]


def test_spof_threshold_is_strictly_more_than() -> None:
    half = [project("a", ("x",), critical=True), project("b", ("y",), critical=True)]
    assert build(half, today=TODAY).single_points == ()
    assert len(build(half, today=TODAY, settings=Settings(spof_threshold=0.4)).single_points) == 4


def test_gate_reasons() -> None:
    portfolio = build([project("a", ("x",), critical=True)], today=TODAY)
    assert gate(portfolio) == ()
    assert any("developer x" in r for r in gate(portfolio, fail_on_spof=True))
    assert gate(portfolio, max_hhi=10_000) == ()
    assert len(gate(portfolio, max_hhi=9_999)) == 3


def test_open_items_per_owner_and_area_waivers_stale_duplicates_and_excluded() -> None:
    from fm_governance.portfolio.read import WaiverUse

    items = (
        OpenItem("DE-01", "data-exposure", "Data exposure", "critical", "privacy"),
        OpenItem("VL-02", "vendor-lock-in", "Vendor lock-in", "high", "procurement"),
    )
    entries = [
        project(
            "a",
            ("x",),
            open_items=items,
            waivers=(WaiverUse("DE-03", TODAY + dt.timedelta(days=10), "CRO"), WaiverUse("DE-04", TODAY + dt.timedelta(days=90), "CRO")),
        ),
        project("b", ("x",), open_items=items[:1], date=None),
        project("a", ("y",), date=TODAY - dt.timedelta(days=400), path="old/a/fm-governance.yaml"),
        Excluded("bad/fm-governance.yaml", ("bad/fm-governance.yaml:3:5: broken — fix it",)),
    ]
    portfolio = build(entries, today=TODAY)
    assert [(c.name, c.critical, c.high, c.projects) for c in portfolio.open_by_owner] == [("privacy", 2, 0, 2), ("procurement", 0, 1, 1)]
    assert [c.name for c in portfolio.open_by_area] == ["Data exposure", "Vendor lock-in"]
    assert [(w.item_id, w.days) for w in portfolio.waivers_due] == [("DE-03", 10)]
    assert [(s.project, s.date) for s in portfolio.stale] == [("b", None)]
    # The duplicate is reported, not double-counted: the most recent assessment of "a" is kept.
    assert len(portfolio.projects) == 2
    assert [(d.name, d.kept, d.dropped) for d in portfolio.duplicates] == [("a", "a/fm-governance.yaml", ("old/a/fm-governance.yaml",))]
    assert portfolio.level("developer").shares[0].name == "x"
    assert not portfolio.complete and "incomplete: 1 file could not be read" in portfolio.headline()


def test_retirement_windows() -> None:
    def uses(model_id: str, retired: int | None, deprecated: int | None = None) -> ModelUse:
        def day(n: int | None) -> dt.date | None:
            return None if n is None else TODAY + dt.timedelta(days=n)

        return ModelUse(model_id, "openai", "openai", "openai", day(deprecated), day(retired))

    p = project(
        "a", critical=True, models=(uses("gone", -5), uses("soon", 30), uses("later", 150), uses("far", 400), uses("old", None, -10), uses("fine", None))
    )
    retirements = build([p], today=TODAY).retirements
    assert [(r.model_id, r.status, r.window) for r in retirements] == [
        ("gone", "retired", "past"),
        ("soon", "retiring", "90"),
        ("later", "retiring", "180"),
        ("old", "deprecated", "deprecated"),
    ]
    assert retirements[0].critical == 1 and retirements[0].days == -5


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.lists(st.sampled_from("abcdef"), min_size=1, max_size=3, unique=True), st.booleans()), min_size=1, max_size=25))
def test_weighted_shares_sum_to_one_and_hhi_is_between_its_bounds(rows: list[tuple[list[str], bool]]) -> None:
    portfolio = build([project(f"p{i}", tuple(devs), critical=c) for i, (devs, c) in enumerate(rows)], today=TODAY)
    for level in portfolio.levels:
        assert sum(s.weighted for s in level.shares) == pytest.approx(1)
        n = len(level.shares)
        assert level.hhi is not None and 10_000 / n - 1e-6 <= level.hhi <= 10_000 + 1e-6
        assert all(0 <= s.share <= 1 for s in level.shares)
        if portfolio.critical_count:
            assert sum(s.weighted_critical or 0 for s in level.shares) == pytest.approx(1)


# --- inputs ------------------------------------------------------------------------------------


def test_inputs_from_a_folder_a_glob_and_stdin(tmp_path: Path) -> None:
    files = helpers.sample(tmp_path / "org")
    (tmp_path / "org" / ".git" / "x").mkdir(parents=True)
    helpers.write(tmp_path / "org" / ".git", "x")  # hidden folders are not searched
    found, errors = inputs.collect([str(tmp_path / "org")])
    assert found == sorted(files, key=str) and errors == []
    found, errors = inputs.collect([str(tmp_path / "org" / "*" / "fm-governance.yaml")])
    assert len(found) == 5 and errors == []
    found, errors = inputs.collect(["-"], io.StringIO(f"{files[0]}\n\n{tmp_path / 'org' / 'hr-faq'}\n{tmp_path / 'nope'}\n"))
    assert found == sorted([files[0], files[3]], key=str)
    assert [str(e.location) for e in errors] == ["<stdin>:4"]
    found, errors = inputs.collect([str(files[0]), str(files[0].parent)])
    assert found == [files[0]]  # each file once


def test_a_file_named_again_through_a_link_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = helpers.sample(tmp_path / "org")
    first, second = files[0], files[1]
    (tmp_path / "symlink.yaml").symlink_to(first)
    os.link(second, tmp_path / "hardlink.yaml")
    found, errors = inputs.collect([str(first), str(tmp_path / "symlink.yaml"), str(second), str(tmp_path / "hardlink.yaml")])
    assert errors == [] and len(found) == 2
    assert {os.path.realpath(p) for p in found} == {os.path.realpath(first), os.path.realpath(second)}
    # A file system that numbers no file (inode 0): paths are compared resolved, never all as one.
    real_stat = os.stat

    def unnumbered(path: object, *args: object, **kwargs: object) -> os.stat_result:
        result = real_stat(path, *args, **kwargs)  # type: ignore[arg-type]
        return os.stat_result((result.st_mode, 0, *tuple(result)[2:]))

    monkeypatch.setattr(os, "stat", unnumbered)
    found, _ = inputs.collect([str(first), str(tmp_path / "symlink.yaml"), str(second)])
    assert len(found) == 2


def test_a_path_that_names_nothing_is_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    _, errors = inputs.collect([str(tmp_path / "missing"), str(tmp_path / "empty"), str(tmp_path / "*.yaml")])
    assert [e.message.split(":")[0].split(" ")[0] for e in errors] == ["no", "folder", "the"]
    assert all(e.fix for e in errors)


def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["portfolio", *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def org(tmp_path: Path) -> Path:
    helpers.sample(tmp_path / "org")
    return tmp_path / "org"


def test_a_bad_file_is_listed_and_the_rest_still_counted(org: Path) -> None:
    bad = org / "broken" / "fm-governance.yaml"
    bad.parent.mkdir()
    bad.write_text("project:\n  name: broken\ncheckl ists: [\n", encoding="utf-8")
    code, out, err = run(str(org), "--format", "json", "--as-of", "2026-12-06")
    assert code == 2  # the portfolio is incomplete
    doc = json.loads(out)
    assert doc["complete"] is False and doc["counts"]["projects"] == 5
    assert doc["excluded"][0]["path"] == str(bad) and doc["excluded"][0]["errors"][0].startswith(f"{bad}:4:1: invalid YAML")
    assert err.splitlines()[0].startswith(f"{bad}:4:1: invalid YAML") and "Traceback" not in err


def test_stdin_lists_the_paths(org: Path) -> None:
    code, out, _ = run("-", "--format", "csv", "--as-of", "2026-12-06", stdin=f"{org / 'hr-faq'}\n{org / 'fraud-notes'}\n")
    assert code == 0
    assert [row["project"] for row in csv.DictReader(io.StringIO(out))] == ["fraud-notes", "hr-faq"]


# --- formats -----------------------------------------------------------------------------------


def test_json_validates_against_its_schema(org: Path) -> None:
    code, out, _ = run(str(org), "--format", "json", "--as-of", "2026-12-06")
    assert code == 0
    doc = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.Draft202012Validator(schema()).validate(doc)
    developer = next(level for level in doc["levels"] if level["id"] == "developer")
    assert developer["hhi"] == pytest.approx(2600) and developer["band"] == "highly concentrated"
    # gpt-4o-2024-08-06 retires on 2027-01-14 by the model catalog (its dates from secondary reports).
    assert [r["model"] for r in doc["retirements"]] == ["claude-3-5-sonnet-20241022", "gpt-4o-2024-08-06"]
    assert [w["item"] for w in doc["waivers_expiring"]] == ["DE-02"]
    assert {s["project"] for s in doc["stale"]} == {"hr-faq", "intranet-search"}
    assert doc["counts"]["by_criticality"] == {"critical": 3, "low": 1, "unrated": 1}


def test_csv_per_project_and_per_model_parse(org: Path) -> None:
    _, out, _ = run(str(org), "--format", "csv", "--as-of", "2026-12-06")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 5
    claims = next(r for r in rows if r["project"] == "claims-triage")
    assert claims["developers"] == "anthropic;openai" and claims["criticality"] == "critical"
    _, out, _ = run(str(org), "--format", "csv-models", "--as-of", "2026-12-06")
    models = list(csv.DictReader(io.StringIO(out)))
    assert [(r["project"], r["model"]) for r in models if r["project"] == "claims-triage"] == [
        ("claims-triage", "gpt-4o-2024-08-06"),
        ("claims-triage", "claude-3-5-sonnet-20241022"),
    ]
    assert next(r for r in models if r["model"].startswith("claude"))["retired"] == "2025-10-28"


HOSTILE = '=HYPERLINK("x") <script>alert(1)</script> [x](javascript:y) | *b*'


def test_text_from_files_is_escaped_in_every_format(tmp_path: Path) -> None:
    helpers.write(tmp_path / "org", HOSTILE.replace("/", "-"), criticality="critical", owner="\x1b[31mred", models=["gpt-4o-2024-08-06"])
    name = HOSTILE.replace("/", "-")
    _, html, _ = run(str(tmp_path / "org"), "--format", "html", "--as-of", "2026-12-06")
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;-script&gt;" in html
    _, text, _ = run(str(tmp_path / "org"), "--as-of", "2026-12-06")
    assert "\x1b" not in text
    _, md, _ = run(str(tmp_path / "org"), "--format", "markdown", "--as-of", "2026-12-06")
    assert "<script>" not in md and "\\<script\\>" in md and "\\|" in md
    _, out, _ = run(str(tmp_path / "org"), "--format", "csv", "--as-of", "2026-12-06")
    assert next(csv.DictReader(io.StringIO(out)))["project"] == "'" + name  # never a formula
    _, out, _ = run(str(tmp_path / "org"), "--format", "json", "--as-of", "2026-12-06")
    assert json.loads(out)["projects"][0]["name"] == name  # lossless


def test_text_fits_80_columns_and_html_has_the_charts(org: Path) -> None:
    _, text, _ = run(str(org), "--as-of", "2026-12-06")
    assert max(len(line) for line in text.splitlines()) <= 80
    assert all(line == line.rstrip() for line in text.splitlines())
    assert "HHI 2,600 (highly concentrated) over 5 of 5 projects" in " ".join(text.split())
    assert "developer anthropic: 2 of 3 critical projects (67%)" in text
    _, html, _ = run(str(org), "--format", "html", "--as-of", "2026-12-06")
    for chart in ("fmg-portfolio-hhi", "fmg-portfolio-developer", "fmg-portfolio-channel", "fmg-portfolio-provider", "fmg-portfolio-timeline"):
        assert f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart}" role="img"' in html
    assert "<script" not in html and "@media print" in html
    _, md, _ = run(str(org), "--format", "markdown", "--as-of", "2026-12-06")
    assert md.startswith("# Model portfolio, as of 2026-12-06") and "| anthropic | 2 | 40% | 2 | 67% |" in md


def test_output_file_and_gates(org: Path, tmp_path: Path) -> None:
    target = tmp_path / "portfolio.html"
    code, out, _ = run(str(org), "--format", "html", "-o", str(target), "--as-of", "2026-12-06")
    assert code == 0 and out == "" and target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    code, _, _ = run(str(org), "--format", "html", "-o", str(target), "--as-of", "2026-12-06")
    assert code == 2  # an existing file is replaced only with --force
    code, _, err = run(str(org), "--fail-on-spof", "--as-of", "2026-12-06")
    assert code == 1 and "portfolio gate failed: developer anthropic is behind 2 of 3 critical projects (67%)" in err
    assert run(str(org), "--max-hhi", "2600", "--as-of", "2026-12-06")[0] == 0
    assert run(str(org), "--max-hhi", "2599", "--as-of", "2026-12-06")[0] == 1
    assert run(str(org), "--spof-threshold", "0.7", "--fail-on-spof", "--as-of", "2026-12-06")[0] == 0


def test_installed_command_exit_codes(org: Path, installed_cli: str) -> None:
    def call(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([installed_cli, "portfolio", *args, "--as-of", "2026-12-06"], capture_output=True, text=True, check=False, timeout=120)

    assert call(str(org)).returncode == 0
    assert call(str(org), "--fail-on-spof").returncode == 1
    missing = call(str(org), str(org / "nope"))
    assert missing.returncode == 2 and missing.stderr.startswith(f"{org / 'nope'}: no such file or folder") and "Traceback" not in missing.stderr
    assert "5 projects (3 critical)" in missing.stdout  # the rest is still reported


# --- the assessment fields ---------------------------------------------------------------------


def test_new_assessments_carry_criticality_and_owner_and_old_ones_stay_byte_identical(tmp_path: Path) -> None:
    new = tmp_path / "new"
    new.mkdir()
    assert CliRunner().invoke(main, ["assess", str(new), "--no-scan"]).exit_code == 0
    text = (new / "fm-governance.yaml").read_text(encoding="utf-8")
    assert "  criticality: null  # critical | high | medium | low" in text and "  owner: null  #" in text
    # A file written before these fields existed: re-assessing it adds neither.
    old = tmp_path / "old"
    old.mkdir()
    (old / "fm-governance.yaml").write_text(text.replace(text[text.index("  criticality:") : text.index("context:")], ""), encoding="utf-8")
    before = (old / "fm-governance.yaml").read_bytes()
    assert CliRunner().invoke(main, ["assess", str(old), "--no-scan"]).exit_code == 0
    assert (old / "fm-governance.yaml").read_bytes() == before
    assert CliRunner().invoke(main, ["check", str(old / "fm-governance.yaml")]).exit_code == 0


def test_criticality_is_validated_and_read(tmp_path: Path) -> None:
    path = helpers.write(tmp_path, "p", criticality="critical", owner="Payments")
    code, out, _ = run(str(path), "--format", "json", "--as-of", "2026-12-06")
    assert code == 0 and json.loads(out)["projects"][0]["criticality"] == "critical" and json.loads(out)["projects"][0]["owner"] == "Payments"
    path.write_text(path.read_text(encoding="utf-8").replace('"critical"', '"vital"'), encoding="utf-8")
    code, _, err = run(str(path), "--as-of", "2026-12-06")
    assert code == 2 and "project.criticality" in err and str(path) in err


def test_parallel_reading_gives_the_same_portfolio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fm_governance.portfolio import read

    files = helpers.sample(tmp_path / "org")
    bad = tmp_path / "org" / "bad" / "fm-governance.yaml"
    bad.parent.mkdir()
    bad.write_text("project: [\n", encoding="utf-8")
    paths = sorted([*files, bad], key=str)
    serial = read.read_all(paths, today=TODAY, jobs=1)
    monkeypatch.setattr(read, "PARALLEL_FROM", 2)
    parallel = read.read_all(paths, today=TODAY, jobs=2)
    assert parallel == serial
    assert isinstance(parallel[0], Excluded) and parallel[0].path == str(bad)


def test_an_open_item_is_one_record_shared_by_every_project_and_follows_its_checklist(tmp_path: Path) -> None:
    """Open items come back from the workers as one record per item (so a chunk of projects sends
    each once); a checklist loaded with a new title or owner gets records of its own."""
    import pickle

    from fm_governance.core.checklists import load_catalog
    from fm_governance.portfolio import read

    files = helpers.sample(tmp_path / "org")
    catalog = load_catalog(())
    projects = [read.read_project(path, catalog, TODAY) for path in files]
    by_id: dict[str, OpenItem] = {}
    for p in projects:
        for item in p.open_items:
            assert by_id.setdefault(item.item_id, item) is item
    shared = [i for i in by_id if sum(i in {o.item_id for o in p.open_items} for p in projects) > 1]
    assert shared, "the sample needs an item open in two projects"
    assert pickle.loads(pickle.dumps(projects)) == projects

    # The checklist edited while the process lives (a handbook rebuilt in one Sphinx process).
    checklist = catalog.get("data-exposure")
    assert checklist is not None
    renamed = load_catalog((), builtins=("data-exposure",), loader=lambda path: dataclasses.replace(checklist, title="Renamed"))
    again = read.read_project(files[0], renamed, TODAY)
    assert again.open_items and {i.area for i in again.open_items if i.checklist_id == "data-exposure"} == {"Renamed"}


# --- the read path: fast, bounded, located -----------------------------------------------------

EXAMPLE = Path(__file__).parents[1] / "examples" / "portfolio" / "claims-triage" / "fm-governance.yaml"
BOMB = "project:\n  name: bomb\nx: &a [x,x,x,x,x,x,x,x,x]\n" + "".join(
    f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)


def bad_files(folder: Path) -> dict[str, Path]:
    """Files the portfolio must refuse, each as ``check`` refuses it: an alias bomb (a billion values
    if expanded), a file over the 8 MiB cap, and two valid YAML files with located mistakes."""
    text = EXAMPLE.read_text(encoding="utf-8")
    contents = {
        "bomb": BOMB,
        "huge": "project:\n  name: huge\nnotes: '" + "x" * (8 * 1024 * 1024) + "'\n",
        "maybe": text.replace('answer: "yes"', "answer: maybe", 1).replace("name: claims-triage", "name: maybe"),
        "unknown-item": text.replace("DE-01:", "DE-99:", 1).replace("name: claims-triage", "name: unknown-item"),
    }
    files = {}
    for name, content in contents.items():
        files[name] = folder / name / "fm-governance.yaml"
        files[name].parent.mkdir(parents=True)
        files[name].write_text(content, encoding="utf-8")
    return files


def test_unsafe_and_invalid_files_are_refused_with_the_errors_check_gives(org: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The portfolio reads without positions, yet keeps every YAML limit, and a refused file is
    named with the same located one-line errors as `check` gives (it is read again with positions)."""
    from fm_governance.portfolio import read

    bad = bad_files(org)
    code, out, err = run(str(org), "--format", "json", "--as-of", "2026-12-06")
    assert code == 2 and "Traceback" not in err
    doc = json.loads(out)
    assert doc["counts"]["projects"] == 5  # the five good files, and none of the bad ones
    excluded = {Path(e["path"]).parent.name: e["errors"] for e in doc["excluded"]}
    assert set(excluded) == set(bad)
    for name, path in bad.items():
        check = CliRunner().invoke(main, ["check", str(path)])
        assert check.exit_code == 2
        assert excluded[name] == check.stderr.splitlines(), name
    assert "expands to more than 500,000 values through YAML aliases" in excluded["bomb"][0]
    assert excluded["huge"] == [f"{bad['huge']}: is larger than 8 MiB — this is not a checklist or assessment; check the path"]
    line = next(n for n, text in enumerate(bad["maybe"].read_text(encoding="utf-8").splitlines(), 1) if "answer: maybe" in text)
    assert excluded["maybe"][0].startswith(f"{bad['maybe']}:{line}:17: ")
    assert excluded["unknown-item"][0].startswith(f"{bad['unknown-item']}:") and "unknown item 'DE-99'" in excluded["unknown-item"][0]
    # The same in worker processes.
    monkeypatch.setattr(read, "PARALLEL_FROM", 2)
    files, _ = inputs.collect([str(org)])
    parallel = read.read_all(files, today=TODAY, jobs=2)
    assert {Path(e.path).parent.name: list(e.errors) for e in parallel if isinstance(e, Excluded)} == excluded


def test_reading_without_positions_scores_as_check_does() -> None:
    """The portfolio's reading of a file is check's, but for the positions of its items."""
    from fm_governance.core.assessment import read_assessment
    from fm_governance.core.checklists import load_catalog
    from fm_governance.core.scoring import score

    catalog = load_catalog(())
    for path in sorted(EXAMPLE.parents[1].glob("*/fm-governance.yaml")):
        located = read_assessment(path, catalog)
        fast = read_assessment(path, catalog, located=False)
        assert fast.project_name == located.project_name and fast.inventory == located.inventory
        assert {k: c.responses.keys() for k, c in fast.checklists.items()} == {k: c.responses.keys() for k, c in located.checklists.items()}
        assert score(fast, catalog, today=TODAY).score == score(located, catalog, today=TODAY).score
        assert {str(r.location) for c in fast.checklists.values() for r in c.responses.values()} == {str(path)}


def test_schema_portfolio_prints_the_schema_the_json_output_follows(org: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["schema", "portfolio"])
    assert result.exit_code == 0
    printed = json.loads(result.stdout)
    assert printed == schema() and printed["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    _, out, _ = run(str(org), "--format", "json", "--as-of", "2026-12-06")
    jsonschema.Draft202012Validator(printed).validate(json.loads(out))
    target = tmp_path / "portfolio.schema.json"
    assert CliRunner().invoke(main, ["schema", "portfolio", "-o", str(target)]).exit_code == 0
    assert target.read_text(encoding="utf-8") == result.stdout
    again = CliRunner().invoke(main, ["schema", "portfolio", "-o", str(target)])
    assert again.exit_code == 2 and "--force" in again.stderr  # an existing file only with --force


def test_parallel_reading_leaves_the_collector_as_it_found_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parent freezes what it loaded before forking and takes the records in with the collector
    off: both are undone when the workers are done, so a long-lived caller keeps collecting."""
    import gc

    from fm_governance.portfolio import read

    paths = helpers.sample(tmp_path / "org")
    monkeypatch.setattr(read, "PARALLEL_FROM", 2)
    assert gc.isenabled() and gc.get_freeze_count() == 0
    read.read_all(paths, today=TODAY, jobs=2)
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_retirements_say_when_in_days_not_as_a_signed_number(org: Path) -> None:
    for fmt in ("markdown", "html"):
        code, out, _ = run(str(org), "--format", fmt, "--as-of", "2026-12-06")
        assert code == 0
        # claude-3-5-sonnet-20241022 retired on 2025-10-28; gpt-4o-2024-08-06 retires on 2027-01-14.
        assert "404 days ago" in out and "in 39 days" in out and "-404" not in out, fmt
