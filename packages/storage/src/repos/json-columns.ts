/** JSON columns hold JSON text on both dialects; these are the only two ways in and out. */
export const toJson = (value: unknown): string => JSON.stringify(value);

export const fromJson = <T>(text: string): T => JSON.parse(text) as T;
