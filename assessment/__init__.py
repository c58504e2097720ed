"""The Equity Accelerator domain: models, rules, services, rubric scoring and workbooks."""
