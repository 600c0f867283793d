-- One chunk of linkage outcomes (registered as chunk_linkage) into linkage.
INSERT INTO linkage
SELECT person_id, match_status, match_probability, linked
FROM chunk_linkage;
