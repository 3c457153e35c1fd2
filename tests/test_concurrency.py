"""The installed command under real processes: parallel runs, FIFOs, closed and broken stdout.

These run ``fm-governance`` in subprocesses because what they test lives between processes: an
advisory lock, a read that would block for ever, a file descriptor the shell closed. Every run has
a timeout, so a regression fails the test instead of hanging CI.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from fm_governance.core.checklists import load_catalog
from fm_governance.core.files import is_temporary_name

TIMEOUT = 120  # generous: a hang is the failure, not slowness


def cli(installed_cli: str, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([installed_cli, *args], capture_output=True, text=True, timeout=TIMEOUT, check=False, **kwargs)  # type: ignore[call-overload, no-any-return]


def test_parallel_assess_runs_on_one_file_keep_every_checklist(installed_cli: str, tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    ids = [c.id for c in load_catalog()]
    assert len(ids) >= 4
    rounds = 3  # each round starts all runs at once; the first round also races to create the file
    for _ in range(rounds):
        runs = [
            subprocess.Popen(
                [installed_cli, "assess", str(project), "--no-scan", "--checklist", cid], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            for cid in ids
        ]
        for cid, proc in zip(ids, runs, strict=True):
            out, err = proc.communicate(timeout=TIMEOUT)
            # Either the change landed, or the run said, located, why it did not.
            assert proc.returncode == 0 or (proc.returncode == 2 and err.startswith(f"{project / 'fm-governance.yaml'}:")), (cid, out, err)
        text = (project / "fm-governance.yaml").read_text()
        assert all(f"\n  {cid}:\n" in text for cid in ids), text[:2000]
        # answers written between rounds are never lost
        path = project / "fm-governance.yaml"
        path.write_text(text.replace("answer: null", 'answer: "partial"', 1))
    final = (project / "fm-governance.yaml").read_text()
    assert final.count('answer: "partial"') == rounds
    assert cli(installed_cli, "check", str(project / "fm-governance.yaml")).returncode == 0
    assert not [p.name for p in project.iterdir() if p.name != "fm-governance.yaml"]  # no lock or temporary file left


@pytest.mark.parametrize("command", ["check", "report", "assess"])
def test_a_fifo_given_as_input_is_refused_at_once(installed_cli: str, tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "fm-governance.yaml"
    os.mkfifo(fifo)
    args = {"check": ["check", str(fifo)], "report": ["report", str(fifo)], "assess": ["assess", str(tmp_path), "--no-scan"]}[command]
    done = cli(installed_cli, *args)  # before the fix this blocked for ever, waiting for a writer
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert lines[0] == f"{fifo}: is a named pipe (FIFO), not a regular file — pass the assessment or checklist file itself"


def test_a_fifo_in_a_checklists_folder_is_passed_over(installed_cli: str, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")  # a folder is listed for regular .yaml files only
    done = cli(installed_cli, "checklists", "--checklists-dir", str(tmp_path))
    assert done.returncode == 0 and "data-exposure" in done.stdout and "pipe" not in done.stdout, done.stderr


def test_a_fifo_in_the_scanned_tree_does_not_hang_assess(installed_cli: str, tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "app.py").write_text("import anthropic\n")
    os.mkfifo(project / "events.pipe")
    done = cli(installed_cli, "assess", str(project))
    assert done.returncode == 0, done.stderr
    assert "anthropic" in (project / "fm-governance.yaml").read_text()


def test_a_closed_stdout_is_an_error_not_lost_output(installed_cli: str, tmp_path: Path) -> None:
    assert cli(installed_cli, "assess", str(tmp_path), "--no-scan").returncode == 0
    file = str(tmp_path / "fm-governance.yaml")
    for args in (["check", file, "--format", "json"], ["check", file], ["report", file], ["schema", "assessment"], ["checklists"]):
        # `>&-`: the process starts with no file descriptor 1 at all
        done = subprocess.run([installed_cli, *args], capture_output=True, text=True, timeout=TIMEOUT, check=False, preexec_fn=lambda: os.close(1))
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr.strip() == "<stdout>: standard output is closed; the output would be lost — redirect it to a file, or pass -o FILE"
    other = tmp_path / "other"
    other.mkdir()
    done = subprocess.run(
        [installed_cli, "assess", str(other), "--no-scan"], capture_output=True, text=True, timeout=TIMEOUT, check=False, preexec_fn=lambda: os.close(1)
    )
    assert done.returncode == 2 and "standard output is closed" in done.stderr
    assert not (other / "fm-governance.yaml").exists()  # refused before anything was written


def test_a_full_stdout_is_an_error(installed_cli: str) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run([installed_cli, "schema", "assessment"], stdout=full, stderr=subprocess.PIPE, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == "<stdout>: cannot be written (No space left on device) — redirect standard output to a writable file, or pass -o FILE"


def test_a_reader_that_goes_away_is_quiet_but_not_success(installed_cli: str, tmp_path: Path) -> None:
    # A template larger than any pipe buffer, so the write meets the closed pipe.
    from conftest import item, write_checklist

    write_checklist(tmp_path / "lists", "alpha", [item(f"AL-{n:03d}") for n in range(1, 600)])
    proc = subprocess.Popen(
        [installed_cli, "template", "--checklists-dir", str(tmp_path / "lists"), *[c.id for c in load_catalog()], "alpha"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10)  # like `| head -c 10`
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=TIMEOUT) == 141  # 128 + SIGPIPE, as for a command the pipe killed
    assert err == b""


def test_no_temporary_file_is_left_by_a_write(installed_cli: str, tmp_path: Path) -> None:
    assert cli(installed_cli, "assess", str(tmp_path), "--no-scan").returncode == 0
    assert cli(installed_cli, "check", str(tmp_path / "fm-governance.yaml"), "-o", str(tmp_path / "report.txt")).returncode == 0
    assert not [p for p in tmp_path.iterdir() if is_temporary_name(p.name)]
