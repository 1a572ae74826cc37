/**
 * The answer bot's offline answer: the passages of one knowledge-base article that best match a
 * question, quoted as they are. An article's Markdown is cut into blocks (paragraphs, numbered
 * steps, bullet lists, tables, each under its heading); each block is scored by the question's
 * words it contains, rarer words in the article weighing more. The answer is the article's steps
 * (the numbered list that matches best, always whole: a step out of its list is no instruction)
 * and the paragraph or table that matches best, in the article's order. Pure: no I/O.
 */

export type ArticleText = { slug: string; title: string; body: string };

export type ArticleBlock = { kind: 'paragraph' | 'steps' | 'list' | 'table'; text: string; heading: string | null; index: number };

/** The longest extract quoted (a steps list longer than this is still quoted whole). */
const MAX_EXTRACT_CHARS = 2_500;

const STOPWORDS = new Set(
  "a an and are as at be but by can could do does did for from had has have how i if in into is it its me my no not of on or our please should so that the their them then there these they this to up was we what when where which who why will with would you your yours i'm im cant can't dont don't doesnt doesn't get got".split(
    ' ',
  ),
);

/** Lowercase words without stopwords, crudely stemmed so "printing" meets "print" and "passwords" meets "password". */
export function questionTerms(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .split(/[^a-z0-9']+/)
    .map((word) => word.replace(/^'+|'+$/g, ''))
    .filter((word) => word.length > 1 && !STOPWORDS.has(word))
    .map(stem);
}

function stem(word: string): string {
  if (word.length <= 4) return word;
  for (const suffix of ['ing', 'ed', 'es', 's']) {
    if (word.endsWith(suffix) && word.length - suffix.length >= 3) return word.slice(0, -suffix.length);
  }
  return word;
}

const NUMBERED = /^\s*\d+[.)]\s/;
const BULLET = /^\s*[-*+]\s/;
const HEADING = /^#{1,6}\s+(.*)$/;

/** The article's blocks in order; headings are not blocks, they name the blocks under them. */
export function articleBlocks(markdown: string): ArticleBlock[] {
  const blocks: ArticleBlock[] = [];
  let heading: string | null = null;
  let lines: string[] = [];
  const flush = () => {
    const text = lines.join('\n').trim();
    lines = [];
    if (!text) return;
    const first = text.split('\n')[0]!;
    const kind: ArticleBlock['kind'] = NUMBERED.test(first) ? 'steps' : BULLET.test(first) ? 'list' : first.trimStart().startsWith('|') ? 'table' : 'paragraph';
    const previous = blocks.at(-1);
    // A loose list (blank lines between its items) is still one list.
    if (previous && previous.kind === kind && (kind === 'steps' || kind === 'list') && previous.heading === heading) previous.text = `${previous.text}\n${text}`;
    else blocks.push({ kind, text, heading, index: blocks.length });
  };
  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    const title = HEADING.exec(line);
    if (title) {
      flush();
      heading = title[1]!.trim();
    } else if (!line.trim()) flush();
    else lines.push(line);
  }
  flush();
  return blocks;
}

export type Extract = { text: string; blocks: ArticleBlock[] };

/** The parts of `article` that answer `question`: its best steps and best other passage, quoted as written. */
export function extractAnswer(article: ArticleText, question: string): Extract {
  const blocks = articleBlocks(article.body);
  if (blocks.length === 0) return { text: article.title, blocks: [] };
  const terms = [...new Set(questionTerms(question))];
  const blockTerms = blocks.map((block) => new Set(questionTerms(`${block.heading ?? ''} ${block.text}`)));
  const weight = new Map(terms.map((term) => [term, Math.log(1 + blocks.length / (1 + blockTerms.filter((set) => set.has(term)).length))]));
  const score = (i: number) => terms.reduce((sum, term) => sum + (blockTerms[i]!.has(term) ? weight.get(term)! : 0), 0);
  const scored = blocks.map((block, i) => ({ block, score: score(i) }));
  const best = (kinds: ArticleBlock['kind'][]) =>
    scored.filter((s) => kinds.includes(s.block.kind)).reduce<(typeof scored)[number] | null>((top, s) => (top === null || s.score > top.score ? s : top), null);

  const chosen = new Set<ArticleBlock>();
  const steps = best(['steps']);
  if (steps) chosen.add(steps.block);
  const passage = best(['paragraph', 'table', 'list']);
  // The best passage if the question's words are in it, else the article's opening paragraph (what it is about).
  if (passage && passage.score > 0) chosen.add(passage.block);
  else chosen.add(blocks.find((b) => b.kind === 'paragraph') ?? blocks[0]!);
  if (!steps) {
    // No steps: a second passage when the first is short and another matches too.
    const second = scored.filter((s) => !chosen.has(s.block) && s.score > 0).sort((a, b) => b.score - a.score)[0];
    if (second && [...chosen].reduce((n, b) => n + b.text.length, 0) < 600) chosen.add(second.block);
  }

  const ordered = [...chosen].sort((a, b) => a.index - b.index);
  const parts: string[] = [];
  let length = 0;
  for (const block of ordered) {
    const text = block.kind === 'steps' && block.heading ? `${block.heading}:\n${block.text}` : block.text;
    if (length > 0 && length + text.length > MAX_EXTRACT_CHARS && block.kind !== 'steps') continue;
    parts.push(text);
    length += text.length;
  }
  return { text: parts.join('\n\n'), blocks: ordered };
}
