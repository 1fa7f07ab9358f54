-- An agency whose report gives its place (name, text or site code): today's division code and
-- the organ. Short and full names of one agency meet here (洪桥镇 on the site of 平阳县, whose
-- 网站标识码 begins 330326, and 平阳县洪桥镇人民政府 are both 330326:洪桥镇).
update agency_report
set key = division_code || ':' || organ_key, match = region_source
where agency is not null and division_code is not null and organ_key is not null
