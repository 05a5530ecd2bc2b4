-- The waiting queue of each mode, oldest first. Partial, so that a ticket leaving the queue
-- adds no entry here: the matcher then writes one index entry per matched ticket, not two.
-- Written by hand because the schema file cannot express a partial index.
CREATE INDEX "tickets_waiting_queue_idx" ON "tickets" ("mode", "created_at") WHERE "state" = 'waiting';

-- DropIndex
DROP INDEX "tickets_mode_state_created_at_idx";
