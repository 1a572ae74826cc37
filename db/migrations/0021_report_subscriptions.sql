CREATE TABLE "report_subscriptions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"filters" jsonb NOT NULL,
	"period" text NOT NULL,
	"day" smallint NOT NULL,
	"time" text NOT NULL,
	"format" text DEFAULT 'summary' NOT NULL,
	"paused_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_subscriptions_day_range" CHECK ("report_subscriptions"."day" between 1 and case "report_subscriptions"."period" when 'weekly' then 7 else 28 end)
);
--> statement-breakpoint
ALTER TABLE "report_subscriptions" ADD CONSTRAINT "report_subscriptions_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "report_subscriptions_owner_idx" ON "report_subscriptions" USING btree ("owner_id","created_at");