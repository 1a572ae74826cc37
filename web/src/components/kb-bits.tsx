/** Small pieces of the knowledge-base pages: an article's status and audience badges, and what a CONFLICT from the API means. */
import { TRPCClientError } from '@trpc/client';
import type { ArticleStatus, ArticleVisibility } from '../../../domain/vocabulary';

const statusWords: Record<ArticleStatus, string> = { draft: 'Draft', published: 'Published', archived: 'Archived' };
const statusTone: Record<ArticleStatus, string> = {
  draft: 'bg-amber-100 text-amber-900 dark:bg-amber-900/50 dark:text-amber-100',
  published: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900/50 dark:text-emerald-100',
  archived: 'bg-slate-200 text-slate-800 dark:bg-slate-800 dark:text-slate-100',
};
const badge = 'inline-block rounded-full px-2.5 py-0.5 text-xs font-semibold whitespace-nowrap';

export const visibilityWords: Record<ArticleVisibility, string> = { everyone: 'Everyone', staff: 'Staff only' };
export const articleStatusWords = statusWords;

/** Staff see every article's status and whether requesters can read it; requesters only ever get published 'everyone' articles, so they see no badges. */
export function ArticleBadges({ status, visibility }: { status: ArticleStatus; visibility: ArticleVisibility }) {
  return (
    <span className="inline-flex flex-wrap gap-1.5">
      <span className={`${badge} ${statusTone[status]}`}>{statusWords[status]}</span>
      {visibility === 'staff' && <span className={`${badge} bg-violet-100 text-violet-900 dark:bg-violet-900/50 dark:text-violet-100`}>Staff only</span>}
    </span>
  );
}

/** The API refused a save because someone saved a newer version (kb.update with expectedVersion). */
export function isConflict(error: unknown): boolean {
  if (!(error instanceof TRPCClientError)) return false;
  const data: unknown = error.data;
  return typeof data === 'object' && data !== null && 'code' in data && data.code === 'CONFLICT';
}

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
