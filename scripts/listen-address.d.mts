// Types of listen-address.mjs (a plain script module, so `npm start` needs no TypeScript loader).
export declare const DEFAULT_HOSTNAME: string;
export declare function hostnameIn(args: readonly string[]): string | null;
export declare function isLoopback(hostname: string): boolean;
export declare function listenPlan(args: readonly string[], env: Record<string, string | undefined>): { args: string[]; refusal: string | null };
