-- The justice records' identifiers of one chunk (chunk_justice), with postcodes as text.
INSERT INTO justice_identifiers
SELECT c.record_order, c.first_name, c.surname, make_date(c.birth_year, c.birth_month, c.birth_day),
       c.id_sex, justice_postcode(a.code, c.district, c.sector, c.unit_index)
FROM chunk_justice AS c
LEFT JOIN postcode_areas AS a ON a.area = c.area
ORDER BY c.record_order;
