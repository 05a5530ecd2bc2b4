-- CreateEnum
CREATE TYPE "WorkerStatus" AS ENUM ('online', 'offline', 'draining');

-- CreateEnum
CREATE TYPE "InstanceState" AS ENUM ('scheduled', 'starting', 'ready', 'allocated', 'stopping', 'stopped', 'failed');

-- CreateTable
CREATE TABLE "workers" (
    "id" UUID NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "host" VARCHAR(255) NOT NULL,
    "region" VARCHAR(64),
    "capacity" INTEGER NOT NULL,
    "port_min" INTEGER NOT NULL,
    "port_max" INTEGER NOT NULL,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "token_hash" CHAR(64) NOT NULL,
    "status" "WorkerStatus" NOT NULL DEFAULT 'offline',
    "last_seen_at" TIMESTAMPTZ(3),
    "agent_version" VARCHAR(64),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "workers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "servers" (
    "id" UUID NOT NULL,
    "name" VARCHAR(64) NOT NULL,
    "modes" TEXT[],
    "command" VARCHAR(1024) NOT NULL,
    "args" TEXT[],
    "env" JSONB NOT NULL DEFAULT '{}',
    "players_min" INTEGER NOT NULL,
    "players_max" INTEGER NOT NULL,
    "match_wait_seconds" INTEGER NOT NULL,
    "max_instances" INTEGER,
    "readiness" JSONB NOT NULL,
    "start_timeout_seconds" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "servers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "instances" (
    "id" UUID NOT NULL,
    "server_id" UUID NOT NULL,
    "worker_id" UUID NOT NULL,
    "mode" VARCHAR(128),
    "host" VARCHAR(255) NOT NULL,
    "port" INTEGER NOT NULL,
    "state" "InstanceState" NOT NULL DEFAULT 'scheduled',
    "players" TEXT[],
    "reason" VARCHAR(1024),
    "exit_code" INTEGER,
    "pid" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ready_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "instances_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "workers_name_key" ON "workers"("name");

-- CreateIndex
CREATE UNIQUE INDEX "workers_token_hash_key" ON "workers"("token_hash");

-- CreateIndex
CREATE INDEX "workers_status_last_seen_at_idx" ON "workers"("status", "last_seen_at");

-- CreateIndex
CREATE UNIQUE INDEX "servers_name_key" ON "servers"("name");

-- CreateIndex
CREATE INDEX "instances_worker_id_state_idx" ON "instances"("worker_id", "state");

-- CreateIndex
CREATE INDEX "instances_server_id_state_idx" ON "instances"("server_id", "state");

-- CreateIndex
CREATE INDEX "instances_state_created_at_idx" ON "instances"("state", "created_at");

-- AddForeignKey
ALTER TABLE "instances" ADD CONSTRAINT "instances_server_id_fkey" FOREIGN KEY ("server_id") REFERENCES "servers"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "instances" ADD CONSTRAINT "instances_worker_id_fkey" FOREIGN KEY ("worker_id") REFERENCES "workers"("id") ON DELETE CASCADE ON UPDATE CASCADE;
