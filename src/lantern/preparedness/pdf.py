"""The gap report as PDF, drawn by WeasyPrint from the same templates as the page (so translations and
right-to-left come with them). WeasyPrint needs Pango from the system; without it, `available()` says so and the
page and the command say PDF is unavailable instead of failing."""

from __future__ import annotations

import logging
from functools import cache

from django.template.loader import render_to_string

# WeasyPrint reports each step of every document at INFO: the server's log keeps its warnings only.
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


@cache
def available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):  # OSError: the Python package is there but Pango is missing
        return False
    return True


class PdfUnavailable(RuntimeError):
    pass


def render_pdf(context: dict[str, object]) -> bytes:
    if not available():
        raise PdfUnavailable("WeasyPrint or the Pango library it needs is not installed")
    import weasyprint

    html = render_to_string("preparedness/report_pdf.html", context)
    # The document refers to nothing outside itself (styles inline, the chart inline SVG); a fetcher that refuses
    # everything makes sure no text typed into an assessment can make the server fetch a URL.
    # PDF/UA-1: tagged, with the language and title, so a screen reader reads the report in its order.
    return bytes(weasyprint.HTML(string=html, url_fetcher=_refuse).write_pdf(pdf_variant="pdf/ua-1"))


def _refuse(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError("the report fetches nothing")
