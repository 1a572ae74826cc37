CREATE TABLE "ticket_embeddings" (
	"ticket_id" uuid PRIMARY KEY NOT NULL,
	"embedding" vector(384) NOT NULL,
	"text_hash" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ticket_embeddings" ADD CONSTRAINT "ticket_embeddings_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ticket_embeddings_hnsw_idx" ON "ticket_embeddings" USING hnsw ("embedding" vector_cosine_ops);