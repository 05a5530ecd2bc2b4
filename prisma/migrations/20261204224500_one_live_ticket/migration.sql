-- One live (waiting or allocating) ticket per user, enforced by the database so that a join
-- needs no transaction: the schema file cannot express a partial index, hence this file.
CREATE UNIQUE INDEX "tickets_one_live_per_user" ON "tickets" ("sub") WHERE "state" IN ('waiting', 'allocating');
