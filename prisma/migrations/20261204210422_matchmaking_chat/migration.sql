-- CreateEnum
CREATE TYPE "TicketState" AS ENUM ('waiting', 'allocating', 'matched', 'cancelled', 'failed');

-- AlterTable
ALTER TABLE "servers" ADD COLUMN     "ticket_timeout_seconds" INTEGER NOT NULL DEFAULT 120;

-- CreateTable
CREATE TABLE "tickets" (
    "id" UUID NOT NULL,
    "sub" VARCHAR(128) NOT NULL,
    "mode" VARCHAR(128) NOT NULL,
    "properties" JSONB,
    "state" "TicketState" NOT NULL DEFAULT 'waiting',
    "instance_id" UUID,
    "reason" VARCHAR(1024),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "tickets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "chat_messages" (
    "id" BIGSERIAL NOT NULL,
    "channel" VARCHAR(64),
    "from_sub" VARCHAR(128) NOT NULL,
    "from_nickname" VARCHAR(64) NOT NULL,
    "to_sub" VARCHAR(128),
    "text" VARCHAR(1000) NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "chat_messages_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "tickets_mode_state_created_at_idx" ON "tickets"("mode", "state", "created_at");

-- CreateIndex
CREATE INDEX "tickets_sub_state_idx" ON "tickets"("sub", "state");

-- CreateIndex
CREATE INDEX "chat_messages_channel_id_idx" ON "chat_messages"("channel", "id");

-- CreateIndex
CREATE INDEX "chat_messages_to_sub_id_idx" ON "chat_messages"("to_sub", "id");

-- CreateIndex
CREATE INDEX "instances_players_idx" ON "instances" USING GIN ("players");

-- AddForeignKey
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_sub_fkey" FOREIGN KEY ("sub") REFERENCES "users"("sub") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tickets" ADD CONSTRAINT "tickets_instance_id_fkey" FOREIGN KEY ("instance_id") REFERENCES "instances"("id") ON DELETE SET NULL ON UPDATE CASCADE;
