-- A name the client gives a device ("Front desk"), shown with it; null until one is given. Nullable
-- and without a default, so adding it rewrites nothing.
ALTER TABLE devices ADD COLUMN name TEXT;
