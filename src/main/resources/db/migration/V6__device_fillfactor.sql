-- Device rows are updated all the time (a lease renewal of every running device every 5 s, state
-- changes, credentials): free room on each page lets those updates stay on the page (HOT) instead
-- of writing a new entry into every index of the table.
ALTER TABLE devices SET (fillfactor = 70);
