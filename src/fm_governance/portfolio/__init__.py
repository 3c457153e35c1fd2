"""The portfolio: concentration risk and open work across an organisation's assessments.

Every project commits its own ``fm-governance.yaml``; a risk function needs the view across them —
how many projects, and how many *critical* projects, rest on one model developer, one hosting
channel, one contracted provider (the handbook's concentration chapter, checklist item VL-08).

The parts, in the order data flows through them (one model, many renderers, as for the report):

* :mod:`.inputs` — files, folders, globs and ``-`` (paths on stdin) become a sorted list of files;
* :mod:`.read` — each file is read and scored by the same reader and scorer as ``check``, and
  reduced to a small, picklable :class:`~.read.Project` (in parallel processes for large inputs);
  a file that cannot be read becomes an :class:`~.read.Excluded` entry with its one-line error;
* :mod:`.model` — the :class:`~.model.Portfolio`, built once: shares per level, the
  Herfindahl–Hirschman index with its bands, single points of failure, retirements, open items,
  scores, expiring waivers and stale assessments;
* renderers, one module per format: :mod:`.text`, :mod:`.jsondoc` (with a JSON Schema),
  :mod:`.markdown`, :mod:`.csvout`, :mod:`.html` (inline SVG charts from :mod:`.charts`).

Nothing here imports Sphinx; the ``fmg:portfolio`` directive and the ``portfolio`` command are
thin layers over it.
"""

from __future__ import annotations
