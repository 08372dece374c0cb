import { z } from "@hono/zod-openapi";

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

const wholeNumber = (name: string, min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(
      z.number().int().min(min, `${name} must be at least ${min}`).max(max, `${name} must be at most ${max}`),
    )
    .optional()
    .transform((value) => value ?? fallback)
    .openapi({ type: "integer", minimum: min, maximum: max, default: fallback });

/** `page` (from 1) and `pageSize` (≤ 100) query parameters. */
export const PaginationQuerySchema = z.object({
  page: wholeNumber("page", 1, 1_000_000, 1),
  pageSize: wholeNumber("pageSize", 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE),
});

/**
 * The list envelope's payload: `{ items, total, page, pageSize }`; with a `name`, a component of
 * /openapi.json (`AgentPage`…) that generated clients can name, rather than a shape inlined per route.
 */
export function pageOf<S extends z.ZodType>(item: S, name?: string) {
  const page = z.object({
    items: z.array(item),
    total: z.number().int().openapi({ description: "Items in every page together" }),
    page: z.number().int(),
    pageSize: z.number().int(),
  });
  return name ? page.openapi(name) : page;
}

/**
 * No id holds NUL (`%00`): PostgreSQL cannot even compare text with one, and the reads that run
 * outside the store's transactions (webhook and inbound endpoints, ambient clusters) answered 500.
 */
export const hasNoNul = (id: string): boolean => !id.includes("\0");

export const IdParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .refine(hasNoNul, "id must not contain a NUL character")
    .openapi({ param: { name: "id", in: "path" } }),
});
