-- DropForeignKey
ALTER TABLE "tickets" DROP CONSTRAINT "tickets_instance_id_fkey";
