-- CreateTable
CREATE TABLE "Experiment" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "config" TEXT NOT NULL,
    "environment" TEXT NOT NULL,
    "owner" TEXT,

    CONSTRAINT "Experiment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL,
    "experimentId" TEXT NOT NULL,
    "engine" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "modelSha256" TEXT NOT NULL,
    "taskId" TEXT,
    "itemId" TEXT,
    "prompt" TEXT NOT NULL,
    "requestedLength" INTEGER NOT NULL,
    "settings" TEXT NOT NULL,
    "outputText" TEXT NOT NULL,
    "generatedTokens" INTEGER NOT NULL,
    "ttftMs" DOUBLE PRECISION,
    "totalMs" DOUBLE PRECISION NOT NULL,
    "forwardPasses" INTEGER NOT NULL,
    "passed" BOOLEAN,
    "error" TEXT,
    "cellKey" TEXT,
    "setting" TEXT,
    "sample" INTEGER NOT NULL DEFAULT 0,
    "latencyOnly" BOOLEAN NOT NULL DEFAULT false,
    "timings" TEXT,
    "remote" BOOLEAN NOT NULL DEFAULT false,
    "host" TEXT,
    "failure" TEXT,
    "promptTokens" INTEGER,
    "tokensEstimated" BOOLEAN NOT NULL DEFAULT false,
    "costUsd" DOUBLE PRECISION,
    "worker" TEXT,
    "workerEnv" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Worker" (
    "name" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "pid" INTEGER NOT NULL,
    "environment" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "seenAt" TIMESTAMP(3) NOT NULL,
    "stoppedAt" TIMESTAMP(3),
    "experimentId" TEXT,
    "cellKey" TEXT,
    "done" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "Worker_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE UNIQUE INDEX "Experiment_slug_key" ON "Experiment"("slug");

-- CreateIndex
CREATE INDEX "Run_experimentId_idx" ON "Run"("experimentId");

-- CreateIndex
CREATE UNIQUE INDEX "Run_experimentId_cellKey_key" ON "Run"("experimentId", "cellKey");

-- AddForeignKey
ALTER TABLE "Run" ADD CONSTRAINT "Run_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment"("id") ON DELETE CASCADE ON UPDATE CASCADE;

