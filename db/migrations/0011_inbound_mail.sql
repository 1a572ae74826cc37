CREATE TYPE "public"."inbound_mail_outcome" AS ENUM('processing', 'ticket_created', 'reply_added', 'reopened', 'follow_up_created', 'ignored_auto_reply', 'ignored_loop', 'bounce_recorded', 'rejected_sender', 'failed');--> statement-breakpoint
CREATE TYPE "public"."inbound_mail_source" AS ENUM('imap', 'push');--> statement-breakpoint
CREATE TABLE "inbound_mail" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "inbound_mail_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"message_id" text NOT NULL,
	"source" "inbound_mail_source" NOT NULL,
	"mailbox" text,
	"sender" text,
	"subject" text,
	"outcome" "inbound_mail_outcome" DEFAULT 'processing' NOT NULL,
	"ticket_id" uuid,
	"comment_id" bigint,
	"follow_up_of_ticket_id" uuid,
	"sender_user_id" uuid,
	"reason" text,
	"raw" "bytea",
	"raw_truncated" boolean DEFAULT false NOT NULL,
	"size" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	CONSTRAINT "inbound_mail_message_id_unique" UNIQUE("message_id")
);
--> statement-breakpoint
CREATE TABLE "mail_address_failures" (
	"address" text PRIMARY KEY NOT NULL,
	"failures" integer DEFAULT 1 NOT NULL,
	"last_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_failed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "inbound_mail" ADD CONSTRAINT "inbound_mail_ticket_id_tickets_id_fk" FOREIGN KEY ("ticket_id") REFERENCES "public"."tickets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_mail" ADD CONSTRAINT "inbound_mail_comment_id_comments_id_fk" FOREIGN KEY ("comment_id") REFERENCES "public"."comments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_mail" ADD CONSTRAINT "inbound_mail_follow_up_of_ticket_id_tickets_id_fk" FOREIGN KEY ("follow_up_of_ticket_id") REFERENCES "public"."tickets"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_mail" ADD CONSTRAINT "inbound_mail_sender_user_id_users_id_fk" FOREIGN KEY ("sender_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "inbound_mail_received_idx" ON "inbound_mail" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "inbound_mail_problems_idx" ON "inbound_mail" USING btree ("created_at","id") WHERE "inbound_mail"."outcome" in ('failed', 'rejected_sender', 'processing');--> statement-breakpoint
CREATE INDEX "inbound_mail_sender_idx" ON "inbound_mail" USING btree ("sender","created_at");