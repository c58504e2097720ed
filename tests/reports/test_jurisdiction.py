"""The jurisdiction impact report: its numbers, hand-computed from the small cohort's inputs in
``tests/reports/helpers.py``, what its document says (including what is missing), who may read it,
and the session facts that say it (and the regional report) was compiled."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import update

from assessment.cohorts.people import resolve_actor
from assessment.cohorts.service import get_team
from assessment.core.db import transaction
from assessment.core.errors import PermissionDenied, ValidationFailed
from assessment.reports.compiled import compiled_public, last_compiled, record_compiled
from assessment.reports.jurisdiction import JurisdictionImpactReport, impact_report
from assessment.reports.jurisdiction_layout import document_of
from assessment.reports.models import CompiledReport, ReportKind
from assessment.sessions.facts import check, team_at
from roadmaps.report.document import Chart, Figures, Paragraph, Quote, ReportDocument, Section, Table
from tests.conftest import Cast
from tests.reports.helpers import ALDER_FINANCE, CEDAR, HIGHLIGHT, QUOTE, QUOTE_BY, SmallCohort, build_cohort


@pytest.fixture
def cohort(cast: Cast, tmp_path: Path) -> SmallCohort:
    return build_cohort(cast, tmp_path)


def report_of(cast: Cast, place: str, who: str | None = None) -> JurisdictionImpactReport:
    with transaction() as session:
        return impact_report(session, resolve_actor(session, who or cast.lead), place, cast.cohort)


def section(document: ReportDocument, heading: str) -> Section:
    return next(s for s in (*document.summary, *document.sections) if s.heading == heading)


def table(document: ReportDocument, sheet: str) -> Table:
    return next(t for t in document.tables() if t.sheet == sheet)


def chart(document: ReportDocument, title: str) -> Chart:
    blocks = [b for s in (*document.summary, *document.sections) for b in s.blocks]
    return next(b for b in blocks if isinstance(b, Chart) and b.title == title)


def texts(document: ReportDocument) -> list[str]:
    """Every paragraph of the document, as a reader meets them."""
    blocks = [b for s in (*document.summary, *document.sections) for b in s.blocks]
    return [b.text for b in blocks if isinstance(b, Paragraph)]


def headline(document: ReportDocument) -> dict[str, tuple[str, str]]:
    figures = next(b for b in document.summary[0].blocks if isinstance(b, Figures))
    return {f.label: (f.value, f.detail) for f in figures.items}


def test_participation_counts_the_sessions_held_and_the_share_of_the_team_there(cohort: SmallCohort) -> None:
    cast = cohort.cast
    alder = report_of(cast, cast.alder)
    # Alder's 4 members came 4, 3, 2, then 4 at each of sessions 4-9: 100%, 75%, 50%, then 100% six times
    assert [s.attendees for s in alder.participation.sessions] == [4, 3, 2, 4, 4, 4, 4, 4, 4]
    assert (alder.participation.held, alder.participation.total, alder.participation.roster) == (9, 9, 4)
    # (1 + 0.75 + 0.5 + 6 × 1) / 9 = 8.25 / 9 = 0.9167
    assert alder.participation.average_attendance == pytest.approx(8.25 / 9)
    document = document_of(alder)
    assert headline(document)["Sessions held"] == ("9 of 9", "average attendance 92%")
    rows = table(document, "Participation").rows
    assert rows[2] == [3, "Community-Informed C&P Process Changes", "Jun 1, 2026", "Jun 1, 2026", 2, 4, 50]
    assert rows[8][3] == "Nov 20, 2026"  # session 9 was held before its scheduled day

    birch = report_of(cast, cast.birch)
    # Birch held sessions 1-4, its 2 members at each
    assert [s.held_on is not None for s in birch.participation.sessions] == [True] * 4 + [False] * 5
    assert birch.participation.average_attendance == 1.0
    assert table(document_of(birch), "Participation").rows[4][3:6] == ["Not yet", None, None]


def test_domain_scores_compare_the_baseline_with_the_final_assessment(cohort: SmallCohort) -> None:
    alder = report_of(cohort.cast, cohort.cast.alder)
    scores = alder.scores
    assert (scores.baseline_cycle, scores.compared_cycle) == ("baseline", "final")
    # Baseline: every practice at 2, so every domain (2 - 1) / 3 × 100 = 33.3.
    # Final: A's practices 4, 3, 3, 2 (mean 3: 66.7); B's 3, 2 (mean 2.5: 50.0); C's 2, 2 and one
    # "don't know" (mean 2: 33.3). Overall, weights 1, 2, 1: (3 + 2 × 2.5 + 2) / 4 = 2.5, so 50.0,
    # stage 3 (2.5 rounds half up).
    assert [(d.title, d.baseline, d.latest, d.change) for d in scores.domains] == [
        ("Domain A", 33.3, 66.7, 33.4),
        ("Domain B", 33.3, 50.0, 16.7),
        ("Domain C", 33.3, 33.3, 0.0),
    ]
    assert (scores.overall.baseline, scores.overall.latest, scores.overall.change) == (33.3, 50.0, 16.7)
    assert (scores.stage_before_name, scores.stage_after_name) == ("Emerging", "Developing")
    # a.1 rose from 2 to 4; a.2, a.3 and b.1 from 2 to 3; the rest did not rise
    assert [(p.id, p.change) for p in scores.practices] == [("a.1", 2.0), ("a.2", 1.0), ("a.3", 1.0), ("b.1", 1.0)]

    document = document_of(alder)
    assert headline(document)["Overall score change"] == ("+16.7 points", "Baseline 33.3 → Final 50.0")
    assert table(document, "Scores").rows[-1] == ["Overall", 33.3, 50.0, 16.7]
    drawn = chart(document, "Scores by domain, Baseline and Final")
    assert (drawn.chart, drawn.value_max, [s.name for s in drawn.series]) == ("hbar", 100, ["Baseline", "Final"])
    assert drawn.series[1].values == [66.7, 50.0, 33.3]
    assert "Domain A 33.3 then 66.7" in drawn.alt
    assert table(document, "Practices").rows[0] == ["Practice a.1", "Domain A", 2.0, 4.0, 2.0]
    assert any("from 2 Emerging to 3 Developing" in text for text in texts(document))


def test_barriers_are_counted_by_category_and_status(cohort: SmallCohort) -> None:
    alder = report_of(cohort.cast, cohort.cast.alder)
    barriers = alder.barriers
    assert [(s.label, s.count) for s in barriers.statuses] == [
        ("Identified", 1),
        ("In progress", 1),
        ("Resolved", 2),
        ("Deferred", 1),
    ]
    assert (barriers.total, barriers.resolved) == (5, 2)
    assert sorted(r.title for r in barriers.resolved_list) == ["Forty-page application", "Reimbursement-only payment"]
    document = document_of(alder)
    assert headline(document)["Barriers resolved"] == ("2 of 5", "")
    rows = table(document, "Barriers").rows
    assert ["Payment & cash flow", 0, 0, 1, 0, 1] in rows
    assert rows[-1] == ["All categories", 1, 1, 2, 1, 5]
    drawn = chart(document, "Barriers by category and status")
    assert drawn.chart == "stacked" and [s.name for s in drawn.series] == [
        "Identified",
        "In progress",
        "Resolved",
        "Deferred",
    ]
    assert "Insurance & bonding: 1 in progress" in drawn.alt
    # Birch's barriers are its own, not Alder's
    assert [(s.label, s.count) for s in report_of(cohort.cast, cohort.cast.birch).barriers.statuses] == [
        ("Identified", 1),
        ("Analyzing", 1),
    ]


def test_goals_met_milestones_done_and_what_is_next(cohort: SmallCohort) -> None:
    alder = report_of(cohort.cast, cohort.cast.alder)
    goals = alder.goals
    # one goal done of three; milestones done: 2 + 1 + 0 of 2 + 2 + 1
    assert (goals.total, goals.met, goals.milestones_done, goals.milestones_total) == (3, 1, 3, 5)
    assert [(g.statement, g.owner, g.next_milestone) for g in goals.next_steps] == [
        ("Scale insurance requirements to risk", "Nguyễn Thị Hồng", "Board approval"),
        ("Translate every notice into Spanish and Vietnamese", "Pat Officer", "Hire a translation vendor"),
    ]
    document = document_of(alder)
    assert headline(document)["Goals met"] == ("1 of 3", "3 of 5 milestones done")
    assert [row[0] for row in table(document, "Next steps").rows] == [g.statement for g in goals.next_steps]


def test_the_spending_shift_compares_the_baseline_year_with_the_latest(cohort: SmallCohort) -> None:
    alder = report_of(cohort.cast, cohort.cast.alder)
    spending = alder.spending
    assert (spending.baseline_period, spending.current_period, spending.currency) == ("2024", "2025", "USD")
    figures = {line.key: (line.baseline, line.now, line.change) for line in spending.lines}
    # 2024: $10,000 of $40,000 to a community-based organization (C-1) = 25%; 2025: C-3 $20,000 and
    # C-5 $10,000 of $50,000 = 60%; +35 points
    assert figures["cbo_dollar_share"] == (Decimal("25"), Decimal("60"), Decimal("35"))
    # small: C-1 of $40,000 = 25%, C-3 of $50,000 = 40%; local: C-2 $30,000 of $40,000 = 75%, C-3 + C-5 = 60%
    assert figures["small_dollar_share"][:2] == (Decimal("25"), Decimal("40"))
    assert figures["local_dollar_share"][:2] == (Decimal("75"), Decimal("60"))
    # days from invoice to payment: 2024 30 and 45 (median 37.5); 2025 20, 10 and 15 (median 15)
    assert figures["median_days_to_payment"] == (Decimal("37.5"), Decimal("15"), Decimal("-22.5"))
    # by the Healthy Places Index quartile of each contract's tract
    assert [(q.quartile, q.baseline, q.now) for q in spending.quartiles] == [
        (1, Decimal("10000"), Decimal("20000")),
        (2, Decimal("0"), Decimal("10000")),
        (3, Decimal("0"), Decimal("0")),
        (4, Decimal("30000"), Decimal("20000")),
    ]
    document = document_of(alder)
    assert headline(document)["Share of dollars to community-based organizations"] == (
        "25% → 60%",
        "+35.0 points since 2024",
    )
    shares = chart(document, "Share of contract dollars by kind of vendor")
    assert (shares.chart, shares.value_max) == ("bar", 100)
    assert [(s.name, s.values) for s in shares.series] == [
        ("Baseline 2024", [25.0, 25.0, 75.0]),
        ("2025", [60.0, 40.0, 60.0]),
    ]
    quartiles = chart(document, "Contract dollars by Healthy Places Index quartile")
    assert quartiles.series[1].values == [20000.0, 10000.0, 0.0, 20000.0]
    assert "quartile 1 (least healthy community conditions) $10,000 then $20,000" in quartiles.alt
    assert ["% of dollars to community-based organizations", "%", 25.0, 60.0, 35.0] in table(document, "Spending").rows
    assert texts(document)[2] == (
        "It resolved 2 of the 5 barriers it recorded and met 1 of its 3 goals; the share of its contract dollars "
        "going to community-based organizations went from 25% in 2024 to 60% in 2025."
    )


def test_engagement_commitments_highlights_and_quotes_are_in_the_report(cohort: SmallCohort) -> None:
    alder = report_of(cohort.cast, cohort.cast.alder)
    assert alder.engagement is not None
    assert (alder.engagement.current_name, alder.engagement.aspirational_name) == ("Inform", "Involve")
    # hire: from 8 to 20, at 12: (12 - 8) / (20 - 8) = 1/3; buy: from 25 to 70, at the 60% of 2025's
    # dollars to community-based organizations: (60 - 25) / (70 - 25) = 7/9
    assert [(c.category_label, c.share) for c in alder.commitments] == [("Hire", 0.3333), ("Buy", 0.7778)]
    document = document_of(alder)
    assert [row[6] for row in table(document, "Commitments").rows] == [33, 78]
    assert table(document, "Engagement").rows == [["Today", 1, "Inform"], ["Aspiration", 3, "Involve"]]
    shown = section(document, "Highlights and quotes").blocks
    assert Quote(text=QUOTE, by=QUOTE_BY) in shown
    assert any(getattr(b, "items", None) == [HIGHLIGHT] for b in shown)


def test_a_team_without_a_final_assessment_is_told_which_cycles_are_compared(cohort: SmallCohort) -> None:
    birch = report_of(cohort.cast, cohort.cast.birch)
    # every practice at 1 (0.0), then at 2 (33.3)
    assert (birch.scores.compared_cycle, birch.scores.overall.change) == ("midpoint", 33.3)
    document = document_of(birch)
    said = "No final assessment yet: scores compare baseline with midpoint."
    assert said in texts(document)
    assert said in birch.missing
    assert table(document, "Scores").columns[2].heading == "Midpoint"


def test_missing_parts_are_said_and_the_report_still_compiles(cohort: SmallCohort) -> None:
    cast = cohort.cast
    birch = document_of(report_of(cast, cast.birch))
    spending = " ".join(b.text for b in section(birch, "Spending").blocks if isinstance(b, Paragraph))
    assert "No spending is imported yet" in spending and "accelerator spend import" in spending
    assert "Spending" not in [t.sheet for t in birch.tables()]
    assert headline(birch)["Share of dollars to community-based organizations"] == ("—", "no spending imported yet")

    cedar = report_of(cast, CEDAR)
    assert cedar.scores.compared_cycle is None and cedar.scores.overall.baseline == 66.7
    document = document_of(cedar)
    paragraphs = texts(document)
    assert any(t.startswith("Only the baseline self-assessment is scored") for t in paragraphs)
    assert any(t.startswith("No impact-spending baseline is recorded yet") for t in paragraphs)
    assert headline(document)["Overall score change"] == ("—", "no later assessment to compare yet")
    # Cedar's 2025 contract went to a community-based organization: today's share, no baseline to compare
    assert headline(document)["Share of dollars to community-based organizations"] == (
        "100%",
        "in 2025; no baseline recorded yet",
    )
    assert any("community engagement levels are not recorded yet" in t for t in paragraphs)
    assert "It resolved the one barrier it recorded and has set no goal yet." in paragraphs
    assert "Practices" not in [t.sheet for t in document.tables()]


def test_every_table_is_a_sheet_of_its_own_and_every_chart_says_its_numbers(cohort: SmallCohort) -> None:
    for place in cohort.jurisdictions:
        document = document_of(report_of(cohort.cast, place))
        sheets = [t.sheet for t in document.tables()]
        assert len(sheets) == len(set(sheets)) and all(len(s) <= 31 for s in sheets)
        charts = [b for s in document.sections for b in s.blocks if isinstance(b, Chart)]
        assert all(any(ch.isdigit() for ch in c.alt) for c in charts)
        assert document.title == f"{place}: Equity Accelerator impact report"
        assert document.subtitle == cohort.cast.cohort


def test_the_team_and_an_alliance_lead_read_the_report_and_another_team_may_not(cohort: SmallCohort) -> None:
    cast = cohort.cast
    assert report_of(cast, cast.alder, cast.lead).prepared_by == "Lee Lead"
    # finance may read the report (though not the barrier inventory itself)
    assert report_of(cast, cast.alder, ALDER_FINANCE).barriers.total == 5
    with pytest.raises(PermissionDenied) as refused:
        report_of(cast, cast.alder, cast.birch_manager)
    assert str(refused.value) == (
        "manager@birch.example.org may not read the impact report of Alder County. Only an equity program "
        "manager of Alder County, a procurement officer of Alder County, an executive lead of Alder County, a "
        "finance of Alder County, an alliance lead or an admin may."
    )


def fact(cast: Cast, key: str, place: str) -> tuple[bool, str, str]:
    with transaction() as session:
        team, _, _ = get_team(session, place, cast.cohort)
        found = check(key, session, team_at(session, team))
        return found.holds, found.said, found.fix


def test_session_nine_knows_when_the_reports_were_compiled(cast: Cast, tmp_path: Path) -> None:
    holds, said, fix = fact(cast, "impact_report", cast.alder)
    assert not holds and said == "the jurisdiction impact report is not compiled yet"
    assert (
        fix
        == 'compile it with `accelerator report jurisdiction --jurisdiction "Alder County" --cohort "2026 Test Cohort"`'
    )
    holds, _, fix = fact(cast, "regional_report", cast.birch)
    assert not holds and 'accelerator report regional --cohort "2026 Test Cohort"' in fix

    with transaction() as session:
        manager = resolve_actor(session, cast.alder_manager)
        row = record_compiled(
            session, manager, "jurisdiction", cast.cohort, cast.alder, False, ["pdf", "html"], tmp_path
        )
        shown = compiled_public(session, row)
        assert (shown.jurisdiction, shown.formats, shown.compiled_by) == (
            cast.alder,
            ["pdf", "html"],
            cast.alder_manager,
        )
    holds, said, _ = fact(cast, "impact_report", cast.alder)
    assert holds and said.endswith(f"by {cast.alder_manager}")
    assert not fact(cast, "impact_report", cast.birch)[0]  # Birch's report is its own

    with transaction() as session, pytest.raises(PermissionDenied) as refused:
        record_compiled(
            session, resolve_actor(session, cast.alder_manager), "regional", cast.cohort, None, True, [], tmp_path
        )
    assert "Only an alliance lead or an admin may." in str(refused.value)
    with transaction() as session:
        record_compiled(
            session, resolve_actor(session, cast.lead), "regional", cast.cohort, None, True, ["pdf"], tmp_path
        )
    for place in (cast.alder, cast.birch):
        holds, said, _ = fact(cast, "regional_report", place)
        assert holds and said.endswith(f"by {cast.lead}")


def test_a_compile_is_logged_once_and_never_changed(cast: Cast, tmp_path: Path) -> None:
    with transaction() as session:
        lead = resolve_actor(session, cast.lead)
        first = record_compiled(
            session, lead, ReportKind.jurisdiction, cast.cohort, cast.birch, False, ["xlsx"], tmp_path
        )
        second = record_compiled(
            session, lead, ReportKind.jurisdiction, cast.cohort, cast.birch, False, ["pdf"], tmp_path
        )
        team, _, group = get_team(session, cast.birch, cast.cohort)
        latest = last_compiled(session, ReportKind.jurisdiction, group.id or 0, team.id)
        assert latest is not None and latest.id == second.id != first.id
        with pytest.raises(ValidationFailed):
            record_compiled(session, lead, "jurisdiction", cast.cohort, None, False, [], tmp_path)
    with pytest.raises(Exception, match="append-only"), transaction() as session:
        session.execute(update(CompiledReport).values(compiled_by="someone else"))
