/** Minutes of human work each efficiency-valued sales type saves (priced at the hourly rate). */
export const SALES_MINUTES_SAVED = {
  qualify_lead: 10,
  schedule_call: 5,
  assign_territory: 15,
} as const;
