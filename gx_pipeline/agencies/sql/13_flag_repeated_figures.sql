-- repeated_figures: a table whose every cell equals the previous year's report of the agency,
-- not all of them zero or blank: the same non-zero table two years running. Only tables both
-- reports show in full, in the same format version.
insert into report_flags by name
with cells as (
    select report_id, section, "row", col, value from fact_requests
    union all
    select report_id, section, "row", col, value from fact_appeals
    union all
    select report_id, section, "row", col, value from fact_proactive
),
counted as (
    select report_id, section, count(*) as n from cells group by all
),
compared as (
    select p.agency_id, p.report_year, p.report_id, p.previous_report_id, c.section,
           count(*) as matched,
           count(*) filter (where c.value is not distinct from o.value) as same,
           list(c.section || '.' || c."row" || '.' || c.col order by c."row", c.col)
               filter (where c.value <> 0) as nonzero
    from agency_pair p
    join cells c on c.report_id = p.report_id
    join cells o on o.report_id = p.previous_report_id and o.section = c.section
                and o."row" = c."row" and o.col = c.col
    group by all
)
select x.report_id, x.report_year, x.agency_id, 'repeated_figures' as flag,
       x.section as subject,
       x.nonzero as cells,
       'the ' || x.section || ' table (' || x.matched || ' cells, ' || len(x.nonzero)
           || ' of them not zero) is the same as in ' || x.report_year - 1 || '''s report'
           as detail,
       to_json({
           'previous_report_id': x.previous_report_id,
           'previous_year': x.report_year - 1,
           'cells': x.matched,
           'nonzero_cells': len(x.nonzero)
       }) as evidence
from compared x
join counted a on a.report_id = x.report_id and a.section = x.section
join counted b on b.report_id = x.previous_report_id and b.section = x.section
join dim_report d on d.report_id = x.report_id
join dim_report e on e.report_id = x.previous_report_id
where x.same = x.matched and x.matched = a.n and x.matched = b.n
  and len(x.nonzero) > 0
  and d.template is not distinct from e.template
  and not list_contains(d.incomplete_sections, x.section)
  and not list_contains(e.incomplete_sections, x.section)
