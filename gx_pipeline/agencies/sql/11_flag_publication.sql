-- late: published after 31 January of the year after the report year (the 政府信息公开条例's
-- deadline); publication_unknown: the page states no publication date.
insert into report_flags by name
select report_id, report_year, agency_id,
       case when published is null then 'publication_unknown' else 'late' end as flag,
       '' as subject,
       [] as cells,
       case when published is null
            then 'the page states no publication date, so whether it met the 31 January '
                 || (report_year + 1) || ' deadline is unknown'
            else 'published ' || strftime(published, '%Y-%m-%d') || ', '
                 || date_diff('day', make_date(report_year + 1, 1, 31), published)
                 || ' days after the 31 January ' || (report_year + 1) || ' deadline'
       end as detail,
       to_json({
           'published': published,
           'deadline': make_date(report_year + 1, 1, 31),
           'days_late': date_diff('day', make_date(report_year + 1, 1, 31), published)
       }) as evidence
from dim_report
where published is null or published > make_date(report_year + 1, 1, 31)
