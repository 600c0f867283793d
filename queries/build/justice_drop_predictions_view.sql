-- The view over Splink's predictions table, no longer needed once candidate_pairs holds them.
DROP VIEW splink_predictions;
