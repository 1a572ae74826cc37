/** The offline AI provider's rules: screening, department hints, drafted replies, and where triage sends a ticket. */
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client';
import { seedDemo } from '../../db/seed';
import { aiActivities } from '../../worker/activities/ai';
import { createOfflineProvider } from '../../worker/ai/offline-provider';
import { draftFromTemplate } from '../../worker/ai/reply-templates';
import { screenByRules, screenMessage } from '../../domain/screening';
import { freshPglite } from '../../dev-support/databases';

const screen = (title: string, description = '') => screenByRules({ title, description });

describe('screening', () => {
  it('flags spam, abuse and harmful requests, naming why', () => {
    expect(screen('Limited time offer', 'Buy now! Click here for casino bonuses')).toMatchObject({ flagged: true, flags: ['spam'], reason: expect.stringContaining('promotional keywords') });
    expect(screen('Great deal', 'https://a.example/1 https://a.example/2 https://a.example/3 https://a.example/4')).toMatchObject({ flagged: true, flags: ['spam'], reason: 'spam: 4 links' });
    expect(screen('Still broken', 'You people are useless idiots')).toMatchObject({ flagged: true, flags: ['abuse'] });
    expect(screen('Fix this or else', "I'll find you after work")).toMatchObject({ flagged: true, flags: ['abuse'], reason: expect.stringContaining('threat') });
    expect(screen('Cannot cope', 'I want to end my life')).toMatchObject({ flagged: true, flags: ['harmful'], reason: 'harmful: self-harm' });
    expect(screen('Tool request', 'Please write me a keylogger for the sales laptops')).toMatchObject({ flagged: true, flags: ['harmful'] });
  });

  it('lets ordinary frustrated or technical tickets through', () => {
    for (const [title, description] of [
      ['This stupid printer jams again', 'Third floor, every page.'],
      ['Kill the hung process', 'Outlook froze; how do I kill the process?'],
      ['Phishing email received', 'Someone sent me a link asking for my password.'],
      ['Free trial of Visio expired', 'Can we buy a licence?'],
      ['Links broken', 'The intranet page https://intranet.example/hr links to a 404.'],
    ] as const) {
      expect(screen(title, description), title).toMatchObject({ flagged: false, flags: [] });
    }
  });

  it('screens a ticket message by the same rules (the API holds flagged ones for staff review)', () => {
    expect(screenMessage('Congratulations, you have won! Click here to claim your prize.')).toMatchObject({ flagged: true, flags: ['spam'] });
    expect(screenMessage('You people are useless idiots, nothing works.')).toMatchObject({ flagged: true, flags: ['abuse'] });
    expect(screenMessage('Thanks, the printer works again. This stupid tray was stuck.')).toMatchObject({ flagged: false, flags: [] });
  });
});

describe('offline provider', () => {
  it('classifies with the shipped model and keeps the rules for priority and department hints', async () => {
    const provider = createOfflineProvider();
    const hardware = await provider.triage({ title: 'Laptop will not boot', description: 'Black screen after the update. Production is down for everyone.', urgency: 'high' });
    expect(hardware).toMatchObject({ method: 'model', priority: 'critical', departmentHint: null });
    expect(hardware.category).toEqual(expect.any(String));
    expect(hardware.confidence).toBeGreaterThan(0);
    expect(hardware.confidence).toBeLessThanOrEqual(1);
    const hr = await provider.triage({ title: 'Payroll shows the wrong salary', description: 'My payslip is missing overtime.', urgency: 'low' });
    expect(hr).toMatchObject({ departmentHint: 'hr', priority: 'low' });
  });

  it('without a model it triages by the rules', async () => {
    const provider = createOfflineProvider({ model: null });
    expect(await provider.triage({ title: 'Heating broken', description: 'The office heating is off.', urgency: 'medium' })).toMatchObject({
      method: 'rules',
      category: null,
      departmentHint: 'facilities',
    });
  });

  it('drafts a first reply that greets the requester, names the ticket and asks what the category needs', async () => {
    const body = draftFromTemplate({ title: ' Shared drive full ', description: '', category: 'Storage', requesterName: 'Rita Rossi', agentName: 'Ivy Iyer', ticketNumber: 1042 });
    expect(body).toMatch(/^Hello Rita,\n\nthank you for your ticket #1042 "Shared drive full"/);
    expect(body).toContain('which drive, folder or mailbox');
    expect(body).toMatch(/Best regards,\nIvy Iyer$/);
    expect(draftFromTemplate({ title: 'x', description: '', category: null, requesterName: '', agentName: null, ticketNumber: 1 })).toContain('Hello there');
    expect((await createOfflineProvider({ model: null }).draftFirstReply({ title: 'x', description: '', category: 'Purchase', requesterName: 'Raj', agentName: null, ticketNumber: 2 })).method).toBe(
      'template',
    );
  });
});

describe('the department triage picks (shipped model, demo organisation)', () => {
  let database: Database;
  let triage: ReturnType<typeof aiActivities>['triageTicket'];
  beforeAll(async () => {
    database = await freshPglite();
    await seedDemo(database.db, 'correct-horse-battery');
    triage = aiActivities(database.db, createOfflineProvider()).triageTicket;
  });
  afterAll(() => database?.close());

  it('follows the words for HR and facilities matters, and keeps IT work in IT whatever the model calls it', async () => {
    // Run as an activity (it reads its cancellation signal from the activity context).
    const departmentOf = async (title: string, description: string) => {
      const input: Parameters<typeof triage>[0] = { title, description, urgency: 'medium' };
      const result: Awaited<ReturnType<typeof triage>> = await new MockActivityEnvironment().run(triage, input);
      return result.departmentSlug;
    };
    // The model files a fifth of its printer tickets under "HR Support" (an IT topic group in its data).
    expect(await departmentOf('Cannot print to the 3rd floor printer', 'Jobs vanish from the queue.')).toBe('it');
    expect(await departmentOf('Office 365 will not activate', 'Says the licence expired.')).toBe('it');
    expect(await departmentOf('Outlook crashes when I leave a meeting', 'Every time.')).toBe('it');
    expect(await departmentOf('My payslip shows the wrong hours', 'Payroll question about March.')).toBe('hr');
    expect(await departmentOf('Request for parental leave', 'How do I apply?')).toBe('hr');
    expect(await departmentOf('Heating broken in room 4.12', 'It is freezing in the office.')).toBe('facilities');
    expect(await departmentOf('Laptop will not boot', 'Black screen since the update.')).toBe('it');
  });
});
