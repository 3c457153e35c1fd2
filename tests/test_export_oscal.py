"""``fm-governance export oscal-catalog`` and ``export oscal-ar``: OSCAL 1.2.3, valid against NIST's schema.

The example project's assessment (answers yes, partial, no, n/a with notes, unanswered, a waiver,
evidence, scanner signals) is exported by the installed command and validated against NIST's
published OSCAL 1.2.3 JSON schema, vendored in tests/data/oscal-1.2.3/ (see its README for where it
comes from and the one adaptation the validator makes: ``\\p{…}`` patterns read with ``regex``).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import yaml_quoted
from fm_governance.cli import main
from oscal_schema import SCHEMA, SCHEMA_DIR, SCHEMA_SHA256, errors

ROOT = Path(__file__).parents[1]
EXAMPLE = ROOT / "examples" / "support-bot" / "fm-governance.yaml"
AS_OF = "2026-12-06"


def _export(installed_cli: str, cwd: Path, fmt: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([installed_cli, "export", fmt, *args], cwd=cwd, capture_output=True, text=True, check=False)


def _valid(text: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(text)
    problems = errors(document)
    assert problems == [], "\n".join(problems[:20])
    return document


def _invoke(*args: str) -> str:
    result = CliRunner().invoke(main, ["export", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def catalog() -> dict[str, Any]:
    return _valid(_invoke("oscal-catalog", str(EXAMPLE), "--as-of", AS_OF))["catalog"]


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    return _valid(_invoke("oscal-ar", str(EXAMPLE), "--as-of", AS_OF))["assessment-results"]


def _findings(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["target"]["target-id"].removesuffix("_smt"): f for f in results["results"][0]["findings"]}


def test_the_installed_command_writes_both_documents(installed_cli: str, tmp_path: Path) -> None:
    for fmt, root in (("oscal-catalog", "catalog"), ("oscal-ar", "assessment-results")):
        done = _export(installed_cli, tmp_path, fmt, str(EXAMPLE), "--as-of", AS_OF)
        assert done.returncode == 0 and done.stderr == "", done.stderr
        document = _valid(done.stdout)
        assert list(document) == [root]
        assert document[root]["metadata"]["oscal-version"] == "1.2.3"


def test_catalog_has_a_group_per_checklist_and_a_control_per_item(catalog: dict[str, Any]) -> None:
    from fm_governance.core.checklists import load_catalog

    checklists = load_catalog()
    assert [g["id"] for g in catalog["groups"]] == [c.id for c in checklists]
    for group, checklist in zip(catalog["groups"], checklists, strict=True):
        assert {"name": "version", "ns": "https://fm-governance.readthedocs.io/ns/oscal", "value": checklist.version} in group["props"]
        assert [c["id"] for c in group["controls"]] == [i.id for i in checklist.items]
    de01 = catalog["groups"][0]["controls"][0]
    parts = {p["name"]: p for p in de01["parts"]}
    assert parts["statement"]["id"] == "DE-01_smt" and parts["statement"]["prose"].startswith("Is there a current inventory")
    assert parts["guidance"]["prose"] and parts["assessment-method"]["props"] == [{"name": "method", "value": "EXAMINE"}]
    props = {p["name"]: p["value"] for p in de01["props"]}
    assert props["label"] == "DE-01" and props["severity"] == "high" and props["owner"] == "privacy"
    # References: a framework control as a property, a primary source as a link.
    every = [c for g in catalog["groups"] for c in g["controls"]]
    assert any(p["name"] == "reference" and p["value"].startswith("NIST AI RMF") for c in every for p in c["props"])
    assert any(link["href"].startswith("https://") and link["rel"] == "reference" for c in every for link in c.get("links", []))


def test_each_answer_is_a_finding_with_its_status(results: dict[str, Any]) -> None:
    findings = _findings(results)
    de01 = findings["DE-01"]["target"]
    assert de01["status"]["state"] == "satisfied" and de01["status"]["reason"] == "pass"
    assert de01["implementation-status"] == {"state": "implemented"}
    assert findings["DE-01"]["remarks"].startswith("Help-centre articles")
    de07 = findings["DE-07"]["target"]  # partial
    assert de07["status"]["state"] == "not-satisfied" and de07["implementation-status"] == {"state": "partial"}
    vl03 = findings["VL-03"]["target"]  # no
    assert vl03["status"] == {"state": "not-satisfied", "reason": "fail", "remarks": "answered no"} and "implementation-status" not in vl03
    vl01 = findings["VL-01"]["target"]  # unanswered
    assert vl01["status"]["state"] == "not-satisfied" and vl01["status"]["reason"] == "other"
    # n/a with notes: OSCAL's objective status has only satisfied/not-satisfied; the item is not a
    # gap (the score leaves it out), and its implementation status says why.
    de05 = findings["DE-05"]
    assert de05["target"]["status"]["state"] == "satisfied" and de05["target"]["status"]["reason"] == "other"
    assert de05["target"]["implementation-status"]["state"] == "not-applicable"
    assert de05["target"]["implementation-status"]["remarks"].startswith("The index holds") and de05["remarks"].startswith("The index holds")


def test_items_outside_the_declared_modes_are_excluded_not_found(results: dict[str, Any]) -> None:
    from fm_governance.core.checklists import load_catalog

    result = results["results"][0]
    (selection,) = result["reviewed-controls"]["control-selections"]
    excluded = {c["control-id"] for c in selection["exclude-controls"]}
    modes = {"hosted-api", "rag"}
    expected = {i.id for c in load_catalog() for i in c.items if not i.applies(frozenset(modes))}
    assert excluded == expected and expected
    assert not excluded & set(_findings(results))


def test_a_waiver_is_a_risk_with_deviation_approved_and_its_deadline(results: dict[str, Any]) -> None:
    result = results["results"][0]
    (risk,) = result["risks"]
    assert risk["status"] == "deviation-approved" and risk["deadline"] == "2027-03-31T23:59:59Z"
    assert risk["description"].startswith("Fallback to a second developer")
    vl02 = _findings(results)["VL-02"]
    assert vl02["related-risks"] == [{"risk-uuid": risk["uuid"]}]
    assert vl02["target"]["status"]["state"] == "not-satisfied"  # waived is not met; the risk is accepted


def test_an_expired_waiver_is_an_open_risk() -> None:
    document = _valid(_invoke("oscal-ar", str(EXAMPLE), "--as-of", "2027-04-01"))
    (risk,) = document["assessment-results"]["results"][0]["risks"]
    assert risk["status"] == "open" and "has expired" in risk["statement"]


def test_evidence_and_scanner_signals_are_dated_observations(results: dict[str, Any]) -> None:
    result = results["results"][0]
    observations = {o["uuid"]: o for o in result["observations"]}
    signal = next(o for o in observations.values() if o["title"].startswith("Scanner signal: "))
    assert signal["methods"] == ["EXAMINE"] and signal["collected"] == "2026-11-20T00:00:00Z"  # project.date
    assert {"href": "app.py", "description": "app.py:8"} in signal["relevant-evidence"]
    de01 = _findings(results)["DE-01"]
    linked = [observations[r["observation-uuid"]] for r in de01["related-observations"]]
    evidence = [o for o in linked if o["title"] == "Evidence for DE-01"]
    assert [e["relevant-evidence"] for e in evidence] == [[{"description": "docs/data-inventory.md"}]]
    assert evidence[0]["collected"] == "2026-11-20T00:00:00Z"
    assert any(o["title"].startswith("Scanner signal: ") for o in linked)  # the hosted-provider signal bears on DE-01
    # Every reference inside the document resolves.
    for finding in result["findings"]:
        assert all(r["observation-uuid"] in observations for r in finding.get("related-observations", []))


def test_findings_target_statements_of_the_catalog(results: dict[str, Any], catalog: dict[str, Any]) -> None:
    statements = {p["id"] for g in catalog["groups"] for c in g["controls"] for p in c["parts"] if p["name"] == "statement"}
    targets = {f["target"]["target-id"] for f in results["results"][0]["findings"]}
    assert targets <= statements
    resources = {r["uuid"]: r for r in results["back-matter"]["resources"]}
    plan = resources[results["import-ap"]["href"].removeprefix("#")]
    assert plan["rlinks"] == [{"href": "fm-governance.yaml", "media-type": "application/yaml"}]
    assert any(r["rlinks"][0]["href"] == "fm-governance-catalog.json" for r in resources.values())


def test_a_reviewed_date_is_when_the_evidence_was_collected(tmp_path: Path) -> None:
    copy = tmp_path / "fm-governance.yaml"
    text = EXAMPLE.read_text(encoding="utf-8")
    copy.write_text(
        text.replace("          - docs/data-inventory.md\n", "          - docs/data-inventory.md\n        reviewed: 2026-12-01\n", 1), encoding="utf-8"
    )
    document = _valid(_invoke("oscal-ar", str(copy), "--as-of", AS_OF))
    (evidence,) = [o for o in document["assessment-results"]["results"][0]["observations"] if o["title"] == "Evidence for DE-01"]
    assert evidence["collected"] == "2026-12-01T00:00:00Z"


def test_a_dated_evidence_entry_is_collected_on_its_own_date(tmp_path: Path) -> None:
    copy = tmp_path / "fm-governance.yaml"
    text = EXAMPLE.read_text(encoding="utf-8")
    dated = "          - {ref: docs/data-inventory.md, date: 2026-03-01}\n        reviewed: 2026-12-01\n"
    copy.write_text(text.replace("          - docs/data-inventory.md\n", dated, 1), encoding="utf-8")
    document = _valid(_invoke("oscal-ar", str(copy), "--as-of", AS_OF))
    (evidence,) = [o for o in document["assessment-results"]["results"][0]["observations"] if o["title"] == "Evidence for DE-01"]
    # The entry's own date wins over the answer's `reviewed:` day.
    assert evidence["collected"] == "2026-03-01T00:00:00Z"
    assert evidence["relevant-evidence"] == [{"description": "docs/data-inventory.md"}]


def test_an_entry_listed_twice_or_renewed_gets_observations_of_its_own(tmp_path: Path) -> None:
    copy = tmp_path / "fm-governance.yaml"
    text = EXAMPLE.read_text(encoding="utf-8")
    entries = (
        "          - docs/data-inventory.md\n"
        "          - docs/data-inventory.md\n"
        "          - {ref: soc2.pdf, date: 2025-03-01}\n"
        "          - {ref: soc2.pdf, date: 2026-03-01}\n"
    )
    copy.write_text(text.replace("          - docs/data-inventory.md\n", entries, 1), encoding="utf-8")
    document = _valid(_invoke("oscal-ar", str(copy), "--as-of", AS_OF))
    result = document["assessment-results"]["results"][0]
    evidence = [o for o in result["observations"] if o["title"] == "Evidence for DE-01"]
    assert [o["collected"][:10] for o in evidence] == ["2026-11-20", "2026-11-20", "2025-03-01", "2026-03-01"]
    uuids = re.findall(r'"uuid": "([0-9a-f-]{36})"', json.dumps(document))
    assert len(uuids) == len(set(uuids))  # OSCAL: every UUID unique in the document


def test_two_exports_are_the_same_bytes_and_uuids_are_stable(installed_cli: str, tmp_path: Path) -> None:
    copy = tmp_path / "fm-governance.yaml"
    shutil.copyfile(EXAMPLE, copy)
    first = _export(installed_cli, tmp_path, "oscal-ar", "--as-of", AS_OF, "-o", "results.json")
    assert first.returncode == 0 and first.stdout == "" and first.stderr == ""
    again = _export(installed_cli, tmp_path, "oscal-ar", "--as-of", AS_OF)
    assert (tmp_path / "results.json").read_text(encoding="utf-8") == again.stdout

    def uuids(text: str) -> set[str]:
        return set(re.findall(r'"(?:uuid|observation-uuid|risk-uuid)": "([0-9a-f-]{36})"', text))

    # An edited note changes the document, not the identity of anything in it.
    copy.write_text(
        copy.read_text(encoding="utf-8").replace("Calls go straight to the provider SDK in app.py.", "Calls go straight to the SDK."), encoding="utf-8"
    )
    edited = _export(installed_cli, tmp_path, "oscal-ar", "--as-of", AS_OF)
    assert edited.stdout != again.stdout and uuids(edited.stdout) == uuids(again.stdout)
    # Another project has UUIDs of its own.
    copy.write_text(copy.read_text(encoding="utf-8").replace("name: support-bot", "name: billing-bot", 1), encoding="utf-8")
    other = _export(installed_cli, tmp_path, "oscal-ar", "--as-of", AS_OF)
    assert not uuids(other.stdout) & uuids(again.stdout)
    catalogs = [_export(installed_cli, tmp_path, "oscal-catalog", "--as-of", AS_OF).stdout for _ in range(2)]
    assert catalogs[0] == catalogs[1]


def test_text_from_the_file_is_escaped_and_stays_valid(tmp_path: Path) -> None:
    copy = tmp_path / "fm-governance.yaml"
    hostile = "See [the plan](javascript:alert(1)) <script>x</script> *now*\\u0007\\u202e"
    text = EXAMPLE.read_text(encoding="utf-8").replace('"API business terms recorded 2026-11-20: no training on API inputs by default."', f'"{hostile}"', 1)
    text = text.replace(
        "          - procurement/ai-terms-register.xlsx, row 12\n", "          - https://example.org/register?row=12&tab=é\n          - '  '\n", 1
    )
    copy.write_text(text.replace("  name: support-bot", '  name: "support bot <b>"', 1), encoding="utf-8")
    output = _invoke("oscal-ar", str(copy), "--as-of", AS_OF)
    document = _valid(output)
    de02 = _findings(document["assessment-results"])["DE-02"]
    assert "\\[the plan\\]\\(javascript:alert\\(1\\)\\) \\<script\\>x\\</script\\> \\*now\\*" in de02["remarks"]
    assert "\u0007" not in output and "\u202e" not in output
    observations = document["assessment-results"]["results"][0]["observations"]
    register = next(o for o in observations if o["title"] == "Evidence for DE-02" and "register" in o["description"])
    assert register["relevant-evidence"][0]["href"] == "https://example.org/register?row=12&tab=%C3%A9"
    assert document["assessment-results"]["metadata"]["title"] == "Governance assessment: support bot \\<b\\>"


def test_catalog_href_names_where_the_catalog_is() -> None:
    document = _valid(_invoke("oscal-ar", str(EXAMPLE), "--as-of", AS_OF, "--catalog-href", "https://grc.example/catalogs/fm governance.json"))
    hrefs = [r["rlinks"][0]["href"] for r in document["assessment-results"]["back-matter"]["resources"]]
    assert "https://grc.example/catalogs/fm%20governance.json" in hrefs


def test_bad_input_is_one_line(installed_cli: str, tmp_path: Path) -> None:
    done = _export(installed_cli, tmp_path, "oscal-ar", "absent.yaml")
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1 and done.stderr.startswith("absent.yaml")
    done = _export(installed_cli, tmp_path, "oscal-ar", str(EXAMPLE), "--catalog-href", " ")
    assert done.returncode == 2 and done.stdout == "" and len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith("--catalog-href") and "Traceback" not in done.stderr
    done = _export(installed_cli, tmp_path, "oscal-catalog", str(EXAMPLE), "--catalog-href", "x.json")
    assert done.returncode == 2 and done.stdout == "" and done.stderr.startswith("--catalog-href: applies to oscal-ar only")


def test_a_custom_checklist_and_a_bare_file_export_valid_documents(catalog_dir: Path, tmp_path: Path) -> None:
    assessment = tmp_path / "fm-governance.yaml"
    CliRunner().invoke(main, ["template", "--checklists-dir", str(catalog_dir), "-o", str(assessment)], catch_exceptions=False)
    text = assessment.read_text(encoding="utf-8")
    # AL-01 n/a without notes (not justified: scored as open); AL-03 unanswered under an expired waiver.
    head, _, tail = text.partition("AL-01:")
    text = head + "AL-01:" + tail.replace("answer: null", "answer: n/a", 1)
    head, _, tail = text.partition("AL-03:")
    expired = "waiver: {reason: Later., approved_by: Risk, expires: 2026-01-31}"
    assessment.write_text(head + "AL-03:" + tail.replace("waiver: null", expired, 1), encoding="utf-8")
    for fmt in ("oscal-catalog", "oscal-ar"):
        document = _valid(_invoke(fmt, str(assessment), "--checklists-dir", str(catalog_dir), "--as-of", AS_OF))
    results = document["assessment-results"]
    assert results["metadata"]["title"] == "Governance assessment" and "parties" not in results["metadata"]
    findings = _findings(results)
    assert findings["AL-01"]["target"]["status"]["state"] == "not-satisfied" and "implementation-status" not in findings["AL-01"]["target"]
    (risk,) = [r for r in results["results"][0]["risks"] if r["title"].startswith("Waiver for AL-03")]
    assert risk["status"] == "open" and risk["deadline"] == "2026-01-31T23:59:59Z"
    assert findings["AL-03"]["related-risks"] == [{"risk-uuid": risk["uuid"]}]


_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(notes=_TEXT, evidence=_TEXT, assessor=_TEXT, name=_TEXT)
def test_any_text_in_the_file_gives_valid_oscal(tmp_path: Path, notes: str, evidence: str, assessor: str, name: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace("  name: support-bot", f"  name: {yaml_quoted(name)}", 1)
    text = text.replace("    - Priya N. (engineering lead)", f"    - {yaml_quoted(assessor)}", 1)
    text = text.replace(
        "Help-centre articles (public) and customer questions (may contain personal data) go to the provider's API tier, EU region.", yaml_quoted(notes), 1
    )
    text = text.replace("          - docs/data-inventory.md", f"          - {yaml_quoted(evidence)}", 1)
    copy = tmp_path / "fm-governance.yaml"
    copy.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["export", "oscal-ar", str(copy), "--as-of", AS_OF], catch_exceptions=False)
    assume(result.exit_code == 0)  # a file the assessment schema refuses is check's business
    _valid(result.stdout)


# --- The vendored schema and the validator ----------------------------------------------------------


def test_the_vendored_schema_is_the_file_its_readme_names() -> None:
    digest = hashlib.sha256(SCHEMA.read_bytes()).hexdigest()
    assert digest == SCHEMA_SHA256
    readme = (SCHEMA_DIR / "README.md").read_text(encoding="utf-8")
    assert digest in readme and "v1.2.3" in readme
    assert json.loads(SCHEMA.read_text(encoding="utf-8"))["$id"] == "http://csrc.nist.gov/ns/oscal/1.0/1.2.3/oscal-complete-schema.json"


def test_python_re_cannot_read_the_token_pattern_so_regex_does() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    token = schema["definitions"]["TokenDatatype"]["pattern"]
    assert "\\p{L}" in token
    with pytest.raises(re.error):
        re.compile(token)


def test_the_validator_rejects_what_the_schema_forbids(results: dict[str, Any]) -> None:
    # The checks that matter are enforced, not skipped: an enum, a \p{…} token pattern, a
    # date-time pattern and additionalProperties.
    broken = json.loads(json.dumps({"assessment-results": results}))
    finding = broken["assessment-results"]["results"][0]["findings"][0]
    finding["target"]["status"]["state"] = "not-applicable"
    finding["target"]["target-id"] = "DE 01"
    broken["assessment-results"]["results"][0]["start"] = "2026-11-20"
    broken["assessment-results"]["metadata"]["colour"] = "blue"
    found = "\n".join(errors(broken))
    assert "'not-applicable' is not one of" in found
    assert "'DE 01' does not match" in found
    assert "'2026-11-20' does not match" in found
    assert "'colour' was unexpected" in found
