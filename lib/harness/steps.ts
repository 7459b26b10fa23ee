// Diffusion step counts given relative to the output length ("L/4"), resolved per record.

/** An absolute step count, or the output length divided by `divisor`. */
export type StepsSpec = { absolute: number } | { divisor: number };

export function resolveSteps(spec: StepsSpec | undefined, length: number): number | undefined {
  if (!spec) return undefined;
  return 'absolute' in spec ? spec.absolute : Math.max(1, Math.floor(length / spec.divisor));
}
