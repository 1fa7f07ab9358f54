-- A name without a place anywhere: the name alone, when no year has two reports of it (they
-- could be two agencies: 新华街道办事处 is a street of many places); else each report is an
-- agency of its own.
update agency_report r
set key = case when s.most = 1 then 'name:' || r.organ_key else 'report:' || r.report_id end,
    match = case when s.most = 1 then 'name_only' else 'unresolved' end
from (
    select organ_key, max(n) as most
    from (
        select organ_key, report_year, count(*) as n from agency_report
        where key is null and agency is not null and organ_key is not null
        group by all
    )
    group by organ_key
) s
where r.key is null and r.agency is not null and r.organ_key = s.organ_key
