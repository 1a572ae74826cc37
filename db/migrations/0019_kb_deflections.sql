CREATE TABLE "kb_deflections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"user_id" uuid,
	"article_id" uuid NOT NULL,
	"title" text DEFAULT '' NOT NULL,
	"draft_key" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "kb_deflections" ADD CONSTRAINT "kb_deflections_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kb_deflections" ADD CONSTRAINT "kb_deflections_article_id_kb_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."kb_articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "kb_deflections_created_idx" ON "kb_deflections" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "kb_deflections_article_idx" ON "kb_deflections" USING btree ("article_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "kb_deflections_draft_key" ON "kb_deflections" USING btree ("user_id","draft_key") WHERE "kb_deflections"."draft_key" is not null;