/** The answer bot's offline answer (api/assistant/extract.ts): which passages of an article it quotes, and that steps stay whole. */
import { describe, expect, it } from 'vitest';
import { articleBlocks, extractAnswer } from '../../api/assistant/extract';
import { starterArticles } from '../../db/demo/knowledge-base';

const article = (slug: string) => starterArticles.find((a) => a.slug === slug)!;

describe('the extractive answer', () => {
  it('cuts Markdown into paragraphs, steps, lists and tables under their headings, a loose list staying one list', () => {
    const blocks = articleBlocks('Intro line.\n\n## Steps\n\n1. One.\n\n2. Two,\n   continued.\n\n| a | b |\n|---|---|\n\n## More\n\n- x\n- y');
    expect(blocks.map((b) => [b.kind, b.heading])).toEqual([
      ['paragraph', null],
      ['steps', 'Steps'],
      ['table', 'Steps'],
      ['list', 'More'],
    ]);
    expect(blocks[1]!.text).toBe('1. One.\n2. Two,\n   continued.');
  });

  it("quotes an article's numbered steps whole and in order, with the passage that matches the question", () => {
    const { text } = extractAnswer(article('vpn-will-not-connect'), 'globalprotect says authentication failed when working from home');
    const steps = text.split('\n').filter((line) => /^\d+\. /.test(line));
    expect(steps.map((s) => s.split('.')[0])).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(text).toContain('Steps:\n1. Check that ordinary websites load.');
    // Not the whole article: the part about what to put in a ticket is left out.
    expect(text).not.toContain('short-lived web access link');
  });

  it('picks the table row a question is about when it matches better than the opening paragraph', () => {
    const { text } = extractAnswer(article('reset-password-and-mfa'), 'the codes from my authenticator are always rejected');
    expect(text).toContain('Codes are always rejected');
    expect(text).toContain('1. Open `https://passwords.intranet.example`');
  });
});
