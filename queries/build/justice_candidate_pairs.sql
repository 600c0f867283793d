-- Every pair Splink scored (view splink_predictions), as justice id and pupil id with its match
-- weight and probability and the blocking rule that produced it (match_key, 0-based).
-- Parameters: $justice_dataset, the source dataset name of the justice records.
CREATE TABLE candidate_pairs AS
SELECT
    CAST(CASE WHEN source_dataset_l = $justice_dataset THEN unique_id_l ELSE unique_id_r END AS INTEGER) AS justice_id,
    CAST(CASE WHEN source_dataset_l = $justice_dataset THEN unique_id_r ELSE unique_id_l END AS INTEGER) AS person_id,
    match_weight,
    match_probability,
    CAST(match_key AS INTEGER) AS match_key
FROM splink_predictions;
