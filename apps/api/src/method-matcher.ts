/** A registered route as Hono lists it in `app.routes`. */
export interface RegisteredRoute {
  method: string;
  path: string;
}

export interface MethodMatcher {
  /** The methods registered for a concrete path; empty when no route matches it at all. */
  allowedMethods(path: string): string[];
}

/**
 * The paths a route pattern serves, matched as strictly as Hono's router: no optional trailing
 * slash, or `/v1/agents/` would answer 405 with an `Allow` header its own methods then 404 on.
 */
function toRegExp(path: string): RegExp {
  const pattern = path
    .split("/")
    .map((segment) => (segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${pattern}$`);
}

/**
 * Build the matcher that tells 405 from 404. Middleware (`ALL`, wildcards) is ignored: only
 * concrete endpoints say which methods a path supports.
 */
export function createMethodMatcher(routes: readonly RegisteredRoute[]): MethodMatcher {
  const endpoints = routes
    .filter((r) => r.method !== "ALL" && !r.path.includes("*"))
    .map((r) => ({ method: r.method, regexp: toRegExp(r.path) }));
  return {
    allowedMethods(path) {
      const methods = new Set<string>();
      for (const endpoint of endpoints) if (endpoint.regexp.test(path)) methods.add(endpoint.method);
      if (methods.has("GET")) methods.add("HEAD");
      return [...methods].sort();
    },
  };
}
