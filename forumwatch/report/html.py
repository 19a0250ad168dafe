"""The report as one self-contained HTML file: inline CSS and SVG, no script, no external
resource, and a Content-Security-Policy that forbids everything but inline style and data:
images. Jinja2 autoescapes every value; charts are SVG whose text was escaped when drawn."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

from forumwatch import __version__
from forumwatch.report.data import ReportData
from forumwatch.report.figures import month_label, report_figures
from forumwatch.report.findings import long_date


def template_environment() -> Environment:
    """The Jinja2 environment of report templates (autoescaping on for every template)."""
    return Environment(
        loader=PackageLoader("forumwatch.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def extensions_of(data: ReportData) -> list[str]:
    """The file extensions in the link index table, most frequent first."""
    totals: dict[str, int] = {}
    for row in data.link_index.rows if data.link_index else ():
        for extension, count in row.by_extension.items():
            totals[extension] = totals.get(extension, 0) + count
    return sorted(totals, key=lambda e: (-totals[e], e))


def render_html(data: ReportData) -> str:
    """The report as an HTML document."""
    request = data.request
    return (
        template_environment()
        .get_template("report.html.j2")
        .render(
            request=request,
            previous=data.previous,
            generated_at=data.generated_at,
            sites_label=", ".join(request.sites) if request.sites else "all",
            handles_note=data.handles_note,
            headlines=data.headlines,
            findings=data.findings,
            figures=report_figures(data),
            link_index=data.link_index,
            extensions=extensions_of(data),
            coverage=data.coverage,
            definitions=data.definitions,
            long_date=long_date,
            month_label=month_label,
            version=__version__,
        )
    )
