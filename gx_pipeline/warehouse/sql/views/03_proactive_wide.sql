-- Section 二: one row per report and table row, one column per column code of either format
-- version (2019: new_made … amount; 2021: issued … amount). A column a row does not have in the
-- report's format version is null. Value column comments come from contract.py.
create or replace view proactive_wide as
select
    f.report_id,
    f.report_year,
    d.agency,
    d.province,
    d.generated,
    d.trust_status,
    d.trust_reasons,
    d.template,
    c.row_seq,
    f."row",
    c.row_label_en,
    f.label as row_label,
    max(f.value) filter (where f.col = 'new_made') as new_made,
    max(f.value) filter (where f.col = 'new_published') as new_published,
    max(f.value) filter (where f.col = 'total_published') as total_published,
    max(f.value) filter (where f.col = 'prev_items') as prev_items,
    max(f.value) filter (where f.col = 'change') as change,
    max(f.value) filter (where f.col = 'decisions') as decisions,
    max(f.value) filter (where f.col = 'projects') as projects,
    max(f.value) filter (where f.col = 'amount') as amount,
    max(f.value) filter (where f.col = 'issued') as issued,
    max(f.value) filter (where f.col = 'repealed') as repealed,
    max(f.value) filter (where f.col = 'in_force') as in_force
from fact_proactive f
join dim_report d using (report_id)
left join contract_cells c
  on c.template = d.template and c.section = f.section and c."row" = f."row" and c.col = f.col
group by all;
comment on view proactive_wide is 'Section 二 (主动公开政府信息情况) as a wide table: one row per report and table row, one column per column code of either format version; a column the row does not have in the report''s version is null, as is an empty cell. amount is in 万元.';
