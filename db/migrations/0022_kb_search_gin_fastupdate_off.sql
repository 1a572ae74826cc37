DROP INDEX "kb_articles_search_idx";--> statement-breakpoint
CREATE INDEX "kb_articles_search_idx" ON "kb_articles" USING gin ("search") WITH (fastupdate=false);