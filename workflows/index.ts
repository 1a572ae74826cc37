export { ticketWorkflow } from './ticket';
export { slaReconcileWorkflow } from './maintenance';
