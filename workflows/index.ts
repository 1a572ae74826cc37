export { ticketWorkflow } from './ticket/workflow';
export { notificationPruneWorkflow, slaReconcileWorkflow } from './maintenance';
export { mailDeliveryWorkflow, mailDigestWorkflow, mailReconcileWorkflow } from './mail';
export { mailboxWorkflow } from './mailbox';
export { articleEmbeddingWorkflow } from './knowledge';
