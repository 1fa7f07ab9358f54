-- Pages that were reports in the fact tables at an earlier load of their year and are now
-- quarantined (emptied, cut short, unreadable): replaced with each load of the year, and kept
-- while the page stays quarantined (gx_pipeline.warehouse.writes.load_year).
create table if not exists lost_reports (
    report_year          integer not null,
    source               varchar not null,
    report_id            varchar not null,
    content_fingerprint  varchar,
    agency               varchar,
    reason               varchar not null,
    primary key (report_year, source)
);
comment on table lost_reports is 'Pages of a report year that were loaded reports at an earlier load and are now quarantined, or gone (deleted, moved out of the folder): their figures are in no fact table any more (the year''s load said so, and its check gx_warehouse_no_report_of_an_earlier_load_lost warns). A row stays while its page is quarantined or gone; it goes when the page, or its report under any name or year, loads again (at the load of any year).';
comment on column lost_reports.report_year is 'The data/raw/<year>/ folder the page is filed under.';
comment on column lost_reports.source is 'Path of the page under data/raw/ (quarantine.source).';
comment on column lost_reports.report_id is 'The report the page was when it was last loaded (dim_report.report_id then: its sha256).';
comment on column lost_reports.content_fingerprint is 'Its content fingerprint then (dim_report.content_fingerprint): a copy of the report loaded now under any year makes the page no loss.';
comment on column lost_reports.agency is 'The agency the report named then (dim_report.agency).';
comment on column lost_reports.reason is 'Why the page is quarantined now (quarantine.reason), or ''the file is gone''.';
