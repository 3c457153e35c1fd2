"""The PDF report: the HTML report (:mod:`.html`) laid out on paper by WeasyPrint.

WeasyPrint implements CSS paged media (page size, margin boxes with running headers and "page N of
M", repeated table headers, no split rows), so the PDF is the HTML report's own print stylesheet,
not a second layout to keep in step; the chart stays vector (inline SVG). It is an optional extra
(the ``pdf`` extra) because it needs Pango from the system: without it, asking
for a PDF is one line saying how to get it, never a traceback.

The page loads nothing (no image, stylesheet or font by URL), and the URL fetcher refuses every URL
anyway, so a link in the evidence can never make rendering reach the network or the file system.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ..core.errors import InputError, Location
from . import html

if TYPE_CHECKING:
    from .model import Report

#: What to install, for the one-line error when WeasyPrint (or a system library it loads) is missing.
INSTALL_HINT = (
    "install the PDF extra (fm-governance is not on PyPI yet: pip install '.[pdf]' in a checkout of it, or "
    "pip install 'fm-governance[pdf] @ git+REPOSITORY_URL'), and on Debian or Ubuntu the libraries "
    "WeasyPrint loads: apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b (or pass --format html)"
)


def require() -> Any:
    """Import WeasyPrint, or raise the one-line error that says how to get it.

    ``OSError`` is what WeasyPrint raises when the Python package is there but Pango is not
    (``cannot load library 'libpango-1.0-0'``).
    """
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        why = "is not installed" if isinstance(exc, ImportError) else f"cannot load a system library ({exc})"
        raise InputError(Location("fm-governance report --format pdf"), f"WeasyPrint, which writes the PDF, {why}", INSTALL_HINT) from None
    return weasyprint


def _refuse(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"the report loads nothing by URL ({url})")


class _Collect(logging.Handler):
    def __init__(self, into: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record.getMessage())


def render(report: Report, *, paper: str = "a4", warnings: list[str] | None = None) -> bytes:
    """The report as PDF bytes, on A4 (``a4``) or US Letter (``letter``) paper.

    WeasyPrint's own warnings (CSS it ignores, a font it cannot load) concern this module's page,
    not the user's file, so they are kept off the user's stderr; pass a list as ``warnings`` to get
    them (the tests assert there are none).
    """
    weasyprint = require()
    page = html.render(report, paper=paper)
    # Newer WeasyPrint takes a URLFetcher object (and reads attributes of it); older versions a
    # plain function. Either way every URL is refused.
    fetcher_class = getattr(weasyprint, "URLFetcher", None)
    fetcher = fetcher_class(allowed_protocols=()) if fetcher_class is not None else _refuse
    logger = logging.getLogger("weasyprint")
    saved = (logger.handlers[:], logger.propagate)
    logger.handlers, logger.propagate = [_Collect(warnings if warnings is not None else [])], False
    try:
        data = weasyprint.HTML(string=page, url_fetcher=fetcher).write_pdf()
    finally:
        logger.handlers, logger.propagate = saved
    assert isinstance(data, bytes)
    return data


__all__ = ["INSTALL_HINT", "render", "require"]
