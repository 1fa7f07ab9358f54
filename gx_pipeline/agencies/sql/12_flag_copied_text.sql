-- copied_text: the report's own narrative (sections 一, 五, 六 together) nearly identical to the
-- previous year's report of the agency.
insert into report_flags by name
select s.report_id, s.report_year, s.agency_id, 'copied_text' as flag, '' as subject,
       [] as cells,
       'sections 一, 五 and 六 repeat ' || s.report_year - 1 || '''s report: similarity '
           || printf('%.2f', s.similarity) || ' (' || s.shared_chars || ' of '
           || s.chars + s.previous_chars - s.shared_chars
           || ' characters of the agency''s own sentences are in both years; threshold '
           || printf('%.2f', $copied_threshold) || ')' as detail,
       to_json({
           'previous_report_id': s.previous_report_id,
           'similarity': s.similarity,
           'threshold': $copied_threshold,
           'chars': s.chars,
           'previous_chars': s.previous_chars,
           'shared_chars': s.shared_chars,
           'sections': (
               select map_from_entries(list((x.section, x.similarity) order by x.section))
               from narrative_similarity x
               where x.report_id = s.report_id and x.section <> 'all'
           )
       }) as evidence
from narrative_similarity s
where s.section = 'all' and s.similarity >= $copied_threshold
