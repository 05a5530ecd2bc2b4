-- CreateIndex
CREATE INDEX "instances_state_ready_at_idx" ON "instances"("state", "ready_at");
