-- The platform's learning events now live in the learning record store (xapi_statements).
DROP TABLE learning_events;
