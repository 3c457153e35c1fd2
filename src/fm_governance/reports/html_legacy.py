"""The standalone HTML report as it was before the report model: kept only so that ``report
--format html`` keeps working on this branch.

The HTML and PDF report rendered from :class:`~.model.Report` lives in ``reports/html.py`` (another
branch); when the two meet, this module and its one import in ``cli/report.py`` are deleted.
"""

from __future__ import annotations

from .. import __version__
from ..core.escaping import json_text, xml_text
from ..core.scoring import Result, Status
from .model import fmt_score, sorted_for_attention

# --- HTML ---------------------------------------------------------------------------------------

_HTML = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 62rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.num { text-align: right; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: .6rem; font-size: .85em; border: 1px solid #888; }
.sev-critical { background: #7a0000; color: #fff; } .sev-high { background: #b3261e; color: #fff; }
.sev-medium { background: #f2c94c; color: #000; } .sev-low { background: #d7e3fc; color: #000; }
.st-open, .st-not-met { font-weight: bold; color: #b3261e; } .st-met, .st-waived { color: #1e6b2d; }
details { margin: .5rem 0; } footer { margin-top: 3rem; color: #555; font-size: .9em; }
@media (prefers-color-scheme: dark) { body { background: #161616; color: #eee; } th { background: #2a2a2a; } th, td { border-color: #444; } .st-met, .st-waived { color: #7fd38f; } .st-open, .st-not-met { color: #ff8a80; } }
</style>
</head>
<body>
<main>
<h1>{{ title }}</h1>
<p>{% if a.assessors %}Assessors: {{ a.assessors | join(", ") }}. {% endif %}{% if a.date %}Date: {{ a.date }}. {% endif %}{% if a.modes %}Modes: {{ a.modes | join(", ") }}.{% endif %}</p>
<p><strong>Overall score: {{ score(result.score) }} / 100</strong></p>
<table>
<thead><tr><th scope="col">Area</th><th scope="col">Version</th><th scope="col">Score</th><th scope="col">Met</th><th scope="col">Partial</th><th scope="col">No</th><th scope="col">Open</th><th scope="col">Waived</th><th scope="col">n/a</th></tr></thead>
<tbody>
{% for c in result.checklists %}<tr><td>{{ c.checklist.title }}</td><td>{{ c.checklist.version }}</td><td class="num">{{ score(c.score) }}</td><td class="num">{{ c.count(S.MET) }}</td><td class="num">{{ c.count(S.PARTIAL) }}</td><td class="num">{{ c.count(S.NOT_MET) }}</td><td class="num">{{ c.count(S.OPEN) }}</td><td class="num">{{ c.count(S.WAIVED) }}</td><td class="num">{{ c.count(S.EXCLUDED, S.NOT_APPLICABLE) }}</td></tr>
{% endfor %}</tbody>
</table>
{% if result.problems %}<h2>Problems</h2><ul>{% for p in result.problems %}<li><code>{{ p.location }}</code> {{ p.message }}</li>{% endfor %}</ul>{% endif %}
{% for c in result.checklists %}
<h2 id="{{ c.checklist.id }}">{{ c.checklist.title }} <small>({{ score(c.score) }})</small></h2>
<table>
<thead><tr><th scope="col">Item</th><th scope="col">Severity</th><th scope="col">Owner</th><th scope="col">Answer</th><th scope="col">Question, notes and evidence</th></tr></thead>
<tbody>
{% for r in attention(c.items) %}<tr id="{{ r.item.id | lower }}">
<td>{{ r.item.id }}</td><td><span class="badge sev-{{ r.item.severity.value }}">{{ r.item.severity.value }}</span></td><td>{{ r.item.owner }}</td>
<td class="st-{{ r.status.value }}">{{ r.status.label }}</td>
<td><strong>{{ r.item.title }}.</strong> {{ r.item.question }}
{% if r.response and r.response.notes %}<p><em>Notes:</em> {{ r.response.notes }}</p>{% endif %}
{% if r.response and r.response.evidence %}<ul>{% for e in r.response.evidence %}<li>{{ e }}</li>{% endfor %}</ul>{% endif %}
{% if r.response and r.response.waiver %}<p><em>Waiver ({{ "valid" if r.response.waiver.valid_on(result.today) else "expired" }}, expires {{ r.response.waiver.expires.isoformat() }}, approved by {{ r.response.waiver.approved_by }}):</em> {{ r.response.waiver.reason }}</p>{% endif %}
</td></tr>
{% endfor %}</tbody>
</table>
{% endfor %}
{% if a.inventory %}<h2>Inventory</h2><pre>{{ inventory }}</pre>{% endif %}
</main>
<footer>fm-governance {{ version }} · scored {{ result.today.isoformat() }}</footer>
</body>
</html>
"""


def to_html(result: Result) -> str:
    import jinja2

    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    a = result.assessment
    title = f"Governance assessment: {a.project_name}" if a.project_name else "Governance assessment"
    # Autoescape makes text from files inert; xml_text then drops the characters HTML forbids as
    # well (controls, noncharacters, and lone surrogates, which no UTF-8 file can hold).
    html = env.from_string(_HTML).render(
        title=title,
        a=a,
        result=result,
        S=Status,
        score=fmt_score,
        attention=sorted_for_attention,
        inventory=json_text(a.inventory, indent=2, default=str),
        version=__version__,
    )
    return xml_text(html)


__all__ = ["to_html"]
