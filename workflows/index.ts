export { ticketWorkflow } from './ticket/workflow';
export { slaReconcileWorkflow } from './maintenance';
