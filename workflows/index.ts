export { ticketWorkflow } from './ticket/workflow';
export { notificationPruneWorkflow, slaReconcileWorkflow } from './maintenance';
export { mailDeliveryWorkflow, mailDigestWorkflow, mailReconcileWorkflow } from './mail';
export { mailboxWorkflow } from './mailbox';
export { assistWorkflow } from './assist';
export { misuseReportWorkflow } from './misuse';
export { articleEmbeddingWorkflow } from './knowledge';
export { reportDigestWorkflow } from './report-digest';
