-- One chunk of linkage outcomes (registered as chunk_linkage) into linkage. Whether a person is
-- linked is kept once, in persons.linked.
INSERT INTO linkage
SELECT CAST(person_id AS INTEGER), match_status, CAST(match_probability AS FLOAT)
FROM chunk_linkage;
