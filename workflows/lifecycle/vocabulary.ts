/**
 * The enum values workflow code needs at run time, as plain arrays: db/schema/enums.ts defines them
 * with drizzle's pgEnum, which the workflow bundle must not load (a unit test keeps them equal).
 */
import type { Priority, Role } from '../../db/schema/enums';

/** Least to most urgent, so "one step up" is the next index. */
export const priorities: readonly Priority[] = ['low', 'medium', 'high', 'critical'];
export const roles: readonly Role[] = ['requester', 'agent', 'supervisor', 'admin'];
