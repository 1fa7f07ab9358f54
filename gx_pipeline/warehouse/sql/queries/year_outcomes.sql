-- What became of the raw files of one report year: loaded (by template) or quarantined (by stage).
select 'loaded' as outcome, coalesce(template, 'unknown') as "template or stage", count(*) as files
from dim_report where report_year = $year group by all
union all
select 'quarantined', stage, count(*)
from quarantine where report_year = $year group by all
order by 1, 2
