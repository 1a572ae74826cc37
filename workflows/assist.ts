/**
 * The assistant for staff: a suggested reply or a summary of one ticket, run by the API
 * (`ai.suggestReply`, `ai.summary`) with a short execution timeout. A workflow rather than a
 * direct call, so the model call is an activity like every other: bounded (AI_TIMEOUT_MS inside,
 * the start-to-close timeout around it), retried a little, and answered offline when it fails.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../worker/activities';
import { errorMessage } from './ticket/run';
import type { AssistRequest, AssistResult } from './types';

/** The model activity: it answers offline itself after its second failed model attempt; the third attempt is for the database. */
const model = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumAttempts: 3 },
});

const offline = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumAttempts: 3 },
});

export async function assistWorkflow(request: AssistRequest): Promise<AssistResult> {
  try {
    return await model.assistTicket(request);
  } catch (error) {
    return offline.assistTicketOffline({ ...request, fallbackFrom: errorMessage(error) });
  }
}
