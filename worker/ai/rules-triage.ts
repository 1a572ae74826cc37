/**
 * Rule-based triage: the fallback when no model is available or a model step fails.
 * Department by keywords, priority from the requester's urgency raised by outage words.
 */
import type { Priority } from '../../db/schema/enums';
import type { TriageResult } from '../../workflows/types';

const departmentKeywords: Record<string, RegExp> = {
  hr: /\b(payroll|salary|payslip|leave|vacation|holiday request|benefits?|pension|onboarding|offboarding|contract|hr|sick|parental|recruit\w*|hiring)\b/i,
  facilities: /\b(desk|chair|office|building|heating|air ?con\w*|light(s|ing)?|cleaning|parking|room booking|door|elevator|lift|kitchen|leak\w*)\b/i,
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
