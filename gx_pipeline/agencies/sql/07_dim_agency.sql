-- One row per agency: its names, today's place, level, how sure the key is and why.
insert into dim_agency by name
with place as (
    select division_code, any_value(province) as province, any_value(city) as city,
           any_value(county) as county
    from dim_report where division_code is not null
    group by all
),
reports as (
    select r.key, r.match, r.site_host, r.site_code, d.*
           exclude (agency_id, agency_match, site_host, site_code),
           case r.match when 'name' then 3 when 'name_only' then 1 when 'unresolved' then 0
                else 2 end as sureness,
           case when r.key not like 'name:%' and r.key not like 'report:%'
                then split_part(r.key, ':', 1) end as code
    from agency_report r join dim_report d using (report_id)
    where r.key is not null
),
agencies as (
    select key as agency_id,
           arg_max(agency, [length(agency), report_year]) filter (where agency is not null)
               as name,
           coalesce(list_sort(list_distinct(list(agency) filter (where agency is not null))),
                    []) as aliases,
           arg_max(organ_key, report_year) filter (where organ_key is not null) as organ,
           any_value(code) as division_code,
           arg_max(admin_level, report_year) filter (where admin_level is not null) as level,
           case min(sureness) when 3 then 'high' when 2 then 'medium' when 1 then 'low'
                else 'none' end as match_confidence,
           to_json({
               'matches': histogram(match),
               'site_hosts': list_sort(list_distinct(list(site_host))),
               'site_codes': list_sort(list_distinct(list(site_code))),
               'place_from': list_sort(list_distinct(list(region_source)))
           }) as evidence,
           min(report_year) as first_year,
           max(report_year) as last_year,
           count(*) as report_count,
           list_sort(list(report_year)) as report_years,
           bool_and(generated) as generated
    from reports
    group by key
)
select a.* exclude (level),
       p.province, p.city, p.county,
       case
           when a.level = 'township-street' or a.division_code is null then a.level
           when a.organ in ('人民政府', '人民政府办公室') then
               case when a.division_code like '%0000' then 'province'
                    when a.division_code like '%00' then 'city' else 'county' end
           else 'department-of-' ||
               case when a.division_code like '%0000' then 'province'
                    when a.division_code like '%00' then 'city' else 'county' end
       end as admin_level
from agencies a
left join place p using (division_code)
