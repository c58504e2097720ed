"""The jurisdiction impact report laid out once as a ``ReportDocument``: an executive summary, then
participation, scores, barriers, goals, spending, engagement, anchor commitments, highlights and
quotes, and what is next; charts where a reader would rather look, a table (an XLSX sheet) for each.

Numbers read as in the roadmaps (``roadmaps/text.py``); every chart's text alternative says its
numbers; what is missing is said where it would have been."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from assessment.reports.jurisdiction import (
    Barriers,
    Goals,
    JurisdictionImpactReport,
    Participation,
    Scores,
    Spending,
    engagement_missing,
)
from assessment.reports.models import HighlightKind
from assessment.selfassessment.models import Cycle
from roadmaps.report.document import (
    Block,
    Bullets,
    Cell,
    Chart,
    Column,
    Figure,
    Figures,
    Paragraph,
    Quote,
    ReportDocument,
    Section,
    Series,
    Table,
)
from roadmaps.text import DASH, format_change, format_date, format_number, format_share, plural

SCORE = "0.0"
CHANGE = "+0.0;-0.0;0.0"
PERCENT = '0"%"'
COUNT = "#,##0"
AMOUNT = "#,##0.0"
SHARE_LABELS = {
    "cbo_dollar_share": "Community-based organizations",
    "small_dollar_share": "Small businesses",
    "local_dollar_share": "Local businesses",
}


def document_of(report: JurisdictionImpactReport) -> ReportDocument:
    """The report as headings, figures, tables, charts and quotes, in reading order."""
    return ReportDocument(
        title=f"{report.jurisdiction}: Equity Accelerator impact report",
        subtitle=report.cohort,
        author=report.prepared_by,
        prepared_on=report.prepared_on,
        summary=[summary_of(report)],
        sections=[
            *participation_sections(report.participation),
            *score_sections(report.scores),
            *barrier_sections(report.barriers),
            goal_section(report.goals),
            *spending_sections(report.spending),
            engagement_section(report),
            commitment_section(report),
            highlight_section(report),
            next_section(report),
            sources_section(report),
        ],
        footer=f"{report.jurisdiction} · {report.cohort} · Equity Accelerator impact report",
    )


# --- how numbers read ------------------------------------------------------------------------------


def cycle_label(cycle: Cycle | None) -> str:
    return cycle.value.capitalize() if cycle else DASH


def points(value: float | Decimal | None) -> str:
    """A change in points with its sign, e.g. "+20.0 points"; a dash when there is none."""
    return DASH if value is None else f"{format_change(float(value))} points"


def percent(value: Decimal | None) -> str:
    """A share already in percent (the spending feature's 25.0000) as "25%", or "37.5%"."""
    return DASH if value is None else f"{format_number(value.quantize(Decimal('0.1')))}%"


def money(value: Decimal | None, currency: str | None) -> str:
    """An amount in the spending's own currency: "$40,000" for US dollars, "40,000 EUR" otherwise."""
    if value is None:
        return DASH
    whole = format_number(value.quantize(Decimal(1)))
    return f"${whole}" if currency in (None, "USD") else f"{whole} {currency}"


def number(value: Decimal | float | None) -> float | None:
    """A value as a table cell or chart value (tables and charts hold floats, not decimals)."""
    return None if value is None else float(value)


def score(value: float | None) -> str:
    """A 0-100 score to one decimal, as the self-assessment stores it: "50.0"."""
    return DASH if value is None else f"{value:.1f}"


# --- the executive summary ---------------------------------------------------------------------


def summary_of(report: JurisdictionImpactReport) -> Section:
    """Five headline figures and a few plain sentences: what a board member reads first."""
    p, s, b, g = report.participation, report.scores, report.barriers, report.goals
    cbo = report.spending.line("cbo_dollar_share")
    attendance = f"average attendance {format_share(p.average_attendance)}" if p.average_attendance is not None else ""
    compared = (
        f"{cycle_label(s.baseline_cycle)} {score(s.overall.baseline)} → {cycle_label(s.compared_cycle)} "
        f"{score(s.overall.latest)}"
        if s.compared_cycle
        else "no later assessment to compare yet"
    )
    spend_value = DASH
    spend_detail = "no spending imported yet" if not report.spending.imported else "no baseline recorded yet"
    if (
        cbo is not None
        and cbo.baseline is not None
        and report.spending.current_period == report.spending.baseline_period
    ):
        spend_value = percent(cbo.baseline)
        spend_detail = f"the baseline, {report.spending.baseline_period}; no later spending imported yet"
    elif cbo is not None and cbo.baseline is not None:
        spend_value = f"{percent(cbo.baseline)} → {percent(cbo.now)}"
        spend_detail = f"{points(cbo.change)} since {report.spending.baseline_period}"
    elif cbo is not None:
        spend_value = percent(cbo.now)
        spend_detail = f"in {report.spending.current_period}; no baseline recorded yet"
    figures = Figures(
        title="At a glance",
        sheet="Summary",
        items=[
            Figure(label="Sessions held", value=f"{p.held} of {p.total}", detail=attendance),
            Figure(label="Overall score change", value=points(s.overall.change), detail=compared),
            Figure(label="Barriers resolved", value=f"{b.resolved} of {b.total}"),
            Figure(
                label="Goals met",
                value=f"{g.met} of {g.total}",
                detail=f"{g.milestones_done} of {plural(g.milestones_total, 'milestone')} done",
            ),
            Figure(label="Share of dollars to community-based organizations", value=spend_value, detail=spend_detail),
        ],
    )
    return Section(
        heading="Summary", anchor="summary", blocks=[figures, *(Paragraph(text=t) for t in summary_sentences(report))]
    )


def summary_sentences(report: JurisdictionImpactReport) -> list[str]:
    p, s, b, g = report.participation, report.scores, report.barriers, report.goals
    came = (
        f", with {format_share(p.average_attendance)} of the team there on average"
        if p.average_attendance is not None
        else ""
    )
    sentences = [
        f"{report.jurisdiction}'s Equity Change Team met for {p.held} of the {p.total} sessions of "
        f"{report.cohort}{came}."
    ]
    if s.compared_cycle is not None and s.overall.change is not None:
        moved = (
            f" Its maturity stage moved from {s.stage_before} {s.stage_before_name} to {s.stage_after} "
            f"{s.stage_after_name}."
            if s.stage_before != s.stage_after
            else f" Its maturity stage stayed at {s.stage_after} {s.stage_after_name}."
        )
        sentences.append(
            f"Its overall self-assessment score went from {score(s.overall.baseline)} to {score(s.overall.latest)} "
            f"out of 100 ({points(s.overall.change)}) between the {s.baseline_cycle.value if s.baseline_cycle else ''} "
            f"and {s.compared_cycle.value} assessments.{moved}"
        )
    elif s.notes:
        sentences.append(s.notes[0])
    if not b.total:
        fixed = "has recorded no barrier yet"
    elif b.total == 1:
        fixed = (
            "resolved the one barrier it recorded" if b.resolved else "is still working on the one barrier it recorded"
        )
    else:
        fixed = f"resolved {b.resolved} of the {b.total} barriers it recorded"
    if not g.total:
        met = "has set no goal yet"
    else:
        met = f"met {g.met} of its {plural(g.total, 'goal')}"
    work = f"It {fixed} and {met}"
    cbo = report.spending.line("cbo_dollar_share")
    later = report.spending.current_period != report.spending.baseline_period
    if cbo is not None and cbo.baseline is not None and cbo.now is not None and later:
        work += (
            f"; the share of its contract dollars going to community-based organizations went from "
            f"{percent(cbo.baseline)} in {report.spending.baseline_period} to {percent(cbo.now)} in "
            f"{report.spending.current_period}"
        )
    sentences.append(work + ".")
    return sentences


# --- the sections ------------------------------------------------------------------------------


def notes_of(notes: Sequence[str]) -> list[Block]:
    return [Paragraph(text=note, emphasis=True) for note in notes]


def participation_sections(p: Participation) -> list[Section]:
    rows: list[list[Cell]] = [
        [
            s.number,
            s.title,
            format_date(s.scheduled_on),
            format_date(s.held_on) if s.held_on else "Not yet",
            s.attendees,
            s.roster if s.held_on else None,
            None if s.attendance is None else round(s.attendance * 100),
        ]
        for s in p.sessions
    ]
    average = (
        f" On average {format_share(p.average_attendance)} of the team came."
        if p.average_attendance is not None
        else ""
    )
    table = Table(
        title="Sessions held and attendance",
        sheet="Participation",
        columns=[
            Column(heading="Session", numeric=True, format=COUNT),
            Column(heading="Title"),
            Column(heading="Scheduled"),
            Column(heading="Held on"),
            Column(heading="Attended", numeric=True, format=COUNT),
            Column(heading="Team members", numeric=True, format=COUNT),
            Column(heading="Attendance (%)", numeric=True, format=PERCENT),
        ],
        rows=rows,
        note=(
            "Attendance is the share of the team's members (the people holding a role in the jurisdiction "
            "today) recorded as present. Source: the team's session records."
        ),
        empty="The cohort has no sessions scheduled.",
    )
    lead = Paragraph(
        text=f"The team ({plural(p.roster, 'member')} today) met for {p.held} of the {p.total} sessions.{average}"
    )
    return [Section(heading="Participation", anchor="participation", blocks=[lead, *notes_of(p.notes), table])]


def score_sections(s: Scores) -> list[Section]:
    then, now = cycle_label(s.baseline_cycle), cycle_label(s.compared_cycle)
    if s.baseline_cycle is None:
        return [Section(heading="Self-assessment scores", anchor="scores", blocks=notes_of(s.notes))]
    if s.compared_cycle is None:
        lead = (
            f"The {s.baseline_cycle.value} self-assessment scored {score(s.overall.baseline)} out of 100 overall, "
            f"maturity stage {s.stage_before} {s.stage_before_name}."
        )
    else:
        stage = (
            f"its maturity stage moved from {s.stage_before} {s.stage_before_name} to {s.stage_after} "
            f"{s.stage_after_name}"
            if s.stage_before != s.stage_after
            else f"its maturity stage stayed at {s.stage_after} {s.stage_after_name}"
        )
        lead = (
            f"Between the {s.baseline_cycle.value} and {s.compared_cycle.value} self-assessments the overall score "
            f"went from {score(s.overall.baseline)} to {score(s.overall.latest)} out of 100 "
            f"({points(s.overall.change)}), and {stage}."
        )
    blocks: list[Block] = [Paragraph(text=lead), *notes_of(s.notes)]
    series = [Series(name=then, values=[d.baseline for d in s.domains])]
    if s.compared_cycle is not None:
        series.append(Series(name=now, values=[d.latest for d in s.domains]))
    described = "; ".join(
        f"{d.title} {score(d.baseline)}" + (f" then {score(d.latest)}" if s.compared_cycle else "") for d in s.domains
    )
    blocks.append(
        Chart(
            chart="hbar",
            title=f"Scores by domain, {then}" + (f" and {now}" if s.compared_cycle else ""),
            categories=[d.title for d in s.domains],
            series=series,
            unit="points",
            value_max=100,
            alt=f"Scores out of 100 by domain, {then}"
            + (f" then {now}" if s.compared_cycle else "")
            + f": {described}.",
        )
    )
    rows: list[list[Cell]] = [[d.title, d.baseline, d.latest, d.change] for d in (*s.domains, s.overall)]
    blocks.append(
        Table(
            title="Scores by domain (0 to 100)",
            sheet="Scores",
            columns=[
                Column(heading="Domain"),
                Column(heading=then, numeric=True, format=SCORE),
                Column(heading=now if s.compared_cycle else "Later", numeric=True, format=SCORE),
                Column(heading="Change", numeric=True, format=CHANGE),
            ],
            rows=rows,
            note=(
                "Scores run from 0 (every practice not yet started) to 100 (every practice institutionalized). "
                "A domain rated on fewer than half its practices has no score that counts. "
                "Source: the team's stored self-assessment scores."
            ),
        )
    )
    sections = [Section(heading="Self-assessment scores", anchor="scores", blocks=blocks)]
    if s.compared_cycle is not None:
        practices = Table(
            title="Team level by practice, largest rise first",
            sheet="Practices",
            columns=[
                Column(heading="Practice"),
                Column(heading="Domain"),
                Column(heading=then, numeric=True, format="0.0"),
                Column(heading=now, numeric=True, format="0.0"),
                Column(heading="Change", numeric=True, format=CHANGE),
            ],
            rows=[[p.text, p.domain, p.baseline, p.latest, p.change] for p in s.practices],
            note="The team's level on the rubric's 1 to 4 scale: the middle of its members' ratings.",
            empty="No practice's level rose between the two assessments.",
        )
        sections.append(Section(heading="Practices that moved most", level=2, anchor="practices", blocks=[practices]))
    return sections


def barrier_sections(b: Barriers) -> list[Section]:
    if not b.total:
        return [Section(heading="Barriers", anchor="barriers", blocks=notes_of(b.notes))]
    by_status = ", ".join(f"{s.count} {s.label.lower()}" for s in b.statuses)
    lead = Paragraph(
        text=f"The team recorded {plural(b.total, 'barrier')} that {'keeps' if b.total == 1 else 'keep'} community "
        "organizations out of contracts: "
        f"{by_status}."
    )
    described = "; ".join(
        f"{c.label}: " + ", ".join(f"{n} {s.label.lower()}" for s, n in zip(b.statuses, c.counts, strict=True) if n)
        for c in b.categories
    )
    chart = Chart(
        chart="stacked",
        title="Barriers by category and status",
        categories=[c.label for c in b.categories],
        series=[
            Series(name=s.label, values=[float(c.counts[i]) for c in b.categories]) for i, s in enumerate(b.statuses)
        ],
        unit="barriers",
        alt=f"Barriers by category, stacked by status. {described}.",
    )
    table = Table(
        title="Barriers by category and status",
        sheet="Barriers",
        columns=[
            Column(heading="Category"),
            *(Column(heading=s.label, numeric=True, format=COUNT) for s in b.statuses),
            Column(heading="Total", numeric=True, format=COUNT),
        ],
        rows=[
            *([c.label, *c.counts, c.total] for c in b.categories),
            ["All categories", *(s.count for s in b.statuses), b.total],
        ],
        note="Source: the team's barrier inventory, each barrier at its status today.",
    )
    resolved = Table(
        title="Resolved barriers, the latest first",
        sheet="Resolved",
        columns=[Column(heading="Barrier"), Column(heading="Category"), Column(heading="Resolved on")],
        rows=[[r.title, r.category_label, format_date(r.resolved_on)] for r in b.resolved_list],
        note=(
            f"The {len(b.resolved_list)} most recently resolved of {b.resolved}."
            if b.resolved > len(b.resolved_list)
            else ""
        ),
        empty="No barrier is resolved yet.",
    )
    return [
        Section(heading="Barriers", anchor="barriers", blocks=[lead, chart, table]),
        Section(heading="Barriers resolved", level=2, anchor="barriers-resolved", blocks=[resolved]),
    ]


def goal_section(g: Goals) -> Section:
    if not g.total:
        return Section(heading="Goals and milestones", anchor="goals", blocks=notes_of(g.notes))
    dropped = f" ({g.dropped} dropped)" if g.dropped else ""
    lead = Paragraph(
        text=f"The team met {g.met} of its {plural(g.total, 'near-term goal')}{dropped} and has done "
        f"{g.milestones_done} of {plural(g.milestones_total, 'milestone')}."
    )
    table = Table(
        title="Goals and milestones",
        sheet="Goals",
        columns=[
            Column(heading="Goal"),
            Column(heading="Status"),
            Column(heading="Due"),
            Column(heading="Owner"),
            Column(heading="Milestones done", numeric=True, format=COUNT),
            Column(heading="Milestones", numeric=True, format=COUNT),
        ],
        rows=[
            [x.statement, x.status_label, format_date(x.due), x.owner or DASH, x.milestones_done, x.milestones_total]
            for x in g.goals
        ],
        note="A goal is met when the team marks it done. Source: the team's goals and milestones.",
    )
    return Section(heading="Goals and milestones", anchor="goals", blocks=[lead, table])


def spending_sections(s: Spending) -> list[Section]:
    if not s.imported:
        return [Section(heading="Spending", anchor="spending", blocks=notes_of(s.notes))]
    then = f"Baseline {s.baseline_period}" if s.baseline_period else "Baseline"
    now = s.current_period or "Now"
    currency = s.currency or "USD"
    if s.baseline_period:
        lead_text = (
            f"Contract spending in {now} compared with the team's impact-spending baseline ({s.baseline_period}, "
            f"recorded {format_date(s.baseline_recorded_on)}). Amounts are in {currency}."
        )
    else:
        lead_text = f"Contract spending in {now}. Amounts are in {currency}."
    shares = [line for line in s.lines if line.key in SHARE_LABELS]
    series = []
    if s.baseline_period:
        series.append(Series(name=then, values=[number(line.baseline) for line in shares]))
    series.append(Series(name=now, values=[number(line.now) for line in shares]))
    described = "; ".join(
        f"{SHARE_LABELS[line.key].lower()} "
        + (f"{percent(line.baseline)} then {percent(line.now)}" if s.baseline_period else percent(line.now))
        for line in shares
    )
    chart = Chart(
        chart="bar",
        title="Share of contract dollars by kind of vendor",
        categories=[SHARE_LABELS[line.key] for line in shares],
        series=series,
        unit="%",
        value_max=100,
        alt=f"Share of contract dollars, {then}" + (f" then {now}" if s.baseline_period else "") + f": {described}.",
    )

    def shown(value: Decimal | None, unit: str) -> Cell:
        return (
            number(value.quantize(Decimal("0.1")) if value is not None else None)
            if unit != "dollars"
            else number(value)
        )

    table = Table(
        title="Spending figures",
        sheet="Spending",
        columns=[
            Column(heading="Figure"),
            Column(heading="Unit"),
            Column(heading=then, numeric=True, format=AMOUNT),
            Column(heading=now, numeric=True, format=AMOUNT),
            Column(heading="Change", numeric=True, format="+#,##0.0;-#,##0.0;0.0"),
        ],
        rows=[
            [
                line.label[0].upper() + line.label[1:],
                currency if line.unit == "dollars" else line.unit,
                shown(line.baseline, line.unit),
                shown(line.now, line.unit),
                shown(line.change, line.unit),
            ]
            for line in s.lines
        ],
        note=(
            "Shares are percentages of the period's contract dollars or contracts; their change is in percentage "
            "points. Days to payment run from invoice to payment (median, and the 90th percentile by nearest "
            "rank). Source: the contracting data the team imported."
        ),
    )
    sections = [
        Section(
            heading="Spending",
            anchor="spending",
            blocks=[Paragraph(text=lead_text), *notes_of(s.notes), chart, table],
        )
    ]
    if s.quartiles:
        sections.append(quartile_section(s, then, now))
    return sections


def quartile_section(s: Spending, then: str, now: str) -> Section:
    label = s.metric_label or "Healthy Places Index"
    has_then = any(q.baseline is not None for q in s.quartiles) and s.baseline_period != s.current_period
    series = []
    if has_then:
        series.append(Series(name=then, values=[number(q.baseline) for q in s.quartiles]))
    series.append(Series(name=now, values=[number(q.now) for q in s.quartiles]))
    described = "; ".join(
        f"quartile {q.quartile}{f' ({q.label})' if q.label else ''} "
        + (f"{money(q.baseline, s.currency)} then {money(q.now, s.currency)}" if has_then else money(q.now, s.currency))
        for q in s.quartiles
    )
    chart = Chart(
        chart="bar",
        title=f"Contract dollars by {label} quartile",
        categories=[f"Q{q.quartile} ({q.label})" if q.label else f"Q{q.quartile}" for q in s.quartiles],
        series=series,
        unit="$" if s.currency in (None, "USD") else s.currency or "",
        alt=f"Contract dollars by {label} quartile of the vendor's census tract, {then}"
        + (f" then {now}" if has_then else "")
        + f": {described}.",
    )
    table = Table(
        title=f"Contract dollars by {label} quartile",
        sheet="HPI quartiles",
        columns=[
            Column(heading="Quartile", numeric=True, format=COUNT),
            Column(heading="Places"),
            Column(heading="Census tracts", numeric=True, format=COUNT),
            Column(heading=f"{then} dollars", numeric=True, format=COUNT),
            Column(heading=f"{then} share (%)", numeric=True, format=PERCENT),
            Column(heading=f"{now} dollars", numeric=True, format=COUNT),
            Column(heading=f"{now} share (%)", numeric=True, format=PERCENT),
        ],
        rows=[
            [
                q.quartile,
                q.label or DASH,
                q.tracts,
                number(q.baseline),
                None if q.baseline_share is None else round(q.baseline_share * 100),
                number(q.now),
                None if q.now_share is None else round(q.now_share * 100),
            ]
            for q in s.quartiles
        ],
        note=(
            f"Quartile 1 holds the jurisdiction's least advantaged census tracts by the {label}, quartile 4 the "
            "most. A contract counts in the quartile of its vendor's tract. Source: the team's imported spending "
            "and equity metrics."
        ),
    )
    blocks: list[Block] = [chart, table, *(Paragraph(text=caveat) for caveat in s.caveats)]
    return Section(heading=f"Dollars by {label} quartile", level=2, anchor="spending-quartiles", blocks=blocks)


def engagement_section(report: JurisdictionImpactReport) -> Section:
    e = report.engagement
    if e is None:
        note = engagement_missing(report.jurisdiction, report.cohort)
        return Section(heading="Community engagement", anchor="engagement", blocks=notes_of([note]))
    steps = f", {plural(e.gap, 'step')} further along" if e.gap > 0 else ", where it already is" if e.gap == 0 else ""
    lead = Paragraph(
        text=f"The team rates how it engages the community today at {e.current} ({e.current_name}) and aims for "
        f"{e.aspirational} ({e.aspirational_name}){steps}, on the spectrum of community engagement to ownership "
        "from 0 (Ignore) to 5 (Defer to)."
    )
    table = Table(
        title="Community engagement, today and aspired to",
        sheet="Engagement",
        columns=[Column(heading="Rating"), Column(heading="Level", numeric=True, format=COUNT), Column(heading="Name")],
        rows=[["Today", e.current, e.current_name], ["Aspiration", e.aspirational, e.aspirational_name]],
        note=f"Rated {format_date(e.recorded_at)}. Source: the team's engagement rating (session 3).",
    )
    blocks: list[Block] = [lead, table]
    if e.evidence:
        blocks.insert(1, Paragraph(text=f"What shows it: {e.evidence}"))
    return Section(heading="Community engagement", anchor="engagement", blocks=blocks)


def commitment_section(report: JurisdictionImpactReport) -> Section:
    lines = report.commitments
    lead = Paragraph(
        text=f"The team made {plural(len(lines), 'anchor commitment')} to use the department's hiring, purchasing "
        "and investment for local community wealth."
        if lines
        else "The team has made no anchor commitment yet (session 7)."
    )

    def with_unit(value: str | None, unit: str) -> str:
        return DASH if value is None else f"{format_number(Decimal(value))} {unit}".rstrip()

    table = Table(
        title="Anchor commitments and their progress",
        sheet="Commitments",
        columns=[
            Column(heading="Category"),
            Column(heading="Commitment"),
            Column(heading="Measure"),
            Column(heading="Baseline"),
            Column(heading="Target"),
            Column(heading="Where it stands"),
            Column(heading="Of the way (%)", numeric=True, format=PERCENT),
            Column(heading="Status"),
            Column(heading="Due"),
        ],
        rows=[
            [
                c.category_label,
                c.statement,
                c.measure,
                with_unit(c.baseline, c.unit),
                with_unit(c.target, c.unit),
                c.progress,
                None if c.share is None else round(c.share * 100),
                c.status_label,
                format_date(c.due),
            ]
            for c in lines
        ],
        note="Of the way: how far the measure has moved from its baseline toward its target. "
        "Source: the team's anchor commitments (session 7).",
        empty="No anchor commitment is made yet.",
    )
    return Section(heading="Anchor commitments", anchor="commitments", blocks=[lead, table])


def highlight_section(report: JurisdictionImpactReport) -> Section:
    highlights = [
        f"{h.text} ({h.attribution})" if h.attribution else h.text
        for h in report.highlights
        if h.kind is HighlightKind.highlight
    ]
    quotes = [Quote(text=h.text, by=h.attribution) for h in report.highlights if h.kind is HighlightKind.quote]
    blocks: list[Block] = []
    if highlights:
        blocks.append(Bullets(items=highlights))
    blocks.extend(quotes)
    if not blocks:
        blocks.append(
            Paragraph(
                text="The team has entered no highlight or quote yet: add them with "
                f'`accelerator report highlight add --jurisdiction "{report.jurisdiction}" --cohort '
                f'"{report.cohort}" --text "..."`.',
                emphasis=True,
            )
        )
    return Section(heading="Highlights and quotes", anchor="highlights", blocks=blocks)


def next_section(report: JurisdictionImpactReport) -> Section:
    steps = report.goals.next_steps
    lead = Paragraph(
        text=f"{plural(len(steps), 'goal')} still open, soonest due first."
        if steps
        else "Every goal the team set is closed."
        if report.goals.total
        else "The team has set no goal yet."
    )
    table = Table(
        title="What is next: the open goals",
        sheet="Next steps",
        columns=[
            Column(heading="Goal"),
            Column(heading="Status"),
            Column(heading="Due"),
            Column(heading="Owner"),
            Column(heading="Next milestone"),
        ],
        rows=[
            [x.statement, x.status_label, format_date(x.due), x.owner or DASH, x.next_milestone or DASH] for x in steps
        ],
        empty="No goal is open.",
    )
    return Section(heading="What is next", anchor="next", blocks=[lead, table])


def sources_section(report: JurisdictionImpactReport) -> Section:
    sources = Bullets(
        items=[
            "Participation: the team's session records.",
            "Scores: the team's self-assessments, scored against the rubric version each used.",
            "Barriers and goals: the team's barrier inventory, goals and milestones as they stand today.",
            "Spending: the contracting data the team imported and its recorded impact-spending baseline; "
            "places by the equity metric it imported.",
            "Engagement, anchor commitments, highlights and quotes: as the team recorded them.",
        ]
    )
    blocks: list[Block] = [sources]
    if report.missing:
        blocks += [Paragraph(text="Not in this report yet:"), Bullets(items=list(report.missing))]
    return Section(heading="About this report", anchor="about", blocks=blocks)
