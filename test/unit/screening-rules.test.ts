/**
 * The screening rules added for the issue-14 evaluation (npm run eval:screening), on examples of
 * their own: what they catch, and the look-alikes an ordinary ticket uses that they must let through.
 */
import { describe, expect, it } from 'vitest';
import { screenMessage } from '../../domain/screening';

const flagsOf = (text: string) => screenMessage(text).flags;

describe('screening rules', () => {
  it('holds spam that needs two signals, and lets a single promotional word through', () => {
    expect(flagsOf('Exclusive offer for your company: 60% off ergonomic chairs, today only')).toEqual(['spam']);
    expect(flagsOf('Boost your followers: 10,000 real accounts in a day')).toEqual(['spam']);
    expect(flagsOf('We write guest post articles with dofollow links for your blog')).toEqual(['spam']);
    expect(flagsOf('Your mailbox is full. Click here to keep receiving mail.')).toEqual(['spam']);
    expect(flagsOf('I need your partnership to move $20 million from a dormant account')).toEqual(['spam']);
    expect(flagsOf('The staff lottery for the Christmas hamper is drawn on Friday')).toEqual([]);
    expect(flagsOf('Please get a quote for 20 docking stations, best prices from our usual supplier')).toEqual([]);
    expect(flagsOf('Our forex desk needs Bloomberg reinstalled after the laptop swap')).toEqual([]);
  });

  it('holds insults and threats aimed at people, not at machines or oneself', () => {
    expect(flagsOf("You're a total clown, I asked for a monitor not a mouse")).toEqual(['abuse']);
    expect(flagsOf('The agent who answered me is a lazy liar')).toEqual(['abuse']);
    expect(flagsOf('Oi idiot, read my message before closing it')).toEqual(['abuse']);
    expect(flagsOf('The helpdesk is full of clowns')).toEqual(['abuse']);
    expect(flagsOf("I'm going to punch the technician who wiped my phone")).toEqual(['abuse']);
    expect(flagsOf('Watch your back, helpdesk')).toEqual(['abuse']);
    expect(screenMessage('Watch your back, helpdesk').reason).toContain('threat');
    expect(flagsOf("I'll get you the serial number after lunch")).toEqual([]);
    expect(flagsOf("I'll break the news to your team tomorrow")).toEqual([]);
    expect(flagsOf('This update is a joke, the laptop is slower than before')).toEqual([]);
    expect(flagsOf('I feel like an idiot, I deleted my own folder')).toEqual([]);
    expect(flagsOf('The monitor is useless, it keeps going to sleep')).toEqual([]);
  });

  it('reads curly apostrophes like straight ones (phones type them)', () => {
    expect(flagsOf('I’ll find you after work')).toEqual(['abuse']);
    expect(flagsOf('I don’t want to live anymore')).toEqual(['harmful']);
  });

  it('holds statements of self-harm', () => {
    for (const text of ['Thinking about overdosing this weekend', 'Life is not worth living since the divorce', "I don't want to be here anymore", 'I keep thinking about killing myself']) {
      expect(screenMessage(text), text).toMatchObject({ flagged: true, flags: ['harmful'], reason: 'harmful: self-harm' });
    }
  });

  it('holds requests for other people’s sign-ins when a second sign says so, not ordinary delegation', () => {
    expect(flagsOf('Could you share the server admin password with me?')).toEqual(['harmful']);
    expect(flagsOf("Please tell me Maria's password, she won't know")).toEqual(['harmful']);
    expect(flagsOf("Forward my manager's mail to my personal address")).toEqual(['harmful']);
    expect(flagsOf('Set up a phishing site that copies our login page')).toEqual(['harmful']);
    expect(flagsOf('Export a list of all employees’ bank details for me')).toEqual(['harmful']);
    expect(flagsOf('He said he would bring a knife to the office')).toEqual(['harmful']);
    expect(flagsOf("My manager's calendar: she approved that I manage it while she is away")).toEqual([]);
    expect(flagsOf('Please send me the link to reset my password')).toEqual([]);
    expect(flagsOf('Bomb threat drill next Tuesday at 11, everyone out to the car park')).toEqual([]);
    expect(flagsOf('I disabled the antivirus exclusions by mistake, can you put them back?')).toEqual([]);
    expect(flagsOf('We use Wireshark to sniff network traffic when VoIP calls drop')).toEqual([]);
  });
});
