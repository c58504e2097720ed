"""The regional impact report laid out once as a ``ReportDocument``: a one-page summary first, then
who took part, scores, barriers, goals, spending, the partner survey and the recommendation, and
how the report names jurisdictions. Every name in it is one the view model may show."""

from __future__ import annotations

from decimal import Decimal

from assessment.reports.naming import MIN_GROUP
from assessment.reports.regional import (
    Barriers,
    DomainChange,
    Goals,
    Participation,
    RecommendationView,
    RegionalImpactReport,
    ScoreChanges,
    Spending,
    Survey,
)
from roadmaps.report.document import (
    Block,
    Bullets,
    Chart,
    Column,
    Figure,
    Figures,
    Paragraph,
    ReportDocument,
    Section,
    Series,
    Table,
)
from roadmaps.text import format_date, format_number, shorten

POINTS = "+0.0;-0.0;0.0"  # a change in points, with its sign
SCORE = "0.0"
COUNT = "#,##0"
PERCENT = '0.0"%"'
CHART_LABEL = 60  # characters of a category label on a chart's axis
# Past this many rows (jurisdictions × domains) the change of each domain in each jurisdiction is not
# printed: 30,000 rows would be hundreds of pages no one reads.
DETAIL_LIMIT = 2000


def _points(value: float | Decimal | None) -> str:
    """A change in points in words: "+3.5 points", "-1.0 point"."""
    if value is None:
        return "no change measured"
    number = float(value)
    return f"{number:+.1f} {'point' if abs(number) == 1 else 'points'}"


def _percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _money_format(currency: str | None) -> str:
    return '"$"#,##0' if currency in (None, "USD") else f'#,##0" {currency}"'


def _money(value: Decimal, currency: str | None) -> str:
    amount = format_number(value.quantize(Decimal(1)))
    return f"${amount}" if currency in (None, "USD") else f"{amount} {currency}"


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def document_of(report: RegionalImpactReport) -> ReportDocument:
    """The regional impact report as one document, whatever format it is written in."""
    subtitle = "Equity Accelerator regional impact report" + (f" · {report.region}" if report.region else "")
    return ReportDocument(
        title=f"{report.cohort}: regional impact report",
        subtitle=subtitle,
        author=report.prepared_by,
        prepared_on=report.prepared_on,
        summary=[summary_of(report)],
        sections=[
            participation_section(report.participation),
            scores_section(report.scores, report.min_group),
            *[part for part in [jurisdictions_section(report.scores)] if part is not None],
            barriers_section(report.barriers, report.min_group),
            goals_section(report.goals, report.min_group),
            spending_section(report.spending),
            survey_section(report.survey),
            *recommendation_sections(report.recommendations, report.anonymized, report.participation.jurisdictions),
            about_section(report),
        ],
        footer=f"{report.cohort} · regional impact report"
        + (" · jurisdictions not named" if report.anonymized else ""),
    )


# --- the summary -----------------------------------------------------------------------------------


def summary_of(report: RegionalImpactReport) -> Section:
    """One page: the headline figures as tiles and a few plain sentences."""
    who = report.participation
    tiles = [
        Figure(label="Jurisdictions taking part", value=format_number(who.jurisdictions), detail=_kinds(who)),
        Figure(
            label="People on the teams",
            value=format_number(who.people),
            detail=f"{format_number(who.team_sessions)} of {format_number(who.possible)} team sessions held",
        ),
    ]
    overall = report.scores.overall
    if overall.change is not None:
        tiles.append(
            Figure(
                label="Overall score change",
                value=_points(overall.change),
                detail=f"mean of {_many(overall.teams, 'jurisdiction')}, out of 100",
            )
        )
    if report.barriers.shown and report.barriers.barriers:
        tiles.append(
            Figure(
                label="Barriers resolved",
                value=f"{format_number(report.barriers.resolved)} of {format_number(report.barriers.barriers)}",
                detail=f"recorded by {_many(report.barriers.teams_reporting, 'jurisdiction')}",
            )
        )
    if report.goals.shown and report.goals.goals:
        tiles.append(
            Figure(
                label="Goals met",
                value=f"{format_number(report.goals.met)} of {format_number(report.goals.goals)}",
                detail=f"{format_number(report.goals.milestones_done)} of "
                f"{format_number(report.goals.milestones)} milestones done",
            )
        )
    cbo = report.spending.groups[0] if report.spending.shown and report.spending.groups else None
    if cbo is not None and cbo.now_share is not None:
        tiles.append(
            Figure(
                label=f"Dollars to {cbo.label}",
                value=f"{_percent(cbo.baseline_share)} → {_percent(cbo.now_share)}",
                detail=f"{_points(cbo.change)}, {_many(report.spending.teams, 'team')} combined",
            )
        )
    return Section(
        heading="Summary",
        blocks=[
            Figures(title="At a glance", items=tiles, sheet="Summary"),
            Paragraph(text=" ".join(summary_sentences(report)), emphasis=True),
        ],
    )


def _many(count: int, noun: str) -> str:
    """ "1 barrier", "60,000 barriers": a count with thousands separators and its noun."""
    return _counted(count, noun, f"{noun}s")


def _counted(count: int, one: str, many: str) -> str:
    """ "1 county", "3 counties": a count and the noun's right form."""
    return f"{format_number(count)} {one if count == 1 else many}"


def _kinds(who: Participation) -> str:
    if who.counties is None or who.cities is None:
        return ""
    return f"{_counted(who.counties, 'county', 'counties')}, {_counted(who.cities, 'city', 'cities')}"


def summary_sentences(report: RegionalImpactReport) -> list[str]:
    """Three to five plain sentences with the report's headline numbers."""
    who = report.participation
    said = [
        f"{_many(who.jurisdictions, 'jurisdiction')} took part in {report.cohort}, with "
        f"{_counted(who.people, 'person', 'people')} on their teams; together the teams held "
        f"{format_number(who.team_sessions)} of their {format_number(who.possible)} sessions."
    ]
    overall = report.scores.overall
    if overall.change is not None and overall.baseline is not None and overall.latest is not None:
        moved = "rose" if overall.change > 0 else "fell" if overall.change < 0 else "held steady"
        by = f" by {abs(overall.change):.1f} points" if overall.change else ""
        best = max(
            (d for d in report.scores.domains if d.change is not None), key=lambda d: d.change or 0.0, default=None
        )
        gain = (
            f"; the largest gain was in {best.title.lower()} ({_points(best.change)})"
            if best is not None and best.change
            else ""
        )
        said.append(
            f"Across the {_many(overall.teams, 'jurisdiction')} that assessed themselves again, the mean overall "
            f"score {moved}{by}, from {overall.baseline:.1f} to {overall.latest:.1f} out of 100{gain}."
        )
    barriers = report.barriers
    if barriers.shown and barriers.barriers:
        top = barriers.rows[0] if barriers.rows else None
        common = (
            f"; the most common was {top.category_label.lower()} at the {top.stage_label.lower()} stage, reported by "
            f"{_many(top.jurisdictions, 'jurisdiction')}"
            if top is not None
            else ""
        )
        said.append(
            f"Teams recorded {_many(barriers.barriers, 'barrier')} that "
            f"{'keeps' if barriers.barriers == 1 else 'keep'} community organizations out of "
            f"contracts and resolved {format_number(barriers.resolved)}{common}."
        )
    goals, spending = report.goals, report.spending
    parts = []
    if goals.shown and goals.goals:
        parts.append(f"{format_number(goals.met)} of {_many(goals.goals, 'process-change goal')} were met")
    cbo = spending.groups[0] if spending.shown and spending.groups else None
    if cbo is not None and cbo.now_share is not None and cbo.baseline_share is not None:
        parts.append(
            f"the share of dollars going to {cbo.label} went from {_percent(cbo.baseline_share)} to "
            f"{_percent(cbo.now_share)}"
        )
    if parts:
        text = "; ".join(parts)
        said.append(text[0].upper() + text[1:] + ".")
    if report.recommendations:
        first = report.recommendations[0]
        said.append(
            f'The regional recommendation "{first.title}" is endorsed by {format_number(first.endorsements)} of '
            f"the {_many(who.jurisdictions, 'jurisdiction')}."
        )
    return said[:5]


# --- sections --------------------------------------------------------------------------------------


def participation_section(who: Participation) -> Section:
    kinds = _kinds(who)
    lead = (
        f"{_many(who.jurisdictions, 'jurisdiction')}{f' ({kinds})' if kinds else ''} took part, with "
        f"{_counted(who.people, 'person', 'people')} on their Equity Change Teams. People are counted "
        "here, never named."
    )
    roles = Table(
        title="People on the teams, by role",
        sheet="Roles",
        columns=[Column(heading="Role"), Column(heading="People", numeric=True, format=COUNT)],
        rows=[[role.label.capitalize(), role.people] for role in who.roles],
        note="A person with two roles is counted under each.",
        empty="No one holds a role on the teams yet.",
    )
    sessions = Table(
        title="Sessions held",
        sheet="Sessions",
        columns=[
            Column(heading="Session", numeric=True, format="0"),
            Column(heading="Title"),
            Column(heading="Scheduled"),
            Column(heading="Teams that held it", numeric=True, format=COUNT),
            Column(heading="Attending, on average", numeric=True, format="0.0"),
        ],
        rows=[[s.number, s.title, format_date(s.scheduled_on), s.teams, s.mean_attendees] for s in who.sessions],
        empty="The cohort has no sessions.",
    )
    return Section(heading="Who took part", blocks=[Paragraph(text=lead), roles, sessions])


def _domain_row(d: DomainChange) -> list[str | int | float | None]:
    return [d.title, d.teams, d.baseline, d.latest, d.change, d.low, d.median, d.high]


def scores_section(scores: ScoreChanges, min_group: int) -> Section:
    blocks: list[Block] = []
    if not scores.teams_compared:
        blocks.append(
            Paragraph(text="No team has assessed itself a second time yet, so no change in score can be shown.")
        )
        return Section(heading="Self-assessment scores", blocks=blocks)
    compared = (
        f"{_many(scores.teams_compared, 'jurisdiction')} assessed themselves at the baseline and again later: "
        f"{format_number(scores.at_final)} at the final assessment"
        + (f", {format_number(scores.at_midpoint)} (with no final yet) at the midpoint" if scores.at_midpoint else "")
        + ". Scores run from 0 to 100; each change compares a jurisdiction with itself."
    )
    blocks.append(Paragraph(text=compared))
    if not scores.shown:
        blocks.append(
            Paragraph(text=f"Fewer than {min_group} jurisdictions were compared, so their scores are not shown.")
        )
        return Section(heading="Self-assessment scores", blocks=blocks)
    shown = [d for d in scores.domains if d.change is not None]
    names = [shorten(d.title, CHART_LABEL) for d in shown]
    if shown:
        blocks.append(
            Chart(
                chart="hbar",
                title="Mean score by domain, baseline and latest",
                categories=names,
                series=[
                    Series(name="Baseline", values=[d.baseline for d in shown]),
                    Series(name="Latest", values=[d.latest for d in shown]),
                ],
                unit="points",
                value_max=100,
                alt="Mean score out of 100 by domain, baseline then latest: "
                + "; ".join(
                    f"{d.title} {d.baseline:.1f} to {d.latest:.1f}"
                    for d in shown
                    if d.baseline is not None and d.latest is not None
                )
                + ".",
            )
        )
        blocks.append(
            Chart(
                chart="range",
                title="Change in score across jurisdictions, by domain",
                categories=names,
                series=[
                    Series(name="min", values=[d.low for d in shown]),
                    Series(name="median", values=[d.median for d in shown]),
                    Series(name="max", values=[d.high for d in shown]),
                ],
                unit="points",
                alt="Change in score by domain across jurisdictions, lowest, median and highest: "
                + "; ".join(
                    f"{d.title} {d.low:+.1f}, {d.median:+.1f}, {d.high:+.1f}"
                    for d in shown
                    if d.low is not None and d.median is not None and d.high is not None
                )
                + ".",
            )
        )
    blocks.append(
        Table(
            title="Score change by domain",
            sheet="Scores by domain",
            columns=[
                Column(heading="Domain"),
                Column(heading="Jurisdictions", numeric=True, format=COUNT),
                Column(heading="Baseline (mean)", numeric=True, format=SCORE),
                Column(heading="Latest (mean)", numeric=True, format=SCORE),
                Column(heading="Change (mean)", numeric=True, format=POINTS),
                Column(heading="Lowest change", numeric=True, format=POINTS),
                Column(heading="Median change", numeric=True, format=POINTS),
                Column(heading="Highest change", numeric=True, format=POINTS),
            ],
            rows=[_domain_row(d) for d in [scores.overall, *scores.domains]],
            note="A domain rated on fewer than half its practices in either assessment is left out of that "
            "jurisdiction's change. A dash: too few jurisdictions to show.",
        )
    )
    return Section(heading="Self-assessment scores", blocks=blocks)


def jurisdictions_section(scores: ScoreChanges) -> Section | None:
    """Change by jurisdiction, for those the report may name or label (None: nothing compared)."""
    if not scores.teams_compared or not scores.shown:
        return None
    heading = "Score change by jurisdiction"
    if not scores.jurisdictions:
        return Section(heading=heading, level=2, blocks=[Paragraph(text=_left_out(scores.left_out))])
    titles = {d.domain: d.title for d in scores.domains}

    def extreme(changes: dict[str, float | None], largest: bool) -> str:
        known = [(change, key) for key, change in changes.items() if change is not None]
        if not known:
            return ""
        change, key = max(known) if largest else min(known)
        return f"{titles[key]} ({change:+.1f})"

    overall = Table(
        title=heading,
        sheet="Scores by jurisdiction",
        columns=[
            Column(heading="Jurisdiction"),
            Column(heading="Baseline", numeric=True, format=SCORE),
            Column(heading="Latest", numeric=True, format=SCORE),
            Column(heading="Change", numeric=True, format=POINTS),
            Column(heading="Biggest rise"),
            Column(heading="Smallest rise, or fall"),
        ],
        rows=[
            [j.jurisdiction, j.baseline, j.latest, j.overall, extreme(j.domains, True), extreme(j.domains, False)]
            for j in scores.jurisdictions
        ],
        note=" ".join(
            part
            for part in (
                "Overall scores out of 100, and the domains whose scores rose most and least.",
                _left_out(scores.left_out),
            )
            if part
        ),
    )
    blocks: list[Block] = [overall]
    cells = len(scores.jurisdictions) * len(scores.domains)
    if cells <= DETAIL_LIMIT:
        blocks.append(
            Table(
                title="Change by jurisdiction and domain",
                sheet="Domain change by jurisdiction",
                columns=[
                    Column(heading="Jurisdiction"),
                    Column(heading="Domain"),
                    Column(heading="Change", numeric=True, format=POINTS),
                ],
                rows=[
                    [j.jurisdiction, d.title, j.domains.get(d.domain)]
                    for j in scores.jurisdictions
                    for d in scores.domains
                ],
                note="A dash: the domain was rated on fewer than half its practices in one of the two assessments.",
            )
        )
    else:
        blocks.append(
            Paragraph(
                text=f"The change in each domain for each of the {_many(len(scores.jurisdictions), 'jurisdiction')} "
                "would fill too many pages to print; the table by domain above gives its spread."
            )
        )
    return Section(heading=heading, level=2, blocks=blocks)


def _left_out(count: int) -> str:
    if not count:
        return ""
    return (
        f"{_many(count, 'jurisdiction')} compared {'is' if count == 1 else 'are'} not listed: not named in this "
        "report, or left out so that one that is not named can't be worked out from the others."
    )


def barriers_section(barriers: Barriers, min_group: int) -> Section:
    blocks: list[Block] = []
    if not barriers.teams_reporting:
        return Section(heading="Barriers", blocks=[Paragraph(text="No team has recorded a barrier yet.")])
    if not barriers.shown:
        return Section(
            heading="Barriers",
            blocks=[
                Paragraph(
                    text=f"Fewer than {min_group} jurisdictions have recorded barriers, so their figures are not shown."
                )
            ],
        )
    blocks.append(
        Paragraph(
            text=f"{_many(barriers.teams_reporting, 'jurisdiction')} recorded {_many(barriers.barriers, 'barrier')}: "
            f"administrative burdens that keep small and community-based organizations out of contracts. "
            f"{format_number(barriers.resolved)} of them are resolved. The most common, by how many jurisdictions "
            "report them:"
        )
    )
    rows = barriers.rows
    if rows:
        labels = [shorten(f"{r.category_label} · {r.stage_label}", CHART_LABEL) for r in rows]
        blocks.append(
            Chart(
                chart="stacked",
                title="The most common barriers: resolved and not yet",
                categories=labels,
                series=[
                    Series(name="Resolved", values=[float(r.resolved) for r in rows]),
                    Series(name="Not resolved yet", values=[float(r.barriers - r.resolved) for r in rows]),
                ],
                unit="barriers",
                alt="The most common barriers, resolved of all: "
                + "; ".join(f"{label} {r.resolved} of {r.barriers}" for label, r in zip(labels, rows, strict=True))
                + ".",
            )
        )
    left = (
        f" {_counted(barriers.rows_left_out, 'other category and stage', 'other categories and stages')} reported "
        f"by fewer than {min_group} jurisdictions {'is' if barriers.rows_left_out == 1 else 'are'} not listed."
        if barriers.rows_left_out
        else ""
    )
    blocks.append(
        Table(
            title="The most common barriers",
            sheet="Barriers",
            columns=[
                Column(heading="Category"),
                Column(heading="Process stage"),
                Column(heading="Jurisdictions", numeric=True, format=COUNT),
                Column(heading="Barriers", numeric=True, format=COUNT),
                Column(heading="Resolved", numeric=True, format=COUNT),
                Column(heading="Mean severity (1-5)", numeric=True, format="0.0"),
                Column(heading="State or federal rule"),
            ],
            rows=[
                [
                    r.category_label,
                    r.stage_label,
                    r.jurisdictions,
                    r.barriers,
                    r.resolved,
                    r.mean_severity,
                    "yes" if r.regional_policy_candidate else "",
                ]
                for r in rows
            ],
            note="A barrier controlled by a state or federal rule is a candidate for the regional policy "
            "recommendation." + left,
        )
    )
    if barriers.weakest:
        blocks.append(
            Table(
                title="The practices weakest across the region",
                sheet="Weakest practices",
                columns=[
                    Column(heading="Practice"),
                    Column(heading="Domain"),
                    Column(heading="Mean level (1-4)", numeric=True, format="0.00"),
                    Column(heading="Teams", numeric=True, format=COUNT),
                ],
                rows=[[w.title, w.domain_title, w.mean_level, w.teams] for w in barriers.weakest],
                note="Each team counts at its latest assessment.",
            )
        )
    return Section(heading="Barriers", blocks=blocks)


def goals_section(goals: Goals, min_group: int) -> Section:
    if not goals.teams:
        return Section(heading="Process-change goals", blocks=[Paragraph(text="No team has set a goal yet.")])
    if not goals.shown:
        return Section(
            heading="Process-change goals",
            blocks=[Paragraph(text=f"Fewer than {min_group} teams have set goals, so their figures are not shown.")],
        )
    tiles = Figures(
        items=[
            Figure(label="Goals met", value=f"{format_number(goals.met)} of {format_number(goals.goals)}"),
            Figure(
                label="Milestones done",
                value=f"{format_number(goals.milestones_done)} of {format_number(goals.milestones)}",
            ),
            Figure(label="Goals dropped", value=format_number(goals.dropped)),
        ],
        sheet="Goals",
        title="Goals and milestones",
    )
    text = (
        f"{_many(goals.teams, 'team')} set {_many(goals.goals, 'near-term process-change goal')}; "
        f"{format_number(goals.met)} {'was' if goals.met == 1 else 'were'} met and {format_number(goals.dropped)} "
        f"dropped. {format_number(goals.milestones_done)} of {_many(goals.milestones, 'milestone')} are done."
    )
    return Section(heading="Process-change goals", blocks=[tiles, Paragraph(text=text)])


def spending_section(spending: Spending) -> Section:
    heading = "Spending with community-based, small and local vendors"
    if not spending.teams:
        return Section(heading=heading, blocks=[Paragraph(text="No team has recorded a spending baseline yet.")])
    if not spending.shown:
        return Section(heading=heading, blocks=[Paragraph(text=spending.note)])
    money = _money_format(spending.currency)
    groups = spending.groups
    lead = (
        f"Combined over the {_many(spending.teams, 'team')} with a recorded baseline: "
        f"{_money(spending.baseline_dollars, spending.currency)} in contracts in their baseline periods, "
        f"{_money(spending.now_dollars, spending.currency)} in their latest year. "
        + " ".join(
            f"The share to {g.label} went from {_percent(g.baseline_share)} to {_percent(g.now_share)} "
            f"({_points(g.change)})."
            for g in groups
            if g.baseline_share is not None and g.now_share is not None
        )
    )
    chart = Chart(
        chart="bar",
        title="Share of dollars, baseline and now",
        categories=[g.label.capitalize() for g in groups],
        series=[
            Series(name="Baseline", values=[_number(g.baseline_share) for g in groups]),
            Series(name="Now", values=[_number(g.now_share) for g in groups]),
        ],
        unit="%",
        value_max=100,
        alt="Share of the teams' combined contract dollars, baseline then now: "
        + "; ".join(f"{g.label} {_percent(g.baseline_share)} to {_percent(g.now_share)}" for g in groups)
        + ".",
    )
    table = Table(
        title="Share of dollars by vendor group",
        sheet="Spending",
        columns=[
            Column(heading="Vendors"),
            Column(heading="Baseline share", numeric=True, format=PERCENT),
            Column(heading="Share now", numeric=True, format=PERCENT),
            Column(heading="Change (points)", numeric=True, format=POINTS),
            Column(heading="Baseline dollars", numeric=True, format=money),
            Column(heading="Dollars now", numeric=True, format=money),
        ],
        rows=[
            [
                g.label.capitalize(),
                _number(g.baseline_share),
                _number(g.now_share),
                _number(g.change),
                _number(g.baseline_dollars),
                _number(g.now_dollars),
            ]
            for g in groups
        ]
        + [["All vendors", 100.0, 100.0, 0.0, _number(spending.baseline_dollars), _number(spending.now_dollars)]],
        note="Baseline: the last period of each team's recorded baseline. Now: each team's latest calendar year "
        "with a contract. A contract counts in the year it was awarded, at its amount (or, without one, the sum "
        "of its payments); a vendor may be in more than one group.",
    )
    return Section(heading=heading, blocks=[Paragraph(text=lead), chart, table])


def _agree(percent: int | None, said: str) -> str:
    """A share as its column reads it ("60%"; the responses are in the column beside), or why it is not shown."""
    return f"{percent}%" if percent is not None else said


def survey_section(survey: Survey | None) -> Section:
    heading = "What partners said"
    if survey is None:
        return Section(heading=heading, blocks=[Paragraph(text="No partner survey responses are imported yet.")])
    lead = (
        f"{_many(survey.respondents, 'partner')} answered the partner survey. For each statement: how many answered "
        "it, and the share who agree or strongly agree. Where fewer than "
        f'{survey.minimum} answered, the share is not shown ("too few responses"), and neither is any share that '
        "would let a reader work one out."
    )
    table = Table(
        title="Partners who agree or strongly agree",
        sheet="Survey",
        columns=[
            Column(heading="Statement"),
            Column(heading="Responses", numeric=True, format=COUNT),
            Column(heading="% agree or strongly agree"),
            Column(heading="Jurisdictions shown", numeric=True, format=COUNT),
            Column(heading="Lowest", numeric=True, format='0"%"'),
            Column(heading="Median", numeric=True, format='0"%"'),
            Column(heading="Highest", numeric=True, format='0"%"'),
        ],
        rows=[
            [r.statement, r.responses, _agree(r.percent, r.said), r.jurisdictions, r.low, r.median, r.high]
            for r in survey.rows
        ],
        note="Lowest, median and highest: the share in the jurisdictions whose share is shown, when there are "
        "enough of them and none of the three would give away a share the report does not show.",
    )
    blocks: list[Block] = [Paragraph(text=lead), table]
    if survey.too_few:
        blocks.append(
            Paragraph(
                text=f"Shares by jurisdiction are not shown: with fewer than {MIN_GROUP} jurisdictions, a label "
                "would not keep one jurisdiction's answers from the others.",
            )
        )
    elif not survey.cells_shown:
        blocks.append(
            Paragraph(
                text="The shares by jurisdiction are too many to print here; the spread above sums them up.",
            )
        )
    elif survey.cells:
        left = (
            f" {_many(survey.left_out, 'share')} of named jurisdictions {'is' if survey.left_out == 1 else 'are'} "
            "left out so that one that is not named can't be worked out."
            if survey.left_out
            else ""
        )
        blocks.append(
            Table(
                title="By jurisdiction",
                sheet="Survey by jurisdiction",
                columns=[
                    Column(heading="Statement"),
                    Column(heading="Jurisdiction"),
                    Column(heading="Responses", numeric=True, format=COUNT),
                    Column(heading="% agree or strongly agree"),
                ],
                rows=[[c.statement, c.jurisdiction, c.responses, _agree(c.percent, c.said)] for c in survey.cells],
                note="Only jurisdictions this report may name are shown." + left,
            )
        )
    return Section(heading=heading, blocks=blocks)


def recommendation_sections(
    recommendations: list[RecommendationView], anonymized: bool, jurisdictions: int
) -> list[Section]:
    heading = "The regional policy recommendation"
    if not recommendations:
        return [Section(heading=heading, blocks=[Paragraph(text="No regional recommendation is drafted yet.")])]
    sections = [
        Section(
            heading=heading if len(recommendations) == 1 else "The regional policy recommendations",
            blocks=[
                Paragraph(
                    text="Barriers the teams cannot remove alone, drawn from the regional ranking, made into a "
                    "recommendation to the level of government that controls the rule."
                )
            ],
        )
    ]
    for number, r in enumerate(recommendations, start=1):
        blocks: list[Block] = [
            Paragraph(text=f"Problem: {r.problem}"),
            Paragraph(text=f"Proposed change: {r.proposed_change}"),
            Paragraph(text=f"To: {r.level_label}. Status: {r.status_label.lower()}."),
        ]
        if r.evidence:
            blocks.append(Paragraph(text=f"Evidence: {r.evidence}"))
        blocks.append(Paragraph(text=_endorsed(r, jurisdictions), emphasis=True))
        if r.endorsers and not anonymized:
            blocks.append(
                Table(
                    title="Endorsements",
                    sheet=f"Endorsements {number}" if len(recommendations) > 1 else "Endorsements",
                    columns=[
                        Column(heading="Jurisdiction"),
                        Column(heading="Endorsed by"),
                        Column(heading="On"),
                        Column(heading="Note"),
                    ],
                    rows=[[e.jurisdiction, e.role, format_date(e.endorsed_on), e.note] for e in r.endorsers],
                )
            )
        sections.append(Section(heading=r.title, level=2, blocks=blocks))
    return sections


def _endorsed(r: RecommendationView, jurisdictions: int) -> str:
    """Who endorsed it: the jurisdictions the report may name or label, the others counted."""
    if not r.endorsements:
        return "No jurisdiction has endorsed it yet."
    endorsed = f"Endorsed by {format_number(r.endorsements)} of {_many(jurisdictions, 'jurisdiction')}"
    if not r.endorsers:
        return f"{endorsed}."
    names = ", ".join(e.jurisdiction for e in r.endorsers)
    others = f", and {_many(r.others, 'other jurisdiction')}" if r.others else ""
    return f"{endorsed}: {names}{others}."


def about_section(report: RegionalImpactReport) -> Section:
    items = [
        report.naming_note,
        "Every figure adds up the records of all the cohort's teams as they stood on "
        f"{format_date(report.prepared_on)}: self-assessment scores, barriers, goals and milestones, spending "
        "imports and baselines, the partner survey and the recommendation.",
        "Scores are out of 100. A change in score compares each jurisdiction with its own baseline, at its final "
        "assessment or, without one yet, at its midpoint.",
    ]
    if report.survey is not None:
        items.append(
            f"Survey shares are shown only where at least {report.survey.minimum} partners answered; a blank "
            "answer is not counted."
        )
    return Section(heading="About this report", blocks=[Bullets(items=items)])
