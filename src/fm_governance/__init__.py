"""fm-governance: govern the choice and adaptation of foundation models.

A handbook, four governance checklists as data, a Sphinx extension that renders them, and the
``fm-governance`` CLI that writes, merges, scores and gates a project's assessment. This module is
imported on every CLI start, so it stays empty apart from the version.
"""

__version__ = "0.1.0"
