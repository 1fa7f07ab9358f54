-- late: published after the deadline of the 政府信息公开条例 (2019), article 49: 31 January of
-- the year after the report year for an agency's own report, 31 March for a county-level or
-- higher government's report (本级政府, published by its disclosure office); publication_unknown:
-- the page states no publication date.
insert into report_flags by name
with due as (
    select report_id, report_year, agency_id, published,
           case when organ_key = '人民政府' and admin_level in ('province', 'city', 'county')
                then make_date(report_year + 1, 3, 31)
                else make_date(report_year + 1, 1, 31) end as deadline
    from dim_report
)
select report_id, report_year, agency_id,
       case when published is null then 'publication_unknown' else 'late' end as flag,
       '' as subject,
       [] as cells,
       case when published is null
            then 'the page states no publication date, so whether it met the '
                 || strftime(deadline, '%-d %B %Y') || ' deadline is unknown'
            else 'published ' || strftime(published, '%Y-%m-%d') || ', '
                 || date_diff('day', deadline, published)
                 || ' days after the ' || strftime(deadline, '%-d %B %Y') || ' deadline'
       end as detail,
       to_json({
           'published': published,
           'deadline': deadline,
           'days_late': date_diff('day', deadline, published)
       }) as evidence
from due
where published is null or published > deadline
