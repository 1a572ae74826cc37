/**
 * The reports dashboard (supervisors and admins; report.summary scopes the figures): charts by
 * recharts with colours from the Okabe–Ito palette (told apart by people with any colour vision),
 * each chart's numbers also as a table and a CSV download. A lazy chunk of its own: requesters
 * never load recharts.
 */
import { useQuery } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi, Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { Empty, Failed, Loading } from '../components/states';
import { trpc, type RouterOutputs } from '../trpc';
import { MyScheduledReports, ScheduleByMail } from './report-schedules';

export const Route = createLazyRoute('/_authed/reports')({ component: Reports });

const route = getRouteApi('/_authed/reports');

type Report = RouterOutputs['report']['summary'];

/** Okabe–Ito: blue, orange, bluish green, vermillion. */
const colours = { created: '#0072B2', resolved: '#009E73', reopened: '#D55E00', backlog: '#E69F00' };
const periods = [7, 30, 90] as const;

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const percent = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 1000) / 10} %`);
const duration = (ms: number | null) => {
  if (ms === null) return '—';
  const minutes = Math.round(ms / 60_000);
  return minutes < 120 ? `${minutes} min` : `${Math.round(minutes / 6) / 10} h`;
};

function Reports() {
  const search = route.useSearch();
  const { days } = search;
  // A fixed period (a scheduled report's mail links here with one), else the last `days` days.
  const to = search.to ?? day(Date.now());
  const from = search.from ?? day(Date.now() - (days - 1) * 86_400_000);
  const interval = (Date.parse(to) - Date.parse(from)) / 86_400_000 >= 31 ? 'week' : 'day';
  const report = useQuery(trpc.report.summary.queryOptions({ from, to, interval }));
  const csv = (section: string) => `/api/exports/report.csv?section=${section}&from=${from}&to=${to}&interval=${interval}`;
  return (
    <section aria-labelledby="reports-title" className="flex flex-col gap-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 id="reports-title" className="text-2xl font-bold">
          Reports
        </h1>
        <nav aria-label="Period" className="flex gap-2">
          {periods.map((d) => (
            <Link
              key={d}
              to="/reports"
              search={{ days: d }}
              activeOptions={{ includeSearch: true }}
              className="rounded-md px-3 py-1.5 text-sm font-medium data-[status=active]:bg-slate-900 data-[status=active]:text-white"
            >
              Last {d} days
            </Link>
          ))}
          <a href={`/api/exports/report.xlsx?from=${from}&to=${to}&interval=${interval}`} className="rounded-md px-3 py-1.5 text-sm font-medium text-indigo-700 underline dark:text-indigo-300">
            Excel workbook
          </a>
        </nav>
        <ScheduleByMail filters={{ interval }} timezone={report.data?.period.timezone ?? 'the organisation’s timezone'} />
      </div>
      {report.isPending ? (
        <Loading what="the reports" />
      ) : report.isError ? (
        <Failed error={report.error} retry={() => void report.refetch()} />
      ) : report.data.volume.created === 0 && report.data.backlog.open === 0 ? (
        <Empty>No tickets in this period yet.</Empty>
      ) : (
        <Dashboard report={report.data} csv={csv} />
      )}
      <MyScheduledReports />
    </section>
  );
}

function Dashboard({ report, csv }: { report: Report; csv: (section: string) => string }) {
  const sla = (['firstResponse', 'resolution'] as const).map((target) => ({ target: target === 'firstResponse' ? 'First response' : 'Resolution', ...report.sla[target] }));
  return (
    <>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {report.period.from} to {report.period.to} ({report.period.timezone});{' '}
        {report.scope === 'all' ? 'every department' : report.scope === 'departments' ? 'the departments you supervise' : 'your tickets'}.
      </p>
      <Panel title="SLA compliance" csv={csv('sla')}>
        <Table
          caption="SLA compliance of the tickets opened in the period"
          header={['Target', 'Met', 'Breached', 'Open', 'At risk', 'Met rate']}
          rows={sla.map((s) => [s.target, s.met, s.breached, s.open, s.atRisk, percent(s.metRate)])}
        />
      </Panel>
      <Panel title="Volume" csv={csv('volume')}>
        <figure aria-label="Tickets opened, resolved and reopened over time" className="h-64">
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={report.volume.series} accessibilityLayer>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="start" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Legend />
              <Line type="monotone" dataKey="created" name="Opened" stroke={colours.created} strokeWidth={2} dot={false} />
              <Line type="monotone" dataKey="resolved" name="Resolved" stroke={colours.resolved} strokeWidth={2} strokeDasharray="6 3" dot={false} />
              <Line type="monotone" dataKey="reopened" name="Reopened" stroke={colours.reopened} strokeWidth={2} strokeDasharray="2 2" dot={false} />
            </LineChart>
          </ResponsiveContainer>
        </figure>
        <NumbersTable caption="Tickets per period" header={['Start', 'Opened', 'Resolved', 'Reopened']} rows={report.volume.series.map((s) => [s.start, s.created, s.resolved, s.reopened])} />
        <p className="text-sm">Reopen rate: {percent(report.volume.reopenRate)}</p>
      </Panel>
      <Panel title="Backlog by age" csv={csv('backlog')}>
        <figure aria-label="Open tickets by age" className="h-56">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={report.backlog.buckets.map((b) => ({ ...b, label: ageWords[b.bucket] }))} accessibilityLayer>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="label" />
              <YAxis allowDecimals={false} />
              <Tooltip />
              <Bar dataKey="count" name="Open tickets" fill={colours.backlog} />
            </BarChart>
          </ResponsiveContainer>
        </figure>
        <NumbersTable caption="Open tickets by age" header={['Age', 'Open tickets']} rows={report.backlog.buckets.map((b) => [ageWords[b.bucket], b.count])} />
      </Panel>
      <Panel title="Times (business hours)" csv={csv('times')}>
        <Table
          caption="First response and resolution times"
          header={['Measure', 'Tickets', 'Median', '90th percentile']}
          rows={[
            ['First response', report.times.firstResponse.count, duration(report.times.firstResponse.p50Ms), duration(report.times.firstResponse.p90Ms)],
            ['Resolution', report.times.resolution.count, duration(report.times.resolution.p50Ms), duration(report.times.resolution.p90Ms)],
            ['Paused (wall clock, average)', report.times.paused.tickets, duration(report.times.paused.averageMs), '—'],
          ]}
        />
      </Panel>
      <Panel title="Agents" csv={csv('agents')}>
        <Table
          caption="Agent performance"
          header={['Agent', 'Tickets', 'Resolved', 'First response (median)', 'Resolution (median)', 'Reopen rate', 'Satisfaction']}
          rows={report.agents.map((a) => [
            a.name,
            a.assigned,
            a.resolved,
            duration(a.firstResponseP50Ms),
            duration(a.resolutionP50Ms),
            percent(a.reopenRate),
            a.satisfaction === null ? '—' : `${a.satisfaction.toFixed(1)} / 5 (${a.ratings})`,
          ])}
        />
      </Panel>
      <Panel title="Departments" csv={csv('departments')}>
        <Table caption="By department" header={['Department', 'Opened', 'Resolved', 'Open', 'Breached']} rows={report.byDepartment.map((d) => [d.name, d.created, d.resolved, d.open, d.breached])} />
      </Panel>
      <Panel title="Quality and satisfaction" csv={csv('quality')}>
        <Table
          caption="Quality"
          header={['Measure', 'Value']}
          rows={[
            ['Held by screening', report.screening.held],
            ['Escalated (any level)', report.escalations.reduce((s, e) => s + e.tickets, 0)],
            ['Triage corrected by agents', `${report.triage.overridden} of ${report.triage.automatic} (${percent(report.triage.overrideRate)})`],
            ['Satisfaction', report.satisfaction.average === null ? '—' : `${report.satisfaction.average.toFixed(2)} / 5 from ${report.satisfaction.count} ratings (${report.satisfaction.low} low)`],
            ['Solved by a knowledge-base article (no ticket filed)', report.deflections === null ? 'Not counted in this view' : report.deflections.count],
          ]}
        />
        {report.deflections && report.deflections.topArticles.length > 0 && (
          <Table caption="Articles that solved requests before a ticket was filed" header={['Article', 'Requests solved']} rows={report.deflections.topArticles.map((a) => [a.title, a.deflections])} />
        )}
      </Panel>
    </>
  );
}

const ageWords = { under_1d: 'Under 1 day', '1_3d': '1–3 days', '3_7d': '3–7 days', '7_30d': '7–30 days', over_30d: 'Over 30 days' } as const;

function Panel({ title, csv, children }: { title: string; csv: string; children: ReactNode }) {
  return (
    <section aria-label={title} className="flex flex-col gap-3 rounded-lg border border-slate-200 p-4 dark:border-slate-800">
      <div className="flex items-baseline justify-between gap-2">
        <h2 className="text-lg font-semibold">{title}</h2>
        <a href={csv} className="text-sm text-indigo-700 underline dark:text-indigo-300">
          Download CSV<span className="sr-only"> of {title}</span>
        </a>
      </div>
      {children}
    </section>
  );
}

type Cell = string | number;

function Table({ caption, header, rows }: { caption: string; header: string[]; rows: Cell[][] }) {
  return (
    // Focusable so a keyboard can scroll a wide table on a phone.
    <div className="overflow-x-auto" tabIndex={0} role="region" aria-label={`${caption} (table)`}>
      <table className="w-full text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {header.map((h) => (
              <th key={h} scope="col" className="border-b border-slate-200 px-2 py-1 font-semibold dark:border-slate-700">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={i}>
              {row.map((cell, j) =>
                j === 0 ? (
                  <th key={j} scope="row" className="px-2 py-1 font-normal">
                    {cell}
                  </th>
                ) : (
                  <td key={j} className="px-2 py-1 tabular-nums">
                    {cell}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A chart's numbers, folded away under the chart (a keyboard and screen-reader way to read it). */
function NumbersTable(props: { caption: string; header: string[]; rows: Cell[][] }) {
  return (
    <details>
      <summary className="cursor-pointer text-sm text-indigo-700 dark:text-indigo-300">Show the numbers</summary>
      <Table {...props} />
    </details>
  );
}
