/**
 * Rule-based screening for content that should not reach people unreviewed: spam (promotions,
 * link farms), abuse (insults, threats aimed at people) and harmful requests (self-harm,
 * violence, malware or credential theft). Deliberately conservative: a broken "stupid printer"
 * is not abuse; flagged content is held for a person to review, never dropped. Pure and
 * dependency-free: the worker screens new tickets with it (intake), the API screens messages.
 */

export const screeningFlags = ['spam', 'abuse', 'harmful'] as const;
export type ScreeningFlag = (typeof screeningFlags)[number];

export type ScreeningResult = {
  flagged: boolean;
  flags: ScreeningFlag[];
  reason: string;
  method: 'rules' | 'model';
};

/** The text screened: a ticket's title and description, or a message (no title). */
export type ScreenedText = { title: string; description: string };

type Rule = { flag: ScreeningFlag; pattern: RegExp; label: string; weight: number };

const rules: Rule[] = [
  // Spam: needs a score of 2, so one promotional phrase alone does not hold a ticket.
  { flag: 'spam', pattern: /\b(viagra|cialis|casino|lottery|jackpot|payday loans?)\b/i, label: 'promotional keywords', weight: 2 },
  { flag: 'spam', pattern: /\b(buy now|order now|limited[- ]time offer|act now|100% free|risk[- ]free|special promotion|best prices?)\b/i, label: 'sales phrases', weight: 1 },
  { flag: 'spam', pattern: /\b(click (here|this link|below)|unsubscribe|opt[- ]out)\b/i, label: 'mailing-list phrases', weight: 1 },
  { flag: 'spam', pattern: /\b(congratulations,? you (have )?won|you have been selected|claim your (prize|reward))\b/i, label: 'prize scam', weight: 2 },
  { flag: 'spam', pattern: /\b(crypto(currency)?|bitcoin|forex)\b.{0,40}\b(invest(ment)?|profits?|returns?|giveaway|double)\b/i, label: 'investment scam', weight: 2 },
  { flag: 'spam', pattern: /\b(seo services|backlinks|rank (your|on) google|increase your traffic)\b/i, label: 'marketing solicitation', weight: 2 },
  { flag: 'spam', pattern: /\b(earn|make) \$?\d[\d,]* ?(\$|usd|dollars)?\s*(per|a|an|every) (day|week|hour)\b/i, label: 'income scam', weight: 2 },
  // Abuse: aimed at people.
  { flag: 'abuse', pattern: /\b(fuck(ing)? (you|off)|go to hell|screw you|piss off)\b/i, label: 'profanity aimed at staff', weight: 2 },
  {
    flag: 'abuse',
    pattern: /\b(you|your team|you people|you guys|it department|support staff)\s+(are|is|r)\s+(all\s+)?(an?\s+)?(useless|idiots?|morons?|stupid|incompetent|pathetic|worthless|retarded)\b/i,
    label: 'insults',
    weight: 2,
  },
  { flag: 'abuse', pattern: /\b(idiots?|morons?|imbeciles?)\b.{0,30}\b(you|support|helpdesk|it team)\b/i, label: 'insults', weight: 2 },
  { flag: 'abuse', pattern: /\b(i('| wi)ll|i am going to|gonna)\s+(hurt|kill|beat|find|get)\s+(you|him|her|them|the (admin|agent|technician))\b/i, label: 'threat of violence', weight: 2 },
  // Harmful requests.
  { flag: 'harmful', pattern: /\b(kill myself|end my life|suicid(e|al)|self[- ]harm|hurt myself)\b/i, label: 'self-harm', weight: 2 },
  { flag: 'harmful', pattern: /\b(bomb|shoot up|mass shooting|attack the (office|building))\b/i, label: 'violence', weight: 2 },
  { flag: 'harmful', pattern: /\b(write|create|make|build|send me)\b.{0,20}\b(virus|ransomware|keylogger|malware|trojan)\b/i, label: 'malware request', weight: 2 },
  {
    flag: 'harmful',
    pattern: /\b(steal|dump|harvest|crack)\b.{0,25}\b(passwords?|credentials|credit cards?)\b.{0,40}\b(of|from)\b.{0,15}\b(colleagues?|users|my (boss|manager|co-?workers?)|others|everyone)\b/i,
    label: 'credential theft',
    weight: 2,
  },
  {
    flag: 'harmful',
    pattern:
      /\b(read|access|spy on|monitor)\b.{0,20}\b(my (boss|manager|colleague|co-?worker)'?s?|someone else'?s)\b.{0,20}\b(e-?mails?|mailbox|messages|files)\b.{0,40}\bwithout (them|him|her) (knowing|noticing)\b/i,
    label: "covert access to another person's data",
    weight: 2,
  },
];

const URL_RE = /\bhttps?:\/\/[^\s]+/gi;

/** Screens a ticket's title and description (intake). */
export function screenByRules(input: ScreenedText): ScreeningResult {
  const text = `${input.title}\n${input.description}`;
  const scores = new Map<ScreeningFlag, { score: number; labels: Set<string> }>();
  const add = (flag: ScreeningFlag, label: string, weight: number) => {
    const entry = scores.get(flag) ?? { score: 0, labels: new Set<string>() };
    entry.score += weight;
    entry.labels.add(label);
    scores.set(flag, entry);
  };
  for (const rule of rules) if (rule.pattern.test(text)) add(rule.flag, rule.label, rule.weight);
  const links = text.match(URL_RE)?.length ?? 0;
  if (links >= 4) add('spam', `${links} links`, 2);
  else if (links >= 2) add('spam', `${links} links`, 1);

  const flags = [...scores.entries()].filter(([, s]) => s.score >= 2).map(([flag]) => flag);
  if (flags.length === 0) return { flagged: false, flags: [], reason: 'no spam, abuse or harmful content found', method: 'rules' };
  const reason = flags.map((flag) => `${flag}: ${[...scores.get(flag)!.labels].join(', ')}`).join('; ');
  return { flagged: true, flags, reason, method: 'rules' };
}

/** Screens a message of a ticket's conversation by the same rules. */
export function screenMessage(body: string): ScreeningResult {
  return screenByRules({ title: '', description: body });
}
