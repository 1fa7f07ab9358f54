-- Reviewers' decisions on flagged reports, copied from their own log (data/reviews.jsonl, written
-- by `gx review`) each time the pipeline writes a year (gx_pipeline.warehouse.reviews). Not per
-- report year: replaced as a whole from the log, which is never rewritten, so a decision survives
-- every re-run and parser change. What a decision is attached to now: view review_status.
create table if not exists reviews (
    decision_id      varchar     not null primary key,
    made_at          timestamptz not null,
    reviewer         varchar     not null,
    action           varchar     not null,
    note             varchar     not null,
    report_id        varchar     not null,
    raw_sha256       varchar     not null,
    report_year      integer,
    source           varchar,
    parser_version   varchar,
    kind             varchar     not null,
    flag             varchar     not null,
    subject          varchar     not null,
    cell             varchar,
    corrected_value  double,
    cells            varchar[]   not null
);
comment on table reviews is 'Every decision a reviewer made on a flagged report (gx review), as recorded: confirm (the page itself says so: the agency''s own contradiction, a page cut off), dismiss (the parser misread the page: a parser defect, see parser_defects) or correct (a value read on the page for one cell, kept beside the published value: see facts_corrected). A later decision on the same flag or cell supersedes an earlier one, which stays here. Published values are never changed.';
comment on column reviews.decision_id is 'Unique id of the decision (32 hex digits).';
comment on column reviews.made_at is 'When the decision was made (UTC).';
comment on column reviews.reviewer is 'Who made it, as they named themselves in gx review.';
comment on column reviews.action is 'confirm | dismiss | correct.';
comment on column reviews.note is 'Why, in the reviewer''s words (required).';
comment on column reviews.report_id is 'The report decided on (dim_report.report_id when it was made).';
comment on column reviews.raw_sha256 is 'sha256 of the raw page the decision was made on: decisions follow the page''s bytes, not its file name.';
comment on column reviews.report_year is 'Report year of the report when the decision was made.';
comment on column reviews.source is 'Raw file of the report under data/raw/ when the decision was made.';
comment on column reviews.parser_version is 'Parser version whose reading of the page the reviewer saw (dim_report.parser_version then).';
comment on column reviews.kind is 'Where the flag comes from: trust (a trust reason of dim_report), tally (a failing identity of tally_results) or quality (report_flags).';
comment on column reviews.flag is 'The flag: a trust reason code, an identity (requests.balance …) or a report_flags flag.';
comment on column reviews.subject is 'The flag''s subject: the identity''s column or row, the report_flags subject; empty for a trust reason.';
comment on column reviews.cell is 'correct: the cell corrected, as section.row.col; null otherwise.';
comment on column reviews.corrected_value is 'correct: the value the reviewer read on the page for that cell (amounts in 万元); null otherwise.';
comment on column reviews.cells is 'The cells the decision was made on (section.row.col); each as it was then in review_cells.';

create table if not exists review_cells (
    decision_id   varchar not null,
    cell          varchar not null,
    section       varchar not null,
    row           varchar not null,
    col           varchar not null,
    raw           varchar,
    value         double,
    source_table  integer,
    source_tr     integer,
    source_td     integer,
    primary key (decision_id, cell)
);
comment on table review_cells is 'The cells of each decision in reviews as the reviewer saw them (text, value, place on the page): a decision is re-attached to the same cell after a re-parse only when the cell still reads the same (view review_status).';
comment on column review_cells.decision_id is 'The decision (reviews.decision_id).';
comment on column review_cells.cell is 'The cell, section.row.col.';
comment on column review_cells.section is 'Section code of the cell.';
comment on column review_cells.row is 'Row code of the cell.';
comment on column review_cells.col is 'Column code of the cell.';
comment on column review_cells.raw is 'The cell''s text on the page as the parser read it then; null when the page had no cell there.';
comment on column review_cells.value is 'The cell''s published value then; null = empty cell.';
comment on column review_cells.source_table is 'The cell''s place on the page then: data table (HTML), 0 (text copy), page (PDF) or table (Word), as fact_requests.source_table.';
comment on column review_cells.source_tr is 'The cell''s place then: row within the table (HTML, Word), line of the text copy, or line on the page (PDF).';
comment on column review_cells.source_td is 'The cell''s place then: cell within the row (HTML, Word), or field within the line (text copy, PDF).';
