"""The action roadmap as readers meet it: PDF, XLSX and HTML built from one view model."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from roadmaps.fonts import FontFiles, FontsMissing, markup, register_fonts
from roadmaps.html import render_html
from roadmaps.pdf import render_pdf
from roadmaps.view import BarrierView, GoalView, MilestoneView, RoadmapView
from roadmaps.xlsx import render_xlsx

VIETNAMESE = "Nguyễn Thị Hồng"
KOREAN = "김민준"
CHINESE = "付款延迟"
SPANISH = "Señora Peña"
SCRIPT_TITLE = "<script>alert(1)</script> & co"
FORMULA_STATEMENT = '=HYPERLINK("http://x") Pay invoices within 30 days'


def _barrier(id: int, title: str, category: str, stage: str, **fields: object) -> BarrierView:
    labels = {
        "payment_cash_flow": "Payment & cash flow",
        "insurance_bonding": "Insurance & bonding",
        "solicitation_complexity": "Solicitation complexity",
        "invoicing_payment": "Invoicing & payment",
        "contracting": "Contracting",
        "solicitation": "Solicitation",
    }
    status = str(fields.pop("status", "identified"))
    return BarrierView(
        id=id,
        title=title,
        category=category,
        category_label=labels[category],
        stage=stage,
        stage_label=labels[stage],
        status=status,
        status_label=status.replace("_", " ").capitalize(),
        **fields,  # type: ignore[arg-type]
    )


def build_view() -> RoadmapView:
    """Three goals in priority order, barriers in three categories, names in five languages."""
    late_pay = _barrier(
        11,
        "Reimbursement-only payment",
        "payment_cash_flow",
        "invoicing_payment",
        description=f"Community partners wait 90 days; note from partner: {CHINESE}",
        controller="county",
        controller_label="County / city",
        severity=5,
        status="action_planned",
        owner=KOREAN,
    )
    insurance = _barrier(
        12,
        "Insurance limits sized for construction",
        "insurance_bonding",
        "contracting",
        controller="county",
        controller_label="County / city",
        severity=4,
        status="analyzing",
        owner=SPANISH,
    )
    scripted = _barrier(
        13,
        SCRIPT_TITLE,
        "solicitation_complexity",
        "solicitation",
        description="Forty-page RFPs with notarized forms.",
        controller="department",
        controller_label="Department",
        severity=3,
        owner=VIETNAMESE,
    )
    deferred = _barrier(
        14,
        "Wet signatures on every invoice",
        "payment_cash_flow",
        "invoicing_payment",
        controller="state",
        controller_label="State",
        severity=2,
    )
    goals = [
        GoalView(
            id=101,
            rank=1,
            statement=FORMULA_STATEMENT,
            measure="Median days from invoice to payment",
            baseline_value=Decimal("90"),
            target_value=Decimal("30"),
            latest_value=Decimal("60"),
            unit="days",
            created=date(2026, 2, 1),
            due=date(2026, 12, 31),
            owner=VIETNAMESE,
            status="on_track",
            status_label="On track",
            milestones=[
                MilestoneView(
                    title="Map the invoice approval chain",
                    due=date(2026, 3, 15),
                    owner=VIETNAMESE,
                    done=date(2026, 3, 10),
                ),
                MilestoneView(
                    title="Pilot 30-day payment with three CBOs", due=date(2026, 7, 31), owner=KOREAN
                ),
                MilestoneView(title="Board adopts prompt-payment policy", due=date(2026, 11, 30)),
            ],
            barriers=[late_pay, deferred],
            indicators=["payment.prompt", "payment.advance"],
        ),
        GoalView(
            id=102,
            rank=2,
            statement="Scale insurance requirements to the risk of each contract",
            measure="Share of small contracts requiring $1M general liability",
            baseline_value=Decimal("100"),
            target_value=Decimal("20"),
            latest_value=None,
            unit="%",
            created=date(2026, 3, 1),
            due=date(2027, 3, 31),
            owner=KOREAN,
            status="at_risk",
            status_label="At risk",
            milestones=[
                MilestoneView(
                    title=f"Risk manager review with {SPANISH}",
                    due=date(2026, 5, 1),
                    owner=SPANISH,
                    done=date(2026, 5, 20),
                ),
                MilestoneView(title="Draft tiered insurance schedule", due=date(2026, 9, 30), owner=KOREAN),
            ],
            barriers=[insurance, late_pay],
        ),
        GoalView(
            id=103,
            rank=3,
            statement="Publish plain-language solicitations of ten pages or fewer",
            measure="Pages in a standard solicitation",
            baseline_value=Decimal("40.5"),
            target_value=Decimal("10"),
            latest_value=Decimal("25"),
            unit="pages",
            created=date(2026, 4, 15),
            due=date(2026, 10, 15),
            owner=SPANISH,
            status="not_started",
            status_label="Not started",
            barriers=[scripted],
        ),
    ]
    return RoadmapView(
        jurisdiction="Riverside County Public Health",
        cohort="2026 Southern California",
        version=3,
        built_at=datetime(2026, 6, 2, 16, 30, tzinfo=UTC),
        built_by="Ana Equity-Lead",
        goals=goals,
        open_barriers=[late_pay, insurance, scripted, deferred],
    )


def build_edge_view() -> RoadmapView:
    """Goals a service should not produce but a renderer must survive, and enough to fill pages."""
    long_statement = ("Reduce the paperwork community organizations file before their first contract " * 26)[
        :1900
    ]
    long_statement += " " + "x" * 100  # an unbroken run, like a pasted link
    goals = [
        GoalView(
            id=201,
            rank=1,
            statement=long_statement,
            created=date(2025, 1, 10),
            due=date(2025, 12, 1),
            status="on_track",
            status_label="On track",
            baseline_value=Decimal("5"),
            target_value=Decimal("5"),
            latest_value=Decimal("5"),
            milestones=[MilestoneView(title="No dates yet")],
        ),
        GoalView(
            id=202,
            rank=2,
            statement="Due before it was created",
            created=date(2026, 6, 1),
            due=date(2026, 1, 15),
            status="at_risk",
            status_label="At risk",
        ),
        GoalView(
            id=203,
            rank=3,
            statement="Bare goal",
            created=date(2025, 5, 5),
            due=date(2025, 9, 9),
            status="not_started",
            status_label="Not started",
        ),
    ]
    goals += [
        GoalView(
            id=300 + n,
            rank=4 + n,
            statement=f"Filler goal {n} to push the timeline onto a second page",
            created=date(2025, 1 + n % 12, 1),
            due=date(2027 + n % 2, 1 + n % 12, 28),
            owner=KOREAN if n % 2 else VIETNAMESE,
            status="on_track",
            status_label="On track",
            milestones=[MilestoneView(title=f"Step {n}", due=date(2026, 1 + n % 12, 10))],
        )
        for n in range(25)
    ]
    return RoadmapView(
        jurisdiction="A jurisdiction with a very long name " * 4,
        cohort="2025 cohort",
        version=1,
        built_at=datetime(2026, 1, 5, 9, 0),
        built_by="Tester",
        goals=goals,
        open_barriers=[],
    )


def build_empty_view() -> RoadmapView:
    return RoadmapView(
        jurisdiction="Empty County",
        cohort="2026 cohort",
        version=1,
        built_at=datetime(2026, 1, 5),
        built_by="Tester",
        goals=[],
        open_barriers=[],
    )


# --- rendering once per module -------------------------------------------------------------


@pytest.fixture(scope="module")
def view() -> RoadmapView:
    return build_view()


@pytest.fixture(scope="module")
def out_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("roadmap")


@pytest.fixture(scope="module")
def pdf(view: RoadmapView, out_dir: Path) -> Path:
    return render_pdf(view, out_dir / "roadmap.pdf")


@pytest.fixture(scope="module")
def pdf_text(pdf: Path) -> str:
    return _pdftotext(pdf, "-layout")


@pytest.fixture(scope="module")
def workbook_path(view: RoadmapView, out_dir: Path) -> Path:
    return render_xlsx(view, out_dir / "roadmap.xlsx")


@pytest.fixture(scope="module")
def page(view: RoadmapView, out_dir: Path) -> str:
    return render_html(view, out_dir / "roadmap.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module", params=["empty", "edge"])
def odd_outputs(request: pytest.FixtureRequest, out_dir: Path) -> tuple[RoadmapView, Path, Path, Path]:
    odd = build_empty_view() if request.param == "empty" else build_edge_view()
    name = request.param
    return (
        odd,
        render_pdf(odd, out_dir / f"{name}.pdf"),
        render_xlsx(odd, out_dir / f"{name}.xlsx"),
        render_html(odd, out_dir / f"{name}.html"),
    )


def _pdftotext(path: Path, *options: str) -> str:
    done = subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, text=True, check=True)
    return done.stdout


def _words_outside_margins(path: Path) -> list[str]:
    """Words whose box leaves the printable area (0.75in margins, a point of slack)."""
    boxes = _pdftotext(path, "-bbox")
    margin = 0.75 * 72 - 1
    outside = []
    for page_match in re.finditer(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', boxes, re.S):
        width, height = float(page_match[1]), float(page_match[2])
        for word in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            page_match[3],
        ):
            x0, y0, x1, y1 = (float(word[i]) for i in range(1, 5))
            if x0 < margin or x1 > width - margin or y0 < margin - 20 or y1 > height - margin + 30:
                outside.append(word[5])
    return outside


# --- the view model ------------------------------------------------------------------------


def test_progress_and_severity_are_computed_from_the_goal(view: RoadmapView) -> None:
    first, second, third = view.goals
    assert first.milestone_progress == pytest.approx(1 / 3)
    assert first.measure_progress == pytest.approx(0.5)  # 90 -> 60 of the way to 30
    assert first.max_severity == 5
    assert second.measure_progress is None  # no latest value yet
    assert third.milestone_progress is None  # no milestones
    assert build_edge_view().goals[0].measure_progress is None  # baseline equals target


def test_quarters_span_every_goal_and_milestone(view: RoadmapView) -> None:
    labels = [q.label for q in view.quarters]
    assert labels == ["2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4", "2027 Q1"]
    assert view.quarters[0].start == date(2026, 1, 1)
    assert view.quarters[-1].end == date(2027, 3, 31)
    assert build_empty_view().quarters == []


def test_open_barriers_group_by_category_in_listed_order(view: RoadmapView) -> None:
    groups = view.open_barriers_by_category
    assert list(groups) == ["Payment & cash flow", "Insurance & bonding", "Solicitation complexity"]
    assert [b.id for b in groups["Payment & cash flow"]] == [11, 14]
    assert view.goal_ids_by_barrier[11] == [101, 102]


# --- fonts ---------------------------------------------------------------------------------


def test_markup_escapes_text_and_gives_each_script_a_font() -> None:
    text = markup(f"{SCRIPT_TITLE} {VIETNAMESE} {KOREAN} {CHINESE}\nnext")
    assert text.startswith("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co Nguyễn Thị Hồng ")
    assert f'<font name="NanumGothic">{KOREAN}</font>' in text
    assert f'<font name="WenQuanYiMicroHei">{CHINESE}</font>' in text
    assert text.endswith("<br/>next")
    assert f'<font name="NanumGothic-Bold">{KOREAN}</font>' in markup(KOREAN, bold=True)


def test_missing_script_fonts_fall_back_with_a_warning(tmp_path: Path) -> None:
    files = FontFiles(hangul=tmp_path / "NanumGothic.ttf", cjk=tmp_path / "wqy-microhei.ttc")
    with pytest.warns(RuntimeWarning) as warned:
        fonts = register_fonts(files)
    messages = " ".join(str(w.message) for w in warned)
    assert "apt-get install fonts-nanum" in messages and "apt-get install fonts-wqy-microhei" in messages
    assert (fonts.hangul, fonts.cjk) == (None, None)
    assert markup(KOREAN, fonts=fonts) == KOREAN  # drawn in DejaVu: boxes, but no crash


def test_missing_base_font_says_what_to_install(tmp_path: Path) -> None:
    with pytest.raises(FontsMissing, match="fonts-dejavu-core"):
        register_fonts(FontFiles(base=tmp_path / "DejaVuSans.ttf"))


# --- PDF -----------------------------------------------------------------------------------


def test_pdf_cover_names_jurisdiction_cohort_and_version(pdf_text: str) -> None:
    cover = pdf_text.split("\f")[0]
    assert "Action Roadmap" in cover
    assert "Riverside County Public Health" in cover
    assert "2026 Southern California" in cover
    assert re.search(r"Version\s+3", cover)
    assert "Ana Equity-Lead" in cover


def test_pdf_shows_every_goal_owner_and_script_exactly(pdf: Path, pdf_text: str, view: RoadmapView) -> None:
    for goal in view.goals:
        assert goal.statement in pdf_text
    for text in (VIETNAMESE, KOREAN, CHINESE, SPANISH):
        assert text in pdf_text, text
    # The markup-like title is drawn as text; a narrow cell may wrap it before "& co".
    assert "<script>alert(1)</script>" in pdf_text
    assert re.sub(r"\s+", "", SCRIPT_TITLE) in re.sub(r"\s+", "", _pdftotext(pdf))
    assert "Appendix: Open barriers by category" in pdf_text
    assert "Timeline by quarter" in pdf_text
    assert "2026 Q3" in pdf_text  # milestones listed by quarter


def test_pdf_has_pages_numbers_and_footer(pdf: Path, pdf_text: str) -> None:
    pages = len(PdfReader(pdf).pages)
    assert pages > 3
    assert f"Page {pages} of {pages}" in pdf_text
    assert "Riverside County Public Health · Action Roadmap · version 3" in pdf_text.split("\f")[1]


def test_pdf_embeds_fonts_for_every_script(pdf: Path) -> None:
    fonts: set[str] = set()
    for pdf_page in PdfReader(pdf).pages:
        resources = pdf_page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            if "/FontFile2" in font.get("/FontDescriptor", {}) or font.get("/Subtype") == "/TrueType":
                fonts.add(str(font["/BaseFont"]))
    assert any("DejaVuSans" in f for f in fonts)
    assert any("NanumGothic" in f for f in fonts)
    assert any("WenQuanYi" in f for f in fonts)


def test_pdf_text_stays_inside_the_margins(pdf: Path) -> None:
    assert _words_outside_margins(pdf) == []


# --- XLSX ----------------------------------------------------------------------------------


def _rows(path: Path, sheet: str) -> list[tuple[object, ...]]:
    return list(load_workbook(path)[sheet].iter_rows(min_row=2, values_only=True))


def _day(value: object) -> date | None:
    return value.date() if isinstance(value, datetime) else value  # type: ignore[return-value]


def test_xlsx_goals_sheet_holds_the_view_values(workbook_path: Path, view: RoadmapView) -> None:
    rows = _rows(workbook_path, "Goals")
    assert len(rows) == len(view.goals)
    for row, goal in zip(rows, view.goals, strict=True):
        (
            rank,
            id_,
            statement,
            measure,
            baseline,
            target,
            latest,
            unit,
            created,
            due,
            owner,
            status,
            progress,
            barriers,
        ) = row
        assert (rank, id_, statement, measure, unit, owner, status) == (
            goal.rank,
            goal.id,
            goal.statement,
            goal.measure,
            goal.unit,
            goal.owner,
            goal.status_label,
        )
        for cell, value in (
            (baseline, goal.baseline_value),
            (target, goal.target_value),
            (latest, goal.latest_value),
        ):
            assert cell == (None if value is None else pytest.approx(float(value)))
        assert (_day(created), _day(due)) == (goal.created, goal.due)
        assert progress == (
            None if goal.milestone_progress is None else pytest.approx(goal.milestone_progress)
        )
        assert barriers == (", ".join(str(b.id) for b in goal.barriers) or None)


def test_xlsx_milestones_and_barriers_sheets_hold_the_view_values(
    workbook_path: Path, view: RoadmapView
) -> None:
    expected = [(g.id, g.rank, m.title, m.due, m.owner, m.done) for g in view.goals for m in g.milestones]
    got = [(r[0], r[1], r[2], _day(r[3]), r[4], _day(r[5])) for r in _rows(workbook_path, "Milestones")]
    assert got == expected
    barriers = {r[0]: r for r in _rows(workbook_path, "Barriers")}
    assert set(barriers) == {11, 12, 13, 14}
    assert barriers[13][1] == SCRIPT_TITLE
    assert barriers[11][2] == f"Community partners wait 90 days; note from partner: {CHINESE}"
    assert barriers[11][3:10] == (
        "Payment & cash flow",
        "Invoicing & payment",
        "County / city",
        5,
        "Action planned",
        KOREAN,
        "101, 102",
    )


def test_xlsx_sheets_are_frozen_filtered_and_dated(workbook_path: Path) -> None:
    book = load_workbook(workbook_path)
    assert book.sheetnames == ["Goals", "Milestones", "Barriers", "About"]
    for name in ("Goals", "Milestones", "Barriers"):
        sheet = book[name]
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:")
        assert all(cell.font.bold for cell in sheet[1])
    assert book["Goals"]["I2"].is_date and book["Goals"]["I2"].number_format == "yyyy-mm-dd"
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True) if row[0]}
    assert about["Jurisdiction"] == "Riverside County Public Health"
    assert about["Version"] == 3
    assert about["Built at (UTC)"] == datetime(2026, 6, 2, 16, 30)


def test_xlsx_formula_like_statement_stays_text(workbook_path: Path) -> None:
    cell = load_workbook(workbook_path)["Goals"]["C2"]
    assert cell.value == FORMULA_STATEMENT
    assert cell.data_type == "s"
    assert cell.quotePrefix


# --- HTML ----------------------------------------------------------------------------------


class _Outline(HTMLParser):
    """What a browser and a screen reader get from the page: tags, headings, tables, text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[int] = []
        self.tables: list[dict[str, int]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "table":
            self.tables.append({"caption": 0, "th": 0, "th_without_scope": 0})
        elif tag in ("caption", "th") and self.tables:
            self.tables[-1][tag] += 1
            if tag == "th" and dict(attrs).get("scope") not in ("col", "row"):
                self.tables[-1]["th_without_scope"] += 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def outline(page: str) -> _Outline:
    parser = _Outline()
    parser.feed(page)
    return parser


def test_html_escapes_user_markup(page: str, outline: _Outline) -> None:
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "<script" not in page.lower()
    assert SCRIPT_TITLE in "".join(outline.text)


def test_html_is_a_self_contained_accessible_page(page: str, outline: _Outline) -> None:
    tags = {tag for tag, _ in outline.tags}
    assert ("html", {"lang": "en"}) in outline.tags
    assert ("meta", {"charset": "utf-8"}) in outline.tags
    assert {"main", "header", "nav", "title", "style"} <= tags
    assert not any(tag == "link" or "src" in attrs for tag, attrs in outline.tags)  # nothing external
    assert outline.headings[0] == 1 and outline.headings.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(outline.headings[:-1], outline.headings[1:], strict=True)), (
        outline.headings
    )
    assert outline.tables
    for table in outline.tables:
        assert table["caption"] == 1 and table["th"] > 0 and table["th_without_scope"] == 0
    assert "@media print" in page


def test_html_shows_names_and_statuses_as_text(outline: _Outline, view: RoadmapView) -> None:
    text = "".join(outline.text)
    for name in (VIETNAMESE, KOREAN, CHINESE, SPANISH):
        assert name in text
    for goal in view.goals:
        assert goal.statement in text
        assert goal.status_label in text
    assert "2027 Q1" in text and "Under way" in text and "milestone done" in text


# --- odd roadmaps --------------------------------------------------------------------------


def test_odd_roadmaps_render_in_every_format(odd_outputs: tuple[RoadmapView, Path, Path, Path]) -> None:
    odd, pdf_path, xlsx_path, html_path = odd_outputs
    assert len(PdfReader(pdf_path).pages) >= 4
    assert _words_outside_margins(pdf_path) == []
    text = re.sub(r"\s+", "", _pdftotext(pdf_path))
    for goal in odd.goals:
        assert re.sub(r"\s+", "", goal.statement) in text
    if not odd.goals:
        assert "Thisroadmaphasnogoalsyet." in text
    assert len(_rows(xlsx_path, "Goals")) == len(odd.goals)
    assert "<script" not in html_path.read_text(encoding="utf-8")
