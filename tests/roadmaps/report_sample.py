"""Sample report documents for the report renderers' tests: a jurisdiction's impact report with
every kind of block, names in four languages and text that must never run, and a regional one
with a table of thousands of jurisdictions."""

from __future__ import annotations

from datetime import date

from roadmaps.report.document import (
    Bullets,
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

TITLE = "Impact Report: Riverside County Public Health"
SUBTITLE = "2026 Southern California Equity Accelerator cohort"
AUTHOR = "Alliance for Equitable Contracting"
PREPARED = date(2026, 6, 30)
FOOTER = "Riverside County Public Health · Impact Report 2026"

VIETNAMESE = "Nguyễn Thị Hồng"
KOREAN = "김민준"
CHINESE = "付款延迟"
SPANISH = "Señora Peña"
FORMULA = '=HYPERLINK("x")'
LONG_NAME = "Inland Empire Youth Collective, a fiscally sponsored project of the Riverside Community Foundation"
HOSTILE = "<script>alert(1)</script>"

QUOTE = "We finally got paid in thirty days instead of ninety, and we could keep our promotoras on staff."
QUOTE_BY = f"{SPANISH}, community partner"
KOREAN_QUOTE = f"{KOREAN}: 계약 절차가 훨씬 쉬워졌습니다."

DOMAINS = [
    "Leadership and accountability",
    "Procurement policy and practice",
    "Payment and cash flow",
    "Community partnership",
    "Data and evaluation",
]
BASELINE = [42.5, 35.0, 28.0, 51.0, 33.5]
FINAL = [61.0, 52.5, 57.0, 66.5, None]  # the last domain had too few ratings at the end

BARRIER_CATEGORIES = ["Solicitation", "Contracting", "Payment", "Reporting"]
BARRIER_STATUSES = {"Resolved": [3, 2, 4, 0], "In progress": [1, 2, 1, 2], "Identified": [2, 0, 1, 3]}

PARTNERS = [
    ["Clínica Esperanza", 4, 12500.0, "Resolved"],
    [f"{VIETNAMESE} Family Services", 3, 8200.5, "In progress"],
    [f"{KOREAN} Community Center", 2, 45000.0, "Identified"],
    [f"Asociación {CHINESE}", 1, None, "Identified"],
    [
        "Inland Empire Youth Collective, a fiscally sponsored project of the Riverside Community Foundation",
        5,
        1250.0,
        "Resolved",
    ],
    [FORMULA, 0, 0.0, "-negative text stays text"],
]


def sample_report(title: str = TITLE) -> ReportDocument:
    """A jurisdiction's impact report with every kind of block the renderers lay out."""
    return ReportDocument(
        title=title,
        subtitle=SUBTITLE,
        author=AUTHOR,
        prepared_on=PREPARED,
        footer=FOOTER,
        summary=[
            Section(
                heading="Executive summary",
                blocks=[
                    Paragraph(
                        text="Over nine sessions the team cut the time it takes to pay a community partner "
                        "from ninety days to thirty, and opened two solicitations to first-time bidders.",
                        emphasis=True,
                    ),
                    Figures(
                        title="At a glance",
                        sheet="Key figures",
                        items=[
                            Figure(label="Sessions held", value="9 of 9", detail="every session of the cohort"),
                            Figure(label="Overall score", value="+18.4", detail="points since the baseline"),
                            Figure(label="Barriers resolved", value="9 of 21"),
                            Figure(label="Spending with small CBOs", value="$1.2M", detail="up from $640K"),
                            Figure(label="Partners surveyed", value="38"),
                        ],
                    ),
                    Bullets(
                        items=[
                            "Payment in 30 days is now written into every community contract.",
                            f"Partners such as {VIETNAMESE} and {KOREAN} were paid on time all year.",
                        ]
                    ),
                ],
            )
        ],
        sections=[
            Section(
                heading="Self-assessment scores",
                blocks=[
                    Paragraph(text="Scores run from 0 to 100; a domain needs three ratings to be scored."),
                    Chart(
                        chart="bar",
                        title="Score by domain, baseline and final",
                        categories=DOMAINS,
                        series=[
                            Series(name="Baseline", values=list(BASELINE)),
                            Series(name="Final", values=list(FINAL)),
                        ],
                        unit="points",
                        value_max=100,
                        alt="Scores rose in every domain scored twice: leadership 42.5 to 61, procurement 35 to "
                        "52.5, payment 28 to 57, partnership 51 to 66.5; data and evaluation 33.5 at baseline, "
                        "too few ratings at the end.",
                    ),
                    Table(
                        title="Score by domain",
                        sheet="Scores",
                        columns=[
                            Column(heading="Domain"),
                            Column(heading="Baseline", numeric=True, format="0.0"),
                            Column(heading="Final", numeric=True, format="0.0"),
                            Column(heading="Change", numeric=True, format="+0.0;-0.0"),
                        ],
                        rows=[
                            [d, b, f, None if f is None else round(f - b, 1)]
                            for d, b, f in zip(DOMAINS, BASELINE, FINAL, strict=True)
                        ],
                        note="A dash: too few ratings to score the domain.",
                    ),
                ],
            ),
            Section(
                heading="Barriers",
                blocks=[
                    Chart(
                        chart="stacked",
                        title="Barriers by category and status",
                        categories=BARRIER_CATEGORIES,
                        series=[
                            Series(name=name, values=[float(v) for v in values])
                            for name, values in BARRIER_STATUSES.items()
                        ],
                        unit="barriers",
                        alt="21 barriers: solicitation 6 (3 resolved), contracting 4 (2 resolved), payment 6 "
                        "(4 resolved), reporting 5 (none resolved).",
                    ),
                ],
            ),
            Section(
                heading="Community partners",
                level=2,
                blocks=[
                    Table(
                        title="Partners and what they were paid",
                        sheet="Partners: paid [2026]",
                        columns=[
                            Column(heading="Partner"),
                            Column(heading="Contracts", numeric=True, format="0"),
                            Column(heading="Paid", numeric=True, format="$#,##0.00"),
                            Column(heading="Status of their barrier"),
                        ],
                        rows=[list(row) for row in PARTNERS],
                        note=f"Amounts as recorded by finance; {CHINESE} is a partner's own name for its program.",
                    ),
                    Table(
                        title="Partners paid late",
                        sheet="Partners: paid [2026]",  # the same sheet name: made unique in the workbook
                        columns=[Column(heading="Partner"), Column(heading="Days late", numeric=True)],
                        rows=[],
                        empty="No partner was paid late this year.",
                    ),
                ],
            ),
            Section(
                heading="Spending and survey",
                blocks=[
                    Chart(
                        chart="hbar",
                        title="Share of spending with small community organizations",
                        categories=["Baseline year (2024–25)", "Accelerator year (2025–26)"],
                        series=[Series(name="Share", values=[7.5, 14.0])],
                        unit="%",
                        value_max=100,
                        alt="The share of contract spending with small community organizations rose from 7.5% to 14%.",
                    ),
                    Chart(
                        chart="range",
                        title="Partner survey: share who agree, across the cohort",
                        categories=["Payment is on time", "Forms are clear", "We are heard"],
                        series=[
                            Series(name="min", values=[20.0, 35.0, None]),
                            Series(name="median", values=[55.0, 60.0, None]),
                            Series(name="max", values=[90.0, 80.0, None]),
                        ],
                        unit="%",
                        value_max=100,
                        alt="Across jurisdictions, the share who agree payment is on time ranges from 20% to 90% "
                        "(median 55%); forms are clear 35% to 80% (median 60%); too few answers on being heard.",
                    ),
                    Table(
                        title="Partner survey",
                        sheet="Survey",
                        columns=[Column(heading="Statement"), Column(heading="Agree", numeric=True, format='0"%"')],
                        rows=[
                            ["Payment is on time", 55],
                            ["Forms are clear", 60],
                            ["We are heard", "too few responses"],
                        ],
                    ),
                ],
            ),
            Section(
                heading="Highlights",
                blocks=[
                    Quote(text=QUOTE, by=QUOTE_BY),
                    Quote(text=KOREAN_QUOTE, by=VIETNAMESE),
                    Quote(text="Anonymous praise for the new payment schedule."),
                ],
            ),
        ],
    )


def jurisdiction_names(count: int) -> list[str]:
    """``count`` distinct jurisdiction names, a few long and a few in other languages."""
    kinds = ["County Public Health", "City Health Department", "Health District", f"Sở Y tế {VIETNAMESE}"]
    return [f"Jurisdiction {n:04d} {kinds[n % len(kinds)]}" for n in range(1, count + 1)]


def regional_report(count: int = 3000) -> ReportDocument:
    """A regional report whose tables list ``count`` jurisdictions, as the regional report may."""
    names = jurisdiction_names(count)
    rows: list[list[str | int | float | None]] = [
        [name, 30 + n % 50, 40 + n % 55, round((n % 55) - (n % 50) + 10.5, 1), n % 21, (n * 37) % 100]
        for n, name in enumerate(names)
    ]
    return ReportDocument(
        title="Regional Impact Report",
        subtitle="2026 Southern California Equity Accelerator cohort",
        author=AUTHOR,
        prepared_on=PREPARED,
        footer="Regional Impact Report 2026",
        summary=[
            Section(
                heading="Summary",
                blocks=[Figures(items=[Figure(label="Jurisdictions", value=f"{count:,}")])],
            )
        ],
        sections=[
            Section(
                heading="Scores by jurisdiction",
                blocks=[
                    Chart(
                        chart="range",
                        title="Final score across jurisdictions, by domain",
                        categories=DOMAINS,
                        series=[
                            Series(name="min", values=[12.0, 8.5, 20.0, 30.0, 5.0]),
                            Series(name="median", values=[55.0, 48.0, 60.5, 62.0, 40.0]),
                            Series(name="max", values=[95.0, 90.0, 99.0, 97.5, 88.0]),
                        ],
                        unit="points",
                        value_max=100,
                        alt="Final scores spread widely in every domain.",
                    ),
                    Table(
                        title="Every jurisdiction's scores",
                        sheet="Jurisdictions",
                        columns=[
                            Column(heading="Jurisdiction"),
                            Column(heading="Baseline score", numeric=True, format="0.0"),
                            Column(heading="Final score", numeric=True, format="0.0"),
                            Column(heading="Change", numeric=True, format="+0.0;-0.0"),
                            Column(heading="Barriers resolved", numeric=True, format="0"),
                            Column(heading="Partners who agree payment is on time", numeric=True, format='0"%"'),
                        ],
                        rows=rows,
                    ),
                ],
            )
        ],
    )


def edge_report() -> ReportDocument:
    """Odd documents a view model may still produce: no summary, empty and long charts, negative
    changes, ragged rows, a heading in Korean, a level-2 section first."""
    many = [f"{name} ({n})" for n, name in enumerate(jurisdiction_names(70), start=1)]
    return ReportDocument(
        title=HOSTILE,
        author=f"{KOREAN} & {VIETNAMESE}",
        prepared_on=PREPARED,
        language="ko",
        sections=[
            Section(heading="Part before any chapter", level=2, blocks=[Paragraph(text=f"a < b & c > d {FORMULA}")]),
            Section(
                heading=f"{KOREAN} 보고서",
                blocks=[
                    Figures(items=[]),
                    Chart(chart="bar", title="Nothing yet", categories=[], series=[], alt="No data yet."),
                    Chart(
                        chart="bar",
                        title="Change in score",
                        categories=["Up", "Down", "None"],
                        series=[Series(name="Change", values=[12.5, -8.25, None])],
                        unit="points",
                        alt="Up 12.5, down 8.25, one without a score.",
                    ),
                    Chart(
                        chart="hbar",
                        title="Spending by jurisdiction",
                        categories=many,
                        series=[Series(name="Spend", values=[float(n * 12345) for n in range(len(many))])],
                        unit="$",
                        alt="Spending rises steadily across the 70 jurisdictions.",
                    ),
                    Chart(
                        chart="stacked",
                        title="All empty",
                        categories=["A", "B"],
                        series=[Series(name="x", values=[None, None]), Series(name="y", values=[])],
                        alt="Nothing recorded.",
                    ),
                    Table(
                        title="Ragged rows",
                        sheet="History",  # a name Excel keeps for itself
                        columns=[Column(heading="Name"), Column(heading="Count", numeric=True)],
                        rows=[["only a name"], ["too many", 3, "extra"], [None, None]],
                    ),
                    Quote(text=f"{HOSTILE} {CHINESE}", by=HOSTILE),
                ],
            ),
        ],
    )
