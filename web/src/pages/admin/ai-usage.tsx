/**
 * AI usage: per feature, the calls in a period with their tokens, latency (p50/p95), fallbacks to
 * the offline path and failed attempts; and the last 50 calls (admin.ai.usage, from ai_calls).
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { createLazyRoute, Link } from '@tanstack/react-router';
import { useState } from 'react';
import { ControlledSelect, mutedClass, tableClass, tdClass, thClass } from '../../components/controls';
import { Empty, Failed, Loading } from '../../components/states';
import { Time } from '../../components/ticket-bits';
import { trpc, type RouterOutputs } from '../../trpc';

export const Route = createLazyRoute('/_authed/admin/ai')({ component: AiUsage });

type Usage = RouterOutputs['admin']['ai']['usage'];

const HOUR = 60 * 60 * 1000;
const periods = [
  { id: 'day', name: 'Last 24 hours', ms: 24 * HOUR },
  { id: 'week', name: 'Last 7 days', ms: 7 * 24 * HOUR },
  { id: 'month', name: 'Last 30 days', ms: 30 * 24 * HOUR },
] as const;

const featureWords: Record<string, string> = {
  screening: 'Screening',
  triage: 'Triage',
  triage_second_opinion: 'Triage second opinion',
  first_reply: 'First-reply drafts',
  suggest_reply: 'Suggested replies',
  summary: 'Summaries',
  grounded_answer: 'Answer bot',
};
const outcomeWords: Record<string, string> = { ok: 'OK', fallback: 'Offline fallback', error: 'Failed attempt' };
const outcomeTone: Record<string, string> = {
  ok: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-50',
  fallback: 'bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-50',
  error: 'bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-50',
};
const number = new Intl.NumberFormat();

function AiUsage() {
  const [period, setPeriod] = useState<(typeof periods)[number]['id']>('week');
  // Fixed when the period is chosen, so the query's key (and its cache) stays put between renders.
  const [since, setSince] = useState(() => new Date(Date.now() - periods[1].ms));
  const usage = useQuery({ ...trpc.admin.ai.usage.queryOptions({ since }), placeholderData: keepPreviousData });
  return (
    <section aria-labelledby="ai-usage-title" className="flex flex-col gap-6">
      <h1 id="ai-usage-title" className="text-2xl font-bold">
        AI usage
      </h1>
      <p className={mutedClass}>Every AI step, offline or through the model endpoint (AI_BASE_URL): how often, how many tokens, how fast, and how often the offline path had to answer instead.</p>
      <ControlledSelect
        label="Period"
        value={period}
        options={periods.map(({ id, name }) => ({ id, name }))}
        onChange={(id) => {
          const chosen = periods.find((p) => p.id === id) ?? periods[1];
          setPeriod(chosen.id);
          setSince(new Date(Date.now() - chosen.ms));
        }}
        className="w-56"
      />
      {usage.isPending ? (
        <Loading what="AI usage" />
      ) : usage.isError ? (
        <Failed error={usage.error} retry={() => void usage.refetch()} />
      ) : (
        <>
          <Features usage={usage.data} />
          <Recent usage={usage.data} />
        </>
      )}
    </section>
  );
}

function Features({ usage }: { usage: Usage }) {
  if (usage.features.length === 0) return <Empty>No AI calls in this period.</Empty>;
  return (
    <div className="overflow-x-auto">
      <table className={tableClass}>
        <caption className="sr-only">AI calls per feature in the period</caption>
        <thead>
          <tr>
            <th className={thClass}>Feature</th>
            <th className={thClass}>Calls</th>
            <th className={thClass}>Tokens (prompt / completion)</th>
            <th className={thClass}>Latency p50 / p95</th>
            <th className={thClass}>Offline fallbacks</th>
            <th className={thClass}>Failed attempts</th>
          </tr>
        </thead>
        <tbody>
          {usage.features.map((f) => (
            <tr key={f.feature}>
              <td className={tdClass}>{featureWords[f.feature] ?? f.feature}</td>
              <td className={tdClass}>{number.format(f.calls)}</td>
              <td className={tdClass}>
                {number.format(f.promptTokens)} / {number.format(f.completionTokens)}
              </td>
              <td className={tdClass}>
                {number.format(f.p50LatencyMs)} ms / {number.format(f.p95LatencyMs)} ms
              </td>
              <td className={tdClass}>{number.format(f.fallbacks)}</td>
              <td className={tdClass}>{number.format(f.errors)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Recent({ usage }: { usage: Usage }) {
  return (
    <section aria-labelledby="ai-recent-title" className="flex flex-col gap-3">
      <h2 id="ai-recent-title" className="text-lg font-semibold">
        Latest calls
      </h2>
      {usage.recent.length === 0 ? (
        <Empty>No AI calls recorded yet.</Empty>
      ) : (
        <div className="overflow-x-auto">
          <table className={tableClass}>
            <caption className="sr-only">The most recent AI calls, newest first</caption>
            <thead>
              <tr>
                <th className={thClass}>When</th>
                <th className={thClass}>Feature</th>
                <th className={thClass}>Provider</th>
                <th className={thClass}>Ticket</th>
                <th className={thClass}>Tokens</th>
                <th className={thClass}>Latency</th>
                <th className={thClass}>Outcome</th>
              </tr>
            </thead>
            <tbody>
              {usage.recent.map((call) => (
                <tr key={call.id}>
                  <td className={`${tdClass} whitespace-nowrap`}>
                    <Time date={call.createdAt} />
                  </td>
                  <td className={tdClass}>{featureWords[call.feature] ?? call.feature}</td>
                  <td className={tdClass}>
                    {call.provider}
                    {call.model && <span className={`block text-xs ${mutedClass}`}>{call.model}</span>}
                  </td>
                  <td className={tdClass}>
                    {call.ticket ? (
                      <Link to="/tickets/$ticketId" params={{ ticketId: call.ticket.id }} className="underline">
                        #{call.ticket.number}
                      </Link>
                    ) : (
                      <span className={mutedClass}>—</span>
                    )}
                  </td>
                  <td className={tdClass}>
                    {number.format(call.promptTokens)} / {number.format(call.completionTokens)}
                  </td>
                  <td className={tdClass}>{number.format(call.latencyMs)} ms</td>
                  <td className={tdClass}>
                    <span className={`rounded px-1.5 py-0.5 text-xs font-semibold ${outcomeTone[call.outcome] ?? ''}`}>{outcomeWords[call.outcome] ?? call.outcome}</span>
                    {call.error && <span className={`block max-w-xs text-xs break-words ${mutedClass}`}>{call.error}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
