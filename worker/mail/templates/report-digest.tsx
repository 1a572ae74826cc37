import { Button, Link, Section, Text } from '@react-email/components';
import type { MailData, ReportFigure } from '../../../domain/mail';
import { buttonStyle, Layout, type MailContext } from './layout';

type Data = MailData['report_digest'];

const periodWord = (data: Data) => (data.period.kind === 'weekly' ? 'Weekly' : 'Monthly');
const scopeWords: Record<Data['scope'], string> = { all: 'the whole desk', departments: 'the departments you supervise', own: 'your tickets' };

export const reportDigestSubject = (data: Data) => `${periodWord(data)} Deskflow report, ${data.period.from} to ${data.period.to}`;

/** A figure as people read it: counts as numbers, rates as percentages, business durations in hours and minutes. */
export function formatFigure(figure: ReportFigure): string {
  if (figure.value === null) return '—';
  if (figure.unit === 'rate') return `${(figure.value * 100).toFixed(1)} %`;
  if (figure.unit === 'duration') {
    const minutes = Math.round(figure.value / 60_000);
    return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  }
  return figure.value.toLocaleString('en-US');
}

const cell = { padding: '4px 8px', borderBottom: '1px solid #e5e7eb', textAlign: 'left' as const };

/** A scheduled report: the period's headline figures as a table, the report page with the same filters, and the export when asked for. */
export function ReportDigestMail({ data, ctx }: { data: Data; ctx: MailContext }) {
  return (
    <Layout preview={`Your ${data.period.kind} report for ${data.period.from} to ${data.period.to}`} ctx={ctx}>
      <Text>Hello {data.name},</Text>
      <Text>
        Here is your {data.period.kind} report for {data.period.from} to {data.period.to} ({data.period.timezone}), covering {scopeWords[data.scope]}.
      </Text>
      <Section>
        <table className="data" style={{ borderCollapse: 'collapse', width: '100%' }}>
          <caption style={{ textAlign: 'left', fontWeight: 'bold', paddingBottom: '4px' }}>Headline figures</caption>
          <thead>
            <tr>
              <th scope="col" style={cell}>
                Figure
              </th>
              <th scope="col" style={cell}>
                Value
              </th>
            </tr>
          </thead>
          <tbody>
            {data.figures.map((figure) => (
              <tr key={figure.key}>
                <th scope="row" style={{ ...cell, fontWeight: 'normal' }}>
                  {figure.label}
                </th>
                <td style={cell}>{formatFigure(figure)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Button href={ctx.url(data.link)} style={buttonStyle}>
        Open the full report
      </Button>
      {data.download ? (
        <Text>
          <Link href={ctx.url(data.download.link)}>{data.download.label}</Link> (sign in first).
        </Text>
      ) : null}
      <Text style={{ fontSize: '12px', color: '#6b7280' }}>You asked for this report on the reports page, where you can pause or delete it.</Text>
    </Layout>
  );
}
