/** Escalation chains and lifecycle settings as untrusted input (zod), apart from policy.ts so the workflow bundle never loads zod. */
import { z } from 'zod';
import type { EscalationStep, LifecycleSettings } from '../types';
import { DEFAULT_LIFECYCLE_SETTINGS } from './policy';

export const escalationStepSchema = z
  .object({
    level: z.number().int().min(1, 'level starts at 1').max(9, 'at most 9 levels'),
    target: z.enum(['first_response', 'next_response', 'resolution', 'any']).default('any'),
    trigger: z.union([
      z.object({ atPercent: z.number().int().min(1, 'atPercent must be 1 or more').max(1000, 'atPercent must be at most 1000') }).strict(),
      z
        .object({
          afterBreachMinutes: z
            .number()
            .int()
            .min(1, 'afterBreachMinutes must be 1 or more')
            .max(60 * 24 * 30, 'afterBreachMinutes must be at most 30 days'),
        })
        .strict(),
    ]),
    notify: z
      .array(z.enum(['assignee', 'supervisor', 'escalation_group']))
      .max(3)
      .default([]),
    raisePriority: z.boolean().default(false),
    reassignToEscalationGroup: z.boolean().default(false),
  })
  .refine((s) => s.notify.length > 0 || s.raisePriority || s.reassignToEscalationGroup, { message: 'a step must notify someone, raise the priority or reassign' });

export const escalationChainSchema = z
  .array(escalationStepSchema)
  .max(9)
  .superRefine((steps, ctx) => {
    const seen = new Set<number>();
    steps.forEach((s, i) => {
      if (seen.has(s.level)) ctx.addIssue({ code: 'custom', path: [i, 'level'], message: `level ${s.level} appears twice; each level once` });
      seen.add(s.level);
    });
  });

const _stepMatchesType: z.ZodType<EscalationStep, z.input<typeof escalationStepSchema>> = escalationStepSchema;
void _stepMatchesType;

/** Each setting's rules, without defaults: a partial update names only what changes. */
export const lifecycleSettingsUpdateSchema = z
  .object({
    autoCloseBusinessDays: z.number().int().min(1, 'must be at least 1 business day').max(90, 'must be at most 90 business days'),
    reopenWindowDays: z.number().int().min(0).max(365, 'must be at most 365 days'),
    parentBlocksResolution: z.boolean(),
    triageMinConfidence: z.number().min(0).max(1, 'is a probability between 0 and 1'),
    historyEventBudget: z.number().int().min(200, 'must be at least 200 events').max(40_000, 'must be at most 40,000 events'),
  })
  .partial();

const fields = lifecycleSettingsUpdateSchema.required().shape;
export const lifecycleSettingsSchema = z.object({
  autoCloseBusinessDays: fields.autoCloseBusinessDays.default(DEFAULT_LIFECYCLE_SETTINGS.autoCloseBusinessDays),
  reopenWindowDays: fields.reopenWindowDays.default(DEFAULT_LIFECYCLE_SETTINGS.reopenWindowDays),
  parentBlocksResolution: fields.parentBlocksResolution.default(DEFAULT_LIFECYCLE_SETTINGS.parentBlocksResolution),
  triageMinConfidence: fields.triageMinConfidence.default(DEFAULT_LIFECYCLE_SETTINGS.triageMinConfidence),
  historyEventBudget: fields.historyEventBudget.default(DEFAULT_LIFECYCLE_SETTINGS.historyEventBudget),
});

const _settingsMatchType: z.ZodType<LifecycleSettings, z.input<typeof lifecycleSettingsSchema>> = lifecycleSettingsSchema;
void _settingsMatchType;

/** Stored lifecycle settings as the workflow uses them: a hand-edited row that no longer validates must not stop tickets, so defaults apply. */
export function lifecycleSettingsOrDefaults(stored: unknown): z.infer<typeof lifecycleSettingsSchema> {
  const parsed = lifecycleSettingsSchema.safeParse(stored);
  return parsed.success ? parsed.data : lifecycleSettingsSchema.parse({});
}
