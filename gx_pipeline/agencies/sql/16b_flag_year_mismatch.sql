-- year_mismatch: the page states another report year than the data/raw/<year>/ folder it is
-- filed under (trust.assess gives the same code from the same two years at the load): a page
-- saved into the wrong folder, or a report re-posted under a later year. Its figures are
-- counted under the folder's year, so it is a flag analysts see here, not only in
-- trust_reasons.
insert into report_flags by name
select report_id, report_year, agency_id,
       'year_mismatch' as flag,
       '' as subject,
       [] as cells,
       'the page states report year ' || stated_year || ', filed under ' || report_year
           || '/ (its figures count as ' || report_year || '''s)' as detail,
       to_json({'stated_year': stated_year, 'folder_year': report_year}) as evidence
from dim_report
where stated_year is not null and stated_year <> report_year
