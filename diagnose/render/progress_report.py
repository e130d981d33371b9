"""The progress report (`runform progress`): every assessment of a client side by side.

Terminal and Markdown: compact tables. HTML: one self-contained page with a small vector
line chart (inline SVG) per finding and measurement. PDF: the same charts drawn as
vectors with fpdf2. Renderers only lay out the ProgressReport; they decide nothing.
"""

from __future__ import annotations

import html

from ..progress import ProgressReport, Series, measured_differently, method_caveat, pace_caveat
from .markdown import escape
from .safe import printable
from .terminal import table, wrap

GUIDANCE = "Coaching guidance, not a medical diagnosis."
LEGEND = "· not found; ? not asked again, so not seen (which is not the same as gone)."
WATCH_LEGEND = "w: measured by the runner's watch (steady running from FIT files)."


def _values(series: Series) -> list[str]:
    """Each time's value as shown: "·" not found, "?" not asked again, "w" after a value
    the watch measured."""
    checked = series.checked or (True,) * len(series.values)
    watched = series.by_watch or (False,) * len(series.values)
    return [
        "?" if value is None and not seen else _value(series, value) + (" w" if watch else "")
        for value, seen, watch in zip(series.values, checked, watched, strict=True)
    ]


def _value(series: Series, value: float | None) -> str:
    if value is None:
        return "·"
    if series.kind == "measurement":
        return f"{value:g}"
    return f"{value:.2f}"


def _heads(report: ProgressReport) -> list[str]:
    return [f"#{number}" for number, _ in report.assessments]


def scale(series: Series) -> tuple[float, float]:
    """The chart's vertical range: certainty 0-1, a measurement its own span (padded)."""
    if series.kind != "measurement":
        return 0.0, 1.0
    values = [v for v in series.values if v is not None]
    low, high = min(values), max(values)
    pad = (high - low) * 0.15 or max(abs(high) * 0.1, 1.0)
    return low - pad, high + pad


def points(series: Series, width: float, height: float) -> list[tuple[float, float] | None]:
    """Chart coordinates (y down) of each value, None where there is none."""
    low, high = scale(series)
    count = len(series.values)
    step = width / (count - 1) if count > 1 else 0.0
    out: list[tuple[float, float] | None] = []
    checked = series.checked or (True,) * count
    for index, value in enumerate(series.values):
        if value is None and series.kind != "measurement":
            # a finding not concluded sits on the baseline, except where that time did
            # not ask again what it rested on: left out, not drawn as gone
            value = 0.0 if checked[index] else None
        if value is None:
            out.append(None)
            continue
        x = index * step if count > 1 else width / 2
        out.append((x, height - (value - low) / (high - low) * height))
    return out


def _summary_lines(report: ProgressReport) -> list[str]:
    lines = [WATCH_LEGEND] if any(s.by_watch for s in report.measurements) else []
    paces = next((s.values for s in report.measurements if s.id == "watch_pace"), ())
    if caveat := pace_caveat(list(paces)):
        lines.append(caveat)
    taken = [
        (s.name.lower(), list(zip(s.values, s.by_watch, strict=True)))
        for s in report.measurements
        if s.by_watch and s.id != "watch_pace"
    ]
    if caveat := method_caveat(measured_differently(taken)):
        lines.append(caveat)
    for status, words in (
        ("resolved", "Resolved"),
        ("new", "New since the first assessment"),
        ("not checked", "Not checked at the last assessment"),
    ):
        if names := report.named(status):
            lines.append(f"{words}: {'; '.join(names)}.")
    return lines


# ---------------------------------------------------------------- terminal and Markdown


def render_text(report: ProgressReport) -> str:
    out = [printable(report.title), "=" * len(printable(report.title)), GUIDANCE, ""]
    dates = "; ".join(f"#{n} {d}" for n, d in report.assessments)
    out += [wrap(f"Assessments: {dates}."), ""]
    heads = _heads(report)
    if report.findings:
        rows = [[s.kind, s.name, *_values(s), s.status] for s in report.findings]
        out.append("Defects, causes and red flags (certainty)")
        widths = [7, 24, *([5] * len(heads)), 11]
        out += [table(rows, ["", "name", *heads, "status"], widths), ""]
    if report.measurements:
        rows = [[s.name, s.unit, *_values(s)] for s in report.measurements]
        out.append("Measurements and tests")
        out += [table(rows, ["name", "unit", *heads], [28, 5, *([6] * len(heads))]), ""]
    out += [wrap(line) for line in _summary_lines(report)]
    out += ["", wrap(LEGEND)]
    return "\n".join(out).rstrip() + "\n"


def render_markdown(report: ProgressReport) -> str:
    heads = _heads(report)
    out = [f"# {escape(report.title)}", "", f"*{GUIDANCE}*", ""]
    out += ["Assessments: " + "; ".join(f"#{n} {d}" for n, d in report.assessments), ""]
    if report.findings:
        out += ["## Defects, causes and red flags (certainty)", ""]
        out.append("| | name | " + " | ".join(heads) + " | status |")
        out.append("|---|---|" + "---:|" * len(heads) + "---|")
        for s in report.findings:
            cells = " | ".join(_values(s))
            out.append(f"| {s.kind} | {escape(s.name)} | {cells} | {s.status} |")
        out.append("")
    if report.measurements:
        out += ["## Measurements and tests", ""]
        out.append("| name | unit | " + " | ".join(heads) + " |")
        out.append("|---|---|" + "---:|" * len(heads))
        for s in report.measurements:
            cells = " | ".join(_values(s))
            out.append(f"| {escape(s.name)} | {escape(s.unit)} | {cells} |")
        out.append("")
    out += [escape(line) + "\n" for line in _summary_lines(report)]
    return "\n".join(out).rstrip() + "\n"


# ---------------------------------------------------------------- HTML (inline SVG)

CHART_W, CHART_H = 160, 34  # px, inside a cell


def _svg(series: Series) -> str:
    pad = 4
    spots = points(series, CHART_W - 2 * pad, CHART_H - 2 * pad)
    shown = [(x + pad, y + pad) for p in spots if p is not None for x, y in [p]]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in shown)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.4"/>' for x, y in shown)
    base = CHART_H - pad
    title = html.escape(printable(f"{series.name}: " + ", ".join(_values(series))))
    return (
        f'<svg class="chart" width="{CHART_W}" height="{CHART_H}" viewBox="0 0 {CHART_W}'
        f' {CHART_H}" role="img" aria-label="{title}"><title>{title}</title>'
        f'<line x1="{pad}" y1="{base}" x2="{CHART_W - pad}" y2="{base}" class="axis"/>'
        + (f'<polyline points="{line}"/>' if len(shown) > 1 else "")
        + dots
        + "</svg>"
    )


def render_html(report: ProgressReport) -> str:
    def esc(text: object) -> str:
        return html.escape(printable(text))

    heads = "".join(f"<th>#{n}<br><small>{esc(d)}</small></th>" for n, d in report.assessments)
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(report.title)}</title>",
        "<style>body{font:10.5pt/1.4 system-ui,sans-serif;color:#111;margin:12mm auto;"
        "max-width:190mm}table{border-collapse:collapse;width:100%;margin:2mm 0 6mm}"
        "th,td{border-bottom:1px solid #ccc;padding:1.5mm 2mm;text-align:left;"
        "vertical-align:middle}td.n{text-align:right;font-variant-numeric:tabular-nums}"
        "svg.chart polyline{fill:none;stroke:#111;stroke-width:1.6}svg.chart circle{fill:#111}"
        "svg.chart .axis{stroke:#bbb;stroke-width:1}.status{font-weight:bold}"
        "@page{size:A4;margin:12mm}</style></head><body>",
        f'<h1>{esc(report.title)}</h1><p class="guidance">{esc(GUIDANCE)}</p>',
    ]
    for heading, rows, measured in (
        ("Defects, causes and red flags (certainty, 0–1)", report.findings, False),
        ("Measurements and tests", report.measurements, True),
    ):
        if not rows:
            continue
        extra = "<th>unit</th>" if measured else "<th></th>"
        parts.append(f"<h2>{heading}</h2><table><tr><th>name</th>{extra}{heads}<th>chart</th>")
        parts.append("" if measured else "<th>status</th>")
        parts.append("</tr>")
        for s in rows:
            cells = "".join(f'<td class="n">{v}</td>' for v in _values(s))
            first = f"<td>{esc(s.unit)}</td>" if measured else f"<td>{esc(s.kind)}</td>"
            status = "" if measured else f'<td class="status">{esc(s.status)}</td>'
            parts.append(f"<tr><td>{esc(s.name)}</td>{first}{cells}<td>{_svg(s)}</td>{status}</tr>")
        parts.append("</table>")
    parts += [f"<p>{esc(line)}</p>" for line in _summary_lines(report)]
    parts.append("</body></html>\n")
    return "\n".join(parts)


# ---------------------------------------------------------------- PDF (vector charts)


def render_pdf(report: ProgressReport) -> bytes:
    from fpdf import FPDF

    from .program_pdf import FAMILY, FONTS, MARGIN, drawable, simplified

    class ReportPDF(FPDF):
        def normalize_text(self, text: str) -> str:
            return super().normalize_text(drawable(self, text))

    pdf = ReportPDF(orientation="portrait", unit="mm", format="A4")
    pdf.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(MARGIN, 15, MARGIN)
    pdf.set_auto_page_break(True, margin=15)
    pdf.set_title(report.title)
    pdf.set_creator("runform")
    pdf.add_page()
    pdf.set_font(FAMILY, "B", 16)
    pdf.multi_cell(0, 8, report.title, new_x="LMARGIN", new_y="NEXT")
    note = simplified(pdf, report.title)
    pdf.set_font(FAMILY, "", 8)
    if note:
        pdf.multi_cell(0, 4, note, new_x="LMARGIN", new_y="NEXT")
    dates = "; ".join(f"#{n} {d}" for n, d in report.assessments)
    pdf.multi_cell(0, 4, f"{GUIDANCE} Assessments: {dates}.", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    count = len(report.assessments)
    name_w, value_w, chart_w, status_w, row_h = 55.0, 11.0, 45.0, 22.0, 9.0
    for heading, rows in (
        ("Defects, causes and red flags (certainty, 0–1)", report.findings),
        ("Measurements and tests", report.measurements),
    ):
        if not rows:
            continue
        pdf.set_font(FAMILY, "B", 11)
        pdf.cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, "B", 7.5)
        pdf.cell(name_w, 5, "name")
        for number, _ in report.assessments:
            pdf.cell(value_w, 5, f"#{number}", align="R")
        pdf.cell(chart_w + 4, 5, "")
        pdf.cell(
            status_w, 5, "status" if rows is report.findings else "", new_x="LMARGIN", new_y="NEXT"
        )
        for series in rows:
            if pdf.get_y() + row_h > pdf.h - pdf.b_margin:
                pdf.add_page()
            top = pdf.get_y()
            pdf.set_font(FAMILY, "", 8)
            label = series.name + (f" ({series.unit})" if series.unit else "")
            pdf.cell(name_w, row_h, label[:38])
            for shown in _values(series):
                pdf.cell(value_w, row_h, shown, align="R")
            left = pdf.l_margin + name_w + value_w * count + 4
            spots = points(series, chart_w - 4, row_h - 3)
            spots = [(left + 2 + x, top + 1.5 + y) for p in spots if p is not None for x, y in [p]]
            pdf.set_draw_color(190)
            pdf.set_line_width(0.2)
            pdf.line(left, top + row_h - 1.5, left + chart_w, top + row_h - 1.5)
            pdf.set_draw_color(17)
            pdf.set_fill_color(17)
            pdf.set_line_width(0.45)
            if len(spots) > 1:
                pdf.polyline(spots)
            for x, y in spots:
                pdf.circle(x=x - 0.7, y=y - 0.7, radius=0.7, style="F")  # corner, not centre
            pdf.set_xy(left + chart_w + 4, top)
            pdf.cell(status_w, row_h, series.status, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    pdf.set_font(FAMILY, "", 9)
    for line in _summary_lines(report):
        pdf.multi_cell(0, 4.6, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
