/**
 * How the ticket workflow refuses a lifecycle change: an ApplicationFailure whose type the API
 * maps to a tRPC code (api/lifecycle/errors.ts). Thrown by update validators (nothing reaches
 * history) and by handlers when a check needs the database.
 */
import { ApplicationFailure } from '@temporalio/common';

export const lifecycleFailureTypes = {
  /** The move is not possible from the current status; the message names the allowed ones. → BAD_REQUEST */
  illegalTransition: 'IllegalTransition',
  /** The actor's role or scope does not allow it. → FORBIDDEN */
  forbidden: 'Forbidden',
  /** The request names something unusable (an assignee outside the department, a missing ticket). → BAD_REQUEST */
  invalidInput: 'InvalidInput',
} as const;

export type LifecycleFailureType = (typeof lifecycleFailureTypes)[keyof typeof lifecycleFailureTypes];

export type IllegalTransitionDetails = { status: string; allowed: string[] };

export function lifecycleFailure(type: LifecycleFailureType, message: string, details?: IllegalTransitionDetails): ApplicationFailure {
  return ApplicationFailure.create({ type, message, nonRetryable: true, details: details ? [details] : undefined });
}
