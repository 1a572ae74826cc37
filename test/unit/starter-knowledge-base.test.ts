/** The starter knowledge base reads like a knowledge base: every article has the same shape a requester can follow. */
import { describe, expect, it } from 'vitest';
import { starterArticles } from '../../db/demo/knowledge-base';
import { demoDepartments } from '../../db/seed';

const words = (markdown: string) => markdown.split(/\s+/).filter(Boolean).length;

describe('starter knowledge base', () => {
  it('has 40 articles with unique kebab-case slugs and unique titles', () => {
    expect(starterArticles).toHaveLength(40);
    const slugs = starterArticles.map((a) => a.slug);
    expect(new Set(slugs).size).toBe(slugs.length);
    for (const slug of slugs) expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(new Set(starterArticles.map((a) => a.title.toLowerCase())).size).toBe(40);
  });

  it('covers every demo department, with a handful of categories each', () => {
    for (const { slug } of demoDepartments) {
      const articles = starterArticles.filter((a) => a.department === slug);
      expect(articles.length, slug).toBeGreaterThanOrEqual(7);
      const categories = new Set(articles.map((a) => a.category));
      expect(categories.size, slug).toBeGreaterThanOrEqual(2);
      expect(categories.size, slug).toBeLessThanOrEqual(7);
    }
    expect(starterArticles.filter((a) => a.department === 'it').length).toBeGreaterThanOrEqual(20);
  });

  it('keeps a few agent runbooks staff-only and the rest visible to everyone', () => {
    const staff = starterArticles.filter((a) => a.visibility === 'staff');
    expect(staff.length).toBeGreaterThanOrEqual(4);
    expect(staff.length).toBeLessThanOrEqual(8);
    expect(staff.map((a) => a.slug)).toEqual(expect.arrayContaining(['unlock-account-in-directory', 'issue-bitlocker-recovery-key', 'approve-admin-rights-request', 'handle-phishing-report']));
    for (const a of staff) expect(a.title, a.slug).toMatch(/^Runbook: /);
    expect(starterArticles.filter((a) => a.visibility === 'everyone').length).toBe(40 - staff.length);
  });

  it.each(starterArticles.map((a) => [a.slug, a] as const))('%s: summary, numbered steps, and when to open a ticket', (_slug, article) => {
    const { body } = article;
    const blocks = body.split(/\n{2,}/);
    // A one-paragraph summary first: prose, not a heading, list or table.
    expect(blocks[0]).toMatch(/^[A-Z*]/);
    expect(blocks[0]).not.toMatch(/^(#|\||- |\d+\. )/m);
    expect(words(blocks[0]!)).toBeGreaterThanOrEqual(30);

    const steps = body.indexOf('\n## Steps\n');
    const notHelped = body.indexOf('\n## If that did not help\n');
    expect(steps, 'has ## Steps').toBeGreaterThan(0);
    expect(notHelped, 'has ## If that did not help after the steps').toBeGreaterThan(steps);
    const stepsSection = body.slice(steps, notHelped);
    const numbered = stepsSection.match(/^\d+\. .+/gm) ?? [];
    expect(numbered.length, 'numbered steps').toBeGreaterThanOrEqual(3);
    expect(numbered[0]).toMatch(/^1\. /);
    expect(words(body.slice(notHelped)), 'what to do next').toBeGreaterThanOrEqual(25);

    expect(words(body)).toBeGreaterThanOrEqual(150);
    expect(words(body)).toBeLessThanOrEqual(400);
    expect(body).not.toMatch(/^---\n/); // no front matter: the fields are the module's
    expect(article.tags.length).toBeGreaterThanOrEqual(2);
  });
});
