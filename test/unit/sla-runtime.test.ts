/** A ticket's SLA as the workflow drives it (workflows/lifecycle/sla.ts) and how policies are found (workflows/sla/policy.ts). */
import { describe, expect, it } from 'vitest';
import {
  agentReplied,
  clocksRunIn,
  createSla,
  markDone,
  nextDue,
  projection,
  reopened,
  requesterReplied,
  retargetAll,
  stepsFor,
  stopClocks,
  syncClocks,
  thresholdsFor,
} from '../../workflows/lifecycle/sla';
import type { BusinessCalendar } from '../../workflows/sla';
import { builtInPolicy, DEFAULT_LIFECYCLE_SETTINGS, matchPolicy, specificity } from '../../workflows/sla/policy';
import { escalationChainSchema, lifecycleSettingsSchema } from '../../workflows/sla/policy-schema';
import type { EscalationStep, SlaPolicySnapshot } from '../../workflows/types';

const H = 3_600_000;
const t = (iso: string) => Date.parse(iso);
const OFFICE: BusinessCalendar = { timezone: 'UTC', weeklyHours: ([1, 2, 3, 4, 5] as const).map((day) => ({ day, start: '09:00', end: '17:00' })), holidays: [] };
const MON_0900 = t('2024-01-08T09:00:00Z');

const policy = (over: Partial<SlaPolicySnapshot> = {}): SlaPolicySnapshot => ({
  ...builtInPolicy('medium', OFFICE, 'Office'),
  escalation: [],
  ...over,
});

describe('a ticket’s SLA', () => {
  it('starts first response and resolution; next response waits for the first requester reply after the first response', () => {
    let sla = createSla(policy(), 1, MON_0900, 'new');
    expect(sla.clocks.next_response).toBeNull();
    expect(nextDue(sla, MON_0900)).toEqual({ type: 'threshold', target: 'first_response', cycle: 1, percent: 80, dueAt: t('2024-01-08T12:12:00Z') });
    sla = requesterReplied(sla, t('2024-01-08T10:00:00Z'), 'assigned'); // before any agent reply: first response still runs
    expect(sla.clocks.next_response).toBeNull();
    sla = agentReplied(sla, t('2024-01-08T10:30:00Z'));
    expect(projection(sla, t('2024-01-08T10:30:00Z'), 'assigned')).toMatchObject({ responseDueAt: null, slaState: 'on_track' });
    sla = requesterReplied(sla, t('2024-01-08T11:00:00Z'), 'assigned');
    expect(projection(sla, t('2024-01-08T11:00:00Z'), 'assigned').responseDueAt).toBe(t('2024-01-08T15:00:00Z'));
    // A second requester reply before the agent answered does not restart it.
    const again = requesterReplied(sla, t('2024-01-08T12:00:00Z'), 'assigned');
    expect(again.clocks.next_response).toEqual(sla.clocks.next_response);
    sla = agentReplied(sla, t('2024-01-08T13:00:00Z'));
    sla = requesterReplied(sla, t('2024-01-08T16:00:00Z'), 'assigned');
    expect(sla.clocks.next_response?.cycle).toBe(2);
  });

  it('pauses in the policy’s paused statuses and resumes out of them; a reply in a paused status starts paused', () => {
    let sla = createSla(policy(), 1, MON_0900, 'assigned');
    sla = syncClocks(sla, 'waiting_on_customer', t('2024-01-08T10:00:00Z'));
    expect(projection(sla, t('2024-01-08T12:00:00Z'), 'waiting_on_customer')).toEqual({ slaState: 'paused', responseDueAt: null, resolutionDueAt: null, nextDueAt: null });
    expect(nextDue(sla, t('2024-01-08T12:00:00Z'))).toBeNull();
    sla = syncClocks(sla, 'in_progress', t('2024-01-09T09:00:00Z'));
    expect(projection(sla, t('2024-01-09T09:00:00Z'), 'in_progress').responseDueAt).toBe(t('2024-01-09T12:00:00Z'));
    expect(clocksRunIn(policy(), 'waiting_on_third_party')).toBe(false);
    expect(clocksRunIn(policy({ pausedStatuses: [] }), 'waiting_on_third_party')).toBe(true);
    expect(clocksRunIn(policy(), 'resolved')).toBe(false);
  });

  it('is met when stopped in time, breached once a breach fired, and a reopen starts a new resolution cycle', () => {
    let sla = createSla(policy(), 1, MON_0900, 'assigned');
    sla = stopClocks(sla, t('2024-01-08T10:00:00Z'), ['first_response', 'next_response', 'resolution']);
    expect(projection(sla, t('2024-01-08T10:00:00Z'), 'resolved').slaState).toBe('met');
    sla = reopened(sla, t('2024-01-09T09:00:00Z'), 'assigned');
    expect(sla.clocks.resolution).toMatchObject({ cycle: 2, accruedMs: 0, runningSince: t('2024-01-09T09:00:00Z') });
    expect(sla.clocks.first_response.stoppedAt).toBeDefined();
  });

  it('retargets every clock from the accrued business time under the new policy, switching calendars cleanly', () => {
    let sla = createSla(policy(), 1, MON_0900, 'assigned'); // medium: 4 h / 24 h
    const stricter = policy({ name: 'high', targets: { firstResponseMs: 1 * H, nextResponseMs: 1 * H, resolutionMs: 8 * H }, calendar: { ...OFFICE, timezone: 'Europe/Paris' } });
    sla = retargetAll(sla, stricter, 2, t('2024-01-08T09:30:00Z'), 'assigned');
    expect(sla.clocks.first_response).toMatchObject({ targetMs: 1 * H, accruedMs: 0.5 * H });
    // 30 min left, from 09:30 UTC = 10:30 Paris, inside Paris hours.
    expect(projection(sla, t('2024-01-08T09:30:00Z'), 'assigned').responseDueAt).toBe(t('2024-01-08T10:00:00Z'));
    expect(sla.configVersion).toBe(2);
  });

  it('adds the escalation chain’s percentages to the clocks and starts post-breach timers from the breach’s due time', () => {
    const chain: EscalationStep[] = [
      { level: 1, target: 'resolution', trigger: { atPercent: 50 }, notify: ['assignee'], raisePriority: false, reassignToEscalationGroup: false },
      { level: 2, target: 'any', trigger: { atPercent: 100 }, notify: ['supervisor'], raisePriority: true, reassignToEscalationGroup: false },
      { level: 3, target: 'resolution', trigger: { afterBreachMinutes: 60 }, notify: ['escalation_group'], raisePriority: false, reassignToEscalationGroup: true },
    ];
    const p = policy({ escalation: chain, targets: { firstResponseMs: 8 * H, nextResponseMs: 8 * H, resolutionMs: 2 * H } });
    expect(thresholdsFor(p, 'resolution')).toEqual([50, 80, 100]);
    expect(thresholdsFor(p, 'first_response')).toEqual([80, 100]);
    let sla = createSla(p, 1, MON_0900, 'assigned');
    const late = t('2024-01-08T11:10:00Z'); // the worker was away: 50 %, 80 % and 100 % of resolution are all due
    const fired: string[] = [];
    for (let item = nextDue(sla, late); item && item.dueAt <= late; item = nextDue(sla, late)) {
      fired.push(`${item.type} ${item.target} ${'percent' in item ? item.percent : item.level} ${stepsFor(p, item, 0).map((s) => s.level)}`);
      sla = markDone(sla, item, 'assigned', late);
    }
    expect(fired).toEqual(['threshold resolution 50 1', 'threshold resolution 80 ', 'threshold resolution 100 2']);
    expect(stepsFor(p, { type: 'threshold', target: 'resolution', cycle: 1, percent: 100, dueAt: 0 }, 2)).toEqual([]); // level 2 already reached
    expect(sla.escalationTimers).toHaveLength(1);
    expect(nextDue(sla, late)).toMatchObject({ type: 'escalation', level: 3, dueAt: t('2024-01-08T12:00:00Z') });
    // The timer pauses with the ticket, and goes away when the resolution clock stops.
    sla = syncClocks(sla, 'waiting_on_customer', t('2024-01-08T11:30:00Z'));
    sla = syncClocks(sla, 'in_progress', t('2024-01-08T12:30:00Z'));
    expect(nextDue(sla, t('2024-01-08T12:30:00Z'))).toMatchObject({ type: 'escalation', dueAt: t('2024-01-08T13:00:00Z') });
    expect(stopClocks(sla, t('2024-01-08T12:40:00Z'), ['resolution']).escalationTimers).toEqual([]);
  });
});

describe('policy matching', () => {
  const row = (name: string, over: Partial<{ priority: 'low' | 'medium' | 'high' | 'critical' | null; departmentId: string | null; category: string | null; requesterGroup: string | null }>) => ({
    name,
    priority: null,
    departmentId: null,
    category: null,
    requesterGroup: null,
    ...over,
  });
  const policies = [
    row('any high', { priority: 'high' }),
    row('IT', { departmentId: 'it' }),
    row('IT high', { departmentId: 'it', priority: 'high' }),
    row('VIP', { requesterGroup: 'vip' }),
    row('IT hardware', { departmentId: 'it', category: 'Hardware' }),
  ];

  it('picks the most specific matching policy; a group beats a category beats a department beats a priority', () => {
    expect(matchPolicy(policies, { priority: 'high', departmentId: 'it', category: null, requesterGroups: [] })?.name).toBe('IT high');
    expect(matchPolicy(policies, { priority: 'high', departmentId: 'it', category: 'hardware', requesterGroups: [] })?.name).toBe('IT hardware');
    expect(matchPolicy(policies, { priority: 'low', departmentId: 'hr', category: null, requesterGroups: ['VIP'] })?.name).toBe('VIP');
    expect(matchPolicy(policies, { priority: 'low', departmentId: 'hr', category: null, requesterGroups: [] })).toBeNull();
    expect(specificity(row('g', { requesterGroup: 'x' }))).toBeGreaterThan(specificity(row('c', { category: 'x' })));
    expect(specificity(row('d+p', { departmentId: 'x', priority: 'low' }))).toBeGreaterThan(specificity(row('g', { requesterGroup: 'x' })));
  });

  it('falls back to the built-in business-time defaults: critical 15 min / 4 h … low 8 h / 72 h', () => {
    expect(builtInPolicy('critical').targets).toEqual({ firstResponseMs: 0.25 * H, nextResponseMs: 0.25 * H, resolutionMs: 4 * H });
    expect(builtInPolicy('low').targets).toEqual({ firstResponseMs: 8 * H, nextResponseMs: 8 * H, resolutionMs: 72 * H });
    expect(builtInPolicy('medium').pausedStatuses).toEqual(['waiting_on_customer', 'waiting_on_third_party']);
    expect(builtInPolicy('high').escalation.map((s) => s.level)).toEqual([1, 2, 3]);
  });

  it('validates escalation chains and lifecycle settings with clear messages', () => {
    const bad = escalationChainSchema.safeParse([
      { level: 1, trigger: { atPercent: 80 }, notify: ['assignee'] },
      { level: 1, trigger: { afterBreachMinutes: 0 }, notify: [] },
    ]);
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual(
      expect.arrayContaining([
        '1.trigger.afterBreachMinutes: afterBreachMinutes must be 1 or more',
        '1: a step must notify someone, raise the priority or reassign',
        '1.level: level 1 appears twice; each level once',
      ]),
    );
    expect(lifecycleSettingsSchema.parse({})).toEqual({ autoCloseBusinessDays: 5, reopenWindowDays: 14, parentBlocksResolution: true, triageMinConfidence: 0.5, historyEventBudget: 2000 });
    expect(lifecycleSettingsSchema.parse({})).toEqual(DEFAULT_LIFECYCLE_SETTINGS);
    expect(lifecycleSettingsSchema.safeParse({ triageMinConfidence: 2 }).error?.issues[0]?.message).toBe('is a probability between 0 and 1');
  });
});
