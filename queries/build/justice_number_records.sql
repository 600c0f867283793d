-- Justice ids in a random order (the sort key), unrelated to the pupils they belong to, and
-- the justice side of the linkage input keyed by them.
CREATE TABLE justice_numbers AS
SELECT record_order, CAST(row_number() OVER (ORDER BY sort_key, record_order) AS INTEGER) AS justice_id
FROM justice_rows;
CREATE TABLE justice_linkage_input AS
SELECT n.justice_id AS unique_id, i.first_name, i.surname, i.dob, i.sex, i.postcode,
       year(i.dob) AS birth_year, left(i.surname, 1) AS surname_initial
FROM justice_identifiers AS i
JOIN justice_numbers AS n USING (record_order)
ORDER BY unique_id;
