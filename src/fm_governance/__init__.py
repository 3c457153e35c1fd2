"""fm-governance: govern the choice and adaptation of foundation models.

A handbook, four governance checklists as data, a Sphinx extension that renders them, and the
``fm-governance`` CLI that writes, merges, scores and gates a project's assessment. This module is
imported on every CLI start, so it stays empty apart from the version.

The version comes from the git tags: the build (hatch-vcs) writes it to ``_version.py``.
"""

try:
    from ._version import __version__
except ImportError:  # pragma: no cover - a source tree that was never built or installed
    __version__ = "0+unknown"

__all__ = ["__version__"]
