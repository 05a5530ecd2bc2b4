-- The matcher takes the oldest ready, unallocated instances. This partial index returns them
-- in order, where the (state, ready_at) index leaves the planner guessing how many rows
-- pass the players filter, and it chose a full scan and sort. Written by hand because the
-- schema file cannot express a partial index.
CREATE INDEX "instances_ready_pool_idx" ON "instances" ("ready_at") WHERE "state" = 'ready' AND cardinality("players") = 0;
