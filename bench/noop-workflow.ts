/** The baseline for bench:create: a workflow that does nothing, on the same Temporal server. */
export async function noopWorkflow(): Promise<void> {}
