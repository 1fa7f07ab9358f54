-- Every cell of an agency's report of year y next to the same cell of its report of year y-1,
-- with the change: the agency over time, cell by cell.
create or replace view cells_year_over_year as
with one as (
    select agency_id, report_year, min(report_id) as report_id
    from dim_report
    where agency_id is not null
    group by all
    having count(*) = 1
),
pairs as (
    select cur.agency_id, cur.report_year, cur.report_id, prev.report_id as previous_report_id
    from one cur
    join one prev on prev.agency_id = cur.agency_id and prev.report_year = cur.report_year - 1
),
cells as (
    select report_id, section, "row", col, value from fact_requests
    union all
    select report_id, section, "row", col, value from fact_appeals
    union all
    select report_id, section, "row", col, value from fact_proactive
)
select
    p.agency_id,
    a.name as agency,
    a.province,
    p.report_year,
    p.report_id,
    p.previous_report_id,
    c.section,
    c."row",
    c.col,
    c.value,
    o.value as previous_value,
    c.value - o.value as change,
    d.generated or e.generated as generated,
    d.trust_status,
    d.trust_reasons,
    e.trust_status as previous_trust_status,
    e.trust_reasons as previous_trust_reasons
from pairs p
join dim_agency a using (agency_id)
join dim_report d on d.report_id = p.report_id
join dim_report e on e.report_id = p.previous_report_id
join cells c on c.report_id = p.report_id
left join cells o
  on o.report_id = p.previous_report_id
 and o.section = c.section and o."row" = c."row" and o.col = c.col;
comment on view cells_year_over_year is 'Every cell of an agency''s report of year y with the same cell of its report of year y-1 and the change, for each agency (dim_agency) with one report in each of the two years. A blank is never 0: change is null when either value is. A change is as sure as both reports: filter on trust_status and previous_trust_status.';
comment on column cells_year_over_year.agency_id is 'The agency (dim_agency.agency_id).';
comment on column cells_year_over_year.agency is 'The agency''s fullest name (dim_agency.name).';
comment on column cells_year_over_year.province is 'Province of the agency (dim_agency.province).';
comment on column cells_year_over_year.report_year is 'Year y.';
comment on column cells_year_over_year.report_id is 'The agency''s report of year y.';
comment on column cells_year_over_year.previous_report_id is 'The agency''s report of year y-1.';
comment on column cells_year_over_year.section is 'requests | appeals | proactive.';
comment on column cells_year_over_year.row is 'Row code of docs/CONTRACT.md.';
comment on column cells_year_over_year.col is 'Column code of docs/CONTRACT.md.';
comment on column cells_year_over_year.value is 'The cell in year y; null = blank.';
comment on column cells_year_over_year.previous_value is 'The cell in year y-1; null = blank, or no such cell (the other format version).';
comment on column cells_year_over_year.change is 'value - previous_value; null when either is null.';
comment on column cells_year_over_year.generated is 'True when either report is a synthetic page: leave these rows out of any analysis of real agencies.';
comment on column cells_year_over_year.trust_status is 'clean | needs_review of the report of year y (dim_report.trust_status).';
comment on column cells_year_over_year.trust_reasons is 'Why the report of year y needs review, as codes; empty when clean.';
comment on column cells_year_over_year.previous_trust_status is 'clean | needs_review of the report of year y-1: a change needs both reports clean to be taken as it is.';
comment on column cells_year_over_year.previous_trust_reasons is 'Why the report of year y-1 needs review, as codes; empty when clean.';
