-- Year y's own sentences against year y-1's, per section and for the three together ('all', a
-- sentence counted once wherever it stands): shared characters over the characters of either
-- (a Jaccard index weighted by length).
insert into narrative_similarity by name
with sides as (
    select p.agency_id, p.report_year, p.report_id, p.previous_report_id, s.section, s.sentence,
           s.chars, 'cur' as side
    from agency_pair p join own_sentence s on s.report_id = p.report_id
    union all
    select p.agency_id, p.report_year, p.report_id, p.previous_report_id, s.section, s.sentence,
           s.chars, 'prev' as side
    from agency_pair p join own_sentence s on s.report_id = p.previous_report_id
),
buckets as (
    select agency_id, report_year, report_id, previous_report_id, section, sentence,
           any_value(chars) as chars, bool_or(side = 'cur') as cur, bool_or(side = 'prev') as prev
    from sides group by all
    union all
    select agency_id, report_year, report_id, previous_report_id, 'all', sentence,
           any_value(chars), bool_or(side = 'cur'), bool_or(side = 'prev')
    from sides group by all
),
totals as (
    select agency_id, report_year, report_id, previous_report_id, section,
           coalesce(sum(chars) filter (where cur), 0) as chars,
           coalesce(sum(chars) filter (where prev), 0) as previous_chars,
           coalesce(sum(chars) filter (where cur and prev), 0) as shared_chars
    from buckets group by all
)
select *,
       case when chars >= $min_chars and previous_chars >= $min_chars
            then shared_chars / (chars + previous_chars - shared_chars) end as similarity
from totals
