-- CreateTable
CREATE TABLE "Experiment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" DATETIME,
    "config" TEXT NOT NULL,
    "environment" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "Run" (
    "id" TEXT NOT NULL PRIMARY KEY,
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
    "ttftMs" REAL,
    "totalMs" REAL NOT NULL,
    "forwardPasses" INTEGER NOT NULL,
    "passed" BOOLEAN,
    "error" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Run_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Experiment_slug_key" ON "Experiment"("slug");

-- CreateIndex
CREATE INDEX "Run_experimentId_idx" ON "Run"("experimentId");

