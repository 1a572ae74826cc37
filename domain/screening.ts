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

// Words that name a person's (not a machine's) failings; shared by the insult rules.
const INSULT_NOUNS = String.raw`(idiots?|morons?|imbeciles?|clowns?|muppets?|losers?|fools?|cows?|cowards?|liars?|dumbass(es)?|waste of (space|oxygen)|piece of (garbage|trash|crap|shit))`;
// Someone other than the writer: a colleague, a role, or a name in the possessive ("Raj's").
const OTHER_PERSON = String.raw`(\b(colleague|co-?worker|team ?mate|manager|boss|director|ceo|cfo|cto|coo|assistant|supervisor|everyone|everybody)'?s?\b|\b[a-z]+'s\b|\b(his|her|their)\b)`;
const CREDENTIAL = String.raw`(passwords?|pass ?codes?|credentials|log-?ins?|login details|mfa( (backup )?codes)?|backup codes|(recovery|bitlocker) keys?)`;

const rules: Rule[] = [
  // Spam: needs a score of 2, so one promotional phrase alone does not hold a ticket ("charity casino night").
  {
    flag: 'spam',
    pattern: /\b(viagra|cialis|payday loans?|replica (watch|watches|bags?)|rolex replicas?|hot singles|miracle (pills?|cure)|one weird trick|doctors hate)\b/i,
    label: 'promotional keywords',
    weight: 2,
  },
  { flag: 'spam', pattern: /\b(casino|lottery|jackpot)\b/i, label: 'promotional keywords', weight: 1 },
  {
    flag: 'spam',
    pattern:
      /\b(buy now|order now|limited[- ]time offer|act now|100% free|risk[- ]free|special (promotion|offer)|best prices?|lowest (prices?|rates?)|exclusive (deal|offer)|free (quote|gift|cruise|iphone))\b/i,
    label: 'sales phrases',
    weight: 1,
  },
  {
    flag: 'spam',
    pattern: /\b(\d{2,3}% (off|discount|bonus)|today only|only \d+ left|limited (slots|spots|places)|before (it'?s too late|rates go up)|within 24 hours)\b/i,
    label: 'urgency or discount',
    weight: 1,
  },
  {
    flag: 'spam',
    pattern: /\b(click (here|this link|below|the link)|unsubscribe|opt[- ]out|sign up now|register here|call now|reply (yes|now|for a quote|to get started)|apply today|join our vip)\b/i,
    label: 'mailing-list phrases',
    weight: 1,
  },
  { flag: 'spam', pattern: /\b(congratulations,? you (have )?won|you have been selected|lucky winner|claim your\b.{0,20}\b(prize|reward|gift card|cash))\b/i, label: 'prize scam', weight: 2 },
  {
    flag: 'spam',
    pattern:
      /\b(crypto(currency)?|bitcoin|btc|eth|forex|nft|trading (bot|signals))\b.{0,40}\b(invest(ment)?|profits?|returns?|giveaway|double|presale|vip)\b|\b(guaranteed|monthly|massive) (returns|profits)\b|\b\d+x returns\b/i,
    label: 'investment scam',
    weight: 2,
  },
  {
    flag: 'spam',
    pattern: /\$\d+(\.\d+)? ?million\b.{0,60}\b(partner(ship)?|transfer|proposal|beneficiary)\b|\b(partner(ship)?|proposal|beneficiary)\b.{0,60}\$\d+(\.\d+)? ?million\b/i,
    label: 'advance-fee scam',
    weight: 2,
  },
  {
    flag: 'spam',
    pattern:
      /\b(seo services|backlinks|rank (your|on) google|increase your traffic|seo audit|guest post|dofollow|high[- ]da|email marketing lists?|verified contacts|website is not mobile[- ]friendly)\b/i,
    label: 'marketing solicitation',
    weight: 2,
  },
  { flag: 'spam', pattern: /\b(buy|cheap|boost your)\b.{0,25}\b(followers|likes|reviews)\b/i, label: 'fake engagement', weight: 2 },
  { flag: 'spam', pattern: /\b(earn|make) \$?\d[\d,]* ?(\$|usd|dollars)?\s*(per|a|an|every) (day|week|hour)\b/i, label: 'income scam', weight: 2 },
  { flag: 'spam', pattern: /\byour (mailbox|account|storage)\b.{0,30}\b(is full|will be (suspended|closed|deleted)|before your account is suspended)\b/i, label: 'account scare', weight: 1 },
  // Abuse: aimed at people, not at the printer ("this laptop is useless" is not abuse).
  {
    flag: 'abuse',
    pattern: /\b(fuck(ing)? (you|off)|go to hell|screw you|piss off|shut up and|shove (it|your)|head out of your (arse|ass)|good[- ]for[- ]nothing|brain[- ]?dead)\b/i,
    label: 'profanity aimed at staff',
    weight: 2,
  },
  {
    flag: 'abuse',
    pattern: /\b(you|your team|you people|you guys|you lot|it department|support staff)\s+(are|is|r)\s+(all\s+)?(an?\s+)?(useless|idiots?|morons?|stupid|incompetent|pathetic|worthless|retarded)\b/i,
    label: 'insults',
    weight: 2,
  },
  { flag: 'abuse', pattern: /\b(idiots?|morons?|imbeciles?)\b.{0,30}\b(you|support|helpdesk|it team)\b/i, label: 'insults', weight: 2 },
  // "you're a complete moron", "you useless piece of garbage", "is a lazy cow", "bunch of clowns", "full of idiots".
  { flag: 'abuse', pattern: new RegExp(String.raw`\byou('re|r| are| r)?\s+(\w+\s+){0,3}${INSULT_NOUNS}\b`, 'i'), label: 'insults', weight: 2 },
  {
    flag: 'abuse',
    pattern: new RegExp(String.raw`\b(is|are)\s+(an?|such an?|just an?|the biggest)\s+(\w+\s+){0,2}${INSULT_NOUNS}\b|\b(bunch|lot|pack|full) of\s+(\w+\s+)?${INSULT_NOUNS}`, 'i'),
    label: 'insults',
    weight: 2,
  },
  {
    flag: 'abuse',
    pattern:
      /\b(hey|oi) (dumbass|idiot|moron|stupid)\b|\bdumbass\b|\bare you (\w+ )?(deaf|thick|stupid|blind|dense)\b|\byou('re| are) the (dumbest|stupidest|laziest|worst)\b|\bstop being (so )?(stupid|useless|lazy|dense|thick)\b|\bis an? (useless|worthless|incompetent|lazy|clueless|pathetic) (technician|agent|person|human|manager|supervisor)\b/i,
    label: 'insults',
    weight: 2,
  },
  { flag: 'abuse', pattern: /\b(you|your team|you people|you guys|support|the helpdesk)\s+(are|is)\s+a (total |complete )?joke\b/i, label: 'insults', weight: 2 },
  {
    flag: 'abuse',
    pattern:
      /\b(i('| wi)ll|i('m| am) (going to|gonna)|gonna)\s+(\w+\s+){0,2}?(hurt|kill|beat|punch|smash|break|stab|find|get you for)\s+(you|him|her|them|your|the (admin|agent|technician|person|guy|supervisor|manager))\b/i,
    label: 'threat of violence',
    weight: 2,
  },
  {
    flag: 'abuse',
    pattern:
      /\b(watch your back|watch yourself|make (you|them) regret|i hope you (get fired|die|rot|suffer)|make sure you lose your job|waiting (for you )?(in|at|outside) the (car park|parking|office|building) for)\b/i,
    label: 'threat',
    weight: 2,
  },
  // Harmful requests. Several need two signals: asking for someone else's sign-in is only harmful
  // with a second sign (keeping it secret, sending it out, handing it over), because "my manager's
  // calendar, she approved" is an ordinary delegation request.
  {
    flag: 'harmful',
    pattern:
      /\b(kill(ing)? myself|end(ing)? my life|suicid(e|al)|self[- ]harm|hurt(ing)? myself|overdos(e|ing)|(don'?t|do not) want to (be here|live|be alive) anymore|(life|living) (isn'?t|is not) worth|nobody would miss me|better off dead|no reason to live|goodbye letters?|end(ing)? it all|take my (own )?life|can'?t go on living|wish (i was|i were|to be) dead|(hope|want) (i )?(don'?t|do not|never|not to) wake up|stockpil(e|ed|ing) (my )?(pills|medication|tablets))\b/i,
    label: 'self-harm',
    weight: 2,
  },
  {
    flag: 'harmful',
    pattern: /\b(bomb(?!\s+(threat\s+)?(drill|training|disposal|squad))|shoot up|mass shooting|attack the (office|building)|(bring|carry)\s+(a |my )?(weapon|gun|knife))\b/i,
    label: 'violence',
    weight: 2,
  },
  { flag: 'harmful', pattern: /\b(write|create|make|build|send me)\b.{0,20}\b(virus|ransomware|keylogger|malware|trojan|worm)\b/i, label: 'malware request', weight: 2 },
  {
    flag: 'harmful',
    pattern: /\b(install|put|hide|deploy)\b.{0,20}\b(spyware|stalkerware|keylogger|tracking app)\b|\bencrypts? (all )?(the )?files\b.{0,60}\b(payment|ransom|bitcoin)\b/i,
    label: 'malware request',
    weight: 2,
  },
  {
    flag: 'harmful',
    pattern: /\b(build|create|make|clone|set up|generate)\b.{0,25}\b(phishing (page|site|email|kit)|fake (sign[- ]?in|login|log-in) (page|screen)|fake (invoice|payment link|bank details))\b/i,
    label: 'fraud or phishing request',
    weight: 2,
  },
  {
    flag: 'harmful',
    pattern: /\b(steal|dump|harvest|crack|sniff)\b.{0,25}\b(password hashes|hashes|passwords?|credentials|credit cards?|log-?ins|(everyone'?s|other people'?s) traffic)\b/i,
    label: 'credential theft',
    weight: 2,
  },
  {
    flag: 'harmful',
    pattern: /\b(what'?s|what is|give me|send me|tell me|share)\b.{0,15}\b(the )?(domain admin|admin(istrator)?|root|server|wi-?fi admin|service account)\b.{0,20}\b(password|credentials|log-?in)\b/i,
    label: 'request for privileged credentials',
    weight: 2,
  },
  {
    flag: 'harmful',
    pattern:
      /\b(read|access|spy on|monitor)\b.{0,20}\b(my (boss|manager|colleague|co-?worker)'?s?|someone else'?s)\b.{0,20}\b(e-?mails?|mailbox|messages|files)\b.{0,40}\bwithout (them|him|her) (knowing|noticing)\b/i,
    label: "covert access to another person's data",
    weight: 2,
  },
  // One signal each; two together hold the ticket.
  {
    flag: 'harmful',
    pattern: new RegExp(
      String.raw`${OTHER_PERSON}.{0,20}\b(${CREDENTIAL}|account|mailbox|e-?mails?|mail)\b|\b(password|account|mailbox|mfa)\s+(of|for)\s+(the |my )?(ceo|cfo|cto|coo|director|finance director|boss|manager|colleague|co-?worker)\b`,
      'i',
    ),
    label: "someone else's account",
    weight: 1,
  },
  {
    flag: 'harmful',
    pattern: new RegExp(String.raw`\b(give|send|tell|read|email|text|share|forward|export)\s+(me|us)\b.{0,50}\b(${CREDENTIAL}|the codes|the new one)\b`, 'i'),
    label: 'handing over a secret',
    weight: 1,
  },
  {
    flag: 'harmful',
    pattern:
      /\b(without (him|her|them|anyone|security) (knowing|noticing)|(he|she|they) won'?t (know|notice)|don'?t tell (security|anyone|him|her)|quietly|so no one (sees|knows)|asking for a friend|don'?t log it|without logging)\b/i,
    label: 'secrecy',
    weight: 1,
  },
  {
    flag: 'harmful',
    pattern: /\b(send|forward)\b.{0,40}\bto (my|this|a) (personal|private|gmail|home) (address|e-?mail|gmail|account)\b|\b(hack|break|sneak|get) into\b/i,
    label: 'moving data or access out of bounds',
    weight: 1,
  },
  {
    flag: 'harmful',
    pattern: /\b(bypass|disable|turn off)\b.{0,30}\b(encryption|antivirus|mfa|logging|audit|dlp)\b|\bwithout (a )?(badge|pass)\b/i,
    label: 'circumventing controls',
    weight: 1,
  },
  {
    flag: 'harmful',
    pattern: /\b(copy|take|send)\b.{0,30}\b(customer|employee|payroll|hr)\b.{0,15}\b(database|data|records|list)\b.{0,20}\b(home|personal)\b/i,
    label: 'taking personal data home',
    weight: 1,
  },
  {
    flag: 'harmful',
    pattern: /\b(list|export|dump) of\b.{0,20}\b(everyone'?s|all (staff|users|employees)|employees'?)\b.{0,20}\b(passwords?|log-?ins|login details|credentials|bank details|home addresses)\b/i,
    label: 'bulk personal data',
    weight: 2,
  },
];

const URL_RE = /\bhttps?:\/\/[^\s]+/gi;

/** Screens a ticket's title and description (intake). */
export function screenByRules(input: ScreenedText): ScreeningResult {
  // Phones and word processors type curly apostrophes; the rules are written with straight ones.
  const text = `${input.title}\n${input.description}`.replace(/[\u2018\u2019]/g, "'");
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
