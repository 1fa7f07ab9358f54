-- A name without a place on a site whose placed reports say where it is: the agency of that
-- site with the same organ (one only), else the place every placed report of the site shares.
update agency_report r
set key = s.key, match = 'site'
from (
    with placed as (
        select * from agency_report where match in ('name', 'text', 'site_code')
            and site_host is not null
    ),
    same_organ as (
        select site_host, organ_key, min(key) as key from placed
        group by all having count(distinct key) = 1
    ),
    -- the place a site's real reports share, and its generated pages' apart (agency_report)
    one_place as (
        select site_host, generated, min(division_code) as code from placed
        group by all having count(distinct division_code) = 1
    )
    select u.report_id, coalesce(o.key, p.code || ':' || u.organ_key) as key
    from agency_report u
    left join same_organ o on o.site_host = u.site_host and o.organ_key = u.organ_key
    left join one_place p on p.site_host = u.site_host and p.generated = u.generated
    where u.key is null and u.agency is not null and u.organ_key is not null
      and u.site_host is not null
) s
where r.report_id = s.report_id and s.key is not null
