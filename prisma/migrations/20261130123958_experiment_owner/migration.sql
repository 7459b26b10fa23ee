-- AlterTable
ALTER TABLE "Experiment" ADD COLUMN "owner" TEXT;

