"""The project scanner (no Sphinx import).

It reads a repository and reports how it uses foundation models; ``fm-governance assess`` writes
the result into the assessment's ``inventory`` section. ``signals.yaml`` beside this module is the
list of signal ids that checklist items refer to.
"""
