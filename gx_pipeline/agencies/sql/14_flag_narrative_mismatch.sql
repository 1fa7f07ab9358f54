-- narrative_mismatch: a figure the narrative states differs from its table cell
-- (narrative_figures, read while the year was staged).
insert into report_flags by name
select f.report_id, f.report_year, d.agency_id, 'narrative_mismatch' as flag,
       f.figure || '@' || f.section || '.' || f.sentence_no
           || case when f.occurrence > 1 then '#' || f.occurrence else '' end as subject,
       f.cells,
       'section ' || f.section || ', sentence ' || f.sentence_no || ' states '
           || cast(f.stated as bigint) || ' (' || f.figure || '), the table '
           || cast(f.table_value as bigint) || ' (' || array_to_string(f.cells, ' + ')
           || '): ' || f.sentence as detail,
       to_json({
           'section': f.section,
           'sentence_no': f.sentence_no,
           'sentence': f.sentence,
           'figure': f.figure,
           'stated': f.stated,
           'table_value': f.table_value
       }) as evidence
from narrative_figures f
join dim_report d using (report_id)
where f.status = 'mismatch'
