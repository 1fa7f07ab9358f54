-- Pages that were reports in the fact tables at an earlier load of their year and are now
-- quarantined (emptied, cut short, unreadable), gone, or hold another report (another agency's,
-- or another year's): replaced with each load of the year, and kept while the report stays out
-- of the fact tables (gx_pipeline.warehouse.writes.load_year).
create table if not exists lost_reports (
    report_year          integer not null,
    source               varchar not null,
    report_id            varchar not null,
    content_fingerprint  varchar,
    agency               varchar,
    reason               varchar not null,
    stated_year          integer,
    organ_key            varchar,
    division_code        varchar,
    primary key (report_year, source)
);
-- a warehouse made before these columns existed gets them (null for the rows it holds)
alter table lost_reports add column if not exists stated_year integer;
alter table lost_reports add column if not exists organ_key varchar;
alter table lost_reports add column if not exists division_code varchar;
alter table lost_reports add column if not exists figures_fingerprint varchar;
comment on table lost_reports is 'Pages of a report year that were loaded reports at an earlier load and are now quarantined, gone (deleted, moved out of the folder), or overwritten with another report (another agency''s, or the agency''s report of another year; for a report that named no agency, a named agency''s report: a possible loss): their figures are in no fact table any more (the year''s load said so, and its check gx_warehouse_no_report_of_an_earlier_load_lost warns). A report is no loss while a report of its agency for its year (the year it states, or its folder''s when it states none) is loaded under any name or year (a re-publication, corrected figures), or its bytes or content are. A row stays while that is so; it goes when the page, or its report, loads again (at the load of any year). An agency renamed (国土资源局 → 自然资源局) is another agency to this rule: its report is lost when its page now holds the report under the new name, and nothing here tells a renaming from another organ of the same place (a county portal''s departments share address, host, site code and division code); README gives the query listing the reports of other organs of a loss''s place and year.';
comment on column lost_reports.report_year is 'The data/raw/<year>/ folder the page is filed under.';
comment on column lost_reports.source is 'Path of the page under data/raw/ (quarantine.source).';
comment on column lost_reports.report_id is 'The report the page was when it was last loaded (dim_report.report_id then: its sha256).';
comment on column lost_reports.content_fingerprint is 'Its content fingerprint then (dim_report.content_fingerprint): a copy of the report loaded now under any year makes the page no loss.';
comment on column lost_reports.agency is 'The agency the report named then (dim_report.agency).';
comment on column lost_reports.reason is 'Why the page is quarantined now (quarantine.reason), ''the file is gone'', or ''the page now holds another agency''''s report (<agency>)'' / ''the page now holds the agency''''s report of <year>'', or, for a report that named no agency whose page now holds a named agency''''s report of its year, ''possible loss: the page now holds <agency>''''s report of the year, …'' (it may be the same agency''''s, re-published naming its place).';
comment on column lost_reports.stated_year is 'The year the report stated then (dim_report.stated_year).';
comment on column lost_reports.organ_key is 'Its agency''s organ then (dim_report.organ_key): with division_code, what makes two names one agency.';
comment on column lost_reports.division_code is 'Its agency''s division code then (dim_report.division_code).';
comment on column lost_reports.figures_fingerprint is 'For a report that named no agency, a digest of its figures then (md5 of every cell of its fact rows; null where fewer than five of them are other than 0 or blank: such figures tell no office from another): the same figures loaded under its year now, under a named agency (the page re-published naming its place) and any file name, make it no loss.';
