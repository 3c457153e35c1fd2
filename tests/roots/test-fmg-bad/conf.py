"""Every kind of bad input the extension must report as a located ``fmg`` warning."""

project = "fmg-bad"
extensions = ["myst_parser", "fm_governance.sphinxext"]
fmg_checklist_dirs = ["checklists", "no-such-folder"]
fmg_builtin_checklists = ["nope"]
fmg_template_name = "template.yaml"
