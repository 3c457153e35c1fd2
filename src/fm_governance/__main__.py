"""``python -m fm_governance``: the same command line as the ``fm-governance`` script.

For environments where the console script is not on ``PATH`` (a virtual environment that is not
activated, ``pipx run``-less CI images, Windows launchers), and to pick the interpreter explicitly.
"""

from fm_governance.cli import run

if __name__ == "__main__":
    run()
