/** The agent queue's saved views (the `view` search param of /queue). */
export const queueViews = ['open', 'mine', 'unassigned', 'at_risk', 'breached', 'waiting'] as const;
export type QueueView = (typeof queueViews)[number];
