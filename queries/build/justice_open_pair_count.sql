-- Pairs still to be resolved one to one.
SELECT count(*) FROM open_pairs;
