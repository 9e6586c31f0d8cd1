-- PostgreSQL partitions statements by month (its 0008); SQLite keeps one table, whose
-- UNIQUE(id) keeps statement ids unique.
SELECT 1;
