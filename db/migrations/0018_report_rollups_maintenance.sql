-- The reports' rollups (report_rollup, report_rollup_values) kept by triggers on ticket_facts:
-- every insert, update or delete of a facts row subtracts the row's old contribution and adds its
-- new one in the same transaction, one upsert per table in key order (no deadlocks between two
-- changes moving contributions in opposite directions), so concurrent changes add up exactly.
-- Triggers rather than application code: every writer of ticket_facts (the lifecycle fold, ratings,
-- the building set by the API, the demo seeds) keeps the rollups without knowing about them.
-- drizzle-kit cannot express functions and triggers, hence this custom migration.

-- Log-spaced buckets of business ms: 0 under a second, then eight per doubling of seconds.
CREATE FUNCTION report_duration_bucket(ms bigint) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN ms < 1000 THEN 0 ELSE 1 + floor(ln(ms / 1000.0) / ln(2) * 8)::int END
$$;
--> statement-breakpoint
-- One facts row's contribution to report_rollup (sign -1: subtract it).
CREATE FUNCTION report_rollup_terms(f ticket_facts, sign integer) RETURNS TABLE (day date, department_id uuid, category text, priority priority, building_id uuid, assignee_id uuid, sla_policy_id uuid, tickets integer, resolved integer, open integer, any_breached integer, fr_total integer, fr_met integer, fr_breached integer, fr_open integer, fr_at_risk integer, res_total integer, res_met integer, res_breached integer, res_open integer, res_at_risk integer, frt_count integer, res_count integer, paused_tickets integer, paused_ms bigint, paused_now integer, paused_since_ms bigint, reopened_tickets integer, ever_resolved integer, held integer, ai_triaged integer, overridden integer, ratings integer, rating_sum integer, rating_1 integer, rating_2 integer, rating_3 integer, rating_4 integer, rating_5 integer) LANGUAGE sql STABLE AS $$
  SELECT
    f.report_day,
    f.department_id,
    f.category,
    f.priority,
    f.building_id,
    f.assignee_id,
    f.sla_policy_id,
    sign,
    sign * (f.resolved_at IS NOT NULL)::int,
    sign * (f.status IN ('new', 'triaged', 'assigned', 'in_progress', 'waiting_on_customer', 'waiting_on_third_party'))::int,
    sign * (f.first_response_breached OR f.resolution_breached)::int,
    sign * (f.first_response_target_ms IS NOT NULL)::int,
    sign * coalesce(f.first_response_met, false)::int,
    sign * f.first_response_breached::int,
    sign * (f.first_response_target_ms IS NOT NULL AND f.first_response_met IS NULL AND NOT f.first_response_breached)::int,
    sign * (f.first_response_target_ms IS NOT NULL AND f.first_response_met IS NULL AND NOT f.first_response_breached AND f.first_response_at_risk)::int,
    sign * (f.resolution_target_ms IS NOT NULL)::int,
    sign * coalesce(f.resolution_met, false)::int,
    sign * f.resolution_breached::int,
    sign * (f.resolution_target_ms IS NOT NULL AND f.resolution_met IS NULL AND NOT f.resolution_breached)::int,
    sign * (f.resolution_target_ms IS NOT NULL AND f.resolution_met IS NULL AND NOT f.resolution_breached AND f.resolution_at_risk)::int,
    sign * (f.first_responded_at IS NOT NULL AND f.first_response_ms IS NOT NULL)::int,
    sign * (f.resolved_at IS NOT NULL AND f.resolution_ms IS NOT NULL)::int,
    sign * (f.paused_ms > 0 OR f.paused_since IS NOT NULL)::int,
    sign * f.paused_ms,
    sign * (f.paused_since IS NOT NULL)::int,
    sign * coalesce(floor(extract(epoch FROM f.paused_since) * 1000)::bigint, 0),
    sign * (f.reopen_count > 0)::int,
    sign * (f.resolved_at IS NOT NULL OR f.reopen_count > 0)::int,
    sign * f.held_for_review::int,
    sign * f.ai_triaged::int,
    sign * (f.ai_triaged AND f.triage_overridden)::int,
    sign * (f.rating IS NOT NULL)::int,
    sign * coalesce(f.rating, 0)::int,
    sign * coalesce(f.rating = 1, false)::int,
    sign * coalesce(f.rating = 2, false)::int,
    sign * coalesce(f.rating = 3, false)::int,
    sign * coalesce(f.rating = 4, false)::int,
    sign * coalesce(f.rating = 5, false)::int
$$;
--> statement-breakpoint
-- One facts row's contribution to report_rollup_values: 1 first response time, 2 resolution time (all cycles), 3 escalation level.
CREATE FUNCTION report_rollup_value_terms(f ticket_facts, sign integer) RETURNS TABLE (day date, department_id uuid, assignee_id uuid, measure smallint, bucket integer, count integer, sum bigint) LANGUAGE sql STABLE AS $$
  SELECT f.report_day, f.department_id, f.assignee_id, 1::smallint, report_duration_bucket(f.first_response_ms), sign, sign * f.first_response_ms
    WHERE f.first_responded_at IS NOT NULL AND f.first_response_ms IS NOT NULL
  UNION ALL
  SELECT f.report_day, f.department_id, f.assignee_id, 2::smallint, report_duration_bucket(f.resolution_prior_ms + f.resolution_ms), sign, sign * (f.resolution_prior_ms + f.resolution_ms)
    WHERE f.resolved_at IS NOT NULL AND f.resolution_ms IS NOT NULL
  UNION ALL
  SELECT f.report_day, f.department_id, f.assignee_id, 3::smallint, f.escalation_level, sign, (sign * f.escalation_level)::bigint
    WHERE f.escalation_level > 0
$$;
--> statement-breakpoint
-- The opening day in the organisation's timezone (the default calendar's), fixed at insert.
CREATE FUNCTION ticket_facts_report_day() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    NEW.report_day := coalesce(NEW.report_day, OLD.report_day);
  END IF;
  IF NEW.report_day IS NULL THEN
    NEW.report_day := (NEW.created_at AT TIME ZONE coalesce((SELECT timezone FROM business_calendars WHERE lower(name) = 'office hours' LIMIT 1), 'UTC'))::date;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE FUNCTION ticket_facts_report_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
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
  RETURN NULL;
END
$$;
--> statement-breakpoint
-- Recomputes both rollups from ticket_facts, set-based (the backfill below; the bench's seed; after a change of the organisation's timezone, with report_day reset first).
CREATE FUNCTION report_rollups_rebuild() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOCK TABLE ticket_facts IN SHARE MODE;
  DELETE FROM report_rollup;
  DELETE FROM report_rollup_values;
  INSERT INTO report_rollup (day, department_id, category, priority, building_id, assignee_id, sla_policy_id, tickets, resolved, open, any_breached, fr_total, fr_met, fr_breached, fr_open, fr_at_risk, res_total, res_met, res_breached, res_open, res_at_risk, frt_count, res_count, paused_tickets, paused_ms, paused_now, paused_since_ms, reopened_tickets, ever_resolved, held, ai_triaged, overridden, ratings, rating_sum, rating_1, rating_2, rating_3, rating_4, rating_5)
  SELECT t.day, t.department_id, t.category, t.priority, t.building_id, t.assignee_id, t.sla_policy_id, sum(t.tickets), sum(t.resolved), sum(t.open), sum(t.any_breached), sum(t.fr_total), sum(t.fr_met), sum(t.fr_breached), sum(t.fr_open), sum(t.fr_at_risk), sum(t.res_total), sum(t.res_met), sum(t.res_breached), sum(t.res_open), sum(t.res_at_risk), sum(t.frt_count), sum(t.res_count), sum(t.paused_tickets), sum(t.paused_ms), sum(t.paused_now), sum(t.paused_since_ms), sum(t.reopened_tickets), sum(t.ever_resolved), sum(t.held), sum(t.ai_triaged), sum(t.overridden), sum(t.ratings), sum(t.rating_sum), sum(t.rating_1), sum(t.rating_2), sum(t.rating_3), sum(t.rating_4), sum(t.rating_5)
  FROM ticket_facts f CROSS JOIN LATERAL report_rollup_terms(f, 1) t
  GROUP BY t.day, t.department_id, t.category, t.priority, t.building_id, t.assignee_id, t.sla_policy_id;
  INSERT INTO report_rollup_values (day, department_id, assignee_id, measure, bucket, count, sum)
  SELECT t.day, t.department_id, t.assignee_id, t.measure, t.bucket, sum(t.count), sum(t.sum)
  FROM ticket_facts f CROSS JOIN LATERAL report_rollup_value_terms(f, 1) t
  GROUP BY t.day, t.department_id, t.assignee_id, t.measure, t.bucket;
END
$$;
--> statement-breakpoint
UPDATE ticket_facts SET report_day = (created_at AT TIME ZONE coalesce((SELECT timezone FROM business_calendars WHERE lower(name) = 'office hours' LIMIT 1), 'UTC'))::date WHERE report_day IS NULL;
--> statement-breakpoint
SELECT report_rollups_rebuild();
--> statement-breakpoint
CREATE TRIGGER ticket_facts_report_day BEFORE INSERT OR UPDATE ON ticket_facts FOR EACH ROW EXECUTE FUNCTION ticket_facts_report_day();
--> statement-breakpoint
CREATE TRIGGER ticket_facts_report_rollup AFTER INSERT OR UPDATE OR DELETE ON ticket_facts FOR EACH ROW EXECUTE FUNCTION ticket_facts_report_rollup();
