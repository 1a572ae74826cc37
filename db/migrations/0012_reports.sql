CREATE TABLE "ai_suggestion_ratings" (
	"suggestion_id" bigint NOT NULL,
	"user_id" uuid NOT NULL,
	"helpful" boolean NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ai_suggestion_ratings_suggestion_id_user_id_pk" PRIMARY KEY("suggestion_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "report_daily" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "report_daily_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"day" date NOT NULL,
	"department_id" uuid,
	"category" text,
	"priority" "priority" NOT NULL,
	"building_id" uuid,
	"assignee_id" uuid,
	"sla_policy_id" uuid,
	"created" integer DEFAULT 0 NOT NULL,
	"resolved" integer DEFAULT 0 NOT NULL,
	"reopened" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "report_daily_key" UNIQUE NULLS NOT DISTINCT("day","department_id","category","priority","building_id","assignee_id","sla_policy_id")
);
--> statement-breakpoint
CREATE TABLE "ticket_facts" (
	"ticket_id" uuid PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"status" "ticket_status" NOT NULL,
	"priority" "priority" NOT NULL,
	"category" text,
	"department_id" uuid,
	"building_id" uuid,
	"assignee_id" uuid,
	"sla_policy_id" uuid,
	"first_responded_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"first_response_ms" bigint,
	"first_response_target_ms" bigint,
	"first_response_met" boolean,
	"first_response_breached" boolean DEFAULT false NOT NULL,
	"first_response_at_risk" boolean DEFAULT false NOT NULL,
	"resolution_ms" bigint,
	"resolution_prior_ms" bigint DEFAULT 0 NOT NULL,
	"resolution_target_ms" bigint,
	"resolution_cycle" integer DEFAULT 1 NOT NULL,
	"resolution_met" boolean,
	"resolution_breached" boolean DEFAULT false NOT NULL,
	"resolution_at_risk" boolean DEFAULT false NOT NULL,
	"paused_ms" bigint DEFAULT 0 NOT NULL,
	"paused_since" timestamp with time zone,
	"reopen_count" integer DEFAULT 0 NOT NULL,
	"escalation_level" integer DEFAULT 0 NOT NULL,
	"held_for_review" boolean DEFAULT false NOT NULL,
	"ai_triaged" boolean DEFAULT false NOT NULL,
	"triage_overridden" boolean DEFAULT false NOT NULL,
	"rating" smallint,
	"rated_at" timestamp with time zone,
	"lifecycle_seq" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_ratings" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "ticket_ratings_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"ticket_id" uuid NOT NULL,
	"cycle" integer NOT NULL,
	"requester_id" uuid NOT NULL,
	"score" smallint NOT NULL,
	"comment" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ticket_ratings_score_range" CHECK ("ticket_ratings"."score" between 1 and 5)
);
--> statement-breakpoint
ALTER TABLE "ai_suggestion_ratings" ADD CONSTRAINT "ai_suggestion_ratings_suggestion_id_ai_suggestions_id_fk" FOREIGN KEY ("suggestion_id") REFERENCES "public"."ai_suggestions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ai_suggestion_ratings" ADD CONSTRAINT "ai_suggestion_ratings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_facts" ADD CONSTRAINT "ticket_facts_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_ratings" ADD CONSTRAINT "ticket_ratings_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ticket_ratings" ADD CONSTRAINT "ticket_ratings_requester_id_users_id_fk" FOREIGN KEY ("requester_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "report_daily_day_idx" ON "report_daily" USING btree ("day");--> statement-breakpoint
CREATE INDEX "ticket_facts_created_idx" ON "ticket_facts" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "ticket_facts_resolved_idx" ON "ticket_facts" USING btree ("resolved_at");--> statement-breakpoint
CREATE INDEX "ticket_facts_assignee_created_idx" ON "ticket_facts" USING btree ("assignee_id","created_at");--> statement-breakpoint
CREATE INDEX "ticket_facts_department_created_idx" ON "ticket_facts" USING btree ("department_id","created_at");--> statement-breakpoint
CREATE INDEX "ticket_facts_open_idx" ON "ticket_facts" USING btree ("created_at") WHERE "ticket_facts"."status" in ('new', 'triaged', 'assigned', 'in_progress', 'waiting_on_customer', 'waiting_on_third_party');--> statement-breakpoint
CREATE UNIQUE INDEX "ticket_ratings_cycle_key" ON "ticket_ratings" USING btree ("ticket_id","cycle");