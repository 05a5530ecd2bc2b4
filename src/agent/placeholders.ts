/**
 * Replaces every `{port}` and `{instance}` in each argument. The replacement is literal:
 * no other syntax is expanded, and the values are never re-scanned for placeholders.
 */
export function fillPlaceholders(args: readonly string[], values: { port: number; instance: string }): string[] {
  return args.map((arg) => arg.replaceAll('{port}', String(values.port)).replaceAll('{instance}', values.instance));
}
