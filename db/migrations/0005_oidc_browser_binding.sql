-- Flows under way have no browser binding: they end, and those people start signing in again.
DELETE FROM "oidc_logins";--> statement-breakpoint
ALTER TABLE "oidc_logins" ADD COLUMN "browser_binding" text NOT NULL;