-- One chunk of justice records (registered as chunk_justice: what the record holds, the true
-- pupil for the evaluation, a random sort key that orders the final justice ids).
INSERT INTO justice_rows
SELECT record_order, sort_key, true_person_id, sex, ethnicity, region, birth_cohort,
       age_first_offence, offence_group, serious_violence, custody, record_key
FROM chunk_justice
ORDER BY record_order;
