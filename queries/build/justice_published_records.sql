-- The published justice_records table: what each record holds (no identifiers), whether the
-- linkage accepted a pupil for it, and the match probability of its best candidate pair.
SELECT
    n.justice_id, j.sex, j.ethnicity, j.region, j.birth_cohort, j.age_first_offence,
    j.offence_group, j.serious_violence, j.custody, j.record_key,
    l.justice_id IS NOT NULL AS linked,
    CAST(b.match_probability AS FLOAT) AS match_probability
FROM justice_rows AS j
JOIN justice_numbers AS n USING (record_order)
LEFT JOIN links AS l ON l.justice_id = n.justice_id
LEFT JOIN best_candidates AS b ON b.justice_id = n.justice_id
ORDER BY n.justice_id;
