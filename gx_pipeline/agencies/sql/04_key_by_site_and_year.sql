-- A page that does not name its agency (only 我局): the one agency its site publishes, when
-- that agency has no other report in the year and the page is the site's only unnamed one.
update agency_report r
set key = s.key, match = 'site_year'
from (
    -- generated pages and real ones apart (see agency_report)
    with site_agency as (
        select site_host, generated, min(key) as key from agency_report
        where key is not null and site_host is not null
        group by all having count(distinct key) = 1
    ),
    unnamed as (
        select site_host, generated, report_year, count(*) as n from agency_report
        where agency is null and site_host is not null
        group by all
    )
    select u.report_id, a.key
    from agency_report u
    join site_agency a using (site_host, generated)
    join unnamed n using (site_host, generated, report_year)
    where u.agency is null and u.key is null and n.n = 1
      and not exists (
          select 1 from agency_report k where k.key = a.key and k.report_year = u.report_year
      )
) s
where r.report_id = s.report_id
