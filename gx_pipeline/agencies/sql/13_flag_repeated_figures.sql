-- repeated_figures: a table whose every cell equals the previous year's report of the agency,
-- not all of them zero or blank: the same non-zero table two years running. Only tables both
-- reports show in full (the same cells on both sides: a full join leaves none unmatched), in
-- the same format version.
-- One full join of the two sides' cells, keyed by the later report: an earlier form, counting
-- each side's cells and joining the counts, let the planner meet the counts on (count,
-- section) before the reports, 110 s on 10,000 reports (this form: about 1 s; 5 s on 51,000).
insert into report_flags by name
with cells as (
    select report_id, section, "row", col, value from fact_requests
    union all
    select report_id, section, "row", col, value from fact_appeals
    union all
    select report_id, section, "row", col, value from fact_proactive
),
current_side as materialized (
    select p.report_id, c.section, c."row", c.col, c.value
    from agency_pair p
    join cells c on c.report_id = p.report_id
),
previous_side as materialized (
    select p.report_id, c.section, c."row", c.col, c.value
    from agency_pair p
    join cells c on c.report_id = p.previous_report_id
),
compared as materialized (
    select report_id, section,
           count(*) as cells,
           count(*) filter (where c.col is not null and o.col is not null
                                  and c.value is not distinct from o.value) as same
    from current_side c
    full join previous_side o using (report_id, section, "row", col)
    group by report_id, section
),
repeated as materialized (
    select x.report_id, x.section, x.cells, p.report_year, p.agency_id, p.previous_report_id
    from compared x
    join agency_pair p on p.report_id = x.report_id
    join dim_report d on d.report_id = p.report_id
    join dim_report e on e.report_id = p.previous_report_id
    where x.same = x.cells
      and d.template is not distinct from e.template
      and not list_contains(d.incomplete_sections, x.section)
      and not list_contains(e.incomplete_sections, x.section)
),
nonzero as (
    -- the cells to show, listed only for the tables repeated; none: all zero or blank
    select c.report_id, c.section,
           list(c.section || '.' || c."row" || '.' || c.col order by c."row", c.col) as cells
    from current_side c
    semi join repeated r on r.report_id = c.report_id and r.section = c.section
    where c.value <> 0
    group by c.report_id, c.section
)
select x.report_id, x.report_year, x.agency_id, 'repeated_figures' as flag,
       x.section as subject,
       z.cells,
       'the ' || x.section || ' table (' || x.cells || ' cells, ' || len(z.cells)
           || ' of them not zero) is the same as in ' || x.report_year - 1 || '''s report'
           as detail,
       to_json({
           'previous_report_id': x.previous_report_id,
           'previous_year': x.report_year - 1,
           'cells': x.cells,
           'nonzero_cells': len(z.cells)
       }) as evidence
from repeated x
join nonzero z on z.report_id = x.report_id and z.section = x.section
