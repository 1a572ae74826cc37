/**
 * Rule-based triage: the fallback when no model is available or a model step fails.
 * Department by keywords, priority from the requester's urgency raised by outage words.
 */
import type { Priority } from '../../domain/vocabulary';
import type { TriageResult } from '../../workflows/types';

/**
 * Words that put a ticket in a department on their own. Kept specific: a ticket's words win over
 * the model's category (worker/activities/ai.ts), so "Office 365" or "leave the meeting" must not
 * send an IT ticket to Facilities or HR.
 */
const departmentKeywords: Record<string, RegExp> = {
  hr: /\b(payroll|salary|salaries|payslips?|pay ?slips?|pension|benefits|parental leave|annual leave|sick leave|maternity|paternity|vacation days|holiday request|leave request|leave balance|onboarding|offboarding|recruit\w*|hiring|employment contract|overtime pay)\b/i,
  facilities:
    /\b(heating|radiators?|air ?con\w*|air conditioning|cleaning|parking|room booking|elevators?|water leak\w*|leaking|toilets?|light ?bulbs?|too (cold|hot) in|freezing in|broken (chair|desk|door|window))\b/i,
};

const outage = /\b(down|outage|cannot work|can't work|no one can|everyone|all users|production|urgent|security|breach|phishing|ransomware)\b/i;

const order: readonly Priority[] = ['low', 'medium', 'high', 'critical'];

export function rulesTriage(input: { title: string; description: string; urgency: Priority }): TriageResult {
  const text = `${input.title}\n${input.description}`;
  const match = Object.entries(departmentKeywords).find(([, pattern]) => pattern.test(text));
  const urgencyIndex = order.indexOf(input.urgency);
  const priority = outage.test(text) ? order[Math.min(urgencyIndex + 1, order.length - 1)]! : input.urgency;
  return {
    departmentSlug: match?.[0] ?? 'it',
    category: null,
    priority,
    confidence: match ? 0.6 : 0.4,
    method: 'rules',
  };
}
