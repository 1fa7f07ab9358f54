"""Agencies over time: one identity per agency across report years, the year-over-year
comparison of its reports, and the quality flags researchers study (late, copied text, repeated
figures, narrative figures that contradict the tables, breaks of the carry chain).

No Dagster here. `figures` reads the figures a report's narrative states (per report, while a
year is staged); `rebuild` recomputes dim_agency, narrative_similarity and report_flags over
every loaded year in one transaction, so the result does not depend on the order years are
loaded in.
"""
