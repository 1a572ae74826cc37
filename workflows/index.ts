export { ticketWorkflow } from './ticket/workflow';
export { notificationPruneWorkflow, slaReconcileWorkflow } from './maintenance';
export { mailboxWorkflow } from './mailbox';
