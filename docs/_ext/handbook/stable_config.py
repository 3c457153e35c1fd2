"""Keep the handbook's configuration the same from one build to the next.

Sphinx compares the configuration it pickled with the environment against the one it loads, and
reported two values as changed on every rebuild:

* ``html_static_path``: sphinx-design appends its own static folder to the list when the builder
  starts — after the comparison — so the pickled list always had one entry more than ``conf.py``'s.
  The folder is added here before the comparison (``config-inited``), and the duplicate
  sphinx-design appends later is dropped, so both sides hold the same list.
* ``pygments_dark_style`` (left as it is): furo registers it when the theme loads, after the
  comparison, so it looks new each time. Furo refuses to be listed as an extension, and the
  value is not one that makes Sphinx re-read pages, so only the message remains.
"""

from __future__ import annotations

from typing import Any


def _add_design_static(app: Any, config: Any) -> None:
    try:
        from sphinx_design.extension import STATIC_DIR
    except ImportError:  # pragma: no cover - sphinx-design is in the docs extra
        return
    if str(STATIC_DIR) not in config.html_static_path:
        config.html_static_path = [*config.html_static_path, str(STATIC_DIR)]


def _drop_duplicates(app: Any) -> None:
    app.config.html_static_path = list(dict.fromkeys(app.config.html_static_path))


def setup_stable_config(app: Any) -> None:
    app.connect("config-inited", _add_design_static)
    # After sphinx-design's builder-inited handler (default priority 500) has appended its folder.
    app.connect("builder-inited", _drop_duplicates, priority=900)
