/**
 * Plain rules of the knowledge base that the API, the worker's embedding activity, the demo seed
 * and the benchmarks share: what an article's embedding is computed from, and a summary drawn from
 * a Markdown body.
 */

/**
 * The text an article's sentence embedding is computed from: title, summary, tags, then the body
 * (without the summary again when the body opens with it). The model reads the first 256 word
 * pieces, so what identifies the article comes first.
 */
export function articleEmbeddingText(article: { title: string; summary: string; tags?: readonly string[] | null; body: string }): string {
  const summary = article.summary.trim();
  const body = article.body.trim();
  const rest = summary && body.startsWith(summary) ? body.slice(summary.length).trim() : body;
  const tags = article.tags && article.tags.length > 0 ? article.tags.join(', ') : '';
  return [article.title.trim(), summary, tags, rest].filter(Boolean).join('\n');
}

/** The first paragraph of a Markdown body as plain text, at most `max` characters: a summary when none was written. */
export function summaryFromMarkdown(body: string, max = 300): string {
  const paragraph =
    body
      .split(/\n\s*\n/)
      .map((p) => p.trim())
      .find((p) => p && !p.startsWith('#') && !p.startsWith('|') && !p.startsWith('```')) ?? '';
  const plain = paragraph
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`>]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (plain.length <= max) return plain;
  const cut = plain.slice(0, max);
  const sentence = cut.lastIndexOf('. ');
  return sentence > max / 2 ? cut.slice(0, sentence + 1) : `${cut.slice(0, cut.lastIndexOf(' '))}…`;
}

/** A URL slug from a title: lowercase words joined by hyphens, at most 80 characters. */
export function slugFromTitle(title: string): string {
  return (
    title
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80)
      .replace(/-+$/, '') || 'article'
  );
}

/**
 * Markdown as one line of plain text, at most `max` characters cut at a word: an article's excerpt
 * for a suggestion or for the assistant's prompt (headings, emphasis, links and images reduced to
 * their words; code fences and table rules dropped).
 */
export function plainExcerpt(markdown: string, max = 300): string {
  const plain = markdown
    .replace(/```[^\n]*\n?/g, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s*(#{1,6}|[-*+]|\d+\.|>|\|)\s*/gm, '')
    .replace(/\|[-:\s|]*\|?/g, ' ')
    .replace(/[*_`~]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (plain.length <= max) return plain;
  const cut = plain.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}
