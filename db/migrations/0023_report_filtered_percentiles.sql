CREATE TABLE "report_rollup_values_by_priority" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "report_rollup_values_by_priority_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"day" date NOT NULL,
	"department_id" uuid,
	"assignee_id" uuid,
	"priority" "priority" NOT NULL,
	"measure" smallint NOT NULL,
	"bucket" integer NOT NULL,
	"count" integer DEFAULT 0 NOT NULL,
	"sum" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "report_rollup_values_by_priority_key" UNIQUE NULLS NOT DISTINCT("day","department_id","assignee_id","priority","measure","bucket")
);
--> statement-breakpoint
CREATE INDEX "report_rollup_values_by_priority_day_idx" ON "report_rollup_values_by_priority" USING btree ("day","measure","priority");--> statement-breakpoint
CREATE INDEX "ticket_facts_category_created_idx" ON "ticket_facts" USING btree (lower("category"),"created_at");--> statement-breakpoint
CREATE INDEX "ticket_facts_building_created_idx" ON "ticket_facts" USING btree ("building_id","created_at");--> statement-breakpoint
CREATE INDEX "ticket_facts_policy_created_idx" ON "ticket_facts" USING btree ("sla_policy_id","created_at");
--> statement-breakpoint
-- The distributions per priority as well (report_rollup_values_by_priority): the same terms with the ticket's priority.
CREATE FUNCTION report_rollup_priority_value_terms(f ticket_facts, sign integer) RETURNS TABLE (day date, department_id uuid, assignee_id uuid, priority priority, measure smallint, bucket integer, count integer, sum bigint) LANGUAGE sql STABLE AS $$
  SELECT t.day, t.department_id, t.assignee_id, f.priority, t.measure, t.bucket, t.count, t.sum FROM report_rollup_value_terms(f, sign) t
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION ticket_facts_report_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A change that alters no counted figure (most clock updates of a running ticket) touches no rollup row.
  IF TG_OP <> 'UPDATE' OR (SELECT row(t.*) FROM report_rollup_terms(OLD, 1) t) IS DISTINCT FROM (SELECT row(t.*) FROM report_rollup_terms(NEW, 1) t) THEN
    INSERT INTO report_rollup AS r (day, department_id, category, priority, building_id, assignee_id, sla_policy_id, tickets, resolved, open, any_breached, fr_total, fr_met, fr_breached, fr_open, fr_at_risk, res_total, res_met, res_breached, res_open, res_at_risk, frt_count, res_count, paused_tickets, paused_ms, paused_now, paused_since_ms, reopened_tickets, ever_resolved, held, ai_triaged, overridden, ratings, rating_sum, rating_1, rating_2, rating_3, rating_4, rating_5)
    SELECT t.day, t.department_id, t.category, t.priority, t.building_id, t.assignee_id, t.sla_policy_id, sum(t.tickets), sum(t.resolved), sum(t.open), sum(t.any_breached), sum(t.fr_total), sum(t.fr_met), sum(t.fr_breached), sum(t.fr_open), sum(t.fr_at_risk), sum(t.res_total), sum(t.res_met), sum(t.res_breached), sum(t.res_open), sum(t.res_at_risk), sum(t.frt_count), sum(t.res_count), sum(t.paused_tickets), sum(t.paused_ms), sum(t.paused_now), sum(t.paused_since_ms), sum(t.reopened_tickets), sum(t.ever_resolved), sum(t.held), sum(t.ai_triaged), sum(t.overridden), sum(t.ratings), sum(t.rating_sum), sum(t.rating_1), sum(t.rating_2), sum(t.rating_3), sum(t.rating_4), sum(t.rating_5)
    FROM (
      SELECT * FROM report_rollup_terms(OLD, -1) WHERE TG_OP <> 'INSERT'
      UNION ALL
      SELECT * FROM report_rollup_terms(NEW, 1) WHERE TG_OP <> 'DELETE'
    ) t
    GROUP BY t.day, t.department_id, t.category, t.priority, t.building_id, t.assignee_id, t.sla_policy_id
    ORDER BY t.day, t.department_id, t.category, t.priority, t.building_id, t.assignee_id, t.sla_policy_id
    ON CONFLICT ON CONSTRAINT report_rollup_key DO UPDATE SET
      tickets = r.tickets + excluded.tickets,
      resolved = r.resolved + excluded.resolved,
      open = r.open + excluded.open,
      any_breached = r.any_breached + excluded.any_breached,
      fr_total = r.fr_total + excluded.fr_total,
      fr_met = r.fr_met + excluded.fr_met,
      fr_breached = r.fr_breached + excluded.fr_breached,
      fr_open = r.fr_open + excluded.fr_open,
      fr_at_risk = r.fr_at_risk + excluded.fr_at_risk,
      res_total = r.res_total + excluded.res_total,
      res_met = r.res_met + excluded.res_met,
      res_breached = r.res_breached + excluded.res_breached,
      res_open = r.res_open + excluded.res_open,
      res_at_risk = r.res_at_risk + excluded.res_at_risk,
      frt_count = r.frt_count + excluded.frt_count,
      res_count = r.res_count + excluded.res_count,
      paused_tickets = r.paused_tickets + excluded.paused_tickets,
      paused_ms = r.paused_ms + excluded.paused_ms,
      paused_now = r.paused_now + excluded.paused_now,
      paused_since_ms = r.paused_since_ms + excluded.paused_since_ms,
      reopened_tickets = r.reopened_tickets + excluded.reopened_tickets,
      ever_resolved = r.ever_resolved + excluded.ever_resolved,
      held = r.held + excluded.held,
      ai_triaged = r.ai_triaged + excluded.ai_triaged,
      overridden = r.overridden + excluded.overridden,
      ratings = r.ratings + excluded.ratings,
      rating_sum = r.rating_sum + excluded.rating_sum,
      rating_1 = r.rating_1 + excluded.rating_1,
      rating_2 = r.rating_2 + excluded.rating_2,
      rating_3 = r.rating_3 + excluded.rating_3,
      rating_4 = r.rating_4 + excluded.rating_4,
      rating_5 = r.rating_5 + excluded.rating_5;
  END IF;
  INSERT INTO report_rollup_values AS v (day, department_id, assignee_id, measure, bucket, count, sum)
  SELECT t.day, t.department_id, t.assignee_id, t.measure, t.bucket, sum(t.count), sum(t.sum)
  FROM (
    SELECT * FROM report_rollup_value_terms(OLD, -1) WHERE TG_OP <> 'INSERT'
    UNION ALL
    SELECT * FROM report_rollup_value_terms(NEW, 1) WHERE TG_OP <> 'DELETE'
  ) t
  GROUP BY t.day, t.department_id, t.assignee_id, t.measure, t.bucket
  HAVING sum(t.count) <> 0 OR sum(t.sum) <> 0
  ORDER BY t.day, t.department_id, t.assignee_id, t.measure, t.bucket
  ON CONFLICT ON CONSTRAINT report_rollup_values_key DO UPDATE SET count = v.count + excluded.count, sum = v.sum + excluded.sum;
  INSERT INTO report_rollup_values_by_priority AS v (day, department_id, assignee_id, priority, measure, bucket, count, sum)
  SELECT t.day, t.department_id, t.assignee_id, t.priority, t.measure, t.bucket, sum(t.count), sum(t.sum)
  FROM (
    SELECT * FROM report_rollup_priority_value_terms(OLD, -1) WHERE TG_OP <> 'INSERT'
    UNION ALL
    SELECT * FROM report_rollup_priority_value_terms(NEW, 1) WHERE TG_OP <> 'DELETE'
  ) t
  GROUP BY t.day, t.department_id, t.assignee_id, t.priority, t.measure, t.bucket
  HAVING sum(t.count) <> 0 OR sum(t.sum) <> 0
  ORDER BY t.day, t.department_id, t.assignee_id, t.priority, t.measure, t.bucket
  ON CONFLICT ON CONSTRAINT report_rollup_values_by_priority_key DO UPDATE SET count = v.count + excluded.count, sum = v.sum + excluded.sum;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION report_rollups_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE ticket_facts IN SHARE MODE;
  DELETE FROM report_rollup;
  DELETE FROM report_rollup_values;
  DELETE FROM report_rollup_values_by_priority;
  INSERT INTO report_rollup (day, department_id, category, priority, building_id, assignee_id, sla_policy_id, tickets, resolved, open, any_breached, fr_total, fr_met, fr_breached, fr_open, fr_at_risk, res_total, res_met, res_breached, res_open, res_at_risk, frt_count, res_count, paused_tickets, paused_ms, paused_now, paused_since_ms, reopened_tickets, ever_resolved, held, ai_triaged, overridden, ratings, rating_sum, rating_1, rating_2, rating_3, rating_4, rating_5)
  SELECT t.day, t.department_id, t.category, t.priority, t.building_id, t.assignee_id, t.sla_policy_id, sum(t.tickets), sum(t.resolved), sum(t.open), sum(t.any_breached), sum(t.fr_total), sum(t.fr_met), sum(t.fr_breached), sum(t.fr_open), sum(t.fr_at_risk), sum(t.res_total), sum(t.res_met), sum(t.res_breached), sum(t.res_open), sum(t.res_at_risk), sum(t.frt_count), sum(t.res_count), sum(t.paused_tickets), sum(t.paused_ms), sum(t.paused_now), sum(t.paused_since_ms), sum(t.reopened_tickets), sum(t.ever_resolved), sum(t.held), sum(t.ai_triaged), sum(t.overridden), sum(t.ratings), sum(t.rating_sum), sum(t.rating_1), sum(t.rating_2), sum(t.rating_3), sum(t.rating_4), sum(t.rating_5)
  FROM ticket_facts f CROSS JOIN LATERAL report_rollup_terms(f, 1) t
  GROUP BY t.day, t.department_id, t.category, t.priority, t.building_id, t.assignee_id, t.sla_policy_id;
  INSERT INTO report_rollup_values (day, department_id, assignee_id, measure, bucket, count, sum)
  SELECT t.day, t.department_id, t.assignee_id, t.measure, t.bucket, sum(t.count), sum(t.sum)
  FROM ticket_facts f CROSS JOIN LATERAL report_rollup_value_terms(f, 1) t
  GROUP BY t.day, t.department_id, t.assignee_id, t.measure, t.bucket;
  INSERT INTO report_rollup_values_by_priority (day, department_id, assignee_id, priority, measure, bucket, count, sum)
  SELECT t.day, t.department_id, t.assignee_id, t.priority, t.measure, t.bucket, sum(t.count), sum(t.sum)
  FROM ticket_facts f CROSS JOIN LATERAL report_rollup_priority_value_terms(f, 1) t
  GROUP BY t.day, t.department_id, t.assignee_id, t.priority, t.measure, t.bucket;
END
$$;
--> statement-breakpoint
INSERT INTO report_rollup_values_by_priority (day, department_id, assignee_id, priority, measure, bucket, count, sum)
SELECT t.day, t.department_id, t.assignee_id, t.priority, t.measure, t.bucket, sum(t.count), sum(t.sum)
FROM ticket_facts f CROSS JOIN LATERAL report_rollup_priority_value_terms(f, 1) t
GROUP BY t.day, t.department_id, t.assignee_id, t.priority, t.measure, t.bucket;
