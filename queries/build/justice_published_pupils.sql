-- The published pupils table: characteristics, the outcome flags of the linked justice record
-- only (a missed link means no flag), and the synthetic truth for the linkage evaluation.
SELECT
    p.person_id, p.sex, p.ethnicity, p.fsm, p.sen, p.persistent_absence, p.suspension,
    p.permanent_exclusion, p.alternative_provision, p.social_care, p.ks4_attainment, p.region,
    p.birth_cohort, p.record_key,
    true AS in_cohort,
    CAST(l.person_id IS NOT NULL AS UTINYINT) AS cautioned_or_sentenced,
    CAST(coalesce(j.serious_violence, 0) AS UTINYINT) AS serious_violence,
    CAST(coalesce(j.custody, 0) AS UTINYINT) AS custody,
    j.age_first_offence,
    CAST(l.match_probability AS FLOAT) AS match_probability,
    p.has_justice_record,
    CAST(l.person_id IS NOT NULL AS UTINYINT) AS linked_to_justice,
    CAST(coalesce(j.true_person_id = p.person_id, false) AS UTINYINT) AS link_correct
FROM pupil_rows AS p
LEFT JOIN links AS l ON l.person_id = p.person_id
LEFT JOIN justice_numbers AS n ON n.justice_id = l.justice_id
LEFT JOIN justice_rows AS j ON j.record_order = n.record_order
ORDER BY p.person_id;
