"""The handbook builds the way Read the Docs builds it, from a clean virtual environment.

Read the Docs clones the repository, creates a fresh virtual environment, installs what
``.readthedocs.yaml`` asks for, then runs in the folder of ``conf.py``::

    python -m sphinx -T -W --keep-going -b html -d _build/doctrees -D language=en . $OUT/html
    python -m sphinx -T -W --keep-going -b latex -d _build/doctrees -D language=en . $OUT/pdf
    (cd $OUT/pdf && latexmk -r latexmkrc -pdf -f -dvi- -ps- -interaction=nonstopmode)
    python -m sphinx -T -W --keep-going -b epub -d _build/doctrees -D language=en . $OUT/epub

(``-W --keep-going`` because the config sets ``fail_on_warning``). These tests replay that on a
copy of the working tree, so a dependency missing from the ``docs`` extra, a warning only a clean
environment shows, or a PDF that LaTeX cannot typeset fails here rather than on the published
site. One module-scoped fixture creates the environment (about a minute: pip fetches the ``docs``
extra from the package index); the builds share it and its doctree cache, as on Read the Docs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from fm_governance.core.checklists import load_catalog

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))

from handbook.figures import FIGURES  # noqa: E402

RTD_CONFIG = ROOT / ".readthedocs.yaml"
# Not part of a fresh clone: build output, caches, virtual environments and generated docs files.
NOT_IN_A_CLONE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "_build",
    "__pycache__",
    "*.egg-info",
    ".pytest_cache",
    ".hypothesis",
    ".ruff_cache",
    ".mypy_cache",
    "dist",
    "build",
    ".work",
    "_generated",
    "node_modules",
)


#: How far (in TeX points) a line or table may run past the text width before the PDF test fails.
#: A few points disappear into the margin unseen (a long identifier in a table cell); 20pt (7 mm)
#: is where text starts to reach the page edge, so anything wider is fixed at its cause.
OVERFULL_LIMIT_PT = 20.0


def _undefined_references(log: str) -> list[str]:
    """The LaTeX log's warnings about references and citations that point at nothing."""
    return [
        line.strip()
        for line in log.splitlines()
        if re.search(r"(Reference|Citation|Hyper reference) `[^']*' on page \d+ undefined", line)
        or re.search(r"LaTeX Warning: (Reference|Citation) `[^']*' undefined", line)
    ]


def _overfull_boxes(log: str, limit: float = OVERFULL_LIMIT_PT) -> list[str]:
    """Overfull boxes in the LaTeX log wider than ``limit`` points, with their source lines."""
    found = []
    for match in re.finditer(r"^Overfull \\[hv]box \((\d+(?:\.\d+)?)pt too (?:wide|high)\)(.*)$", log, re.MULTILINE):
        if float(match.group(1)) > limit:
            found.append(match.group(0).strip())
    return found


def test_latex_log_checks_find_dead_links_and_wide_boxes() -> None:
    """The two log readers above catch what LaTeX writes (lines as XeLaTeX prints them)."""
    log = (
        "LaTeX Warning: Hyper reference `checklists/matrix:vl-01' on page 12 undefined on input line 3021.\n"
        "LaTeX Warning: Citation `bibliography:nist' on page 3 undefined on input line 200.\n"
        "LaTeX Warning: There were undefined references.\n"
        "Overfull \\hbox (25.3pt too wide) in paragraph at lines 10--12\n"
        "Overfull \\hbox (3.1pt too wide) in alignment at lines 40--52\n"
    )
    assert len(_undefined_references(log)) == 2
    assert _overfull_boxes(log) == ["Overfull \\hbox (25.3pt too wide) in paragraph at lines 10--12"]


def rtd_config() -> dict:
    return yaml.safe_load(RTD_CONFIG.read_text(encoding="utf-8"))


@dataclass
class ReadTheDocs:
    """A clean checkout with the environment Read the Docs would create for it."""

    checkout: Path
    python: Path
    out: Path
    config: dict

    @property
    def docs(self) -> Path:
        return self.checkout / Path(self.config["sphinx"]["configuration"]).parent

    def env(self) -> dict[str, str]:
        # Only the fresh environment: nothing of the developer's venv may leak in.
        env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
        env["PATH"] = f"{self.python.parent}{os.pathsep}{env.get('PATH', '')}"
        return env

    def sphinx(self, builder: str, *extra: str) -> str:
        flags = ["-W", "--keep-going"] if self.config["sphinx"].get("fail_on_warning") else []
        out = self.out / builder
        cmd = [str(self.python), "-m", "sphinx", "-T", *flags, "-b", builder, "-d", "_build/doctrees", "-D", "language=en", *extra, ".", str(out)]
        done = subprocess.run(cmd, cwd=self.docs, env=self.env(), capture_output=True, text=True, timeout=600, check=False)
        output = done.stdout + done.stderr
        assert done.returncode == 0, f"{' '.join(cmd[1:])} failed ({done.returncode}):\n{output[-6000:]}"
        warnings = [line for line in output.splitlines() if "WARNING" in line or "ERROR" in line]
        assert not warnings, "\n".join(warnings)
        return output


@pytest.fixture(scope="module")
def rtd(tmp_path_factory: pytest.TempPathFactory) -> ReadTheDocs:
    config = rtd_config()
    base = tmp_path_factory.mktemp("rtd")
    checkout = base / "checkout"
    shutil.copytree(ROOT, checkout, ignore=NOT_IN_A_CLONE)
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    python = venv / "bin" / "python"
    for step in config["python"]["install"]:
        assert step.get("method", "pip") == "pip", f"only pip installs are replayed, not {step}"
        extras = ",".join(step.get("extra_requirements", []))
        target = f"{step['path']}[{extras}]" if extras else step["path"]
        # As Read the Docs runs it (it adds --no-cache-dir; the cache here only saves time).
        done = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--upgrade", "--upgrade-strategy", "only-if-needed", target],
            cwd=checkout,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert done.returncode == 0, f"pip install {target} failed in a clean environment:\n{done.stderr[-4000:]}"
    return ReadTheDocs(checkout=checkout, python=python, out=base / "out", config=config)


def test_readthedocs_config_publishes_html_pdf_and_epub() -> None:
    config = rtd_config()
    assert config["version"] == 2
    assert config["build"]["os"] == "ubuntu-24.04"
    assert config["build"]["tools"]["python"] in {"3.11", "3.12"}
    assert config["sphinx"] == {"configuration": "docs/conf.py", "fail_on_warning": True}
    assert sorted(config["formats"]) == ["epub", "pdf"]
    assert config["python"]["install"] == [{"method": "pip", "path": ".", "extra_requirements": ["docs"]}]
    # Graphviz's `dot` for the handbook's diagrams (sphinx.ext.graphviz); Matplotlib comes with the docs extra.
    assert "graphviz" in config["build"]["apt_packages"]


def test_handbook_pdf_uses_a_unicode_engine_with_makeindex() -> None:
    """XeLaTeX for any Unicode text; makeindex, because Read the Docs runs latexmk without the
    options xindy needs (Sphinx passes them only from its generated Makefile)."""
    from sphinx.config import eval_config_file

    config = eval_config_file(ROOT / "docs" / "conf.py", tags=None)
    assert config["latex_engine"] == "xelatex"
    assert config["latex_use_xindy"] is False


def test_html_builds_like_read_the_docs(rtd: ReadTheDocs) -> None:
    rtd.sphinx("html")
    html = rtd.out / "html"
    for page in ("index.html", "search.html", "404.html", "checklists/data-exposure.html", "reference/cli.html", "reference/formats.html"):
        assert (html / page).is_file(), page
    # The 404 page is served for any missing path, so its links are absolute, under the version's
    # path on Read the Docs (READTHEDOCS_CANONICAL_URL there; /en/latest/ without it).
    prefix = urlparse(rtd.env().get("READTHEDOCS_CANONICAL_URL", "/en/latest/")).path
    assert f'href="{prefix}_static/' in (html / "404.html").read_text(encoding="utf-8")
    # The generated references are there: sphinx-click's options and the schema field tables.
    cli = (html / "reference" / "cli.html").read_text(encoding="utf-8")
    assert "--fail-on" in cli and "fm-governance check" in cli
    formats = (html / "reference" / "formats.html").read_text(encoding="utf-8")
    assert "items[].question" in formats and "checklists.&lt;id&gt;.items.&lt;ITEM-ID&gt;.answer" in formats


def test_pdf_builds_like_read_the_docs(rtd: ReadTheDocs) -> None:
    assert shutil.which("latexmk"), "latexmk is missing: run `make system-deps` (Debian: latexmk and TeX Live)"
    assert shutil.which("pdftotext"), "pdftotext is missing: run `make system-deps` (Debian: poppler-utils)"
    rtd.sphinx("latex")
    latex = rtd.out / "latex"
    done = subprocess.run(
        ["latexmk", "-r", "latexmkrc", "-pdf", "-f", "-dvi-", "-ps-", "-interaction=nonstopmode"],
        cwd=latex,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, f"latexmk failed:\n{done.stdout[-4000:]}"
    # Typeset by XeLaTeX (docs/conf.py), so any Unicode in the checklists or examples typesets.
    assert "$pdflatex = 'xelatex " in (latex / "latexmkrc").read_text(encoding="utf-8")
    log = next(latex.glob("*.log")).read_text(encoding="utf-8", errors="replace")
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert not errors, "LaTeX errors (latexmk -f went on regardless):\n" + "\n".join(errors[:20])
    # XeLaTeX leaves out a character its font lacks with only a log line: the fonts cover the text.
    missing = sorted({line for line in log.splitlines() if line.startswith("Missing character")})
    assert not missing, "\n".join(missing[:20])
    # No dead links: latexmk reruns until references settle, so what the last pass still calls
    # undefined is a link to nothing (a checklist title, a label that only HTML has, a citation).
    undefined = _undefined_references(log)
    assert not undefined, "undefined references or citations in the PDF:\n" + "\n".join(undefined[:20])
    # Nothing runs off the page: a line or table more than OVERFULL_LIMIT_PT wider than the text.
    overfull = _overfull_boxes(log)
    assert not overfull, f"boxes wider than the page by more than {OVERFULL_LIMIT_PT}pt:\n" + "\n".join(overfull[:20])
    # The handbook's PDF is named after its .tex file; the other PDFs beside it are the figures
    # (Matplotlib and Graphviz write vector PDF for LaTeX), which Read the Docs does not publish:
    # it keeps the file latexmk reports as "Output written on".
    pdfs = [latex / f"{tex.stem}.pdf" for tex in latex.glob("*.tex")]
    assert len(pdfs) == 1 and pdfs[0].is_file(), pdfs
    assert f"Output written on {pdfs[0].name}" in log.replace("\n", ""), "latexmk did not report the handbook's PDF"
    text = subprocess.run(["pdftotext", str(pdfs[0]), "-"], capture_output=True, text=True, check=True).stdout
    # A table of contents in the first pages: its heading, then numbered chapters with page numbers.
    front = subprocess.run(["pdftotext", "-layout", "-l", "8", str(pdfs[0]), "-"], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^\s*CONTENTS\s*$", front, re.MULTILINE | re.IGNORECASE), "no table of contents heading:\n" + front[:2000]
    for chapter in ("What foundation models are", "How models are adapted", "Who decides", "Command line", "File formats"):
        assert re.search(rf"^\s*\d+\s+{chapter}\s+\d+\s*$", front, re.MULTILINE), f"chapter {chapter!r} is not in the table of contents"
        assert chapter in text.partition(chapter)[2], f"chapter {chapter!r} is in the contents but not in the body"
    # Checklist items and tables are readable text in the PDF: every item id, unbroken.
    missing = [it.id for checklist in load_catalog() for it in checklist.items if it.id not in text]
    assert not missing, f"item ids missing from the PDF text: {missing}"
    # The schema tables from the format reference came through as table rows.
    assert "items[].question" in text and "waiver.expires" in text
    # The tier ladder is in the PDF as vector text (its rungs are searchable), with its caption.
    assert "The tier ladder, drawn from the provider-terms data" in " ".join(text.split())
    assert "Consumer plans" in text and "Cloud channels" in text
    # So is the outage timeline: its products and times as text.
    assert "OpenAI's outage of 11 December 2024, per product" in " ".join(text.replace("\u2019", "'").split())
    assert "full 7:38 pm" in text and "substantial 5:45 pm" in text


def test_epub_builds_like_read_the_docs(rtd: ReadTheDocs) -> None:
    rtd.sphinx("epub")
    epubs = list((rtd.out / "epub").glob("*.epub"))
    assert len(epubs) == 1, epubs
    with zipfile.ZipFile(epubs[0]) as book:
        names = book.namelist()
        assert names[0] == "mimetype" and book.read("mimetype") == b"application/epub+zip"
        pages = [n for n in names if n.endswith(".xhtml")]
        assert any(n.endswith("checklists/data-exposure.xhtml") for n in pages), pages
        assert not any(n.endswith("404.xhtml") for n in pages), "the web-only 404 page leaked into the EPUB"
        chapter = next(n for n in pages if n.endswith("checklists/data-exposure.xhtml"))
        assert 'id="de-01"' in book.read(chapter).decode("utf-8")
        # The charts are in the book as SVG (vector, text kept), among them the provider-terms tier ladder.
        images = {Path(n).name for n in names if n.endswith(".svg")}
        for figure in FIGURES:  # every chart the handbook draws (test_docs_figures lists them)
            assert f"{figure}.svg" in images, figure
        terms = next(n for n in pages if n.endswith("handbook/provider-terms.xhtml"))
        assert "provider-terms-tiers.svg" in book.read(terms).decode("utf-8")


def test_handbook_builds_nitpicky(rtd: ReadTheDocs, tmp_path: Path) -> None:
    """`-n -W --keep-going` (the Makefile's `docs` target), with a doctree cache of its own."""
    cmd = [str(rtd.python), "-m", "sphinx", "-n", "-W", "--keep-going", "-b", "html", "-d", str(tmp_path / "doctrees"), ".", str(tmp_path / "html")]
    done = subprocess.run(cmd, cwd=rtd.docs, env=rtd.env(), capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-6000:]
    assert "WARNING" not in done.stderr, done.stderr
    # Every schema the tool ships is published where its `$id` says, with the text `fm-governance
    # schema KIND` prints (editors and SchemaStore fetch it from there).
    for kind in ("assessment", "checklist", "portfolio"):
        printed = subprocess.run([str(rtd.python), "-m", "fm_governance", "schema", kind], env=rtd.env(), capture_output=True, text=True, check=True).stdout
        schema_id = json.loads(printed)["$id"]
        assert schema_id.endswith(f"/en/latest/_static/schemas/{kind}.schema.json"), schema_id
        assert (tmp_path / "html" / "_static" / "schemas" / f"{kind}.schema.json").read_text(encoding="utf-8") == printed
