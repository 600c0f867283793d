-- Counts and linkage quality reported at the end of a build (from the synthetic truth).
SELECT
    (SELECT count(*) FROM pupils) AS pupils,
    (SELECT count(*) FROM justice_records) AS justice_records,
    (SELECT sum(linked_to_justice) FROM pupils) AS links,
    (SELECT sum(link_correct) FROM pupils) AS correct_links,
    (SELECT sum(has_justice_record) FROM pupils) AS true_matches;
