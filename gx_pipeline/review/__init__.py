"""The review of flagged reports: a person confirms or dismisses every flag, or records a
correction, looking at the page itself (`gx review`).

log.py     the decisions, an append-only log beside the warehouse (data/reviews.jsonl)
queue.py   what the application reads: the published warehouse with the live log
render.py  an archived page made safe to show, the cells of a flag highlighted in place
app.py     the web application (Starlette); command.py: `gx review`, `--export`

The warehouse side (the tables reviews and review_cells, the views review_flags, review_status,
flag_reviews, parser_defects, facts_corrected) is gx_pipeline.warehouse.reviews and its SQL.
No Dagster here.
"""
