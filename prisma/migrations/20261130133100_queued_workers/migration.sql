-- AlterTable
ALTER TABLE "Run" ADD COLUMN "worker" TEXT;
ALTER TABLE "Run" ADD COLUMN "workerEnv" TEXT;

-- CreateTable
CREATE TABLE "Worker" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "environment" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "seenAt" DATETIME NOT NULL,
    "stoppedAt" DATETIME,
    "experimentId" TEXT,
    "cellKey" TEXT,
    "done" INTEGER NOT NULL DEFAULT 0
);

