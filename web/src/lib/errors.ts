/** What the API said, in the shape forms need: a message, and zod's errors by field (api/trpc.ts errorFormatter). */
import { TRPCClientError } from '@trpc/client';

/** `issues`: every error with its whole path (escalation.1.trigger.atPercent), for lists whose rows have fields. */
export type ApiProblem = { message: string; fields: Record<string, string>; issues: FieldIssue[] };
export type FieldIssue = { path: (string | number)[]; message: string };

type ZodFlat = { formErrors?: string[]; fieldErrors?: Record<string, string[] | undefined>; issues?: FieldIssue[] };

export function apiProblem(error: unknown): ApiProblem {
  if (!(error instanceof TRPCClientError)) return { message: error instanceof Error ? error.message : 'Something went wrong.', fields: {}, issues: [] };
  const data = error.data as { zodError?: ZodFlat | null } | undefined;
  const zod = data?.zodError;
  if (!zod) return { message: networkAware(error.message), fields: {}, issues: [] };
  const fields: Record<string, string> = {};
  for (const [field, messages] of Object.entries(zod.fieldErrors ?? {})) if (messages?.[0]) fields[field] = `${sentenceCase(field)} ${messages[0]}.`;
  const message = zod.formErrors?.[0] ?? 'Some fields need another look.';
  return { message, fields, issues: zod.issues ?? [] };
}

/**
 * The API's errors under `prefix` (e.g. ['escalation', 1]), by what follows it: '' for the item
 * itself, 'trigger' for escalation.1.trigger and escalation.1.trigger.atPercent. The first error
 * of each, as a sentence.
 */
export function issuesUnder(problem: ApiProblem | null, prefix: (string | number)[]): Record<string, string> {
  const found: Record<string, string> = {};
  for (const issue of problem?.issues ?? []) {
    if (issue.path.length < prefix.length || !prefix.every((key, i) => String(issue.path[i]) === String(key))) continue;
    const rest = issue.path[prefix.length];
    const key = rest === undefined ? '' : String(rest);
    found[key] ??= sentence(issue.message);
  }
  return found;
}

function sentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function networkAware(message: string): string {
  return message === 'Failed to fetch' ? 'The service cannot be reached; check your connection and try again.' : message;
}

function sentenceCase(field: string): string {
  const words = field
    .replace(/Id$/, '')
    .replace(/([A-Z])/g, ' $1')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
