/**
 * The guide's clients hard-code `https://api.intendedops.dev` in their usage code. This preload
 * sends those requests to the server under test instead, so the usage runs unchanged:
 * `node --import tsx --import ./test/support/guide-fetch-redirect.ts test/guide-client.ts`
 * with INTENDEDOPS_GUIDE_BASE_URL set. Nothing else about the requests changes.
 */
export const GUIDE_ORIGIN = "https://api.intendedops.dev";

/** Replace globalThis.fetch with one that rewrites the guide's origin; returns the undo. */
export function redirectGuideFetch(baseUrl: string): () => void {
  const original = globalThis.fetch;
  globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const rewritten =
      typeof input === "string" && input.startsWith(GUIDE_ORIGIN)
        ? `${baseUrl}${input.slice(GUIDE_ORIGIN.length)}`
        : input;
    return original(rewritten, init);
  }) as typeof fetch;
  return () => {
    globalThis.fetch = original;
  };
}

const target = process.env.INTENDEDOPS_GUIDE_BASE_URL;
if (target) redirectGuideFetch(target);
