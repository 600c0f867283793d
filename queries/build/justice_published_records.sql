-- The published justice_records table: what each record holds (no identifiers), whether the
-- linkage accepted a pupil for it, and the match probability of its best candidate pair.
-- A linked record carries its pupil's record key, so the linked records counted here and the
-- same people counted as pupils in Explore get the same cell key and the same noise: averaging
-- the two tables cannot weaken the perturbation. Unlinked records keep their own key.
SELECT
    n.justice_id, j.sex, j.ethnicity, j.region, j.birth_cohort, j.age_first_offence,
    j.offence_group, j.serious_violence, j.custody,
    coalesce(p.record_key, j.record_key) AS record_key,
    l.justice_id IS NOT NULL AS linked,
    CAST(b.match_probability AS FLOAT) AS match_probability
FROM justice_rows AS j
JOIN justice_numbers AS n USING (record_order)
LEFT JOIN links AS l ON l.justice_id = n.justice_id
LEFT JOIN pupil_rows AS p ON p.person_id = l.person_id
LEFT JOIN best_candidates AS b ON b.justice_id = n.justice_id
ORDER BY n.justice_id;
