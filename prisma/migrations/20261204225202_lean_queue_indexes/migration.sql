-- DropIndex
DROP INDEX "instances_state_ready_at_idx";

-- DropIndex
DROP INDEX "tickets_sub_state_idx";
