-- The school records' identifiers of one chunk (chunk_pupils), with postcodes as text.
INSERT INTO pupil_identifiers
SELECT c.person_id, c.first_name, c.surname, make_date(c.birth_year, c.birth_month, c.birth_day),
       c.id_sex, justice_postcode(a.code, c.district, c.sector, c.unit_index),
       c.birth_year, left(c.surname, 1)
FROM chunk_pupils AS c
LEFT JOIN postcode_areas AS a ON a.area = c.area
ORDER BY c.person_id;
