"""The report as files: Markdown, CSV, a PNG chart (matplotlib, Agg) and an Excel workbook (openpyxl).

Every function takes a ``render`` that turns a ``Text`` into the reader's language, so the same report
serves the chat (the member's language) and the command line (the deployment's language).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core import Text, t
from bot.core.dates import format_date
from handlers.reports.model import Report, Section, Value, shown

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Render = Callable[[Text | str], str]
DECIMAL = re.compile(r"-?\d+\.\d+")


def heading(report: Report) -> Text:
    """The title; a running quarter says up to which day it counts (it is compared with a whole one)."""
    gemeente = report.gemeente or t("rapport.all_gemeenten")
    previous = str(report.quarter.previous())
    if report.through is not None:
        through = format_date(report.through)
        return t(
            "rapport.heading_running",
            quarter=str(report.quarter),
            through=through,
            previous=previous,
            gemeente=gemeente,
        )
    return t("rapport.heading", quarter=str(report.quarter), previous=previous, gemeente=gemeente)


def header(report: Report, render: Render) -> str:
    return render(heading(report))


def table(report: Report, render: Render) -> list[list[str]]:
    """Rows of (section, label, this quarter, previous quarter) as printed, with a header row."""
    rows = [
        [
            render(t("rapport.col.section")),
            render(t("rapport.col.label")),
            render(t("rapport.col.current", quarter=str(report.quarter), through=format_date(report.through)))
            if report.through is not None
            else str(report.quarter),
            str(report.quarter.previous()),
        ]
    ]
    for section in report.sections:
        title = render(section.title)
        if not section.available:
            unavailable = render(t("rapport.unavailable"))
            rows.append([title, "", unavailable, unavailable])
            continue
        if not section.rows:
            rows.append([title, render(t("rapport.none")), "0", "0"])
        for row in section.rows:
            rows.append(
                [
                    title,
                    render(row.label),
                    shown(
                        row.current, extern=report.extern, is_median=section.is_median, is_rate=row.is_rate
                    ),
                    shown(
                        row.previous, extern=report.extern, is_median=section.is_median, is_rate=row.is_rate
                    ),
                ]
            )
    return rows


def to_csv(report: Report, render: Render) -> bytes:
    """Semicolons and decimal commas: what Excel expects in a Dutch locale."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerows([[_decimal_comma(cell) for cell in row] for row in table(report, render)])
    if report.comments:
        writer.writerow([])
        writer.writerows([[render(t("rapport.poll.comment")), comment] for comment in report.comments])
    return buffer.getvalue().encode("utf-8-sig")  # the BOM lets Excel read the accents


def _decimal_comma(cell: str) -> str:
    return cell.replace(".", ",") if DECIMAL.fullmatch(cell) else cell


def to_markdown(report: Report, render: Render) -> str:
    rows = table(report, render)
    lines = [f"# {header(report, render)}", ""]
    if report.extern:
        lines += [render(t("rapport.extern_note")), ""]
    lines += ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows[1:]]
    if report.comments:
        lines += ["", f"## {render(t('rapport.poll.comments_title', count=len(report.comments)))}", ""]
        lines += [f"- {' '.join(comment.split())}" for comment in report.comments]
    return "\n".join(lines) + "\n"


def to_xlsx(report: Report, render: Render) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = str(report.quarter)
    sheet.append([header(report, render)])
    sheet["A1"].font = Font(bold=True)
    for number, row in enumerate(table(report, render)):
        sheet.append([_cell(value) for value in row])
        if number == 0:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    if report.comments:
        sheet.append([])
        sheet.append([render(t("rapport.poll.comments_title", count=len(report.comments)))])
        for comment in report.comments:
            sheet.append([" ".join(comment.split())])
    for letter, width in zip("ABCD", (38, 38, 12, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value: str) -> str | int | float:
    """Numbers as numbers (so a stuurgroep can sum them); "<5", "-" and labels stay text."""
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return value


CHART_SECTIONS = ("signals_by_category", "cases_opened", "triage_outcomes", "signals_by_source")
FIGURE_CHART_SECTIONS = ("overleg_attendance", "huisverboden")  # their counts; percentages stay in the table
MAX_BARS = 8


def to_png(report: Report, render: Render) -> bytes:
    buffer = io.BytesIO()
    chart(report, render).savefig(buffer, format="png")
    return buffer.getvalue()


def chart(report: Report, render: Render) -> Figure:
    """Bar charts two per row, this quarter beside the previous one, each bar with its value."""
    import matplotlib

    matplotlib.use("Agg")  # headless; set here and never at import
    from matplotlib.figure import Figure

    keys = [k for k in CHART_SECTIONS + FIGURE_CHART_SECTIONS if any(s.key == k for s in report.sections)]
    grid_rows = (len(keys) + 1) // 2
    figure = Figure(figsize=(12, 4.5 * grid_rows), dpi=100)  # fixed margins: a layout engine is slow
    figure.suptitle(header(report, render), fontsize=13)
    axes = figure.subplots(grid_rows, 2, squeeze=False)
    figure.subplots_adjust(
        left=0.17, right=0.98, top=1 - 0.2 / grid_rows, bottom=0.14 / grid_rows, wspace=0.55, hspace=0.35
    )
    for ax, key in zip(axes.flat, keys, strict=False):
        _bars(ax, report, report.section(key), render)
    for ax in list(axes.flat)[len(keys) :]:
        ax.set_visible(False)
    return figure


@dataclass(frozen=True)
class Bars:
    labels: list[str]
    current: list[float]  # bar lengths; a suppressed count ("<5") has length 0 and its text says so
    previous: list[float]
    current_text: list[str]
    previous_text: list[str]
    left_out: int  # rows not charted (they are in the table)


def chart_bars(report: Report, section: Section, render: Render) -> Bars:
    """The charted rows: the largest by either quarter (so a big drop is not cut off), at most MAX_BARS."""
    rows = [row for row in section.rows if not row.is_rate]
    ranked = sorted(rows, key=lambda r: -max(_size(r.current), _size(r.previous)))[:MAX_BARS]
    charted = [row for row in rows if row in ranked]

    def text(value: Value) -> str:
        return shown(value, extern=report.extern)

    return Bars(
        [render(row.label) for row in charted],
        [_plotted(row.current, report.extern) for row in charted],
        [_plotted(row.previous, report.extern) for row in charted],
        [text(row.current) for row in charted],
        [text(row.previous) for row in charted],
        len(rows) - len(charted),
    )


def _size(value: Value) -> float:
    return float(value) if value is not None else 0.0


def _bars(ax: object, report: Report, section: Section, render: Render) -> None:
    from matplotlib.axes import Axes
    from matplotlib.ticker import MaxNLocator

    assert isinstance(ax, Axes)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    bars = chart_bars(report, section, render)
    positions = list(range(len(bars.labels)))
    ax.set_title(render(section.title))
    previous = ax.barh(
        [p + 0.2 for p in positions], bars.previous, height=0.4, label=str(report.quarter.previous())
    )
    current = ax.barh([p - 0.2 for p in positions], bars.current, height=0.4, label=str(report.quarter))
    ax.bar_label(previous, labels=bars.previous_text, padding=2, fontsize=7)
    ax.bar_label(current, labels=bars.current_text, padding=2, fontsize=7)
    ax.set_yticks(positions, labels=bars.labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(render(t("rapport.axis.count")))
    ax.set_xlim(0, max([1.0, *bars.current, *bars.previous]) * 1.2)  # never a negative axis, room for values
    if not bars.labels:
        ax.set_yticks([])
        ax.text(0.5, 0.5, render(t("rapport.none")), ha="center", va="center", transform=ax.transAxes)
        return
    ax.legend(fontsize=8, loc="lower right")
    if bars.left_out:
        note = render(t("rapport.chart_more", count=bars.left_out))
        ax.text(1.0, -0.12, note, ha="right", va="top", fontsize=7, transform=ax.transAxes)


def _plotted(value: int | float | None, extern: bool) -> float:
    if value is None:
        return 0.0
    return 0.0 if extern and 0 < value < 5 else float(value)


SUMMARY_COUNTS = (
    "signals_by_urgency",
    "triage_outcomes",
    "mutatie_choices",
    "cases_opened",
    "cases_closed",
    "cases_active",
)


def summary(report: Report) -> list[Text | str]:
    """The short text in chat: totals of the main figures against the previous quarter, each total with its
    breakdown ("Signalen: 33 (vorig kwartaal 30); per urgentie: acuut 1, ..."); decimals as the reader
    writes them."""
    lines: list[Text | str] = [heading(report)]
    for key in SUMMARY_COUNTS:
        lines.append(_total_line(report, report.section(key)))
    for key in ("days_to_decision", "days_to_first_action"):
        section = report.section(key)
        row = section.rows[0]
        lines.append(
            t(
                "rapport.summary_line",
                title=section.title,
                now=decimal(shown(row.current, extern=False, is_median=True)),
                before=decimal(shown(row.previous, extern=False, is_median=True)),
            )
        )
    lines += _figure_lines(report)
    lines += [t("rapport.summary_unavailable", title=s.title) for s in report.sections if not s.available]
    if report.comments:
        lines.append(t("rapport.poll.comments_title", count=len(report.comments)))
        lines += [t("rapport.poll.comment_line", text=" ".join(c.split())) for c in report.comments]
    if report.extern:
        lines.append(t("rapport.extern_note"))
    return lines


def _total_line(report: Report, section: Section) -> Text:
    """A section's total under its own name, then the rows that make it up (rows of 0 left out)."""
    now = sum(int(row.current or 0) for row in section.rows)
    before = sum(int(row.previous or 0) for row in section.rows)
    title = t(f"rapport.total.{section.key}")
    now_text, before_text = shown(now, extern=report.extern), shown(before, extern=report.extern)
    parts = [
        t("rapport.summary_part", label=row.label, count=shown(row.current, extern=report.extern))
        for row in section.rows
        if row.current
    ]
    if not parts:
        return t("rapport.summary_line", title=title, now=now_text, before=before_text)
    return t(
        "rapport.summary_total",
        title=title,
        now=now_text,
        before=before_text,
        per=t(f"rapport.per.{section.key}"),
        parts=parts,
    )


def decimal(cell: str) -> Text | str:
    """A decimal cell, "2.0", as "2,0" for a Dutch reader (chat text only; the CSV has its own)."""
    whole, dot, fraction = cell.partition(".")
    if dot and whole.lstrip("-").isdigit() and fraction.isdigit():
        return t("rapport.decimal", whole=whole, fraction=fraction)
    return cell


SUMMARY_FIGURES = {"overleg_attendance": (0, 3), "huisverboden": (0, 3)}  # rows: the count and its share


def _figure_lines(report: Report) -> list[Text | str]:
    lines: list[Text | str] = []
    for key, picks in SUMMARY_FIGURES.items():
        section = next((s for s in report.sections if s.key == key and s.available), None)
        if section is None:
            continue
        for row in (section.rows[i] for i in picks if i < len(section.rows)):
            lines.append(
                t(
                    "rapport.summary_figure",
                    title=section.title,
                    label=row.label,
                    now=decimal(shown(row.current, extern=report.extern, is_rate=row.is_rate)),
                    before=decimal(shown(row.previous, extern=report.extern, is_rate=row.is_rate)),
                )
            )
    return lines
