-- The agency's own sentences of sections 一, 五 and 六: each sentence written without spaces
-- and punctuation and with every number as # (the same sentence with this year's figures is the
-- same sentence); a sentence that reports of 3 or more agencies share in the year is the
-- template's, not the agency's, and so is one shorter than 6 characters.
create or replace temp table own_sentence as
with split as (
    select t.report_id, t.report_year, t.section, d.agency_id,
           regexp_replace(
               regexp_replace(s.sentence, '[\s，,、：:（）()“”"‘’《》〈〉【】\[\]！!？?·.\-—]+', '', 'g'),
               '[0-9０-９]+(?:\.[0-9]+)?', '#', 'g') as sentence
    from report_text t
    join dim_report d using (report_id)
    cross join unnest(string_split_regex(t.text, '[。；;\n]+')) as s(sentence)
    where t.section in ('一', '五', '六')
),
kept as (
    select * from split where length(sentence) >= $min_sentence
),
template as (
    select report_year, sentence from kept
    group by all
    having count(distinct coalesce(agency_id, 'report:' || report_id)) >= $template_agencies
)
select distinct k.report_id, k.section, k.sentence, length(k.sentence) as chars
from kept k
anti join template t using (report_year, sentence)
