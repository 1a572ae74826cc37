CREATE TABLE "report_rollup" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "report_rollup_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"day" date NOT NULL,
	"department_id" uuid,
	"category" text,
	"priority" "priority" NOT NULL,
	"building_id" uuid,
	"assignee_id" uuid,
	"sla_policy_id" uuid,
	"tickets" integer DEFAULT 0 NOT NULL,
	"resolved" integer DEFAULT 0 NOT NULL,
	"open" integer DEFAULT 0 NOT NULL,
	"any_breached" integer DEFAULT 0 NOT NULL,
	"fr_total" integer DEFAULT 0 NOT NULL,
	"fr_met" integer DEFAULT 0 NOT NULL,
	"fr_breached" integer DEFAULT 0 NOT NULL,
	"fr_open" integer DEFAULT 0 NOT NULL,
	"fr_at_risk" integer DEFAULT 0 NOT NULL,
	"res_total" integer DEFAULT 0 NOT NULL,
	"res_met" integer DEFAULT 0 NOT NULL,
	"res_breached" integer DEFAULT 0 NOT NULL,
	"res_open" integer DEFAULT 0 NOT NULL,
	"res_at_risk" integer DEFAULT 0 NOT NULL,
	"frt_count" integer DEFAULT 0 NOT NULL,
	"res_count" integer DEFAULT 0 NOT NULL,
	"paused_tickets" integer DEFAULT 0 NOT NULL,
	"paused_ms" bigint DEFAULT 0 NOT NULL,
	"paused_now" integer DEFAULT 0 NOT NULL,
	"paused_since_ms" bigint DEFAULT 0 NOT NULL,
	"reopened_tickets" integer DEFAULT 0 NOT NULL,
	"ever_resolved" integer DEFAULT 0 NOT NULL,
	"held" integer DEFAULT 0 NOT NULL,
	"ai_triaged" integer DEFAULT 0 NOT NULL,
	"overridden" integer DEFAULT 0 NOT NULL,
	"ratings" integer DEFAULT 0 NOT NULL,
	"rating_sum" integer DEFAULT 0 NOT NULL,
	"rating_1" integer DEFAULT 0 NOT NULL,
	"rating_2" integer DEFAULT 0 NOT NULL,
	"rating_3" integer DEFAULT 0 NOT NULL,
	"rating_4" integer DEFAULT 0 NOT NULL,
	"rating_5" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "report_rollup_key" UNIQUE NULLS NOT DISTINCT("day","department_id","category","priority","building_id","assignee_id","sla_policy_id")
);
--> statement-breakpoint
CREATE TABLE "report_rollup_values" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "report_rollup_values_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"day" date NOT NULL,
	"department_id" uuid,
	"assignee_id" uuid,
	"measure" smallint NOT NULL,
	"bucket" integer NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	"sum" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "report_rollup_values_key" UNIQUE NULLS NOT DISTINCT("day","department_id","assignee_id","measure","bucket")
);
--> statement-breakpoint
ALTER TABLE "ticket_facts" ADD COLUMN "report_day" date;--> statement-breakpoint
CREATE INDEX "report_rollup_day_idx" ON "report_rollup" USING btree ("day");--> statement-breakpoint
CREATE INDEX "report_rollup_values_day_idx" ON "report_rollup_values" USING btree ("day","measure");