/** `send_invoice` → `sendInvoice`, at the type level. */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;

/** `send_invoice` → `sendInvoice`: the agent method name of an intent type's action. */
export function camelCase<S extends string>(action: S): CamelCase<S> {
  return action.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()) as CamelCase<S>;
}
