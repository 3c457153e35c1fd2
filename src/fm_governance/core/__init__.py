"""Pure core: models, loading and errors, schemas, assessment template/merge, scoring, reports (no Sphinx)."""
