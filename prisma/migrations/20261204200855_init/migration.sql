-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "users" (
    "sub" VARCHAR(128) NOT NULL,
    "nickname" VARCHAR(64) NOT NULL,
    "token_version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("sub")
);

-- CreateTable
CREATE TABLE "commands" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "sub" VARCHAR(128) NOT NULL,
    "title" VARCHAR(128) NOT NULL,
    "body" JSONB NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acked_at" TIMESTAMPTZ(3),

    CONSTRAINT "commands_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "commands_seq_key" ON "commands"("seq");

-- CreateIndex
CREATE INDEX "commands_sub_acked_at_seq_idx" ON "commands"("sub", "acked_at", "seq");

-- AddForeignKey
ALTER TABLE "commands" ADD CONSTRAINT "commands_sub_fkey" FOREIGN KEY ("sub") REFERENCES "users"("sub") ON DELETE CASCADE ON UPDATE CASCADE;
