-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Run" (
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
    "costUsd" REAL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Run_experimentId_fkey" FOREIGN KEY ("experimentId") REFERENCES "Experiment" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Run" ("cellKey", "createdAt", "engine", "error", "experimentId", "forwardPasses", "generatedTokens", "id", "itemId", "latencyOnly", "modelId", "modelSha256", "outputText", "passed", "prompt", "requestedLength", "sample", "setting", "settings", "taskId", "timings", "totalMs", "ttftMs") SELECT "cellKey", "createdAt", "engine", "error", "experimentId", "forwardPasses", "generatedTokens", "id", "itemId", "latencyOnly", "modelId", "modelSha256", "outputText", "passed", "prompt", "requestedLength", "sample", "setting", "settings", "taskId", "timings", "totalMs", "ttftMs" FROM "Run";
DROP TABLE "Run";
ALTER TABLE "new_Run" RENAME TO "Run";
CREATE INDEX "Run_experimentId_idx" ON "Run"("experimentId");
CREATE UNIQUE INDEX "Run_experimentId_cellKey_key" ON "Run"("experimentId", "cellKey");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

