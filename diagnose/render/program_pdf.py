"""The program as an A4 PDF (fpdf2) with a bundled Unicode font, readable in black and white.

The built-in PDF fonts are Latin-1 only; DejaVu Sans prints names such as "Léa Müller"
and signs such as "≤", "×" and "✓". A session, an exercise's notes and each picture are
kept on one page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path

from ..program.model import KINDS, Item, Program, Session, minutes_text
from .safe import printable

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"
INK, MID, RULE, SOFT = 17, 90, 150, 235  # grey levels
LIGHTEST, DARKEST = 232, 80  # week-at-a-glance cells: light for a little work, dark for a lot
MARGIN = 15  # mm, left and right
BODY = 9.5  # pt
LINE = 4.6  # mm per line of body text


def drawable(pdf, text: str) -> str:
    """Every string fpdf2 lays out passes here: keep line breaks, and turn control
    characters and glyphs the bundled font lacks (emoji...) into "?"."""
    glyphs = getattr(pdf.current_font, "cmap", None) or {}
    text = printable(text, keep="\n")
    if glyphs:
        text = "".join(ch if ch == "\n" or ord(ch) in glyphs else "?" for ch in text)
    return text


def simplified(pdf, text: str) -> str | None:
    """A line to print under a title whose characters the bundled font lacks (names in
    Chinese, emoji...), so nobody wonders why a name shows as "?"."""
    glyphs = getattr(pdf.current_font, "cmap", None) or {}
    if not glyphs or all(ord(ch) in glyphs or not ch.isprintable() for ch in text):
        return None
    return (
        "Some characters of the name are not in this PDF's font and show as ?;"
        " the HTML printout (-o FILE.html) shows them all."
    )


def _pdf_class():
    from fpdf import FPDF

    class ProgramPDF(FPDF):
        def __init__(self, program: Program):
            super().__init__(orientation="portrait", unit="mm", format="A4")
            self.program = program
            self.add_font(FAMILY, "", str(FONTS / "DejaVuSans.ttf"))
            self.add_font(FAMILY, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
            self.set_margins(MARGIN, 18, MARGIN)
            self.set_auto_page_break(True, margin=16)
            self.set_title(program.title)
            self.set_author("runform")
            self.set_creator("runform")
            made = datetime.combine(datetime.fromisoformat(program.date).date(), time())
            self.set_creation_date(made)  # the same program gives the same bytes

        def normalize_text(self, text: str) -> str:
            return super().normalize_text(drawable(self, text))

        # header and footer use the page margins, not the current column's
        def header(self) -> None:
            half = (self.w - 2 * MARGIN) / 2
            self.set_font(FAMILY, "", 8)
            self.set_text_color(MID)
            self.set_xy(MARGIN, 8)
            who = self.program.runner_name or "Running program"
            while self.get_string_width(who) > half - 2 and len(who) > 1:
                who = who[:-2] + "…"
            self.cell(half, 5, who, align="L")
            self.cell(half, 5, f"Prepared {self.program.date}", align="R")
            self.set_draw_color(RULE)
            self.set_line_width(0.2)
            self.line(MARGIN, 13.5, self.w - MARGIN, 13.5)
            self.set_xy(self.l_margin, self.t_margin)
            self.set_text_color(INK)

        def footer(self) -> None:
            width = self.w - 2 * MARGIN
            self.set_xy(MARGIN, -11)
            self.set_font(FAMILY, "", 7.5)
            self.set_text_color(MID)
            self.cell(width - 20, 4, "Coaching guidance, not a medical diagnosis.", align="L")
            self.cell(20, 4, f"{self.page_no()}/{{nb}}", align="R")
            self.set_text_color(INK)

    return ProgramPDF


# ---------------------------------------------------------------- building blocks


def _text(
    pdf, text: str, size: float = BODY, bold: bool = False, grey: int = INK, line: float = LINE
) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", size)
    pdf.set_text_color(grey)
    pdf.multi_cell(0, line, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(INK)


def _heading(pdf, text: str) -> None:
    pdf.ln(3)
    pdf.set_font(FAMILY, "B", 13)
    pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(INK)
    pdf.set_line_width(0.5)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2)


def _fits(pdf, draw: Callable[[], None]) -> bool:
    """Would the block fit on this page? (Drawn on trial, then rewound.)"""
    with pdf.offset_rendering() as trial:
        draw()
    return not trial.page_break_triggered


def _together(pdf, draw: Callable[[], None]) -> None:
    """Draw a block on one page, starting a new page if it would not fit on this one."""
    if pdf.get_y() > pdf.t_margin + 1 and not _fits(pdf, draw):
        pdf.add_page()
    draw()


def _bullets(pdf, lines: list[str], mark: str = "•", indent: float = 5, size: float = BODY):
    pdf.set_font(FAMILY, "", size)
    for line in lines:
        pdf.set_x(pdf.l_margin)
        pdf.cell(indent, LINE, mark)
        pdf.multi_cell(0, LINE, line, align="L", new_x="LMARGIN", new_y="NEXT")


def _named_bullet(pdf, name: str, rest: str, indent: float = 5) -> None:
    """• **name** rest, wrapped with a hanging indent (write() flows bold and plain runs)."""
    left = pdf.l_margin
    pdf.set_x(left)
    pdf.set_font(FAMILY, "", BODY)
    pdf.cell(indent, LINE, "•")
    pdf.set_left_margin(left + indent)
    pdf.set_font(FAMILY, "B", BODY)
    pdf.write(LINE, name)
    pdf.set_font(FAMILY, "", BODY)
    pdf.write(LINE, rest)
    pdf.ln(LINE)
    pdf.set_left_margin(left)
    pdf.set_x(left)


def _grey(level: float) -> int:
    return round(LIGHTEST - (LIGHTEST - DARKEST) * level)


# ---------------------------------------------------------------- sections


def _opening(pdf, program: Program) -> None:
    pdf.set_font(FAMILY, "B", 19)
    pdf.multi_cell(0, 9, program.title, align="L", new_x="LMARGIN", new_y="NEXT")
    if note := simplified(pdf, program.title):
        _text(pdf, note, size=8, grey=MID, line=3.8)
    week = (
        f"{program.sessions_per_week} session{'s' if program.sessions_per_week != 1 else ''} "
        f"a week × {program.minutes_per_session} min"
    )
    _text(pdf, f"Prepared {program.date} · {week}", grey=MID)
    _text(pdf, program.guidance, size=8, grey=MID, line=3.8)
    pdf.ln(2)
    if program.red_flags:
        _box(pdf, "⚠ See a clinician before starting this program", program.red_flags)
    if program.health_open:
        _box(pdf, "Health questions still unanswered", program.health_open)
    # the headline, with a thick bar beside it
    top = pdf.get_y()
    pdf.set_x(pdf.l_margin + 4)
    pdf.set_font(FAMILY, "B", 10)
    pdf.multi_cell(pdf.epw - 4, 5, program.headline, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_fill_color(INK)
    pdf.rect(pdf.l_margin, top, 1.4, pdf.get_y() - top, style="F")
    pdf.ln(1)


def _box(pdf, title: str, notes: list) -> None:
    """A framed block the runner reads first: red flags, or health questions still open."""
    top = pdf.get_y()
    inner = pdf.l_margin + 4
    pdf.set_xy(inner, top + 3)
    pdf.set_font(FAMILY, "B", 13)
    pdf.multi_cell(pdf.epw - 8, 6.5, title, new_x="LEFT", new_y="NEXT")
    pdf.set_font(FAMILY, "", BODY)
    for flag in notes:
        pdf.set_x(inner)
        pdf.set_font(FAMILY, "B", BODY)
        pdf.multi_cell(pdf.epw - 8, LINE, flag.name, align="L", new_x="LEFT", new_y="NEXT")
        pdf.set_font(FAMILY, "", BODY)
        pdf.multi_cell(pdf.epw - 8, LINE, flag.text, align="L", new_x="LEFT", new_y="NEXT")
    bottom = pdf.get_y() + 2.5
    pdf.set_draw_color(INK)
    pdf.set_line_width(0.9)
    pdf.rect(pdf.l_margin, top, pdf.epw, bottom - top)
    pdf.set_xy(pdf.l_margin, bottom + 3)


def _week(pdf, program: Program) -> None:
    _heading(pdf, "Your week")
    _text(pdf, program.week_line())
    # budget meter: planned minutes against the 10 % budget
    pdf.ln(1)
    y = pdf.get_y()
    label = f"{minutes_text(program.total_minutes)} of {minutes_text(program.budget_minutes)} min"
    pdf.set_font(FAMILY, "", 8.5)
    pdf.cell(16, 4, "planned")
    width = pdf.epw - 16 - 30
    share = (
        min(1.0, program.total_minutes / program.budget_minutes) if program.budget_minutes else 0
    )
    pdf.set_fill_color(70)
    if share:
        pdf.rect(pdf.l_margin + 16, y + 0.5, width * share, 3, style="F")
    pdf.set_draw_color(INK)
    pdf.set_line_width(0.3)
    pdf.rect(pdf.l_margin + 16, y + 0.5, width, 3)
    pdf.set_x(pdf.l_margin + 16 + width)
    pdf.cell(30, 4, label, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)
    for assumption in program.assumptions:
        _text(pdf, f"Assumed: {assumption}.")
    for note in program.notes:
        _text(pdf, note)
    if program.sessions:
        _together(pdf, lambda: _glance(pdf, program))


def _glance(pdf, program: Program) -> None:
    pdf.ln(2)
    _text(pdf, "Week at a glance (minutes)", size=10.5, bold=True, line=6)
    grid = program.glance()
    busiest = max((m for _, kinds in grid for m in kinds.values()), default=0.0)
    first, last = 58.0, 22.0
    each = (pdf.epw - first - last) / len(KINDS)
    height = 7.5
    pdf.set_draw_color(RULE)
    pdf.set_line_width(0.25)
    pdf.set_font(FAMILY, "B", 8)
    pdf.cell(first, height, "SESSION", border="B")
    for kind in KINDS:
        pdf.cell(each, height, kind.upper(), border="B", align="C")
    pdf.cell(last, height, "TOTAL", border="B", align="C", new_x="LMARGIN", new_y="NEXT")
    for session, kinds in grid:
        pdf.set_font(FAMILY, "B", 9)
        pdf.set_text_color(INK)
        pdf.cell(first, height, f"{session.number}. {session.name}", border=1)
        for kind in KINDS:
            minutes = kinds[kind]
            if minutes:
                level = minutes / busiest
                pdf.set_fill_color(_grey(level))
                pdf.set_text_color(255 if level > 0.55 else INK)
                pdf.set_font(FAMILY, "B", 9.5)
                pdf.cell(each, height, minutes_text(minutes), border=1, align="C", fill=True)
            else:
                pdf.set_text_color(RULE)
                pdf.set_font(FAMILY, "", 9)
                pdf.cell(each, height, "·", border=1, align="C")
        pdf.set_text_color(INK)
        pdf.set_font(FAMILY, "B", 9.5)
        total = minutes_text(session.planned_minutes)
        pdf.cell(last, height, total, border=1, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(INK)


def _session(pdf, session: Session) -> None:
    from fpdf.fonts import FontFace

    pdf.ln(4)
    pdf.set_draw_color(INK)
    pdf.set_line_width(0.3)
    pdf.set_font(FAMILY, "B", 8.5)
    badge = pdf.get_string_width(session.day) + 4
    pdf.cell(badge, 6, session.day, border=1, align="C")
    pdf.cell(2, 6, "")
    pdf.set_font(FAMILY, "B", 12)
    name_width = pdf.get_string_width(session.name) + 2
    pdf.cell(name_width, 6, session.name)
    pdf.set_font(FAMILY, "", 8.5)
    pdf.set_text_color(MID)
    length = session.length_words
    pdf.cell(0, 6, length, align="R", new_x="LMARGIN", new_y="NEXT")
    _text(pdf, session.about, size=8.5, grey=MID, line=4)
    pdf.ln(1)
    if session.items:
        headings = FontFace(emphasis="BOLD", size_pt=7.5, fill_color=SOFT)
        pdf.set_fill_color(255)
        with pdf.table(
            cell_fill_mode="NONE",
            col_widths=(14, 26, 24, 6, 38),
            text_align=("LEFT", "LEFT", "LEFT", "RIGHT", "LEFT"),
            align="LEFT",
            width=pdf.epw,
            line_height=4.2,
            padding=(1.2, 1.2),
            borders_layout="HORIZONTAL_LINES",
            headings_style=headings,
            first_row_as_headings=True,
            v_align="TOP",
        ) as table:
            pdf.set_font(FAMILY, "", 8.5)
            pdf.set_draw_color(RULE)
            pdf.set_line_width(0.2)
            row = table.row()
            for heading in ("WHEN", "EXERCISE", "DOSE", "MIN", "WHY"):
                row.cell(heading)
            for item in session.items:
                _item_row(table.row(), item, FontFace)
    else:
        _text(pdf, "Nothing added to this run.", grey=MID)
    if session.focus:
        pdf.ln(1.5)
        pdf.set_font(FAMILY, "", 9)
        pdf.cell(pdf.get_string_width("Focus while running: ") + 0.5, LINE, "Focus while running: ")
        pdf.set_font(FAMILY, "B", 9)
        pdf.cell(0, LINE, session.focus, new_x="LMARGIN", new_y="NEXT")
    bottom = pdf.get_y() + 1
    pdf.set_draw_color(INK)
    pdf.set_line_width(0.15)
    pdf.line(pdf.l_margin, bottom, pdf.w - pdf.r_margin, bottom)
    pdf.set_y(bottom)


def _item_row(row, item: Item, FontFace) -> None:
    row.cell(item.part_label)
    row.cell(item.name, style=FontFace(emphasis="BOLD"))
    row.cell(item.dose)
    row.cell(minutes_text(item.minutes))
    row.cell(item.why, style=FontFace(size_pt=8))


def _exercise(pdf, item: Item) -> None:
    pdf.ln(2)
    _text(pdf, f"{item.category.upper()} · {item.dose}", size=7.5, grey=MID, line=3.6)
    _text(pdf, item.name, size=10.5, bold=True, line=5.5)
    _text(pdf, item.how, size=9, line=4.3)
    pdf.set_text_color(INK)
    _bullets(pdf, list(item.cues), mark="✓", size=9)
    _bullets(pdf, [f"Avoid: {p}" for p in item.pitfalls], mark="✗", size=9)


def _columns(pdf, heading: str, blocks: list[Callable[[], None]], gap: float = 7) -> None:
    """A heading, then blocks in two columns, page after page; no block splits, and the
    columns of the last page are balanced rather than the left one filled first."""
    left, right = pdf.l_margin, pdf.r_margin
    width = (pdf.epw - gap) / 2

    def use(column: int | None) -> None:
        """Write in one column, or across the page (None)."""
        if column is None:
            pdf.set_left_margin(left)
            pdf.set_right_margin(right)
        else:
            pdf.set_left_margin(left + column * (width + gap))
            pdf.set_right_margin(right + (1 - column) * (width + gap))
        pdf.set_x(pdf.l_margin)

    def height(block: Callable[[], None]) -> float:
        with pdf.offset_rendering():
            use(0)
            pdf.set_y(pdf.t_margin)
            block()
            tall = pdf.get_y() - pdf.t_margin
        use(None)
        return tall

    heights = [height(block) for block in blocks]
    # the heading starts a page rather than end one without the first block under it
    if not _fits(pdf, lambda: (_heading(pdf, heading), use(0), blocks[0](), use(None))):
        pdf.add_page()
    _heading(pdf, heading)
    start = 0
    while start < len(blocks):
        top = pdf.get_y()
        room = pdf.page_break_trigger - top
        split, end = _fill(heights, start, room)
        if end == len(blocks):
            split = _balance(heights, start, end, room)
        bottom = top
        for column, chunk in ((0, range(start, split)), (1, range(split, end))):
            pdf.set_y(top)
            use(column)
            for index in chunk:
                blocks[index]()
            bottom = max(bottom, pdf.get_y())
        use(None)
        pdf.set_y(bottom)
        start = end
        if start < len(blocks):
            pdf.add_page()


def _fill(heights: list[float], start: int, room: float) -> tuple[int, int]:
    """(where the right column starts, where the page ends): each column takes blocks
    while they fit, at least one."""
    index = start
    for _column in range(2):
        used = 0.0
        first = index
        while index < len(heights) and (index == first or used + heights[index] <= room):
            used += heights[index]
            index += 1
        if _column == 0:
            split = index
    return split, index


def _balance(heights: list[float], start: int, end: int, room: float) -> int:
    """The split of blocks start..end into two columns with the shorter longest column."""
    best, best_tallest = start + 1, float("inf")
    for split in range(start + 1, end + 1):
        left_h, right_h = sum(heights[start:split]), sum(heights[split:end])
        tallest = max(left_h, right_h)
        if (right_h <= room or split == end) and tallest < best_tallest:
            best, best_tallest = split, tallest
    return best


def _section(pdf, heading: str, blocks: list[Callable[[], None]]) -> None:
    """A heading and its blocks; the heading never ends a page without its first block."""
    _together(pdf, lambda: (_heading(pdf, heading), blocks[0]()))
    for block in blocks[1:]:
        _together(pdf, block)


def _later(pdf, program: Program) -> None:
    def block(step) -> Callable[[], None]:
        return lambda: _named_bullet(pdf, step.name, f" ({step.when}): {step.dose}. {step.why}")

    if program.later:
        _section(
            pdf,
            "Later steps: once the first exercises feel easy",
            [block(s) for s in program.later],
        )
    if program.also_useful:
        _section(
            pdf,
            "Also useful",
            [
                lambda r=reason, n=names: _text(pdf, f"{r[0].upper()}{r[1:]}: {'; '.join(n)}.")
                for reason, names in program.also_useful_groups()
            ],
        )


def _advice(pdf, program: Program) -> None:
    blocks = [
        lambda note=note: _named_bullet(pdf, note.name, f": {note.text}") for note in program.advice
    ]
    _section(pdf, "Advice", blocks)


def _worth(pdf, program: Program) -> None:
    worth = program.worth
    if worth is None:
        return
    _heading(pdf, f"What it is worth over {worth.distance_words}")
    figures = list(worth.figures)
    gap = 4
    width = (pdf.epw - gap * 2) / 3
    y = pdf.get_y()
    pdf.set_draw_color(INK)
    pdf.set_line_width(0.3)
    for index, (big, small) in enumerate(figures):
        x = pdf.l_margin + index * (width + gap)
        pdf.rect(x, y, width, 15)
        pdf.set_xy(x + 3, y + 2)
        pdf.set_font(FAMILY, "B", 15)
        pdf.cell(width - 6, 7, big)
        pdf.set_xy(x + 3, y + 9)
        pdf.set_font(FAMILY, "", 7.5)
        pdf.set_text_color(MID)
        pdf.cell(width - 6, 4, small)
        pdf.set_text_color(INK)
    pdf.set_xy(pdf.l_margin, y + (18 if figures else 0))
    _bullets(pdf, list(worth.lines), size=9)


def _shown(pdf, program: Program) -> None:
    """What the answers show: the findings with what they rest on, the measurements,
    and the questions that could still change the program."""
    blocks = []
    for title, notes in (("Defect", program.defects), ("Cause", program.causes)):
        for note in notes:
            behind = f" (from: {note.text})" if note.text else ""
            blocks.append(
                lambda t=title, n=note, b=behind: _named_bullet(
                    pdf, n.name, f" ({t.lower()}, {n.certainty:.2f}){b}"
                )
            )
    if program.measured:
        shown = "; ".join(f"{n.name} {n.text}" for n in program.measured)
        blocks.append(lambda: _text(pdf, f"Measured and tested: {shown}."))
    if program.disagree:
        blocks.append(lambda: _text(pdf, program.disagree_line()))
    if program.could_change:
        line = f"These questions could still change it: {program.could_change_line()}."
        blocks.append(lambda: _text(pdf, line))
    if blocks:
        _section(pdf, "What your answers show", blocks)


def _causes(pdf, program: Program) -> None:
    _heading(pdf, "Causes by certainty")
    label, value = 70.0, 14.0
    bar = pdf.epw - label - value
    for cause in program.causes:
        y = pdf.get_y()
        pdf.set_font(FAMILY, "", 9)
        pdf.cell(label, 6, cause.name)
        pdf.set_fill_color(70)
        pdf.set_draw_color(INK)
        pdf.set_line_width(0.2)
        pdf.rect(pdf.l_margin + label, y + 1.2, bar * (cause.certainty or 0), 3.6, style="DF")
        pdf.set_draw_color(RULE)
        pdf.rect(pdf.l_margin + label, y + 1.2, bar, 3.6)
        pdf.set_x(pdf.l_margin + label + bar)
        pdf.cell(value, 6, f"{cause.certainty:.2f}", align="R", new_x="LMARGIN", new_y="NEXT")


# ---------------------------------------------------------------- the document


def render_program(program: Program) -> bytes:
    pdf = _pdf_class()(program)
    pdf.add_page()
    _opening(pdf, program)
    _week(pdf, program)
    for session in program.sessions:
        _together(pdf, lambda session=session: _session(pdf, session))
    if program.held_back:
        lines = [
            f"{r[0].upper()}{r[1:]}: {'; '.join(names)}." for r, names in program.held_back_groups()
        ]
        _together(
            pdf,
            lambda: (_heading(pdf, "Held back"), *(_text(pdf, line) for line in lines)),
        )
    exercises = program.exercises()
    if exercises:
        blocks = [lambda item=item: _exercise(pdf, item) for item in exercises]
        _columns(pdf, "How to do each exercise", blocks)
    if program.later or program.also_useful:
        _later(pdf, program)
    if program.advice:
        _advice(pdf, program)
    _together(pdf, lambda: _worth(pdf, program))
    _shown(pdf, program)
    if program.causes:
        _together(pdf, lambda: _causes(pdf, program))
    return bytes(pdf.output())
