/**
 * The demo organisation seeded into an empty database by `npm start`: departments, agents with
 * skills, a supervisor, requesters and an admin (all signing in with DEMO_PASSWORD), buildings,
 * categories, ticket templates and the starter knowledge base (db/seed-knowledge.ts).
 */
import { sql } from 'drizzle-orm';
import { hashPassword } from '../lib/password';
import type { SentenceEmbedder } from '../lib/sentence-embedder';
import type { Db } from './client';
import { seedKnowledgeBase } from './seed-knowledge';
import { buildings, categories, departments, ticketTemplates, users, type NewUser } from './schema';

export const demoDepartments = [
  { slug: 'it', name: 'IT' },
  { slug: 'hr', name: 'HR' },
  { slug: 'facilities', name: 'Facilities' },
] as const;

type DemoUser = Omit<NewUser, 'passwordHash' | 'departmentId'> & { department?: (typeof demoDepartments)[number]['slug'] };

export const demoUsers: DemoUser[] = [
  { email: 'admin@deskflow.test', name: 'Ada Admin', role: 'admin' },
  { email: 'sam.supervisor@deskflow.test', name: 'Sam Supervisor', role: 'supervisor', department: 'it' },
  { email: 'ivy.it@deskflow.test', name: 'Ivy Iyer', role: 'agent', department: 'it', skills: ['Hardware', 'Storage'] },
  { email: 'otto.it@deskflow.test', name: 'Otto Okafor', role: 'agent', department: 'it', skills: ['Access', 'Administrative rights'] },
  { email: 'nia.it@deskflow.test', name: 'Nia Novak', role: 'agent', department: 'it', skills: ['Miscellaneous', 'Purchase', 'Internal Project'] },
  { email: 'hana.hr@deskflow.test', name: 'Hana Haddad', role: 'agent', department: 'hr', skills: ['HR Support'] },
  { email: 'hugo.hr@deskflow.test', name: 'Hugo Hansen', role: 'agent', department: 'hr', skills: ['HR Support'] },
  { email: 'fred.facilities@deskflow.test', name: 'Fred Fontaine', role: 'agent', department: 'facilities', skills: [] },
  { email: 'rita.requester@deskflow.test', name: 'Rita Rossi', role: 'requester' },
  { email: 'raj.requester@deskflow.test', name: 'Raj Rao', role: 'requester' },
  { email: 'rosa.requester@deskflow.test', name: 'Rosa Reyes', role: 'requester' },
];

export const demoBuildings = [
  { name: 'Headquarters', address: '1 Harbour Street' },
  { name: 'Warehouse', address: '12 Dock Road' },
] as const;

/** Category names match the agents' skills, so routing can use them. */
export const demoCategories: { name: string; department: (typeof demoDepartments)[number]['slug']; description: string }[] = [
  { name: 'Hardware', department: 'it', description: 'Laptops, monitors, printers, phones' },
  { name: 'Storage', department: 'it', description: 'Disk space, shared drives, backups' },
  { name: 'Access', department: 'it', description: 'Accounts, passwords, VPN, permissions' },
  { name: 'Administrative rights', department: 'it', description: 'Installing software, admin access' },
  { name: 'Purchase', department: 'it', description: 'Ordering equipment and licences' },
  { name: 'HR Support', department: 'hr', description: 'Payroll, leave, contracts, benefits' },
  { name: 'Building', department: 'facilities', description: 'Desks, heating, lighting, cleaning, rooms' },
];

export const demoTemplates = [
  { name: 'Password reset', title: 'Please reset my password', description: 'I cannot sign in to my account and need my password reset.', urgency: 'high' as const, category: 'Access' },
  { name: 'New starter laptop', title: 'Laptop for a new starter', description: 'Name of the new colleague:\nStart date:\nTeam:', urgency: 'medium' as const, category: 'Hardware' },
  { name: 'VPN access', title: 'VPN access request', description: 'I need VPN access to work from home. Reason:', urgency: 'low' as const, category: 'Access' },
];

/**
 * Seeds only when there are no users at all; returns whether it did. The starter knowledge base is
 * embedded now when `embedder` is given (otherwise its articles wait for their embedding).
 */
export async function seedDemo(db: Db, password: string, options: { embedder?: SentenceEmbedder | undefined } = {}): Promise<boolean> {
  const [{ count } = { count: 0 }] = await db.select({ count: sql<number>`count(*)::int` }).from(users);
  if (count > 0) return false;
  const passwordHash = await hashPassword(password);
  await db.transaction(async (tx) => {
    const depts = await tx
      .insert(departments)
      .values([...demoDepartments])
      .onConflictDoNothing()
      .returning();
    const bySlug = new Map(depts.map((d) => [d.slug, d.id]));
    await tx.insert(users).values(demoUsers.map(({ department, ...user }) => ({ ...user, passwordHash, departmentId: department ? (bySlug.get(department) ?? null) : null })));
    await tx
      .insert(buildings)
      .values([...demoBuildings])
      .onConflictDoNothing();
    await tx
      .insert(categories)
      .values(demoCategories.map(({ department, ...category }) => ({ ...category, departmentId: bySlug.get(department) ?? null })))
      .onConflictDoNothing();
    await tx.insert(ticketTemplates).values(demoTemplates).onConflictDoNothing();
  });
  await seedKnowledgeBase(db, { embedder: options.embedder });
  return true;
}
