-- How many followed persons (follow_up_input) do not enter on the first day of follow-up, or
-- leave before entering. Parameter: $start.
SELECT count(*)
FROM follow_up_input
WHERE entry_date IS DISTINCT FROM CAST($start AS DATE)
   OR exit_date IS NULL
   OR exit_date < entry_date;
