"""The outputs of a solve, a module a job: the commissioners' tables (:mod:`.tables`), the
Markdown summary (:mod:`.summary`), the workbook (:mod:`.workbook`), the HTML report's charts
(:mod:`.charts`) and page (:mod:`.html`), and the output folder (:mod:`.files`).

Each takes the pipeline's :class:`~optimiser.pipeline.Solution`."""

from optimiser.report.files import write_outputs
from optimiser.report.html import render_report_html, write_report_html
from optimiser.report.summary import markdown_summary
from optimiser.report.workbook import WORKBOOK_DATE, fixed_dates, write_workbook

__all__ = ["WORKBOOK_DATE", "fixed_dates", "markdown_summary", "render_report_html",
           "write_outputs", "write_report_html", "write_workbook"]
