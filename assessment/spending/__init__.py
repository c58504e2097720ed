"""Session 6: the impact-spending baseline, from the contracting data C&P offices already have
(a spreadsheet, or Open Contracting Data Standard JSON)."""
