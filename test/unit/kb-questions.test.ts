/** The knowledge-base evaluation questions (scripts/eval/kb-questions.json) are fair to the starter articles. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { starterArticles } from '../../db/demo/knowledge-base';

type KbQuestion = { question: string; expected: string[] };

const questions = JSON.parse(readFileSync(new URL('../../scripts/eval/kb-questions.json', import.meta.url), 'utf8')) as KbQuestion[];
const bySlug = new Map(starterArticles.map((a) => [a.slug, a]));
const everyoneArticles = starterArticles.filter((a) => a.visibility === 'everyone');

describe('knowledge-base evaluation questions', () => {
  it('has at least 160 distinct questions, about 10 of them unanswerable by the knowledge base', () => {
    expect(questions.length).toBeGreaterThanOrEqual(160);
    expect(new Set(questions.map((q) => q.question.toLowerCase())).size).toBe(questions.length);
    const unanswerable = questions.filter((q) => q.expected.length === 0);
    expect(unanswerable.length).toBeGreaterThanOrEqual(8);
    expect(unanswerable.length).toBeLessThanOrEqual(15);
  });

  it('expects only articles that exist and that requesters can see', () => {
    for (const { question, expected } of questions) {
      expect(expected.length, question).toBeLessThanOrEqual(2);
      expect(new Set(expected).size, question).toBe(expected.length);
      for (const slug of expected) {
        expect(bySlug.has(slug), `${question} -> ${slug}`).toBe(true);
        expect(bySlug.get(slug)?.visibility, `${question} -> ${slug}`).toBe('everyone');
      }
    }
  });

  it('asks about every article visible to everyone at least three times', () => {
    for (const article of everyoneArticles) {
      const asked = questions.filter((q) => q.expected.includes(article.slug)).length;
      expect(asked, article.slug).toBeGreaterThanOrEqual(3);
    }
  });

  it("uses the requesters' own words, never an article's title", () => {
    for (const { question } of questions) {
      for (const { title } of starterArticles) expect(question.toLowerCase(), title).not.toContain(title.toLowerCase());
    }
  });
});
