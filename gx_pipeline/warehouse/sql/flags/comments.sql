comment on view review_flags is 'Every flag a reviewer decides on (gx review), one row per report and flag: trust (a trust reason of dim_report, identity_fails aside), tally (a failing identity of tally_results, per subject) and quality (report_flags, when the warehouse has it). flag_reviews adds each flag''s review status.';
comment on column review_flags.report_id is 'The report (dim_report.report_id).';
comment on column review_flags.report_year is 'Report year.';
comment on column review_flags.kind is 'trust | tally | quality: where the flag comes from.';
comment on column review_flags.flag is 'trust: the reason code (docs/CONTRACT.md, Trust status); tally: the identity; quality: the report_flags flag.';
comment on column review_flags.subject is 'tally: the column or row evaluated; quality: the report_flags subject; empty for trust.';
comment on column review_flags.detail is 'tally: left, right and difference; quality: report_flags.detail; null for trust (dim_report.problems says what the parser saw).';
comment on column review_flags.cells is 'quality: the cells the flag is about (section.row.col); null for trust and tally, whose cells gx review finds from the problems and the identity''s terms.';
