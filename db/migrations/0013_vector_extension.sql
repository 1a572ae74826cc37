-- pgvector: embeddings for semantic search (knowledge base, similar tickets). PGlite loads it as an
-- extension (db/client.ts), Neon has it, a self-hosted PostgreSQL needs it installed
-- (scripts/tools/pgvector.ts builds it for the local server).
CREATE EXTENSION IF NOT EXISTS vector;
