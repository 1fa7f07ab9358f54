-- The agencies' reports of consecutive years, where the agency has one report in each: what
-- every year-over-year comparison and cross-year flag reads.
create or replace temp table agency_pair as
with one as (
    select agency_id, report_year, min(report_id) as report_id
    from dim_report where agency_id is not null
    group by all having count(*) = 1
)
select cur.agency_id, cur.report_year, cur.report_id, prev.report_id as previous_report_id
from one cur join one prev
  on prev.agency_id = cur.agency_id and prev.report_year = cur.report_year - 1
