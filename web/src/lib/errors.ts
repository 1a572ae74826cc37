/** What the API said, in the shape forms need: a message, and zod's errors by field (api/trpc.ts errorFormatter). */
import { TRPCClientError } from '@trpc/client';

export type ApiProblem = { message: string; fields: Record<string, string> };

type ZodFlat = { formErrors?: string[]; fieldErrors?: Record<string, string[] | undefined> };

export function apiProblem(error: unknown): ApiProblem {
  if (!(error instanceof TRPCClientError)) return { message: error instanceof Error ? error.message : 'Something went wrong.', fields: {} };
  const data = error.data as { zodError?: ZodFlat | null } | undefined;
  const zod = data?.zodError;
  if (!zod) return { message: networkAware(error.message), fields: {} };
  const fields: Record<string, string> = {};
  for (const [field, messages] of Object.entries(zod.fieldErrors ?? {})) if (messages?.[0]) fields[field] = `${sentenceCase(field)} ${messages[0]}.`;
  const message = zod.formErrors?.[0] ?? 'Some fields need another look.';
  return { message, fields };
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
