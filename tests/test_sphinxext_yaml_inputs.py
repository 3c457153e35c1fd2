"""YAML the extension cannot use gives a located ``fmg`` warning, never a traceback.

A checklist in ``fmg_checklist_dirs`` and the file of an ``fmg:assessment`` directive are read by
the same located reader as the CLI: standard tags with values that do not fit them (``!!int
"abc"``, ``!!bool maybe``, ``!!float abc``), integers longer than Python converts, merge keys and
impossible dates are reported at their file and line, and the build goes on.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from sphinx.util.console import strip_escape_sequences

ROOTS = Path(__file__).parent / "roots"

ASSESSMENT = """\
project:
  name: {name}
checklists:
  good:
    version: "1.0.0"
    items:
      GD-01:
        answer: "yes"
        notes: {notes}
"""

#: file name -> (the notes value, the line the warning must name, a fragment of it)
BAD_ASSESSMENTS = {
    "int.yaml": ('!!int "abc"', "9", "YAML tag '!!int' is not allowed"),
    "bool.yaml": ("!!bool maybe", "9", "YAML tag '!!bool' is not allowed"),
    "float.yaml": ("!!float abc", "9", "YAML tag '!!float' is not allowed"),
    "huge.yaml": ("9" * 5000, "9", "a number of 5,000 digits is too long to read"),
}


def test_bad_scalars_in_checklists_and_assessments_are_located_warnings(make_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "src"
    src.mkdir()
    shutil.copytree(ROOTS / "test-fmg-bad" / "checklists", src / "checklists", ignore=shutil.ignore_patterns("broken.yaml"))
    good = (src / "checklists" / "good.yaml").read_text(encoding="utf-8")
    # A second checklist whose summary is an integer too long to read, one with a bad tag.
    (src / "checklists" / "long.yaml").write_text(
        good.replace("id: good", "id: long")
        .replace("prefix: GD", "prefix: LG")
        .replace("GD-01", "LG-01")
        .replace("summary: Loads", "summary: " + "7" * 4400 + "\nx: Loads"),
        encoding="utf-8",
    )
    (src / "checklists" / "tagged.yaml").write_text(
        good.replace("id: good", "id: tagged").replace("prefix: GD", "prefix: TG").replace("GD-01", "TG-01").replace("severity: low", "severity: !!bool maybe"),
        encoding="utf-8",
    )
    page = ["# Bad scalars", ""]
    for name, (notes, _, _) in BAD_ASSESSMENTS.items():
        (src / name).write_text(ASSESSMENT.format(name=name, notes=notes), encoding="utf-8")
        page += [f"```{{fmg:assessment}} {name}", "```", ""]
    (src / "merge.yaml").write_text(ASSESSMENT.format(name="m", notes="null") + "base: &b {x: 1}\nother:\n  <<: *b\n", encoding="utf-8")
    page += ["```{fmg:assessment} merge.yaml", "```", ""]
    (src / "index.md").write_text("\n".join(page), encoding="utf-8")
    conf = (
        'project = "bad-scalars"\nextensions = ["myst_parser", "fm_governance.sphinxext"]\nfmg_checklist_dirs = ["checklists"]\nfmg_builtin_checklists = []\n'
    )
    (src / "conf.py").write_text(conf, encoding="utf-8")

    app = make_app("html", srcdir=src, builddir=tmp_path / "out")
    app.build()  # finishes: no exception escapes

    warnings = strip_escape_sequences(app.warning.getvalue())
    assert "Traceback" not in warnings and "internal error" not in warnings
    lines = warnings.strip().splitlines()
    for name, (_, where, fragment) in BAD_ASSESSMENTS.items():
        assert any(f"{src / name}:{where}: {fragment}" in line and line.endswith("[fmg.assessment]") for line in lines), "\n".join(lines)
    assert any(f"{src / 'merge.yaml'}:12: merge keys (<<) are not supported" in line for line in lines), lines
    long_line = next(line for line in lines if "long.yaml" in line)
    assert re.search(r"long\.yaml:6\b.*a number of 4,400 digits is too long to read", long_line) and long_line.endswith("[fmg.checklist]"), long_line
    tagged_line = next(line for line in lines if "tagged.yaml" in line)
    assert re.search(r"tagged\.yaml:14\b.*YAML tag '!!bool' is not allowed", tagged_line) and tagged_line.endswith("[fmg.checklist]"), tagged_line
    assert len(lines) == len(BAD_ASSESSMENTS) + 3, "\n".join(lines)
