import { relations } from 'drizzle-orm';
import { departments, sessions, users } from './org';
import { comments, ticketEvents, tickets } from './tickets';

export const departmentRelations = relations(departments, ({ many }) => ({ users: many(users), tickets: many(tickets) }));

export const userRelations = relations(users, ({ one, many }) => ({
  department: one(departments, { fields: [users.departmentId], references: [departments.id] }),
  sessions: many(sessions),
}));

export const sessionRelations = relations(sessions, ({ one }) => ({ user: one(users, { fields: [sessions.userId], references: [users.id] }) }));

export const ticketRelations = relations(tickets, ({ one, many }) => ({
  department: one(departments, { fields: [tickets.departmentId], references: [departments.id] }),
  assignee: one(users, { fields: [tickets.assigneeId], references: [users.id], relationName: 'assignee' }),
  requester: one(users, { fields: [tickets.requesterId], references: [users.id], relationName: 'requester' }),
  events: many(ticketEvents),
  comments: many(comments),
}));

export const ticketEventRelations = relations(ticketEvents, ({ one }) => ({ ticket: one(tickets, { fields: [ticketEvents.ticketId], references: [tickets.id] }) }));

export const commentRelations = relations(comments, ({ one }) => ({
  ticket: one(tickets, { fields: [comments.ticketId], references: [tickets.id] }),
  author: one(users, { fields: [comments.authorId], references: [users.id] }),
}));
